"""Login in two steps (password, then a one-time code), logout, one's sessions, one's
password, the reset link an administrator sends, and the approval of account changes.

- The password step is throttled per account and per (address, account), never per
  address alone; a failure is journaled under the account's organisation, the name as
  an HMAC (:func:`depositaire.web.accounts.throttle.username_hmac`).
- The second step is django-otp: a TOTP application (enrolled at the first login,
  with a QR code and ten recovery codes) or one recovery code. django-otp throttles
  wrong codes itself (growing delays). Until it is passed, :func:`guard` lets the
  user reach only these pages.
- No administrator ever sets a password: the administrator sends a one-time link
  (Django's token generator, valid ``PASSWORD_RESET_TIMEOUT`` seconds, void once
  used) to the user's address; the user chooses the password.
"""

from __future__ import annotations

import re
from typing import Any

import segno
from django import forms
from django.conf import settings
from django.contrib.auth import authenticate as django_authenticate
from django.contrib.auth import login, logout, password_validation
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import (
    url_has_allowed_host_and_scheme,
    urlsafe_base64_decode,
    urlsafe_base64_encode,
)
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from depositaire.messages import lazy_t, t
from depositaire.web import fields
from depositaire.web.accounts import roles, throttle
from depositaire.web.accounts.backends import USER_BACKEND
from depositaire.web.accounts.models import AccountChange, HashedSession, Team, User
from depositaire.web.accounts.sessions import current_digest, end_sessions_of
from depositaire.web.views import client_address, guard, journal, public

RECOVERY_CODES = 10


class LoginForm(fields.Form):
    username = forms.CharField(label=lazy_t("web.login.username"), max_length=150)
    password = forms.CharField(
        label=lazy_t("web.login.password"),
        strip=False,
        widget=forms.PasswordInput(render_value=False),
    )


#: A TOTP code (django-otp's default, 6 digits) and a recovery code (django-otp's
#: ``StaticToken.random_token``: 5 random bytes in lower-case base32, 8 characters).
TOTP_CODE = re.compile(r"[0-9]{6}")
RECOVERY_CODE = re.compile(r"[a-z2-7]{8}")


class CodeForm(fields.Form):
    """The second step's code, spaces removed, in lower case. A code of the wrong shape
    ("abc") is the field's error saying what a code is, before any device is asked (it
    can match none: not an attempt, not journaled). ``recovery``: a recovery code is
    accepted too (the login's step, not the enrolment)."""

    code = forms.CharField(
        label=lazy_t("security.mfa.code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, recovery: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.recovery = recovery

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split()).lower()
        if TOTP_CODE.fullmatch(code) or (self.recovery and RECOVERY_CODE.fullmatch(code)):
            return code
        raise forms.ValidationError(
            t("security.mfa.code_format" if self.recovery else "security.mfa.code_digits"),
            code="code_format",
        )


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return default
    return target


def _mfa_url(request: HttpRequest) -> str:
    target = _safe_next(request, "")
    url = reverse("accounts:mfa")
    return f"{url}?next={target}" if target else url


def is_verified(user: Any) -> bool:
    check = getattr(user, "is_verified", None)
    return bool(check is not None and check())


@transaction.non_atomic_requests
@public
@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """The first step. Not one request-wide transaction: the password hash (argon2, the
    longest step) runs outside any transaction, so it holds no lock; each write with its
    journal entry is its own short transaction."""
    if request.user.is_authenticated:
        if not is_verified(request.user):
            return redirect(_mfa_url(request))
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = LoginForm(request.POST or None)
    error = None
    status = 200
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"].strip()
        address = client_address(request)
        account = User.objects.filter(username__iexact=username).first()
        organisation = account.organisation_id if account is not None else None
        hashes = {"username_hmac_sha256": throttle.username_hmac(username)}
        if throttle.blocked(username, address):
            with transaction.atomic():
                journal(
                    None,
                    "login_failed",
                    details={**hashes, "throttled": 1},
                    organisation=organisation,
                )
            error, status = t("web.login.throttled"), 429
        else:
            user = django_authenticate(
                request, username=username, password=form.cleaned_data["password"]
            )
            if user is None or not (user.is_superuser or user.role in roles.ROLES):  # type: ignore[attr-defined]
                with transaction.atomic():
                    count = throttle.fail(username, address)
                    journal(
                        None,
                        "login_failed",
                        details={**hashes, "failures": count},
                        organisation=organisation,
                    )
                error, status = t("web.login.invalid"), 200
            else:
                with transaction.atomic():
                    throttle.clear(username, address)
                    login(request, user, backend=USER_BACKEND)
                    journal(request, "login_password", actor=user, target=f"user:{user.pk}")
                return redirect(_mfa_url(request))
    return render(
        request,
        "accounts/login.html",
        {"form": form, "error": error, "next": request.GET.get("next", "")},
        status=status,
    )


def _confirmed_totp(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def _new_recovery_codes(user: Any) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    for code in codes:
        device.token_set.create(token=code)
    return codes


def qr_data_uri(config_url: str) -> str:
    return str(segno.make(config_url, error="m").svg_data_uri(scale=5))


@guard(verified=False)
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def mfa_view(request: HttpRequest) -> HttpResponse:
    """The second step: enrol a TOTP application (first login), or give a code."""
    user: Any = request.user
    target = _safe_next(request, resolve_url(settings.LOGIN_REDIRECT_URL))
    if is_verified(user):
        return redirect(target)
    device = _confirmed_totp(user)
    form = CodeForm(request.POST or None, recovery=device is not None)
    error = None
    if device is None:
        pending = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        if pending is None:
            pending = TOTPDevice.objects.create(user=user, name="totp", confirmed=False)
        if request.method == "POST" and form.is_valid():
            if pending.verify_token(form.cleaned_data["code"]):
                pending.confirmed = True
                pending.save(update_fields=["confirmed"])
                TOTPDevice.objects.filter(user=user, confirmed=False).delete()
                codes = _new_recovery_codes(user)
                otp_login(request, pending)
                journal(request, "mfa_enrolled", target=f"user:{user.pk}")
                journal(request, "login", target=f"user:{user.pk}", details={"kind": "totp"})
                return render(
                    request, "accounts/recovery_codes.html", {"codes": codes, "next": target}
                )
            journal(request, "mfa_failed", target=f"user:{user.pk}", details={"kind": "enrol"})
            error = t("security.mfa.invalid")
        secret = pending.config_url.split("secret=", 1)[1].split("&", 1)[0]
        return render(
            request,
            "accounts/mfa_enrol.html",
            {
                "form": form,
                "error": error,
                "qr": qr_data_uri(pending.config_url),
                "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
                "next": target,
            },
        )
    if request.method == "POST" and form.is_valid():
        matched = match_token(user, form.cleaned_data["code"])
        if matched is not None:
            otp_login(request, matched)
            kind = "recovery_code" if isinstance(matched, StaticDevice) else "totp"
            journal(request, "login", target=f"user:{user.pk}", details={"kind": kind})
            return redirect(target)
        journal(request, "mfa_failed", target=f"user:{user.pk}", details={"kind": "verify"})
        error = t("security.mfa.invalid")
    from depositaire.web.accounts.passkeys import has_passkey

    return render(
        request,
        "accounts/mfa_verify.html",
        {"form": form, "error": error, "next": target, "passkey": has_passkey(user)},
    )


@guard(verified=False)
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    journal(request, "logout", target=f"user:{request.user.pk}")
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


@guard()
@require_http_methods(["GET", "POST"])
def sessions_view(request: HttpRequest) -> HttpResponse:
    """One's active sessions, each with "end"; the current one is marked."""
    user: Any = request.user
    mine = HashedSession.objects.filter(user_id=user.pk, expire_date__gt=timezone.now())
    if request.method == "POST":
        key = request.POST.get("session", "")
        ended = mine.filter(session_key=key).exclude(session_key=current_digest(request))
        count, _ = ended.delete()
        if count:
            journal(request, "session_ended", target=f"user:{user.pk}", details={"count": 1})
        return redirect("accounts:sessions")
    current = current_digest(request)
    return render(
        request,
        "accounts/sessions.html",
        {
            "sessions": list(mine),
            "current": current,
            "title": t("security.sessions.title"),
            "idle_minutes": settings.SESSION_IDLE_SECONDS // 60,
        },
    )


class PasswordChangeForm(fields.Form):
    old_password = forms.CharField(
        label=lazy_t("security.password.old"), strip=False, widget=forms.PasswordInput
    )
    new_password1 = forms.CharField(
        label=lazy_t("security.password.new"), strip=False, widget=forms.PasswordInput
    )
    new_password2 = forms.CharField(
        label=lazy_t("security.password.again"), strip=False, widget=forms.PasswordInput
    )

    def __init__(self, user: Any, *args: Any, need_old: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if not need_old:
            del self.fields["old_password"]

    def clean_old_password(self) -> str:
        value = self.cleaned_data["old_password"]
        if not self.user.check_password(value):
            raise forms.ValidationError(t("security.password.old_wrong"))
        return str(value)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        one, two = data.get("new_password1"), data.get("new_password2")
        if one and two:
            if one != two:
                self.add_error("new_password2", t("security.password.mismatch"))
            else:
                try:
                    password_validation.validate_password(one, self.user)
                except forms.ValidationError as error:
                    self.add_error("new_password1", error)
        return data


@guard()
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def password_change_view(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user.set_password(form.cleaned_data["new_password1"])
        user.save(update_fields=["password"])
        # Every other session ends; this one goes on (Django's rotation of the hash).
        current = current_digest(request)
        HashedSession.objects.filter(user_id=user.pk).exclude(session_key=current).delete()
        from django.contrib.auth import update_session_auth_hash

        update_session_auth_hash(request, user)
        journal(request, "password_changed", target=f"user:{user.pk}")
        return render(request, "accounts/password_done.html", {"changed": True})
    return render(request, "accounts/password_change.html", {"form": form, "need_old": True})


# ----------------------------------------------------------------- reset by a one-time link


def reset_link(request: HttpRequest | None, user: Any) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("accounts:password_set", kwargs={"uidb64": uid, "token": token})
    return request.build_absolute_uri(path) if request is not None else path


def send_reset_link(request: HttpRequest, user: Any) -> bool:
    """Void the password, end the sessions, drop the second factor, mail a one-time link.

    The administrator never sees the link: it goes to the user's address through
    Django's e-mail backend (``EMAIL_BACKEND``). Returns False for a user without an
    address (nothing is changed then).
    """
    from django.core.mail import send_mail

    if not user.email:
        return False
    user.set_unusable_password()
    user.save(update_fields=["password"])
    ended = end_sessions_of(user.pk)
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    WebAuthnCredential.objects.filter(user=user).delete()
    link = reset_link(request, user)
    hours = settings.PASSWORD_RESET_TIMEOUT // 3600
    send_mail(
        t("security.reset.mail_subject"),
        t("security.reset.mail_body", link=link, hours=hours),
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
    )
    journal(
        request,
        "password_reset_sent",
        target=f"user:{user.pk}",
        details={"sessions_count": ended, "user_id": user.pk},
    )
    return True


@public
@sensitive_post_parameters()
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def password_set_view(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The user chooses their password from the one-time link (then enrols MFA again)."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (ValueError, TypeError, OverflowError):
        raise Http404 from None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not default_token_generator.check_token(user, token):
        return render(
            request,
            "error.html",
            {"title": t("security.reset.invalid_title"), "message": t("security.reset.invalid")},
            status=404,
        )
    form = PasswordChangeForm(user, request.POST or None, need_old=False)
    if request.method == "POST" and form.is_valid():
        user.set_password(form.cleaned_data["new_password1"])
        user.save(update_fields=["password"])
        end_sessions_of(user.pk)
        journal(request, "password_set", actor=user, target=f"user:{user.pk}")
        return render(request, "accounts/password_done.html", {"changed": False})
    return render(request, "accounts/password_change.html", {"form": form, "need_old": False})


# ------------------------------------------------------------ approval by a second person

APPROVERS = (roles.HEAD_SOCIAL_WORKER, roles.PRESIDENT)


def _pending_for(user: Any) -> Any:
    return (
        AccountChange.objects.filter(
            state=AccountChange.PENDING, user__organisation_id=user.organisation_id
        )
        .exclude(requested_by=user)
        .exclude(user=user)
        .select_related("user", "requested_by")
    )


def _team_names(ids: list[int]) -> str:
    names = Team.objects.filter(pk__in=ids).order_by("name").values_list("name", flat=True)
    return ", ".join(names) or t("security.approvals.none")


def _role_name(code: str) -> str:
    return t(f"web.roles.{code}") if code else t("security.approvals.none")


@guard(*APPROVERS)
@require_http_methods(["GET", "POST"])
def approvals_view(request: HttpRequest) -> HttpResponse:
    """Account changes waiting for a second person: approve or refuse, both journaled."""
    user: Any = request.user
    pending = _pending_for(user)
    if request.method == "POST":
        change_id = request.POST.get("change", "")
        decision = request.POST.get("decision", "")
        change = pending.filter(pk=int(change_id)).first() if change_id.isdigit() else None
        if change is None or decision not in ("approve", "refuse"):
            raise Http404
        with transaction.atomic():
            apply_decision(request, change, approve=decision == "approve")
        return redirect("accounts:approvals")
    rows = [
        {
            "change": c,
            "role_before": _role_name(c.role_before),
            "role_after": _role_name(c.role_after),
            "teams_before": _team_names(c.teams_before),
            "teams_after": _team_names(c.teams_after),
        }
        for c in pending
    ]
    return render(
        request, "accounts/approvals.html", {"rows": rows, "title": t("security.approvals.title")}
    )


def apply_decision(request: HttpRequest, change: AccountChange, *, approve: bool) -> None:
    target = change.user
    before_role = target.role
    before_teams = sorted(target.teams.values_list("pk", flat=True))
    if approve:
        target.role = change.role_after
        if change.email_after:
            target.email = change.email_after
        target.save(update_fields=["role", "is_staff", "email"])
        allowed = Team.objects.filter(
            pk__in=change.teams_after, organisation_id=target.organisation_id
        )
        target.teams.set(allowed)
        end_sessions_of(target.pk)  # the new rights apply from the next login
    change.state = AccountChange.APPROVED if approve else AccountChange.REFUSED
    change.decided_by = request.user  # type: ignore[assignment]
    change.decided_at = timezone.now()
    change.save(update_fields=["state", "decided_by", "decided_at"])
    journal(
        request,
        "account_change_approved" if approve else "account_change_refused",
        target=f"user:{target.pk}",
        details={
            "change_id": change.pk,
            "role_before": before_role or "none",
            "role_after": (target.role if approve else change.role_after) or "none",
            "teams_before_ids": before_teams,
            "teams_after_ids": sorted(target.teams.values_list("pk", flat=True))
            if approve
            else list(change.teams_after),
            "requested_by_id": change.requested_by_id,
            "email_changed": bool(change.email_after),
        },
    )
