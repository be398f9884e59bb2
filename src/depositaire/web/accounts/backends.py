"""The authentication backend: Django's, with the user's organisation joined when a
request loads the signed-in user (every page shows its name: one query fewer a page).

``AUTHENTICATION_BACKENDS`` lists it first, then Django's ``ModelBackend``: sessions
signed in before this backend existed carry ModelBackend's path, and Django signs out
a session whose path is not listed. ModelBackend is there only to read those sessions:
every login is made by :class:`UserBackend` (the login view names it), and a refused
password stops at :class:`UserBackend` (the password is not hashed a second time).
"""

from __future__ import annotations

from typing import Any, Final

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from depositaire.web.db.prepared import Prepared

#: The dotted paths, as ``AUTHENTICATION_BACKENDS`` and the session store them.
USER_BACKEND: Final = "depositaire.web.accounts.backends.UserBackend"
LEGACY_SESSION_BACKEND: Final = "django.contrib.auth.backends.ModelBackend"


def _user_by_pk(pk: int) -> Any:
    model: Any = get_user_model()
    return model._default_manager.select_related("organisation").filter(pk=pk)[:1]


#: The signed-in user and its organisation, compiled once (every page loads them).
USER_BY_PK = Prepared(_user_by_pk, -1)


class UserBackend(ModelBackend):
    def authenticate(
        self,
        request: Any,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            # Django's authenticate() stops here and reports the failure (user_login_failed):
            # ModelBackend, listed next, must not check the same password again.
            raise PermissionDenied
        return user

    def get_user(self, user_id: Any) -> Any:
        user = USER_BY_PK.first(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
