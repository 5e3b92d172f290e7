"""Batch analysis: every format in and out, columns kept, bad rows kept, atomic writes."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from analyzer.batch import SCORE_COLUMNS, run_batch
from analyzer.cli import app
from analyzer.errors import InputError

ROWS = [
    {"id": "r1", "company": "Acme", "text": "Never heard back after the final round.", "rating": 3},
    {"id": "r2", "company": "Birch", "text": "They went with an internal candidate.", "rating": 4},
    {"id": "r3", "company": "Cobalt", "text": "My mind went blank and my voice was shaking.", "rating": 2},
]
runner = CliRunner()


def write_input(path: Path, rows: list[dict[str, Any]]) -> None:
    if path.suffix == ".csv":
        pd.DataFrame(rows).to_csv(path, index=False)
    elif path.suffix == ".jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    else:
        pq.write_table(pa.Table.from_pylist(rows), path)


def read_output(path: Path) -> list[dict[str, Any]]:
    if path.suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    return pq.read_table(path).to_pylist()


def themes_of(row: dict[str, Any]) -> list[str]:
    value = row["themes"]
    return value.split(";") if isinstance(value, str) else list(value)


@pytest.mark.parametrize("src", [".csv", ".jsonl", ".parquet"])
@pytest.mark.parametrize("dst", [".csv", ".jsonl", ".parquet"])
def test_round_trip_every_format(tmp_path: Path, src: str, dst: str) -> None:
    inp, out = tmp_path / f"in{src}", tmp_path / f"out{dst}"
    write_input(inp, ROWS)
    summary = run_batch(inp, out)
    rows = read_output(out)
    assert summary.rows == 3 and summary.errors == 0
    assert list(rows[0])[:4] == ["id", "company", "text", "rating"]  # input columns kept, in order
    assert all(c in rows[0] for c in ["themes", *SCORE_COLUMNS])
    assert [r["id"] for r in rows] == ["r1", "r2", "r3"]
    assert [themes_of(r)[0] for r in rows] == ["no_feedback", "internal_candidate", "nerves"]
    assert 0.0 <= float(rows[0]["score_no_feedback"]) <= 1.0


def test_folder_of_notes(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "2024-03-acme.txt").write_text("The role was put on hold after budget cuts.", encoding="utf-8")
    (notes / "2024-04-birch.md").write_text("# Birch\nThey said my salary ask was above budget.", encoding="utf-8")
    (notes / "ignore.pdf").write_bytes(b"%PDF")
    out = tmp_path / "out.jsonl"
    run_batch(notes, out)
    rows = read_output(out)
    assert [r["id"] for r in rows] == ["2024-03-acme.txt", "2024-04-birch.md"]
    assert "hiring_freeze" in rows[0]["themes"] and "cost" in rows[1]["themes"]


def test_several_text_columns_keep_where_evidence_came_from(tmp_path: Path) -> None:
    inp, out = tmp_path / "h.csv", tmp_path / "o.jsonl"
    pd.DataFrame(
        [
            {
                "notes": "My hands were shaking the whole time.",
                "feedback": "We have appointed an internal candidate.",
            }
        ]
    ).to_csv(inp, index=False)
    result = runner.invoke(
        app, ["batch", str(inp), "-o", str(out), "--text-column", "notes", "--text-column", "feedback", "-q"]
    )
    assert result.exit_code == 0, result.output
    row = read_output(out)[0]
    assert {"nerves", "internal_candidate"} <= set(row["themes"])
    columns = {e["theme"]: e["column"] for e in row["evidence"]}
    assert columns["nerves"] == "notes" and columns["internal_candidate"] == "feedback"


def test_bad_rows_get_an_error_and_the_batch_goes_on(tmp_path: Path) -> None:
    inp, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    inp.write_text(
        json.dumps({"text": "They picked someone cheaper."})
        + "\n"
        + '{"text": "broken line\n'
        + json.dumps({"text": ""})
        + "\n"
        + json.dumps({"text": 42})
        + "\n"
        + json.dumps([1, 2])
        + "\n"
        + json.dumps({"text": "My nerves got the better of me."})
        + "\n",
        encoding="utf-8",
    )
    summary = run_batch(inp, out)
    rows = read_output(out)
    assert len(rows) == 6 and summary.errors == 4
    assert rows[0]["error"] is None and "cost" in rows[0]["themes"]
    assert "line 2" in rows[1]["error"] and "malformed JSON" in rows[1]["error"]
    assert "empty" in rows[2]["error"]
    assert "not text" in rows[3]["error"]
    assert "line 5" in rows[4]["error"]
    assert rows[5]["error"] is None and "nerves" in rows[5]["themes"]


def test_csv_with_a_ragged_line_and_bad_bytes(tmp_path: Path) -> None:
    inp, out = tmp_path / "in.csv", tmp_path / "out.csv"
    inp.write_bytes(
        b"id,text\n1,They went with an internal candidate.\n2,too,many,fields\n"
        b"3,caf\xe9 job: never heard back\n4,The role was put on hold after budget cuts.\n"
    )
    summary = run_batch(inp, out)
    rows = read_output(out)
    assert [r["id"] for r in rows] == ["1", "2", "3", "4"] and summary.errors == 2
    assert "line 3" in rows[1]["error"] and "fields" in rows[1]["error"]
    assert "UTF-8" in rows[2]["error"]
    assert "hiring_freeze" in rows[3]["themes"].split(";")


def test_missing_text_column_is_a_clear_error(tmp_path: Path) -> None:
    inp = tmp_path / "in.csv"
    pd.DataFrame([{"body": "x"}]).to_csv(inp, index=False)
    with pytest.raises(InputError, match="no column 'text'"):
        run_batch(inp, tmp_path / "out.csv")
    result = runner.invoke(app, ["batch", str(inp), "-o", str(tmp_path / "o.csv")])
    assert result.exit_code != 0


class ExplodingAnalyzer:
    """Analyses the first chunk, then the run is interrupted."""

    def __init__(self) -> None:
        from analyzer import get_analyzer

        self.real = get_analyzer()
        self.calls = 0

    def analyze_each(self, texts, **options):  # type: ignore[no-untyped-def]
        self.calls += 1
        if self.calls > 1:
            raise KeyboardInterrupt
        return self.real.analyze_each(texts, **options)


def test_an_interrupted_run_leaves_no_output(tmp_path: Path) -> None:
    inp, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_input(inp, ROWS * 5)
    with pytest.raises(KeyboardInterrupt):
        run_batch(inp, out, chunk_size=4, analyzer=ExplodingAnalyzer())
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [inp]  # no partial file left behind either


def test_summary_counts_rows_per_theme(tmp_path: Path) -> None:
    inp = tmp_path / "in.csv"
    write_input(inp, ROWS)
    result = runner.invoke(app, ["batch", str(inp), "-o", str(tmp_path / "o.parquet")])
    assert result.exit_code == 0
    assert "3 rows" in result.stderr and "rows with errors: 0" in result.stderr
    assert "internal_candidate 1" in result.stderr


def test_quiet_prints_nothing_and_failed_rows_are_named_by_id(tmp_path: Path) -> None:
    inp = tmp_path / "in.csv"
    pd.DataFrame([{"app": "A-1", "text": ""}, {"app": "A-2", "text": "They froze the role."}]).to_csv(inp, index=False)
    quiet = runner.invoke(app, ["batch", str(inp), "-o", str(tmp_path / "q.csv"), "--quiet"])
    assert quiet.exit_code == 0 and quiet.stderr == ""
    loud = runner.invoke(app, ["batch", str(inp), "-o", str(tmp_path / "l.csv"), "--id-column", "app"])
    assert "rows with errors: 1 (app A-1)" in loud.stderr
