"""The context component: negation, dismissal, hypotheticals and who is speaking."""

from __future__ import annotations

from spacy.language import Language


def cue_status(nlp: Language, text: str, label: str) -> list[str]:
    doc = nlp(text)
    return [c.status for c in doc._.cues if c.label == label]


def test_negated_cue(blank_nlp: Language) -> None:
    assert cue_status(blank_nlp, "I wasn't nervous at all.", "nerves") == ["negated"]


def test_negation_inside_a_cue_is_part_of_it(blank_nlp: Language) -> None:
    assert "affirmed" in cue_status(blank_nlp, "I never heard back after the final round.", "no_feedback")


def test_negation_scope_stops_at_but(blank_nlp: Language) -> None:
    doc = blank_nlp("It wasn't the salary, but my hands were shaking the whole time.")
    statuses = {(c.label, c.status) for c in doc._.cues}
    assert ("nerves", "affirmed") in statuses


def test_dismissed_after_the_topic(blank_nlp: Language) -> None:
    assert cue_status(blank_nlp, "Salary was never the issue for them.", "cost") == ["dismissed"]


def test_dismissed_question_then_no(blank_nlp: Language) -> None:
    statuses = cue_status(blank_nlp, "Maybe it was my salary? No, they said the budget was fine.", "cost")
    assert statuses and all(s == "dismissed" for s in statuses)


def test_hypothetical_plans_and_fears(blank_nlp: Language) -> None:
    assert cue_status(blank_nlp, "If they ask about salary I will say 50k.", "cost") == ["hypothetical"]
    assert cue_status(blank_nlp, "I was worried they'd think I was too junior.", "experience_gap") == ["hypothetical"]


def test_affirmed_statement_stays_affirmed(blank_nlp: Language) -> None:
    assert cue_status(blank_nlp, "My salary expectations were above their budget.", "cost")[0] == "affirmed"


def test_source_employer_for_reported_speech_and_emails(blank_nlp: Language) -> None:
    doc = blank_nlp("I thought it went well. The recruiter said they felt I lacked depth in SQL.")
    assert [c.source for c in doc._.contexts] == ["candidate", "employer"]
    email = blank_nlp(
        "Dear Alex,\nThank you for your application. Unfortunately we will not be progressing it.\n\nBest,\nSam"
    )
    sources = [c.source for c, s in zip(email._.contexts, email.sents, strict=True) if "progressing" in s.text]
    assert sources == ["employer"]


def test_source_candidate_for_own_notes(blank_nlp: Language) -> None:
    doc = blank_nlp("I blanked on the second question and rambled for ages.")
    assert [c.source for c in doc._.contexts] == ["candidate"]


def test_cue_patterns_save_and_load_with_the_pipeline(blank_nlp: Language, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cues = blank_nlp.get_pipe("theme_cues")
    cues.to_disk(tmp_path / "cues")
    restored = type(cues)(blank_nlp, {}).from_disk(tmp_path / "cues")
    assert restored.cue_table == cues.cue_table
    assert type(cues)(blank_nlp, {}).from_bytes(cues.to_bytes()).cue_table == cues.cue_table


def test_reported_speech_carries_over_a_dictation_cut(blank_nlp: Language) -> None:
    text = (
        "she said they liked me and that the shift manager was happy with the trial day on saturday "
        "but i have no forklift licence and they need someone who can cover nights from day one"
    )
    doc = blank_nlp(text)
    assert len(doc._.contexts) == 2  # the long run-on sentence is cut before "but"
    assert [c.source for c in doc._.contexts] == ["employer", "employer"]
