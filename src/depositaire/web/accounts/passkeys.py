"""WebAuthn passkeys, an optional second factor besides TOTP (django-otp-webauthn).

django-otp-webauthn gives the model (a django-otp device, so ``otp_login`` and
``is_verified`` work as for TOTP), the ceremonies and their checks (py_webauthn:
challenge, origin, relying party, signature counter). Around it, this module adds:

- the guard of every other page (login, second step passed or not, never cached);
- the journal: ``passkey_enrolled``, ``passkey_removed``, ``login`` (kind ``passkey``)
  and ``mfa_failed`` (kind ``passkey``), ids only;
- French: the library's own script speaks English (its catalogue has no French), so
  the pages use ``static/depositaire/passkeys.js``, a static file (the CSP allows no
  inline script) whose messages come from the page, from the one catalogue;
- passkeys only as a second factor (``OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN`` off):
  the ceremony needs the session of a user who gave the password.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.request import split_domain_port
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from django_otp_webauthn import views as webauthn_views
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential

from depositaire.messages import t
from depositaire.web.views import guard, journal


def relying_party_id(request: HttpRequest) -> str:
    """``DEPOSITAIRE_WEBAUTHN_RP_ID``, else the request's host without its port."""
    configured = str(getattr(settings, "WEBAUTHN_RP_ID", "") or "")
    if configured:
        return configured
    domain, _port = split_domain_port(request.get_host())
    return domain


class Helper(WebAuthnHelper):
    """The library's helper, also accepting the origin of a request to localhost."""

    def get_allowed_origins(self) -> list[str]:
        origins = list(super().get_allowed_origins())
        host = self.request.get_host()  # validated against ALLOWED_HOSTS
        if host == "localhost" or host.startswith("localhost:"):
            origins.append(f"{self.request.scheme}://{host}")
        return origins


def _json_status(response: HttpResponse) -> tuple[bool, dict[str, Any]]:
    try:
        data = json.loads(response.content or b"{}")
    except ValueError:
        data = {}
    return response.status_code == 200, data if isinstance(data, dict) else {}


def _checked(view: Any) -> Any:
    """The library's view, given only a body that is empty or a JSON object: anything
    else (bytes that are not UTF-8, a list, a number) is a 400, where the library let
    a ``UnicodeDecodeError`` or a ``TypeError`` through as a 500 (property test)."""

    def call(request: HttpRequest) -> HttpResponse:
        # Only a JSON body is read here (a form body was already read by the CSRF check;
        # the library then takes ``request.POST``, as it does itself).
        if request.content_type == "application/json" and request.body:
            try:
                data = json.loads(request.body.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                data = None
            if not isinstance(data, dict):
                return JsonResponse(
                    {"detail": t("security.passkeys.malformed"), "code": "malformed_request"},
                    status=400,
                )
        try:
            response: HttpResponse = view(request)
        except (TypeError, ValueError, KeyError, AttributeError):
            # A JSON object of the wrong shape that the library does not catch itself.
            return JsonResponse(
                {"detail": t("security.passkeys.malformed"), "code": "malformed_request"},
                status=400,
            )
        return response

    return call


_register_begin = _checked(webauthn_views.BeginCredentialRegistrationView.as_view())
_register_complete = _checked(webauthn_views.CompleteCredentialRegistrationView.as_view())
_auth_begin = _checked(webauthn_views.BeginCredentialAuthenticationView.as_view())
_auth_complete = _checked(webauthn_views.CompleteCredentialAuthenticationView.as_view())


@guard()
@require_POST
def register_begin(request: HttpRequest) -> HttpResponse:
    """Options for a new passkey (the session has passed the second factor already)."""
    return _register_begin(request)


@guard()
@require_POST
def register_complete(request: HttpRequest) -> HttpResponse:
    response = _register_complete(request)
    ok, data = _json_status(response)
    user: Any = request.user
    if ok:
        day = timezone.localdate().strftime("%d/%m/%Y")
        WebAuthnCredential.objects.filter(pk=data.get("id"), user=user, name="").update(
            name=t("security.passkeys.default_name", day=day)
        )
        journal(
            request,
            "passkey_enrolled",
            target=f"user:{user.pk}",
            details={"passkey_id": data.get("id")},
        )
    else:
        journal(request, "mfa_failed", target=f"user:{user.pk}", details={"kind": "passkey_enrol"})
    return response


@guard(verified=False)
@require_POST
def auth_begin(request: HttpRequest) -> HttpResponse:
    """Options to sign with one of the user's passkeys (after the password)."""
    return _auth_begin(request)


@guard(verified=False)
@require_POST
def auth_complete(request: HttpRequest) -> HttpResponse:
    response = _auth_complete(request)
    ok, data = _json_status(response)
    user: Any = request.user
    if ok:
        journal(
            request,
            "login",
            target=f"user:{user.pk}",
            details={"kind": "passkey", "passkey_id": data.get("id")},
        )
    else:
        journal(request, "mfa_failed", target=f"user:{user.pk}", details={"kind": "passkey"})
    return response


def has_passkey(user: Any) -> bool:
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()


@guard()
@require_http_methods(["GET", "POST"])
def passkeys_view(request: HttpRequest) -> HttpResponse:
    """One's passkeys: listed (name, added, last used), added, removed; journaled."""
    user: Any = request.user
    mine = WebAuthnCredential.objects.filter(user=user).order_by("created_at")
    if request.method == "POST":
        key = request.POST.get("passkey", "")
        passkey = mine.filter(pk=int(key)).first() if key.isdecimal() and len(key) < 19 else None
        if passkey is None:
            raise Http404
        passkey_id = passkey.pk
        passkey.delete()
        journal(
            request, "passkey_removed", target=f"user:{user.pk}", details={"passkey_id": passkey_id}
        )
        return redirect("accounts:passkeys")
    return render(
        request,
        "accounts/passkeys.html",
        {"passkeys": list(mine), "title": t("security.passkeys.title")},
    )
