"""Golden cases and bad input through the command line, as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from analyzer.cli import app
from analyzer.taxonomy import THEME_IDS
from tests.conftest import GOLDEN, ROOT

runner = CliRunner()


def run_json(*args: str, input: str | None = None) -> dict[str, Any]:
    result = runner.invoke(app, ["analyze", "--json", *args], input=input)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("case", GOLDEN, ids=[c["name"] for c in GOLDEN])
def test_golden_case(case: dict[str, Any]) -> None:
    out = run_json(case["text"])
    found = [t["id"] for t in out["themes"]]
    for theme in case["expect"]:
        assert theme in found, f"{case['name']}: expected {theme}, got {found}"
    for theme in case.get("absent", []):
        assert theme not in found, f"{case['name']}: {theme} should not fire (trap), got {found}"
    if case.get("strengths"):
        assert out["strengths"], "the praise should be reported as a strength"
        assert not found, "praise alone is not a reason"
    text = case["text"]
    for t in out["themes"]:
        assert t["evidence"], f"{t['id']} has no evidence"
        for ev in t["evidence"]:
            assert text[ev["start"] : ev["end"]] == ev["text"]
            assert ev["source"] in ("employer", "candidate")
            for trig in ev["triggers"]:
                assert text[trig["start"] : trig["end"]] == trig["text"]
    for s in out["strengths"]:
        assert text[s["start"] : s["end"]] == s["text"]


def test_golden_cases_cover_every_theme() -> None:
    assert {t for c in GOLDEN for t in c["expect"]} == set(THEME_IDS)


def test_json_schema_of_the_contract() -> None:
    text = (
        "They said I came across as nervous and didn't know much about the company. "
        "Also they went with someone internal."
    )
    out = run_json(text)
    assert set(out) >= {"themes", "strengths", "actions", "model"}
    assert set(out["model"]) >= {"name", "version"}
    scores = [t["score"] for t in out["themes"]]
    assert scores == sorted(scores, reverse=True)
    for t in out["themes"]:
        assert t["id"] in THEME_IDS and 0.0 <= t["score"] <= 1.0
        assert isinstance(t["controllable"], bool) and t["label"]
    assert [a["theme"] for a in out["actions"]] == [t["id"] for t in out["themes"]]
    for a in out["actions"]:
        assert a["title"] and len(a["steps"]) >= 3
    ids = {t["id"]: t for t in out["themes"]}
    assert {"nerves", "underprepared"} <= set(ids)
    assert ids["nerves"]["controllable"] is True
    outside = run_json("The role went to an internal candidate who had been acting up for a year.")
    assert outside["themes"][0]["id"] == "internal_candidate" and outside["themes"][0]["controllable"] is False


def test_same_input_same_output() -> None:
    text = (ROOT / "data" / "examples" / "rejection_email.txt").read_text("utf-8")
    assert run_json(text) == run_json(text)


def test_file_and_stdin_give_the_same_result(tmp_path: Path) -> None:
    text = "The recruiter told me the role was cancelled after a restructure."
    f = tmp_path / "note.txt"
    f.write_text(text, encoding="utf-8")
    assert run_json("--file", str(f)) == run_json(input=text) == run_json(text)


def test_terminal_report_puts_controllable_first_and_lists_strengths() -> None:
    text = (
        "Thanks for interviewing. The panel loved your presentation. "
        "We went with an internal candidate. Honestly, your answers rambled and lacked concrete examples."
    )
    result = runner.invoke(app, ["analyze", text])
    assert result.exit_code == 0
    out = result.stdout
    assert "What you can work on" in out and "What was outside your control" in out
    assert out.index("What you can work on") < out.index("What was outside your control")
    assert "[ ]" in out and "What went well" in out


def test_markdown_output() -> None:
    result = runner.invoke(app, ["analyze", "--markdown", "My mind went blank and they picked someone internal."])
    assert result.exit_code == 0
    assert result.stdout.startswith("# Interview analysis")
    assert "- [ ]" in result.stdout and "## What was outside your control" in result.stdout


def test_themes_command_lists_every_theme() -> None:
    result = runner.invoke(app, ["themes"])
    assert result.exit_code == 0
    for theme in THEME_IDS:
        assert theme in result.stdout


def cli(*args: str, input: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "analyzer", *args], input=input, capture_output=True, timeout=120)


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["analyze", "   "], None, "empty"),
        (["analyze"], b"", "empty"),
        (["analyze", "--file", "/no/such/file.txt"], None, "no such file"),
        (["analyze", "--file", "BINARY"], None, "binary"),
        (["analyze", "--file", "LATIN1"], None, "not UTF-8"),
        (["analyze", "--file", "HUGE"], None, "too long"),
        (["analyze", "--file", "FOLDER"], None, "folder"),
        (["batch", "MISSING.csv", "-o", "OUT.csv"], None, "no such file"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, args: list[str], stdin: bytes | None, message: str) -> None:
    (tmp_path / "bin.dat").write_bytes(b"\x00\x01\x02PNG\x00" * 100)
    (tmp_path / "latin1.txt").write_bytes("Le recruteur a dit: trop nerveux, désolé".encode("latin-1"))
    (tmp_path / "huge.txt").write_text("I blanked. " * 120_000, encoding="utf-8")
    subs = {
        "BINARY": str(tmp_path / "bin.dat"),
        "LATIN1": str(tmp_path / "latin1.txt"),
        "HUGE": str(tmp_path / "huge.txt"),
        "FOLDER": str(tmp_path),
        "MISSING.csv": str(tmp_path / "missing.csv"),
        "OUT.csv": str(tmp_path / "out.csv"),
    }
    proc = cli(*[subs.get(a, a) for a in args], input=stdin)
    err = proc.stderr.decode()
    assert proc.returncode == 2, err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) <= 2 and message in err


def test_console_script_help_and_module_entry_point() -> None:
    proc = cli("--help")
    assert proc.returncode == 0
    for command in ("analyze", "batch", "trends", "train", "evaluate", "themes"):
        assert command in proc.stdout.decode()


def test_installed_console_script_finds_its_model_outside_the_checkout(tmp_path: Path) -> None:
    import shutil

    exe = shutil.which("interview-analyzer")
    assert exe, "the console script is installed"
    proc = subprocess.run(
        [exe, "analyze", "--json", "They went with an internal candidate."],
        cwd=tmp_path,
        capture_output=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    assert json.loads(proc.stdout)["themes"][0]["id"] == "internal_candidate"
