"""Sentence boundaries on the shapes feedback really comes in (spacy.blank("en") only)."""

from __future__ import annotations

import spacy

from analyzer.components import segmenter  # noqa: F401


def sents(text: str) -> list[str]:
    nlp = spacy.blank("en")
    nlp.add_pipe("feedback_segmenter")
    return [s.text.strip() for s in nlp(text).sents if s.text.strip()]


def test_email_greeting_body_and_signature_are_separate() -> None:
    text = "Dear Sam,\nThank you for your time on Monday. We have decided not to proceed.\n\nKind regards,\nJane Holt"
    assert sents(text) == [
        "Dear Sam,",
        "Thank you for your time on Monday.",
        "We have decided not to proceed.",
        "Kind regards,",
        "Jane Holt",
    ]


def test_bullets_and_numbered_lists_split_per_item() -> None:
    text = (
        "Post-mortem:\n- blanked on the first question\n- no questions prepared\n"
        "1. salary too high\n2) they want a visa-free hire"
    )
    assert sents(text) == [
        "Post-mortem:",
        "- blanked on the first question",
        "- no questions prepared",
        "1. salary too high",
        "2) they want a visa-free hire",
    ]


def test_line_broken_phone_notes_split_per_line() -> None:
    text = "called recruiter\nsaid they went internal\nno word on the other role"
    assert sents(text) == ["called recruiter", "said they went internal", "no word on the other role"]


def test_hard_wrapped_paragraph_stays_one_sentence() -> None:
    text = (
        "The panel felt that your answers to the competency questions were too general and\n"
        "did not give enough detail about your own contribution to the projects you described."
    )
    assert len(sents(text)) == 1


def test_long_unpunctuated_dictation_is_cut_at_clause_words() -> None:
    text = (
        "so i went in there and the manager was nice enough and we talked about the shifts and the pay "
        "and all that but then he asked me about the till system and i had no clue how it works "
        "so yeah probably that"
    )
    parts = sents(text)
    assert len(parts) >= 3
    assert any(p.startswith("but then he asked me about the till system") for p in parts)


def test_quoted_speech_keeps_its_closing_quote() -> None:
    parts = sents('She said "you seemed nervous." Then she thanked me.')
    assert parts == ['She said "you seemed nervous."', "Then she thanked me."]
