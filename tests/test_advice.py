"""The action plan: concrete steps per theme, topics from the evidence, follow-ups once."""

from __future__ import annotations

from analyzer.advice import MAX_FOLLOWUPS, load_advice
from analyzer.results import Evidence, ThemeResult


def theme(tid: str, text: str, controllable: bool = True) -> ThemeResult:
    ev = Evidence(text=text, start=0, end=len(text), source="employer", score=0.9)
    return ThemeResult(tid, tid, 0.9, controllable, "yes" if controllable else "no", (ev,))


def test_topic_from_the_evidence_is_named_in_a_step() -> None:
    plan = load_advice().plan([theme("skills_gap", "They said I lacked experience with Kubernetes.")])
    assert plan[0].topic == "Kubernetes"
    assert "Kubernetes" in plan[0].steps[0]
    assert len(plan[0].steps) == 3


def test_without_a_topic_generic_steps_are_used() -> None:
    advice = load_advice()
    plan = advice.plan([theme("skills_gap", "The technical round did not go well.")])
    assert plan[0].topic is None
    assert plan[0].steps == advice.themes["skills_gap"].steps[:3]


def test_followups_appear_once_and_the_plan_has_no_duplicate_steps() -> None:
    themes = [
        theme("internal_candidate", "they went with someone internal", controllable=False),
        theme("nerves", "my mind went blank"),
        theme("no_feedback", "never heard back", controllable=False),
        theme("hiring_freeze", "the role was put on hold", controllable=False),
    ]
    plan = load_advice().plan(themes)
    assert [a.theme for a in plan] == [t.id for t in themes]
    followups = [f.id for a in plan for f in a.followups]
    assert len(followups) == len(set(followups)) and 0 < len(followups) <= MAX_FOLLOWUPS
    steps = [s for a in plan for s in a.steps] + [f.text for a in plan for f in a.followups]
    assert len(steps) == len(set(steps))


def test_outside_control_summaries_say_so() -> None:
    advice = load_advice()
    for tid in ("internal_candidate", "hiring_freeze", "competition", "no_feedback"):
        assert "outside your control" in advice.themes[tid].summary
