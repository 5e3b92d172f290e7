"""Trends over the bundled example history, guards on tiny histories, reports with charts."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from analyzer.cli import app
from analyzer.trends import load_history, summarize
from tests.conftest import ROOT

HISTORY = ROOT / "data" / "examples" / "interview_history.csv"
runner = CliRunner()


@pytest.fixture(scope="module")
def summary():  # type: ignore[no-untyped-def]
    return summarize(load_history(HISTORY), recent=20, at_least=3)


def test_the_story_of_the_example_history_is_found(summary) -> None:  # type: ignore[no-untyped-def]
    counts = {c.theme: c.rows for c in summary.overall}
    # silence is the most common outcome; the experience gap keeps coming up for senior roles
    assert counts["no_feedback"] >= 15
    assert counts.get("experience_gap", 0) >= 5
    assert counts.get("hiring_freeze", 0) >= 2
    early = summary.frame[summary.frame["date"] < "2026-01-01"]
    late = summary.frame[summary.frame["date"] >= "2026-04-01"]
    nerves_early = early["themes"].map(lambda ts: "nerves" in ts).sum()
    nerves_late = late["themes"].map(lambda ts: "nerves" in ts).sum()
    assert nerves_early > nerves_late  # nerves fade


def test_breakdowns_and_recurring_themes(summary) -> None:  # type: ignore[no-untyped-def]
    assert {"month", "quarter", "stage", "outcome", "company", "role"} <= set(summary.breakdowns)
    assert summary.breakdowns["stage"].groups["application"]["rows"] > 0
    assert any(r.theme == "experience_gap" for r in summary.recurring)
    controllable = [r.controllable for r in summary.recurring]
    assert controllable == sorted(controllable, reverse=True)  # controllable ones first
    assert 1 <= len(summary.work_on_next) <= 3
    assert all(len(s.steps) >= 3 for s in summary.work_on_next)
    assert "outside your control" in summary.outside_control["statement"]


def test_tiny_history_is_too_early_to_call(tmp_path: Path) -> None:
    small = tmp_path / "small.csv"
    pd.DataFrame(
        [
            {
                "date": "2026-01-05",
                "stage": "interview",
                "outcome": "rejected",
                "notes": "My mind went blank.",
            },
            {"date": "2026-01-09", "stage": "interview", "outcome": "rejected", "notes": "I blanked again."},
        ]
    ).to_csv(small, index=False)
    s = summarize(load_history(small))
    assert s.too_early and any("too early" in n for n in s.notes)
    assert s.recurring == [] and s.breakdowns == {}


def test_analysed_history_from_batch_is_read_without_reanalysing(tmp_path: Path) -> None:
    out = tmp_path / "analysed.csv"
    result = runner.invoke(
        app,
        ["batch", str(HISTORY), "-o", str(out), "--text-column", "notes", "--text-column", "feedback", "-q"],
    )
    assert result.exit_code == 0, result.output
    raw = summarize(load_history(HISTORY))
    again = summarize(load_history(out))
    assert {c.theme: c.rows for c in raw.overall} == {c.theme: c.rows for c in again.overall}


def test_trends_cli_json_and_reports(tmp_path: Path) -> None:
    result = runner.invoke(app, ["trends", str(HISTORY), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["rows"] == len(pd.read_csv(HISTORY))
    html_path = tmp_path / "report.html"
    result = runner.invoke(app, ["trends", str(HISTORY), "--report", str(html_path)])
    assert result.exit_code == 0, result.output
    html = html_path.read_text("utf-8")
    images = html.count("data:image/png;base64,")
    assert images == 3
    first = html.split("data:image/png;base64,")[1].split("'")[0]
    assert base64.b64decode(first)[:8] == b"\x89PNG\r\n\x1a\n"
    md_path = tmp_path / "report.md"
    assert runner.invoke(app, ["trends", str(HISTORY), "--report", str(md_path)]).exit_code == 0
    assert "![" in md_path.read_text("utf-8")
    assert len(list((tmp_path / "report_files").glob("*.png"))) == 3


def test_trends_on_a_history_without_text_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    pd.DataFrame([{"date": "2026-01-01", "company": "X"}]).to_csv(bad, index=False)
    result = runner.invoke(app, ["trends", str(bad)])
    assert result.exit_code != 0
