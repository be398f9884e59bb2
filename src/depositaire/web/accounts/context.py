"""The signed-in user for the templates, as Django's ``auth`` context processor gives it,
but the user object itself rather than the request's lazy proxies.

``request.user`` is a lazy object (Django's authentication middleware) around another
(the second factor's, django_otp): each ``{{ user.… }}`` of a page went through both
proxies, a hundred lookups on every page for the header alone. The user is read once
here, as the first lookup would have read it; it is the same object, with the second
factor's ``otp_device`` and ``is_verified`` that django_otp set on it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import LazyObject, empty


def unwrapped(user: Any) -> Any:
    """The object behind the lazy proxies (evaluated if it was not yet)."""
    while isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        user = user._wrapped
    return user


def user(request: HttpRequest) -> dict[str, Any]:
    """``user`` as ``django.contrib.auth.context_processors.auth`` gives it (which runs
    first: the admin checks it is there), the object behind the proxies."""
    if not hasattr(request, "user"):
        return {}
    return {"user": unwrapped(request.user)}
