"""Data files are validated on load: good ones load, broken ones fail with a clear message."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from analyzer.advice import load_advice
from analyzer.components.context import load_context_rules
from analyzer.components.cues import load_cue_table
from analyzer.errors import ConfigError
from analyzer.patterns import compile_pattern
from analyzer.taxonomy import RESOURCES, THEME_IDS, load_themes


def test_themes_match_the_contract() -> None:
    themes = load_themes()
    assert tuple(themes) == THEME_IDS
    assert not themes["internal_candidate"].controllable
    assert themes["nerves"].controllable and themes["cost"].controllable_level == "partly"


def test_pattern_language() -> None:
    table = {"shaking": "shake"}
    assert compile_pattern("~shaking|shaky hands?", "t", lambda w: table.get(w, w)) == [
        {"LEMMA": {"IN": ["shake", "shaky"]}},
        {"LOWER": "hands", "OP": "?"},
    ]
    assert compile_pattern("went _{0,2} blank", "t")[1] == {"OP": "{0,2}"}
    with pytest.raises(ConfigError, match="can match nothing"):
        compile_pattern("maybe?", "t")
    with pytest.raises(ConfigError, match="bad word"):
        compile_pattern("~", "t")


def test_bad_cue_file_names_the_problem(tmp_path: Path) -> None:
    bad = tmp_path / "cues.toml"
    bad.write_text('[nerves]\npatterns = ["ok", "~"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[nerves\]"):
        load_cue_table(bad, set(THEME_IDS))
    bad.write_text('[not_a_theme]\npatterns = ["x"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown cue label"):
        load_cue_table(bad, set(THEME_IDS))


def test_bad_context_rules_name_the_problem(tmp_path: Path) -> None:
    rules = tomllib.loads((RESOURCES / "context.toml").read_text("utf-8"))
    rules["negation"]["window"] = 0
    bad = tmp_path / "context.toml"
    import json

    # TOML has no dumper in the stdlib; JSON syntax for these simple tables is close enough
    lines = []
    for section, body in rules.items():
        lines.append(f"[{section}]")
        for k, v in body.items():
            lines.append(f"{k} = {json.dumps(v)}")
    bad.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(ConfigError, match="window"):
        load_context_rules(bad)


def test_advice_library_is_complete_and_has_no_duplicate_steps() -> None:
    advice = load_advice()
    assert set(advice.themes) == set(THEME_IDS)
    steps = [s for a in advice.themes.values() for s in (*a.steps, *a.topic_steps)]
    assert len(steps) == len(set(steps))
    assert all(len(a.steps) >= 3 for a in advice.themes.values())


def test_broken_advice_file_is_refused(tmp_path: Path) -> None:
    text = (RESOURCES / "advice.toml").read_text("utf-8")
    bad = tmp_path / "advice.toml"
    bad.write_text(text.replace('followups = ["thank_you"', 'followups = ["no_such_followup"', 1), encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown follow-up"):
        load_advice.__wrapped__(bad)


def test_lemma_table_is_in_sync_with_patterns_and_corpus() -> None:
    import json

    from analyzer.build_lemmas import build

    committed = json.loads((RESOURCES / "lemmas.json").read_text("utf-8"))
    assert build(Path(__file__).resolve().parents[1] / "data" / "raw") == committed, (
        "resources/lemmas.json is stale: run python -m analyzer.build_lemmas"
    )
