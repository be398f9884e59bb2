"""Sealed model fields: the column holds a token from :func:`depositaire.web.crypto.seal`.

A sealed field's context is ``"<app>.<Model>.<field>:<uuid>"``: the token cannot be
moved to another row or column. Every sealed field is registered (in the apps'
``ready()``) so that key rotation finds it.
"""

from __future__ import annotations

from typing import Any


def context_for(label: str, field: str, obj: Any) -> str:
    return f"{label}.{field}:{obj.uuid}"


def register(label: str, *fields: str) -> None:
    from depositaire.web.crypto import register_sealed_field

    for field in fields:
        register_sealed_field(
            label, field, lambda obj, _f=field, _l=label: context_for(_l, _f, obj)
        )


class SealedFieldsMixin:
    """For models with a ``uuid``: write and read sealed columns."""

    uuid: Any
    _meta: Any

    def set_sealed(self, field: str, plaintext: str) -> None:
        from depositaire.web.crypto import seal

        setattr(self, field, seal(plaintext, context=context_for(self._meta.label, field, self)))

    def get_sealed(self, field: str) -> str:
        from depositaire.web.crypto import unseal

        token = getattr(self, field)
        if not token:
            return ""
        return unseal(token, context=context_for(self._meta.label, field, self))
