"""The layout's fragments (``{% fragment %}``: the menu, the account links, the footer)
are rendered once per process for the values they are given, and see nothing else: no
user's name, no CSRF token, no message of another reader crosses from one page to another."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils.html import escape

from depositaire.messages import t, using_language
from depositaire.web.accounts import roles
from depositaire.web.accounts.templatetags import dep
from web.factories import World

MENU = re.compile(r'<nav class="menu"[^>]*>(.*?)</nav>', re.S)
HREF = re.compile(r'href="([^"]+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')

#: The menu of each role (base.html): the pages of its part of the circuit.
MENUS = {
    roles.SOCIAL_WORKER: ["cases:person_list", "incoming:list", "disclosures:session_list"],
    roles.HEAD_SOCIAL_WORKER: [
        "cases:person_list",
        "incoming:list",
        "disclosures:session_list",
        "disclosures:inbox",
    ],
    roles.PRESIDENT: ["disclosures:inbox"],
    roles.COMMITTEE_MEMBER: ["disclosures:session_list"],
    roles.ADMIN_STAFF: ["disclosures:inbox"],
    roles.DPO: ["disclosures:registers", "disclosures:journal", "incoming:register"],
    roles.SYSADMIN: ["admin:index"],
}


@pytest.fixture(autouse=True)
def _no_fragment_kept() -> Any:
    dep.forget_fragments()
    yield
    dep.forget_fragments()


def test_a_fragment_sees_only_the_values_it_is_given() -> None:
    html = Template(
        '{% load dep %}{% fragment "probe" role=user.role %}'
        "[{{ role }}|{{ user.display_name }}|{{ csrf_token }}|{{ secret }}]{% endfragment %}"
        "{{ user.display_name }}"
    ).render(
        Context(
            {
                "user": {"role": "dpo", "display_name": "Dora DPO"},
                "csrf_token": "TOKEN",
                "secret": "SECRET",
            }
        )
    )
    assert html == "[dpo|||]Dora DPO"


def test_a_fragment_is_kept_for_its_values_and_its_language() -> None:
    template = Template(
        '{% load dep %}{% fragment "probe" role=role %}{{ role }}:{% t "web.nav.persons" %}'
        "{% endfragment %}"
    )
    with using_language("fr"):
        french = template.render(Context({"role": "social_worker"}))
        assert len(dep._fragments) == 1
        assert template.render(Context({"role": "social_worker"})) == french
        assert len(dep._fragments) == 1  # the same values: the kept fragment
        assert template.render(Context({"role": "dpo"})) == f"dpo:{t('web.nav.persons')}"
        assert len(dep._fragments) == 2
    with using_language("nl"):
        dutch = template.render(Context({"role": "social_worker"}))
        assert dutch == f"social_worker:{t('web.nav.persons')}"
    assert french == f"social_worker:{t('web.nav.persons')}" != dutch
    assert len(dep._fragments) == 3


def test_a_fragment_of_a_value_that_is_not_plain_is_rendered_every_time() -> None:
    class Named:
        def __init__(self, name: str) -> None:
            self.name = name

        def __str__(self) -> str:
            return self.name

    template = Template('{% load dep %}{% fragment "probe" who=who %}{{ who }}{% endfragment %}')
    assert template.render(Context({"who": Named("Anne")})) == "Anne"
    assert template.render(Context({"who": Named("Bert")})) == "Bert"
    assert not dep._fragments


def _menu(html: str) -> list[str]:
    found = MENU.search(html)
    return HREF.findall(found.group(1)) if found else []


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "nl"])
def test_each_reader_s_layout_is_their_own_and_the_same_as_rendered_anew(
    client: Any, world: World, language: str
) -> None:
    url = reverse("accounts:sessions")
    seen: dict[str, str] = {}
    for w in (world.a, world.b):  # two readers of each role: the second one is served kept parts
        for role in roles.ROLES:
            user = w.users[role]
            client.force_login(user)
            client.post(reverse("accounts:language"), {"language": language})
            html = client.get(url).content.decode()
            assert f'<html lang="{language}"' in html
            expected = [reverse(name) for name in MENUS[role]] + [reverse("api_tokens:list")]
            assert _menu(html) == expected, role
            for link in _menu(html):
                assert client.get(link).status_code == 200, (role, link)
            assert f'<span class="who-name">{user.display_name}</span>' in html
            assert f'<span class="who-org">{escape(w.org.name)}</span>' in html
            # The CSRF token of this session (the logout form and the switcher), no other.
            tokens = set(CSRF.findall(html))
            assert len(tokens) == 1, role
            for other, page in seen.items():
                assert user.display_name not in page, (other, role)
                assert tokens.isdisjoint(CSRF.findall(page)), (other, role)
            seen[f"{w.key}-{role}"] = html
            # What the kept fragments give is what a fresh rendering gives.
            dep.forget_fragments()
            fresh = client.get(url).content.decode()
            assert CSRF.sub("", fresh) == CSRF.sub("", html), role
    assert len(dep._fragments) <= 4 * len(roles.ROLES)


@pytest.mark.django_db
def test_a_visitor_not_signed_in_gets_no_menu_after_a_reader_s_page(
    client: Any, world: World
) -> None:
    client.force_login(world.a.users[roles.DPO])
    assert _menu(client.get(reverse("accounts:sessions")).content.decode())
    client.logout()
    html = client.get(reverse("accounts:login")).content.decode()
    assert 'class="menu"' not in html and "who-name" not in html
    assert world.a.users[roles.DPO].display_name not in html


@pytest.mark.django_db
def test_the_templates_user_is_the_signed_in_user_itself_not_its_proxy(
    client: Any, world: World
) -> None:
    from django.utils.functional import LazyObject

    user = world.a.users[roles.SOCIAL_WORKER]
    client.force_login(user)
    response = client.get(reverse("accounts:sessions"))
    shown = response.context["user"]
    assert not isinstance(shown, LazyObject) and isinstance(response.wsgi_request.user, LazyObject)
    assert shown.pk == user.pk and shown is response.wsgi_request.user._wrapped._wrapped
    assert shown.is_verified()  # the second factor's, set by django_otp on that object
    client.logout()
    anonymous = client.get(reverse("accounts:login")).context["user"]
    assert not isinstance(anonymous, LazyObject) and not anonymous.is_authenticated
