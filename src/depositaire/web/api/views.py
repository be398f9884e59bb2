"""The token pages: a user creates, lists and revokes their own API tokens; the system
administrator does so for every user of the organisation. A new token is shown once."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from depositaire.messages import lazy_t, t
from depositaire.web import fields
from depositaire.web.accounts import roles
from depositaire.web.api import tokens
from depositaire.web.api.models import DEFAULT_DAYS, MAX_DAYS, SCOPES, ApiToken
from depositaire.web.fields import SafeModelChoiceField
from depositaire.web.views import guard

ALL_ROLES = tuple(roles.ROLES)


class TokenForm(fields.Form):
    name = forms.CharField(label=lazy_t("api.tokens.name"), max_length=100, required=False)
    scopes = forms.MultipleChoiceField(
        label=lazy_t("api.tokens.scopes"),
        choices=[(s, lazy_t(f"api.tokens.scope_names.{s}")) for s in SCOPES],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": lazy_t("api.tokens.errors.scope_required")},
    )
    days = forms.IntegerField(
        label=lazy_t("api.tokens.days"),
        min_value=1,
        max_value=MAX_DAYS,
        initial=DEFAULT_DAYS,
        error_messages={
            "min_value": lazy_t("api.tokens.errors.days", limit=MAX_DAYS),
            "max_value": lazy_t("api.tokens.errors.days", limit=MAX_DAYS),
            "invalid": lazy_t("api.tokens.errors.days", limit=MAX_DAYS),
        },
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.creator = user
        if user.role == roles.SYSADMIN:
            self.fields["user"] = SafeModelChoiceField(
                label=t("api.tokens.user"),
                queryset=get_user_model().objects.filter(
                    organisation_id=user.organisation_id, is_active=True
                ),
                initial=user.pk,
            )

    def clean(self) -> dict[str, Any]:
        """A ``register`` token acts as its user on persons' files and is shown once, to its
        creator: only its user creates one (the system administrator, who never reads a
        person's data, gives others ``decide`` tokens only)."""
        data = super().clean() or {}
        owner = data.get("user")
        if (
            owner is not None
            and owner.pk != self.creator.pk
            and "register" in (data.get("scopes") or [])
        ):
            self.add_error("scopes", t("api.tokens.errors.register_for_other"))
        return data


@guard(*ALL_ROLES)
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = TokenForm(request.POST or None, user=user)
    created = ""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            owner = form.cleaned_data.get("user") or user
            _, created = tokens.issue(
                owner,
                list(form.cleaned_data["scopes"]),
                form.cleaned_data["days"],
                form.cleaned_data["name"],
                by=user,
            )
            form = TokenForm(user=user)
        else:
            status = 400
    listed = ApiToken.objects.managed_by(user).select_related("user")
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "created": created,
            "tokens": listed,
            "sysadmin": user.role == roles.SYSADMIN,
        },
        status=status,
    )


@guard(*ALL_ROLES, load={"token_id": (ApiToken, "managed_by")})
@require_POST
def token_revoke(request: HttpRequest, token: ApiToken) -> HttpResponse:
    tokens.revoke(token, request.user)
    messages.success(request, t("api.tokens.revoked"))
    return redirect("api_tokens:list")
