"""The requester's reference is printed in the letter: checked (length, characters, no markup)."""

from __future__ import annotations

from typing import Any

import pytest

from depositaire.messages import t
from depositaire.web.accounts import roles
from depositaire.web.incoming.forms import OutgoingForm, RequestForm, clean_reference

from .factories import World


@pytest.mark.parametrize(
    "bad",
    [
        "<script>alert(1)</script>",
        "PV <b>123</b>",
        "réf\u202e2024",
        "x" * 81,
        "ligne\nsuivante",
        "{{ 7*7 }}",
    ],
)
def test_a_reference_with_markup_or_too_long_is_refused(bad: str) -> None:
    from django import forms

    with pytest.raises(forms.ValidationError) as caught:
        clean_reference(bad)
    assert caught.value.messages == [t("incoming.form.reference_invalid", max=80)]


@pytest.mark.parametrize("good", ["PV 2024/123-B", "Dossier n° 45.876 (PZ Midi)", "RÉF_12:3"])
def test_an_ordinary_reference_is_kept(good: str) -> None:
    assert clean_reference(f"  {good} ") == good


@pytest.mark.django_db
@pytest.mark.parametrize("form_class", [RequestForm, OutgoingForm])
def test_the_forms_name_the_bad_reference_in_french(form_class: Any, world: World) -> None:
    user = world.a.users[roles.SOCIAL_WORKER]
    form = form_class(data={"reference": "<img src=x onerror=alert(1)>"}, user=user)
    assert not form.is_valid()
    assert form.errors["reference"] == [t("incoming.form.reference_invalid", max=80)]


def test_the_api_refuses_the_same_references() -> None:
    from pydantic import ValidationError

    from depositaire.web.api.register import OutgoingIn

    base = {"person_id": 1, "purpose": "guarantor_lookup", "recipient_organisation": "SPF"}
    with pytest.raises(ValidationError) as caught:
        OutgoingIn.model_validate({**base, "reference": "<script>x</script>"})
    assert t("incoming.form.reference_invalid", max=80) in str(caught.value)
    assert OutgoingIn.model_validate({**base, "reference": " PV 12/3 "}).reference == "PV 12/3"


# One bound, stated once (REFERENCE_MAX): the page's field, the API's schema and the message.


@pytest.mark.django_db
@pytest.mark.parametrize("form_class", [RequestForm, OutgoingForm])
def test_the_forms_bound_the_reference_by_the_one_constant(form_class: Any, world: World) -> None:
    from depositaire.web.incoming.forms import REFERENCE_MAX

    user = world.a.users[roles.SOCIAL_WORKER]
    field = form_class(user=user).fields["reference"]
    assert field.max_length == REFERENCE_MAX
    assert field.widget.attrs["maxlength"] == str(REFERENCE_MAX)
    form = form_class(data={"reference": "x" * (REFERENCE_MAX + 15)}, user=user)
    assert not form.is_valid()
    assert form.errors["reference"] == [t("incoming.form.reference_invalid", max=REFERENCE_MAX)]


@pytest.mark.parametrize("schema_name", ["RequestIn", "OutgoingIn"])
def test_the_api_schema_states_the_same_bound(schema_name: str) -> None:
    from depositaire.web.api import register
    from depositaire.web.incoming.forms import REFERENCE_MAX

    schema = getattr(register, schema_name).model_json_schema()
    assert schema["properties"]["reference"]["maxLength"] == REFERENCE_MAX


@pytest.mark.django_db
def test_the_openapi_document_states_the_same_bound(client: Any) -> None:
    from depositaire.web.incoming.forms import REFERENCE_MAX

    document = client.get("/api/v1/openapi.json").json()
    bounds = {
        name: schema["properties"]["reference"].get("maxLength")
        for name, schema in document["components"]["schemas"].items()
        if "reference" in schema.get("properties", {}) and name.endswith("In")
    }
    assert bounds and set(bounds.values()) == {REFERENCE_MAX}, bounds
