"""Daily use (issue 12, items 1-5): corrections with history, reopening, confirmations,
search by national number, paginated lists, the DPO's journal filters and CSV export,
refused accesses journaled, the file's requests, attachments with their names."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from depositaire.web.accounts import roles
from depositaire.web.cases import national_number
from depositaire.web.cases.models import InformationItem, Person
from depositaire.web.incoming.models import IncomingRequest, RequestAnswer, RequestDocument
from depositaire.web.journal.models import JournalEntry
from web.factories import World, make_person, make_user
from web.incoming_factories import make_closed, make_request

pytestmark = pytest.mark.django_db

SW, HEAD, DPO = roles.SOCIAL_WORKER, roles.HEAD_SOCIAL_WORKER, roles.DPO


def logged(client: Any, user: Any) -> Any:
    client.force_login(user)
    return client


def text_of(response: Any) -> str:
    import html

    return html.unescape(response.content.decode())


def last(action: str) -> JournalEntry:
    entry = JournalEntry.objects.filter(action=action).order_by("-seq").first()
    assert entry is not None, action
    return entry


# ------------------------------------------------------------------ search and lists


def test_a_person_is_found_by_national_number_in_three_common_layouts(
    client: Any, world: World
) -> None:
    w = world.a
    birth = dt.date(1985, 7, 30)
    person = make_person(w.org, w.team, w.users[SW], first="Léa", last="NUMERIQUE", birth=birth)
    number = national_number.make(birth, 123)
    person.set_identity(national_number_value=number, address="", household="")
    person.save()
    d = number
    layouts = [
        f"{d[:2]}.{d[2:4]}.{d[4:6]}-{d[6:9]}.{d[9:]}",  # 85.07.30-123.xx
        d,  # 85073012345
        f"{d[:6]} {d[6:9]} {d[9:]}",  # 850730 123 xx
    ]
    client = logged(client, w.users[SW])
    for query in layouts:
        page = client.get(reverse("cases:person_list"), {"q": query})
        assert page.status_code == 200
        found = list(page.context["persons"])
        assert found == [person], query
    # The terms never reach the journal, nor does the number.
    entry = last("list_viewed")
    assert entry.details["search_words_count"] == 1
    assert d not in str(entry.details)
    # The column holds a keyed digest, not the number.
    assert d not in Person.objects.get(pk=person.pk).national_number_index


def test_a_number_of_a_person_outside_the_team_finds_nothing(client: Any, world: World) -> None:
    w = world.a
    number = national_number.make(dt.date(1985, 7, 30), 33)  # the world's persons' number
    page = logged(client, w.other_team_worker).get(reverse("cases:person_list"), {"q": number})
    assert w.person not in list(page.context["persons"])


def _many_persons(w: Any, count: int) -> None:
    Person.objects.bulk_create(
        Person(
            organisation=w.org,
            team=w.team,
            social_worker=w.users[SW],
            first_name=f"Prénom{i:04d}",
            last_name=f"LISTE{i:04d}",
        )
        for i in range(count)
    )


def test_a_list_of_1200_persons_is_paginated_and_nothing_is_cut(client: Any, world: World) -> None:
    w = world.a
    _many_persons(w, 1200)
    total = Person.objects.visible_to(w.users[SW]).count()
    assert total >= 1200
    client = logged(client, w.users[SW])
    first = client.get(reverse("cases:person_list"))
    assert first.status_code == 200
    page = first.context["page"]
    assert page.paginator.count == total
    assert len(first.context["persons"]) == 50
    pages = page.paginator.num_pages
    assert pages == -(-total // 50)
    assert f"Page 1 sur {pages}" in text_of(first)
    end = client.get(reverse("cases:person_list"), {"page": pages})
    assert len(end.context["persons"]) == total - 50 * (pages - 1)
    # Every person is on exactly one page, in the order shown.
    seen: list[int] = []
    for number in range(1, pages + 1):
        seen += [
            p.pk
            for p in client.get(reverse("cases:person_list"), {"page": number}).context["persons"]
        ]
    assert len(seen) == len(set(seen)) == total
    # A bad page number gives a page, not an error; the journal has the rows and the total.
    assert client.get(reverse("cases:person_list"), {"page": "abc"}).status_code == 200
    assert last("list_viewed").details["total_count"] == total
    # Sorted by name descending, the last name comes first.
    desc = client.get(reverse("cases:person_list"), {"tri": "-nom", "q": "LISTE"})
    assert desc.context["persons"][0].last_name == "LISTE1199"
    assert "tri=-nom" in text_of(desc) and "page=2" in text_of(desc)


def _many_requests(w: Any, count: int) -> None:
    now = timezone.now()
    IncomingRequest.objects.bulk_create(
        IncomingRequest(
            organisation=w.org,
            team=w.team,
            person=w.person,
            requester_kind="police",
            requester_organisation="Zone Nord" if i % 2 else "Parquet de Namur",
            channel="phone",
            categories=["address"],
            received_at=now - dt.timedelta(days=i),
            received_by=w.users[SW],
            registered_by=w.users[SW],
            status="closed" if i % 3 == 0 else "open",
        )
        for i in range(count)
    )


def test_a_list_of_1200_requests_is_paginated_and_filtered_by_requester_status_and_date(
    client: Any, world: World
) -> None:
    w = world.a
    _many_requests(w, 1200)
    client = logged(client, w.users[SW])
    visible = IncomingRequest.objects.visible_to(w.users[SW])
    listing = client.get(reverse("incoming:list"))
    assert listing.status_code == 200
    assert listing.context["page"].paginator.count == visible.count() >= 1200
    assert len(listing.context["requests"]) == 50
    # By requester, status and date range together.
    today = timezone.localdate()
    start, end = today - dt.timedelta(days=99), today - dt.timedelta(days=10)
    filtered = client.get(
        reverse("incoming:list"),
        {
            "demandeur": "zone nord",
            "statut": "open",
            "du": start.isoformat(),
            "au": end.isoformat(),
        },
    )
    rows = filtered.context["page"].paginator.object_list
    expected = [
        r
        for r in visible
        if "Zone Nord" == r.requester_organisation
        and r.status == "open"
        and start <= timezone.localtime(r.received_at).date() <= end
    ]
    assert {r.pk for r in rows} == {r.pk for r in expected} and expected
    # The pager keeps the filters.
    if filtered.context["page"].has_next():
        assert "demandeur=zone+nord" in text_of(filtered)
    # A reversed range is a French error, not a 500.
    wrong = client.get(reverse("incoming:list"), {"du": "2026-05-01", "au": "2026-01-01"})
    assert wrong.status_code == 200
    assert "La date « du » est après la date « au »" in text_of(wrong)
    # The DPO's register is paginated too (no 500-row cut).
    register = logged(client, w.users[DPO]).get(reverse("incoming:register"))
    assert register.context["page"].paginator.count >= 1200
    assert len(register.context["rows"]) == 50


# ------------------------------------------------------------------ refused accesses


def test_a_refused_access_is_journaled_and_found_with_the_dpo_journal_filters(
    client: Any, world: World
) -> None:
    w = world.a
    outsider = w.other_team_worker
    response = logged(client, outsider).get(
        reverse("cases:person_detail", kwargs={"person_id": w.person.pk})
    )
    assert response.status_code == 404
    entry = last("access_denied")
    assert entry.actor_id == outsider.pk
    assert entry.target == f"person:{w.person.pk}"
    assert entry.details == {"denied": "scope", "person_id": w.person.pk}
    # A role that may not open files at all: 403, journaled as well.
    client.logout()
    dpo = w.users[DPO]
    assert (
        logged(client, dpo)
        .get(reverse("cases:item_detail", kwargs={"item_id": w.secret_fact.pk}))
        .status_code
        == 403
    )
    by_role = last("access_denied")
    assert by_role.actor_id == dpo.pk and by_role.details["denied"] == "role"
    assert by_role.target == f"person:{w.person.pk}/item:{w.secret_fact.pk}"
    # The DPO finds the first refusal by date, user, person and action.
    today = timezone.localdate().isoformat()
    page = client.get(
        reverse("disclosures:journal"),
        {
            "du": today,
            "au": today,
            "utilisateur": outsider.pk,
            "dossier": w.person.pk,
            "action": "access_denied",
        },
    )
    assert page.status_code == 200
    rows = page.context["rows"]
    assert [r["entry"].seq for r in rows] == [entry.seq]
    shown = text_of(page)
    assert "Accès refusé" in shown and "hors de votre périmètre" in shown
    # Another day or another user: not there.
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    assert not client.get(
        reverse("disclosures:journal"), {"au": yesterday, "action": "access_denied"}
    ).context["rows"]
    # The DPO's own refusal on an item of the file is found under the file too.
    own = client.get(
        reverse("disclosures:journal"),
        {"utilisateur": dpo.pk, "dossier": w.person.pk, "action": "access_denied", "du": today},
    ).context["rows"]
    assert [r["entry"].seq for r in own] == [by_role.seq]


def test_an_object_of_another_organisation_is_journaled_without_its_person(
    client: Any, world: World
) -> None:
    response = logged(client, world.a.users[SW]).get(
        reverse("cases:person_detail", kwargs={"person_id": world.b.person.pk})
    )
    assert response.status_code == 404
    entry = last("access_denied")
    assert entry.organisation_id == world.a.org.pk
    assert "person_id" not in entry.details  # another organisation's file is not named


def test_the_journal_filters_answer_bad_input_in_french(client: Any, world: World) -> None:
    client = logged(client, world.a.users[DPO])
    for params, message in (
        ({"dossier": "abc"}, "Le numéro de dossier doit être un nombre entier positif"),
        ({"dossier": "99999999999999999999999"}, "Le numéro de dossier doit être"),
        ({"du": "2026-13-45"}, "Saisissez une date valide"),
        ({"du": "2026-05-01", "au": "2026-01-01"}, "La date « du » est après la date « au »"),
        ({"utilisateur": "x"}, "Sélectionnez un choix valide"),
    ):
        page = client.get(reverse("disclosures:journal"), params)
        assert page.status_code == 200, params
        assert message in text_of(page), params


def test_the_journal_is_paginated_by_djangos_paginator(client: Any, world: World) -> None:
    from depositaire.web.journal.service import record

    for i in range(230):
        record(
            "file_viewed",
            actor=world.a.users[SW],
            organisation=world.a.org,
            target=f"person:{world.a.person.pk}",
            details={"person_id": world.a.person.pk},
        )
    client = logged(client, world.a.users[DPO])
    first = client.get(reverse("disclosures:journal"), {"action": "file_viewed"})
    page = first.context["page"]
    assert page.paginator.count >= 230 and len(first.context["rows"]) == 100
    third = client.get(reverse("disclosures:journal"), {"action": "file_viewed", "page": 3})
    seqs = [r["entry"].seq for r in first.context["rows"] + third.context["rows"]]
    assert seqs == sorted(seqs, reverse=True)  # newest first across pages


def test_the_csv_export_holds_the_filtered_entries_and_is_journaled(
    client: Any, world: World
) -> None:
    w = world.a
    logged(client, w.other_team_worker).get(
        reverse("cases:person_detail", kwargs={"person_id": w.person.pk})
    )
    client.logout()
    client = logged(client, w.users[DPO])
    params = {"action": "access_denied", "dossier": w.person.pk}
    response = client.get(reverse("disclosures:journal_csv"), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'attachment; filename="journal-' in response["Content-Disposition"]
    body = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    header, data = rows[0], rows[1:]
    assert header[:4] == ["N°", "Quand", "Code de l'action", "Action"]
    expected = (
        JournalEntry.objects.filter(organisation_id=w.org.pk, action="access_denied")
        .filter(target__startswith=f"person:{w.person.pk}")
        .count()
    )
    assert len(data) == expected >= 1
    assert all(r[2] == "access_denied" for r in data)
    assert all(re.fullmatch(r"[0-9a-f]{64}", r[7]) for r in data)
    export = last("export")
    assert export.actor_id == w.users[DPO].pk
    assert export.details["format"] == "csv" and export.details["count"] == len(data)
    assert export.details["filters_count"] == 2
    import hashlib

    assert export.details["export_sha256"] == hashlib.sha256(response.content).hexdigest()
    # No name, no content in the file.
    assert w.person.last_name not in body and w.secret_fact_text not in body


# ------------------------------------------------------------------ corrections


def _correct(client: Any, item: InformationItem, **data: Any) -> Any:
    post = {
        "categories": ["health"],
        "origin": "observed",
        "content": "Version corrigée : rendez-vous le 12 mars.",
        "reason": "factual_error",
        "note": "date mal recopiée",
    }
    post.update(data)
    return client.post(reverse("cases:item_correct", kwargs={"item_id": item.pk}), post)


def test_a_correction_keeps_the_earlier_version_sealed_and_verify_passes(
    client: Any, world: World
) -> None:
    from depositaire.web.journal.rows import seal_existing
    from depositaire.web.journal.verify import verify

    seal_existing()
    w = world.a
    original = w.secret_fact
    before = original.read_content(w.users[SW])
    client = logged(client, w.users[SW])
    response = _correct(client, original)
    assert response.status_code == 302
    new = InformationItem.objects.get(previous=original)
    original.refresh_from_db()
    assert original.status == "superseded" and new.status == "current"
    assert original.read_content(w.users[SW]) == before  # never rewritten
    assert new.read_content(w.users[SW]).startswith("Version corrigée")
    assert new.get_sealed("change_note") == "date mal recopiée"
    assert new.author_id == original.author_id and new.nature == original.nature
    # The message, the history, and the old version still opens (read-only).
    page = client.get(response["Location"])
    shown = text_of(page)
    assert "La correction est enregistrée" in shown
    assert "Historique des versions" in shown and before in shown
    assert "erreur de fait" in shown and "date mal recopiée" in shown
    old_page = client.get(reverse("cases:item_detail", kwargs={"item_id": original.pk}))
    assert old_page.status_code == 200 and "remplacée" in text_of(old_page)
    # The earlier version is used nowhere: only the new one is current.
    assert original not in InformationItem.objects.visible_to(w.users[SW])
    assert new in InformationItem.objects.visible_to(w.users[SW])
    # A superseded version cannot be corrected again (404: outside the current items).
    assert _correct(client, original).status_code == 404
    # Journaled with its reason (never the note); both rows sealed; verify passes.
    entry = last("item_corrected")
    assert entry.details["item_id"] == new.pk and entry.details["previous_id"] == original.pk
    assert entry.details["reason"] == "factual_error"
    assert "mal recopiée" not in str(entry.details)
    sealed = {
        e.details["row_id"]
        for e in JournalEntry.objects.filter(action="row_sealed", details__model="item")
    }
    assert {original.pk, new.pk} <= sealed
    report = verify()
    assert not [p for p in report.problems if p.code.startswith("row_")]
    # Changed behind the application's back, the kept version is named by verify.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_informationitem SET origin = %s WHERE id = %s",
            [
                "learned_from_others" if original.origin != "learned_from_others" else "observed",
                original.pk,
            ],
        )
    problems = {(p.code, p.other) for p in verify().problems}
    assert ("row_changed_item", original.pk) in problems


def test_a_corrected_confidence_and_its_history_stay_with_its_author(
    client: Any, world: World
) -> None:
    w = world.a
    author = w.users[SW]
    response = _correct(logged(client, author), w.confidence, categories=["family_difficulties"])
    assert response.status_code == 302
    new = InformationItem.objects.get(previous=w.confidence)
    assert new.is_confidence
    client.logout()
    head = logged(client, w.users[HEAD])
    for item in (new, w.confidence):
        url = reverse("cases:item_detail", kwargs={"item_id": item.pk})
        assert head.get(url).status_code == 404
    assert head.get(reverse("cases:item_correct", kwargs={"item_id": new.pk})).status_code == 404
    assert head.get(reverse("cases:item_withdraw", kwargs={"item_id": new.pk})).status_code == 404


def test_a_correction_without_a_reason_is_refused_in_french_and_nothing_changes(
    client: Any, world: World
) -> None:
    w = world.a
    response = _correct(logged(client, w.users[SW]), w.secret_fact, note="", reason="erased")
    assert response.status_code == 200
    shown = text_of(response)
    assert "Expliquez la raison en une phrase." in shown
    assert "Sélectionnez un choix valide" in shown
    assert not InformationItem.objects.filter(previous=w.secret_fact).exists()
    assert not JournalEntry.objects.filter(action="item_corrected").exists()


def test_withdrawing_asks_for_confirmation_then_keeps_the_item_out_of_use(
    client: Any, world: World
) -> None:
    w = world.a
    client = logged(client, w.users[SW])
    url = reverse("cases:item_withdraw", kwargs={"item_id": w.secret_fact.pk})
    ask = client.get(url)
    assert ask.status_code == 200
    shown = text_of(ask)
    assert "Ce qui va se passer" in shown and "n'est pas effacée" in shown
    w.secret_fact.refresh_from_db()
    assert w.secret_fact.status == "current"  # the page alone changes nothing
    done = client.post(url, {"reason": "wrong_file", "note": "pas la bonne personne"}, follow=True)
    assert "est retirée" in text_of(done)
    item = InformationItem.objects.get(pk=w.secret_fact.pk)
    assert item.status == "withdrawn" and item.changed_by == w.users[SW]
    assert item not in InformationItem.objects.visible_to(w.users[SW])
    assert InformationItem.objects.filter(pk=item.pk).exists()  # never erased
    entry = last("item_withdrawn")
    assert entry.details == {"item_id": item.pk, "person_id": w.person.pk, "reason": "wrong_file"}
    # Still listed, as withdrawn, on the file; still readable with its reason.
    file_page = text_of(
        client.get(reverse("cases:person_detail", kwargs={"person_id": w.person.pk}))
    )
    assert "Informations retirées" in file_page
    detail = text_of(client.get(reverse("cases:item_detail", kwargs={"item_id": item.pk})))
    assert "Information retirée le" in detail and "pas la bonne personne" in detail


# ------------------------------------------------------------------ reopening


def test_the_author_reopens_a_closed_request_with_a_reason_and_the_answer_is_kept(
    client: Any, world: World
) -> None:
    w = world.a
    incoming = make_request(w.person, w.users[SW])
    answer = make_closed(incoming, w.users[SW])
    client = logged(client, w.users[SW])
    url = reverse("incoming:reopen", kwargs={"incoming_id": incoming.pk})
    ask = client.get(url)
    assert ask.status_code == 200 and "Ce qui va se passer" in text_of(ask)
    refused = client.post(url, {"reason": "other", "statement": ""})
    assert refused.status_code == 400 and "Expliquez la raison" in text_of(refused)
    done = client.post(url, {"reason": "new_information", "statement": "nouvelle réquisition"})
    assert done.status_code == 302
    incoming.refresh_from_db()
    answer.refresh_from_db()
    assert incoming.status == "open"
    assert answer.request_id is None and answer.former_request_id == incoming.pk
    entry = last("request_reopened")
    assert entry.details["answer_id"] == answer.pk
    assert entry.details["reason"] == "new_information"
    page = text_of(client.get(reverse("incoming:detail", kwargs={"incoming_id": incoming.pk})))
    assert "est rouverte" in page and "Réouvertures" in page and "nouvelle réquisition" in page
    # It can be closed again: a second answer, the first one kept.
    make_closed(incoming, w.users[SW])
    assert RequestAnswer.objects.filter(former_request=incoming).count() == 1
    assert RequestAnswer.objects.filter(request=incoming).count() == 1


def test_a_colleague_who_is_not_the_author_may_not_reopen_but_the_head_may(
    client: Any, world: World
) -> None:
    w = world.a
    colleague = make_user(w.org, SW, "collegue-reouverture", teams=[w.team])
    incoming = make_request(w.person, w.users[SW])
    make_closed(incoming, w.users[SW])
    url = reverse("incoming:reopen", kwargs={"incoming_id": incoming.pk})
    assert (
        logged(client, colleague)
        .post(url, {"reason": "other", "statement": "je rouvre"})
        .status_code
        == 403
    )
    refusal = last("access_denied")
    assert refusal.actor_id == colleague.pk and refusal.details["denied"] == "role"
    assert refusal.details["person_id"] == w.person.pk
    incoming.refresh_from_db()
    assert incoming.status == "closed"
    client.logout()
    head = logged(client, w.users[HEAD])
    assert head.post(url, {"reason": "answer_wrong", "statement": "à revoir"}).status_code == 302
    incoming.refresh_from_db()
    assert incoming.status == "open"


# ------------------------------------------------------------------ confirmations


def test_transmitting_a_disclosure_first_says_what_will_happen(client: Any, world: World) -> None:
    w = world.a
    disclosure = w.disclosures["draft"]
    client = logged(client, w.users[SW])
    url = reverse("disclosures:send", kwargs={"disclosure_id": disclosure.pk})
    ask = client.get(url)
    assert ask.status_code == 200
    assert "Ce qui va se passer" in text_of(ask) and "Confirmer la transmission" in text_of(ask)
    disclosure.refresh_from_db()
    assert disclosure.status != "sent"
    done = client.post(url, follow=True)
    assert "est transmise" in text_of(done)
    disclosure.refresh_from_db()
    assert disclosure.status == "sent"


def test_messages_confirm_a_new_person_and_a_new_item(client: Any, world: World) -> None:
    w = world.a
    client = logged(client, w.users[SW])
    created = client.post(
        reverse("cases:person_create"),
        {"last_name": "MESSAGE", "first_name": "Ana", "nationality": "BE", "team": w.team.pk},
        follow=True,
    )
    assert "est ouvert" in text_of(created)
    person = Person.objects.get(last_name="MESSAGE")
    item = client.post(
        reverse("cases:item_create", kwargs={"person_id": person.pk}),
        {"nature": "secret_fact", "categories": ["income"], "origin": "observed", "content": "x"},
        follow=True,
    )
    assert "est enregistrée" in text_of(item)


def test_withdrawing_a_consent_first_says_what_will_happen_then_confirms(
    client: Any, world: World
) -> None:
    w = world.a
    client = logged(client, w.users[SW])
    url = reverse("consent:consent_withdraw", kwargs={"consent_id": w.consent.pk})
    ask = client.get(url)
    assert ask.status_code == 200
    assert "Ce qui va se passer" in text_of(ask) and "n'est pas effacé" in text_of(ask)
    w.consent.refresh_from_db()
    assert w.consent.withdrawn_on is None
    done = client.post(url, follow=True)
    assert f"L'accord n° {w.consent.pk} est retiré" in text_of(done)
    w.consent.refresh_from_db()
    assert w.consent.withdrawn_on == timezone.localdate()
    lifted = client.post(
        reverse("consent:objection_lift", kwargs={"objection_id": w.objection.pk}), follow=True
    )
    assert "est levée" in text_of(lifted)


# ------------------------------------------------------------------ the file's requests


def test_the_file_shows_the_requests_about_the_person_and_their_outcome(
    client: Any, world: World
) -> None:
    w = world.a
    asked = make_request(w.person, w.users[SW], requester_organisation="Zone Sud")
    make_closed(asked, w.users[SW])
    secret = make_request(w.person, w.users[SW], requester_kind="prosecutor")
    hidden = make_closed(secret, w.users[SW])
    hidden.keep_secret = True
    hidden.save(update_fields=["keep_secret"])
    page = logged(client, w.users[SW]).get(
        reverse("cases:person_detail", kwargs={"person_id": w.person.pk})
    )
    rows = {row["r"].pk: row for row in page.context["requests"]}
    assert rows[asked.pk]["answer"] is not None and rows[asked.pk]["verdict"]
    assert rows[secret.pk]["secret"] and rows[secret.pk]["answer"] is None
    shown = text_of(page)
    assert "Demandes au sujet de la personne" in shown and "Zone Sud" in shown
    assert "Mesure tenue secrète" in shown


# ------------------------------------------------------------------ attachments


def test_an_attachment_keeps_its_name_shown_escaped_and_used_on_download(
    client: Any, world: World
) -> None:
    w = world.a
    incoming = make_request(w.person, w.users[SW])
    client = logged(client, w.users[SW])
    name = 'réquisition <PV> & "2026".txt'  # (a "/" cannot be in a name: Django keeps the basename)
    upload = SimpleUploadedFile(name, b"Requisition du parquet", content_type="text/plain")
    added = client.post(
        reverse("incoming:document_add", kwargs={"incoming_id": incoming.pk}),
        {"document": upload},
        follow=True,
    )
    raw = added.content.decode()
    assert "réquisition &lt;PV&gt; &amp; &quot;2026&quot;.txt" in raw and "<PV>" not in raw
    document = RequestDocument.objects.get(request=incoming)
    assert document.original_name == name
    download = client.get(reverse("incoming:document", kwargs={"document_id": document.pk}))
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment; filename")
    assert "utf-8''r%C3%A9quisition%20%3CPV%3E%20%26%20%222026%22.txt" in disposition
    assert download.content == b"Requisition du parquet"


def test_attachments_can_be_given_when_a_request_is_registered(client: Any, world: World) -> None:
    w = world.a
    client = logged(client, w.users[SW])
    data = {
        "person": w.person.pk,
        "requester_kind": "police",
        "requester_organisation": "Zone Est",
        "requester_name": "",
        "requester_contact": "",
        "reference": "PV 2026/9",
        "channel": "letter",
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "received_by": w.users[SW].pk,
        "categories": ["address"],
        "claimed_basis": "none",
        "claimed_basis_text": "",
        "request_text": "",
        "documents": [
            SimpleUploadedFile("lettre-police.pdf", b"%PDF-1.4 lettre", "application/pdf"),
            SimpleUploadedFile("annexe.txt", b"annexe", "text/plain"),
        ],
    }
    response = client.post(reverse("incoming:create"), data, follow=True)
    assert response.status_code == 200
    incoming = IncomingRequest.objects.get(requester_organisation="Zone Est")
    names = sorted(d.original_name for d in incoming.documents.all())
    assert names == ["annexe.txt", "lettre-police.pdf"]
    assert "avec ses 2 pièces jointes" in text_of(response)
    added = JournalEntry.objects.filter(
        action="request_document_added", details__request_id=incoming.pk
    )
    assert added.count() == 2
    # A file whose bytes disagree with its name is refused; nothing is registered.
    data["requester_organisation"] = "Zone Ouest"
    data["documents"] = [SimpleUploadedFile("faux.pdf", b"pas un pdf", "application/pdf")]
    refused = client.post(reverse("incoming:create"), data)
    assert refused.status_code == 200
    assert not IncomingRequest.objects.filter(requester_organisation="Zone Ouest").exists()


def test_a_file_shows_its_items_by_pages_newest_first(client: Any, world: World) -> None:
    """A file with years of notes: 25 current items a page (Django's paginator), the
    newest first; the other pages are reached by the pager, which keeps the requests' page."""
    from depositaire.web.cases.views import ITEMS_PER_PAGE
    from web.factories import make_item

    w = world.a
    person = make_person(w.org, w.team, w.users[SW], first="Paul", last="PAGINE")
    made = [
        make_item(
            person, w.users[SW], nature="secret_fact", categories=["income"], text=f"Note {n}"
        )
        for n in range(ITEMS_PER_PAGE + 5)
    ]
    logged(client, w.users[SW])
    url = reverse("cases:person_detail", kwargs={"person_id": person.pk})
    first = client.get(url)
    assert first.status_code == 200
    page = first.context["items_page"]
    assert page.paginator.count == len(made) and page.paginator.num_pages == 2
    shown = [item.pk for item in first.context["items"]]
    assert len(shown) == ITEMS_PER_PAGE
    assert shown[0] == made[-1].pk  # the newest first
    body = text_of(first)
    assert "page_e=2#items" in body
    assert f"Page 1 sur 2 : lignes 1 à {ITEMS_PER_PAGE} sur {len(made)}." in body
    second = client.get(url, {"page_e": 2, "page_d": 1})
    rest = [item.pk for item in second.context["items"]]
    assert sorted(rest) == sorted(i.pk for i in made[:5])
    # Each pager keeps the other's page.
    assert "page_d=1" in text_of(second)
    # A bad page number is the nearest page, never an error.
    assert client.get(url, {"page_e": "x"}).status_code == 200


def test_a_file_shows_its_disclosures_by_pages_newest_first(client: Any, world: World) -> None:
    """Every disclosure of years of follow-up stays listed on the file, by pages (it was one
    list that grew with each): the newest first, the pager keeping the items' page."""
    from depositaire.web.cases.views import DISCLOSURES_PER_PAGE
    from web.factories import make_disclosure

    w = world.a
    person = make_person(w.org, w.team, w.users[SW], first="Paula", last="PAGINEE")
    made = [
        make_disclosure(person, w.users[SW], kind="cpas_president")
        for _ in range(DISCLOSURES_PER_PAGE + 3)
    ]
    logged(client, w.users[SW])
    url = reverse("cases:person_detail", kwargs={"person_id": person.pk})
    first = client.get(url)
    assert first.status_code == 200
    page = first.context["disclosures_page"]
    assert page.paginator.count == len(made) and page.paginator.num_pages == 2
    shown = [d.pk for d in first.context["disclosures"]]
    assert len(shown) == DISCLOSURES_PER_PAGE
    assert shown[0] == made[-1].pk  # the newest first
    body = text_of(first)
    assert "page_c=2" in body
    # The pager's links come back to the list's own section of the file.
    assert "page_c=2#disclosures" in body
    assert f"Page 1 sur 2 : lignes 1 à {DISCLOSURES_PER_PAGE} sur {len(made)}." in body
    second = client.get(url, {"page_c": 2, "page_e": 1})
    assert sorted(d.pk for d in second.context["disclosures"]) == sorted(d.pk for d in made[:3])
    assert "page_e=1" in text_of(second)
    assert client.get(url, {"page_c": "x"}).status_code == 200


def test_the_requests_list_is_named_for_what_it_holds_received_and_sent(
    client: Any, world: World
) -> None:
    """QA s11: an outgoing request (the guarantor look-up) was listed under « Demandes
    reçues »; the list holds both directions, each row tagged, and its title says so."""
    w = world.a
    sent = make_request(w.person, w.users[SW], direction="outgoing")
    page = logged(client, w.users[SW]).get(reverse("incoming:list"))
    body = text_of(page)
    assert sent.pk in {r.pk for r in page.context["page"].paginator.object_list}
    assert "<h1>Demandes reçues et envoyées</h1>" in body
    assert "<h1>Demandes reçues</h1>" not in body
