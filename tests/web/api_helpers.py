"""Calling the API from tests: a token per user, JSON calls with the bearer header."""

from __future__ import annotations

import json
from typing import Any

from depositaire.web.api.models import ApiToken


def token(user: Any, *scopes: str, days: int = 30) -> str:
    return ApiToken.issue(user, list(scopes or ("decide",)), days=days)[1]


def call(client: Any, method: str, url: str, raw: str | None = None, body: Any = None) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"} if raw else {}
    if method == "get":
        return client.get(url, **headers)
    data = json.dumps(body if body is not None else {}, default=str)
    return getattr(client, method)(url, data=data, content_type="application/json", **headers)
