"""The README's commands and options exist, and every command documents itself in --help."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from analyzer.cli import app
from tests.conftest import ROOT

runner = CliRunner()
README = (ROOT / "README.md").read_text("utf-8")
COMMANDS = ("analyze", "batch", "trends", "themes", "train", "evaluate", "distill")


def test_every_command_has_help_and_a_readme_section() -> None:
    for command in COMMANDS:
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0, command
        assert f"### `interview-analyzer {command}" in README, f"README has no section for {command}"


def test_options_named_in_the_readme_exist() -> None:
    for command in COMMANDS:
        section = README.split(f"### `interview-analyzer {command}", 1)[1].split("\n### ", 1)[0]
        help_text = runner.invoke(app, [command, "--help"]).stdout
        for option in set(re.findall(r"(--[a-z][a-z-]+)", section)):
            assert option in help_text, f"README mentions {option} for {command}"


def test_quick_start_is_two_commands_and_ci_runs_them() -> None:
    quick = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)\n```", quick, flags=re.S)
    assert len(blocks) == 2 and all("\n" not in b.strip() for b in blocks)
    install_and_run, tests = (b.strip() for b in blocks)
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert 'pip install ".[dev]"' in install_and_run and 'pip install --quiet ".[dev]"' in ci
    assert "interview-analyzer analyze --file data/examples/rejection_email.txt" in install_and_run
    assert "interview-analyzer analyze --file data/examples/rejection_email.txt" in ci
    assert tests in ci
