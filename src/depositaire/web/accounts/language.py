"""The language of each request: the user's preference, else the session's choice
(the switcher), else the browser's ``Accept-Language`` (fr or nl), else French.

Django's own translation machinery (gettext, ``LocaleMiddleware``) is not used: every
word comes from the one YAML catalogue, whose language is a context variable
(:func:`depositaire.messages.using_language`) set here for the whole request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST

from depositaire.messages import DEFAULT_LANGUAGE, LANGUAGES, one_language, using_language
from depositaire.web.views import public

SESSION_KEY = "_depositaire_language"


def from_accept_language(header: str) -> str | None:
    """The first of fr / nl the browser accepts, by its q-values (``nl-BE,nl;q=0.9``)."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        base = tag.strip().lower().split("-")[0]
        if base in LANGUAGES and q > 0:
            ranked.append((-q, index, base))
    return min(ranked)[2] if ranked else None


def request_language(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    preferred = getattr(user, "language", "") if user is not None else ""
    if user is not None and user.is_authenticated and preferred in LANGUAGES:
        return str(preferred)
    session = getattr(request, "session", None)
    chosen = session.get(SESSION_KEY) if session is not None else None
    if chosen in LANGUAGES:
        return str(chosen)
    return from_accept_language(request.headers.get("Accept-Language", "")) or DEFAULT_LANGUAGE


class LanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request_language(request)
        request.depositaire_language = language  # type: ignore[attr-defined]
        # Django's own texts (the admin, validators' defaults) follow in its locale.
        # one_language(): the catalogue is looked up once for the request, not per message
        # (a block that renders in another language, a letter, chooses its own).
        with using_language(language), one_language(), translation.override(f"{language}-be"):
            response = self.get_response(request)
            # Rendered here, while the language is still the request's.
            render = getattr(response, "render", None)
            if callable(render) and not getattr(response, "is_rendered", True):
                render()
        response.headers["Content-Language"] = language
        vary = response.headers.get("Vary", "")
        if "Accept-Language" not in vary:
            response.headers["Vary"] = f"{vary}, Accept-Language" if vary else "Accept-Language"
        return response


@public
@csrf_protect
@require_POST
def switch_language(request: HttpRequest) -> HttpResponse:
    """The FR | NL switcher: the choice goes into the session, and into the user's
    preference when logged in; back to the page it was made on."""
    language = request.POST.get("language", "")
    if language in LANGUAGES:
        request.session[SESSION_KEY] = language
        user = request.user
        if user.is_authenticated and getattr(user, "language", None) != language:
            user.language = language  # type: ignore[union-attr]
            user.save(update_fields=["language"])
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    return HttpResponseRedirect(target)


def language_context(request: HttpRequest) -> dict[str, object]:
    return {
        "page_language": getattr(request, "depositaire_language", DEFAULT_LANGUAGE),
        "languages": LANGUAGES,
    }
