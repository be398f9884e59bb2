"""The explanation is rendered when it is read, with the language read once."""

from __future__ import annotations

import depositaire.messages as messages
from depositaire.engine import decide

POLICE = {
    "holder": {"role": "social_worker", "institution": "cpas"},
    "recipient": {"kind": "police"},
    "request": {"kind": "informal_request"},
    "date": "2026-11-23",
}


def test_the_french_text_is_made_only_when_the_explanation_is_read(monkeypatch):
    calls = []
    real = messages.current_language
    monkeypatch.setattr(messages, "current_language", lambda: calls.append(1) or real())
    d = decide(POLICE)
    assert d.text is None and calls == []
    sentences = d.explanation
    assert sentences and all(isinstance(s, str) and s for s in sentences)
    assert d.explanation is sentences  # rendered once, then kept


def test_one_rendering_reads_the_language_once(monkeypatch):
    calls = []
    real = messages.current_language
    monkeypatch.setattr(messages, "current_language", lambda: calls.append(1) or real())
    sentences = decide(POLICE).explanation
    assert len(sentences) > 3
    assert len(calls) == 1


def test_without_explanation_the_decision_holds_no_text_and_renders_nothing():
    d = decide(POLICE, explain=False)
    assert d.explanation == [] and d.to_dict()["explanation"] == []
