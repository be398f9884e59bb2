"""The authentication backend: Django's, with the user's organisation joined when a
request loads the signed-in user (every page shows its name: one query fewer a page)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class UserBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        model: Any = get_user_model()
        user = model._default_manager.select_related("organisation").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
