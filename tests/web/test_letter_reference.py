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
