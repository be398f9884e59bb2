"""The shortcuts that make pages cheaper give Django's own answers (issue 16).

Queries compiled once (``depositaire.web.db.prepared``), the session looked up by a
prepared query (an expired one is still none), ``{% url %}`` remembered, and the
disclosure form's items read once for checking and drawing.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from depositaire.web.accounts.backends import USER_BY_PK
from depositaire.web.accounts.models import HashedSession, User
from depositaire.web.accounts.sessions import SessionStore, digest
from depositaire.web.db.prepared import Prepared
from web.factories import World, make_person, make_user

pytestmark = pytest.mark.django_db


def _org_and_worker() -> tuple[object, User]:
    from depositaire.web.accounts.models import Organisation, Team

    org = Organisation.objects.create(name="CPAS de Test")
    team = Team.objects.create(organisation=org, name="Équipe A")
    worker = make_user(org, "social_worker", "as.test", teams=[team])
    return org, worker


def test_a_prepared_query_gives_the_rows_and_relations_django_gives() -> None:
    org, worker = _org_and_worker()
    expected = User.objects.select_related("organisation").filter(pk=worker.pk).first()
    got = USER_BY_PK.first(worker.pk)
    assert got is not None and expected is not None
    assert {f.attname: getattr(got, f.attname) for f in User._meta.concrete_fields} == {
        f.attname: getattr(expected, f.attname) for f in User._meta.concrete_fields
    }
    with CaptureQueriesContext(connection) as queries:
        assert got.organisation.name == "CPAS de Test"  # joined: no query
    assert len(queries) == 0
    assert got._state.adding is False and got._state.db == "default"
    assert USER_BY_PK.first(worker.pk + 1000) is None
    with CaptureQueriesContext(connection) as queries:
        USER_BY_PK.first(worker.pk)
    assert len(queries) == 1  # one query, Django's SQL
    assert queries.captured_queries[0]["sql"].startswith('SELECT "accounts_user"."id"')


def test_a_value_of_another_type_goes_through_django() -> None:
    _, worker = _org_and_worker()
    got = USER_BY_PK.first(str(worker.pk))  # type: ignore[arg-type]
    assert got is not None and got.pk == worker.pk


def test_a_stand_in_the_sql_does_not_carry_is_refused() -> None:
    # The value is not a parameter of the compiled query: binding it would do nothing.
    prepared = Prepared(lambda pk: User.objects.filter(pk__gt=0)[:1], -7)
    with pytest.raises(ValueError, match="stand-in"):
        prepared.first(3)
    with pytest.raises(ValueError, match="distinct"):
        Prepared(lambda a, b: User.objects.none(), 1, 1)


def test_an_expired_session_is_no_session() -> None:
    store = SessionStore()
    store["x"] = 1
    store.create()
    key = store.session_key
    assert key is not None
    assert SessionStore(key).load() == {"x": 1}
    HashedSession.objects.filter(session_key=digest(key)).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    expired = SessionStore(key)
    assert expired.load() == {}
    assert expired.session_key is None


@pytest.mark.parametrize(
    ("source", "name", "kwargs"),
    [
        ("{% url 'cases:person_list' %}", "cases:person_list", {}),
        ("{% url 'cases:item_detail' item_id=42 %}", "cases:item_detail", {"item_id": 42}),
        ("{% url 'cases:item_detail' item_id='42' %}", "cases:item_detail", {"item_id": "42"}),
    ],
)
def test_the_url_tag_gives_what_reverse_gives(source: str, name: str, kwargs: dict) -> None:
    template = Template("{% load dep %}" + source)
    for _ in range(2):  # the second time from memory
        assert template.render(Context({})) == reverse(name, kwargs=kwargs)


def test_the_url_tag_reverses_each_url_once() -> None:
    """A view's name written in the template (a literal: a ``SafeString``) and a literal
    value are remembered as plain strings: the second page asks ``reverse()`` nothing."""
    from depositaire.web.accounts.templatetags.dep import _reversed

    _reversed.cache_clear()
    template = Template(
        "{% load dep %}{% url 'cases:item_detail' item_id=n %} "
        "{% url 'cases:person_list' %} {% url 'cases:item_detail' item_id='8' %}"
    )
    want = " ".join(
        [
            reverse("cases:item_detail", kwargs={"item_id": 7}),
            reverse("cases:person_list"),
            reverse("cases:item_detail", kwargs={"item_id": 8}),
        ]
    )
    assert template.render(Context({"n": 7})) == want
    assert template.render(Context({"n": 7})) == want
    info = _reversed.cache_info()
    assert (info.misses, info.hits) == (3, 3)


def test_the_url_tag_still_refuses_an_unknown_url_and_keeps_as_var() -> None:
    with pytest.raises(NoReverseMatch):
        Template("{% load dep %}{% url 'cases:item_detail' item_id='x' %}").render(Context({}))
    out = Template(
        "{% load dep %}{% url 'cases:nothing_here' as u %}[{{ u }}]"
        "{% url 'cases:person_list' as v %}[{{ v }}]"
    ).render(Context({}))
    assert out == f"[][{reverse('cases:person_list')}]"


def test_the_url_tag_escapes_as_django_does() -> None:
    out = Template("{% load dep %}{% url 'cases:person_detail' person_id=p %}").render(
        Context({"p": 7})
    )
    assert out == reverse("cases:person_detail", kwargs={"person_id": 7})


def test_the_disclosure_form_checks_posted_items_against_the_listed_ones() -> None:
    from depositaire.web.cases.models import InformationItem
    from depositaire.web.disclosures.forms import PrepareForm
    from web.factories import make_item

    stored = InformationItem.objects.count()
    org, worker = _org_and_worker()
    person = make_person(org, worker.teams.get(), worker, first="Anne", last="Test")
    mine = make_item(person, worker, nature="secret_fact", categories=["income"], text="x")
    other = make_user(org, "social_worker", "as.other", teams=[worker.teams.get()])
    theirs = make_item(person, other, nature="confidence", categories=["income"], text="y")
    base = {
        "recipient_kind": "colleague_same_team",
        "purpose": "aid_decision",
        "necessary_only": "",
    }

    form = PrepareForm({**base, "items": [str(mine.pk)]}, person=person, user=worker)
    assert form.is_valid(), form.errors
    assert list(form.cleaned_data["items"]) == [mine]
    with CaptureQueriesContext(connection) as queries:
        html = str(form["items"])
    assert str(mine.pk) in html and len(queries) == 0  # drawn from the rows read once

    # Another's confidence is not among them; nor an id written otherwise, as with Django.
    for posted in ([str(theirs.pk)], [f"0{mine.pk}"], ["12345678"]):
        form = PrepareForm({**base, "items": posted}, person=person, user=worker)
        assert not form.is_valid()
        assert form.errors["items"][0].startswith(
            str(form.fields["items"].error_messages["invalid_choice"]).split("%")[0]
        )
    form = PrepareForm({**base, "items": ["abc"]}, person=person, user=worker)
    assert not form.is_valid() and "items" in form.errors
    assert InformationItem.objects.count() == stored + 2


def test_the_file_pages_prepared_items_and_requests_are_djangos(world: World) -> None:
    """The file page's items and requests (compiled once per connection) are the rows, the
    order and the joined relations Django gives for the same querysets; another worker's
    confidence is never among the items."""
    from depositaire.web.cases.views import (
        _FILE_ITEMS,
        _FILE_REQUESTS,
        _file_items,
        _file_requests,
    )
    from depositaire.web.incoming.models import IncomingRequest
    from web.incoming_factories import make_closed, make_request

    w = world.a
    worker = w.users["social_worker"]
    closed = make_request(w.person, worker)
    make_closed(closed, worker)
    make_request(w.person, worker, requester_kind="prosecutor")
    got_items = _FILE_ITEMS.fetch(w.person.pk, worker.pk)
    want_items = list(_file_items(w.person.pk, worker.pk))
    assert [i.pk for i in got_items] == [i.pk for i in want_items] and got_items
    assert all(i.nature == "secret_fact" or i.author_id == worker.pk for i in got_items)
    other = [u for u in w.users.values() if u.pk != worker.pk][0]
    assert w.confidence.pk not in [i.pk for i in _FILE_ITEMS.fetch(w.person.pk, other.pk)]
    with CaptureQueriesContext(connection) as queries:
        assert all(i.author.pk == i.author_id for i in got_items)  # joined
    assert len(queries) == 0
    got = _FILE_REQUESTS.fetch(w.org.pk, w.person.pk)
    want = list(_file_requests(w.org.pk, w.person.pk))
    assert [r.pk for r in got] == [r.pk for r in want] and len(got) >= 2
    loaded = [
        f.attname for f in IncomingRequest._meta.concrete_fields if f.attname in want[0].__dict__
    ]
    for g, e in zip(got, want, strict=True):
        assert {a: getattr(g, a) for a in loaded} == {a: getattr(e, a) for a in loaded}
    with CaptureQueriesContext(connection) as queries:
        answers = [getattr(r, "answer", None) for r in got]
    assert len(queries) == 0 and any(a is not None for a in answers)
    assert _FILE_REQUESTS.fetch(w.org.pk + 1000, w.person.pk) == []


def _guard_load(user: User, model: type, method: str, pk: int, related: tuple = ()) -> object:
    from depositaire.web.views import _load

    return _load(user, model, method, related, pk)


def _django_load(user: User, model: type, method: str, pk: int, related: tuple = ()) -> object:
    scope = getattr(model._default_manager, method)(user)
    return (scope.select_related(*related) if related else scope).filter(pk=pk).first()


def test_the_guard_loads_what_each_scope_gives_compiled_once(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The guard's scope query, compiled once per role and re-bound to each user and each
    request's time, finds exactly the objects Django's ``visible_to`` finds: the team's
    file, not another team's nor another organisation's, another's confidence never, a file
    opened in an emergency while the access lasts and no longer once it has expired."""
    from depositaire.web.cases.models import EmergencyAccess, InformationItem, Person
    from depositaire.web.disclosures.models import CommitteeSession, Disclosure
    from depositaire.web.incoming.models import IncomingRequest
    from web.incoming_factories import make_request

    a, b = world.a, world.b
    worker, other = a.users["social_worker"], a.other_team_worker
    request = make_request(a.person, worker)
    cases = [
        (Person, "visible_to", a.person.pk, ()),
        (Person, "visible_to", a.other_team_person.pk, ()),
        (Person, "visible_to", b.person.pk, ()),
        (InformationItem, "visible_to", a.confidence.pk, ()),
        (InformationItem, "visible_to", a.secret_fact.pk, ()),
        (InformationItem, "history_visible_to", a.confidence.pk, ("person", "author")),
        (IncomingRequest, "visible_to", request.pk, ()),
        (Disclosure, "managed_by", a.disclosures["president"].pk, ()),
        (Disclosure, "visible_to", a.disclosures["president"].pk, ()),
        (CommitteeSession, "visible_to", a.session.pk, ()),
        (CommitteeSession, "visible_to", b.session.pk, ()),
    ]
    readers = [worker, other, a.users["head_social_worker"], a.users["president"]]
    for user in readers * 2:  # the second time from the compiled queries
        for model, method, pk, related in cases:
            got = _guard_load(user, model, method, pk, related)
            want = _django_load(user, model, method, pk, related)
            assert getattr(got, "pk", None) == getattr(want, "pk", None), (user, model, pk)
    assert _guard_load(worker, Person, "visible_to", a.person.pk) is not None
    assert _guard_load(other, InformationItem, "visible_to", a.confidence.pk) is None

    # Compiled: the scope is not built again (Django's path builds it at every load).
    built = []
    original = Person.objects.visible_to

    def counting(user: User) -> object:
        built.append(user.pk)
        return original(user)

    monkeypatch.setattr(type(Person.objects), "visible_to", lambda self, user: counting(user))
    assert _guard_load(worker, Person, "visible_to", a.person.pk) is not None
    assert built == []

    # The clock of each request, not the compile's: an emergency access opens the file
    # for as long as it lasts.
    assert _guard_load(other, Person, "visible_to", a.person.pk) is None
    access = EmergencyAccess(
        person=a.person,
        user=other,
        reason="danger_person",
        expires_at=timezone.now() + dt.timedelta(seconds=60),
    )
    access.set_sealed("statement", "urgence")
    access.save()
    assert _guard_load(other, Person, "visible_to", a.person.pk) == a.person
    EmergencyAccess.objects.filter(pk=access.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert _guard_load(other, Person, "visible_to", a.person.pk) is None


def test_a_prepared_query_refuses_a_value_it_would_freeze() -> None:
    # The clock read while building would be stored among the parameters: refused.
    prepared = Prepared(lambda pk: User.objects.filter(pk=pk, date_joined__lt=timezone.now()), -7)
    with pytest.raises(ValueError, match="change without a stand-in"):
        prepared.fetch(3)
    # A value used twice is bound at both places.
    twice = Prepared(lambda pk: User.objects.filter(pk=pk) | User.objects.filter(pk=pk), -7)
    _, worker = _org_and_worker()
    assert [u.pk for u in twice.fetch(worker.pk)] == [worker.pk]
    assert twice.fetch(worker.pk + 1000) == []


def test_the_request_form_draws_the_persons_and_colleagues_django_lists(world: World) -> None:
    """The request form's choices are read by queries compiled once: the same persons (the
    user's teams' files, none of another team) and colleagues, in the same order; the
    posted person is still checked by the field's own queryset."""
    import re

    from depositaire.web.incoming.forms import RequestForm, _colleagues, _persons

    w = world.a
    for user in (w.users["social_worker"], w.other_team_worker):
        form = RequestForm(user=user)
        html = str(form["person"]) + str(form["received_by"])
        shown = re.findall(r'<option value="(\d+)"', html)
        want = [str(p.pk) for p in _persons(user)] + [str(u.pk) for u in _colleagues(user)]
        assert shown == want and shown
    worker = w.users["social_worker"]
    assert str(w.other_team_person.pk) not in re.findall(
        r'<option value="(\d+)"', str(RequestForm(user=worker)["person"])
    )
    form = RequestForm({"person": str(w.other_team_person.pk)}, user=worker)
    assert not form.is_valid() and "person" in form.errors


def test_the_disclosure_form_lists_the_items_and_sessions_django_gives(world: World) -> None:
    """The form's items and sessions, read by queries compiled once per role, are the rows
    Django's scopes give each user, in their order: none of another team's file, another's
    confidence never."""
    from depositaire.web.cases.models import InformationItem
    from depositaire.web.disclosures.forms import PrepareForm
    from depositaire.web.disclosures.models import CommitteeSession

    w = world.a
    users = [w.users["social_worker"], w.users["head_social_worker"], w.other_team_worker]
    for user in users * 2:
        for person in (w.person, w.other_team_person):
            form = PrepareForm(person=person, user=user)
            items = form.fields["items"].listed_rows()  # type: ignore[attr-defined]
            want = InformationItem.objects.visible_to(user).filter(person=person)
            assert [i.pk for i in items] == [i.pk for i in want]
            sessions = form.fields["session"].listed_rows()  # type: ignore[attr-defined]
            assert [s.pk for s in sessions] == [
                s.pk for s in CommitteeSession.objects.visible_to(user)
            ]
    own = PrepareForm(person=w.person, user=w.other_team_worker)
    assert own.fields["items"].listed_rows() == []  # type: ignore[attr-defined]
    mine = PrepareForm(person=w.person, user=w.users["social_worker"])
    listed = [i.pk for i in mine.fields["items"].listed_rows()]  # type: ignore[attr-defined]
    assert w.secret_fact.pk in listed
    assert (w.confidence.pk in listed) == (w.confidence.author_id == w.users["social_worker"].pk)
