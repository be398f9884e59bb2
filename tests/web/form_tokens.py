"""The one-time token a rendered form carries, for tests that post data directly."""

from __future__ import annotations

from typing import Any


def with_form_token(client: Any, path: str, data: Any) -> Any:
    """``data`` with a valid one-time token for ``path`` in the client's session, if it has none."""
    from django.http import QueryDict
    from django.urls import Resolver404, resolve
    from django.utils.datastructures import MultiValueDict

    from depositaire.web import once

    key = client.session.session_key
    if not key:
        return data
    try:
        scope = resolve(str(path).split("?")[0]).view_name
    except Resolver404:
        return data
    if data is None:
        data = {}
    if isinstance(data, (QueryDict, MultiValueDict)):
        if once.FIELD in data:
            return data
        data = data.copy()
        data[once.FIELD] = once.mint(key, scope)
    elif isinstance(data, dict) and once.FIELD not in data:
        data = {**data, once.FIELD: once.mint(key, scope)}
    return data
