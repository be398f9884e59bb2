"""Login (Argon2, throttled per username and per address) and logout, both journaled."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from depositaire.messages import t
from depositaire.web.accounts import roles, throttle
from depositaire.web.views import client_address, guard, journal, public, sha256_hex


class LoginForm(forms.Form):
    username = forms.CharField(label=t("web.login.username"), max_length=150)
    password = forms.CharField(
        label=t("web.login.password"), strip=False, widget=forms.PasswordInput(render_value=False)
    )


@public
@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = LoginForm(request.POST or None)
    error = None
    status = 200
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"].strip()
        address = client_address(request)
        hashes = {"username_sha256": sha256_hex(username.lower())}
        if throttle.blocked(username, address):
            journal(None, "login_failed", details={**hashes, "throttled": 1})
            error, status = t("web.login.throttled"), 429
        else:
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            if user is None or not (user.is_superuser or user.role in roles.ROLES):  # type: ignore[attr-defined]
                count = throttle.fail(username, address)
                journal(None, "login_failed", details={**hashes, "failures": count})
                error, status = t("web.login.invalid"), 200
            else:
                throttle.clear(username)
                login(request, user)
                journal(request, "login", actor=user, target=f"user:{user.pk}")
                target = request.POST.get("next") or request.GET.get("next") or ""
                if not url_has_allowed_host_and_scheme(
                    target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
                ):
                    target = settings.LOGIN_REDIRECT_URL
                return redirect(target)
    return render(
        request,
        "accounts/login.html",
        {"form": form, "error": error, "next": request.GET.get("next", "")},
        status=status,
    )


@guard()
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    journal(request, "logout", target=f"user:{request.user.pk}")
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)
