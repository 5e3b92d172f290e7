"""Batch analysis: stream rows in, analyse in chunks, stream rows out, rename at the end.

Readers yield chunks of rows (dicts, input columns in order) with per-row read errors;
writers append chunks. Nothing holds more than one chunk, so memory stays flat whatever the
file size, and the output appears under its real name only once it is complete.
"""

from __future__ import annotations

import csv
import gc
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from analyzer.errors import InputError
from analyzer.taxonomy import THEME_IDS
from analyzer.textio import decode_text

OUTPUT_SUFFIXES = (".csv", ".jsonl", ".parquet")
NOTE_SUFFIXES = (".txt", ".md")
SCORE_COLUMNS = [f"score_{t}" for t in THEME_IDS]
ADDED_COLUMNS = ["themes", *SCORE_COLUMNS, "evidence", "error"]

csv.field_size_limit(sys.maxsize if sys.maxsize < 2**31 else 2**31 - 1)


@dataclass
class Row:
    values: dict[str, Any]
    error: str | None = None  # a read error: the row is kept and marked


@dataclass
class BatchSummary:
    rows: int = 0
    errors: int = 0
    per_theme: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    output: Path | None = None
    failed: list[str] = field(default_factory=list)  # the first few failing rows, by id or number

    def describe(self) -> str:
        rate = self.rows / self.seconds if self.seconds else 0.0
        themes = ", ".join(f"{t} {n}" for t, n in self.per_theme.most_common()) or "none"
        failed = (
            f" ({', '.join(self.failed)}{', ...' if self.errors > len(self.failed) else ''})" if self.failed else ""
        )
        return (
            f"{self.rows} rows in {self.seconds:.1f}s ({rate:.0f} rows/s) -> {self.output}\n"
            f"rows per theme: {themes}\nrows with errors: {self.errors}{failed}"
        )


# -- readers --------------------------------------------------------------------------------
def _refuse_binary(path: Path) -> None:
    with path.open("rb") as fh:
        head = fh.read(65536)
    if b"\x00" in head:
        raise InputError(f"{path} looks binary (NUL bytes), not a text table")


def read_csv(path: Path, chunk_size: int) -> tuple[list[str], Iterator[list[Row]]]:
    _refuse_binary(path)

    def open_reader() -> tuple[Any, Any]:
        fh = path.open("r", encoding="utf-8-sig", errors="surrogateescape", newline="")
        return fh, csv.reader(fh)

    fh, reader = open_reader()
    with fh:
        try:
            header = next(reader)
        except StopIteration:
            raise InputError(f"{path} is empty (no header row)") from None
        except csv.Error as exc:
            raise InputError(f"{path}: cannot read the header row ({exc})") from exc
    if len(set(header)) != len(header):
        raise InputError(f"{path}: duplicate column names in the header")

    def chunks() -> Iterator[list[Row]]:
        fh, reader = open_reader()
        with fh:
            next(reader)
            chunk: list[Row] = []
            while True:
                line_no = reader.line_num + 1
                try:
                    fields = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    chunk.append(Row(dict.fromkeys(header, ""), f"line {line_no}: {exc}"))
                    continue
                if not fields:
                    continue
                values = dict(zip(header, fields, strict=False))
                error = None
                if len(fields) != len(header):
                    error = f"line {line_no}: {len(fields)} fields, expected {len(header)}"
                    values = {h: (fields[i] if i < len(fields) else "") for i, h in enumerate(header)}
                bad = [h for h, v in values.items() if isinstance(v, str) and _has_surrogates(v)]
                if bad:
                    error = f"line {line_no}: column {bad[0]!r} is not valid UTF-8"
                    values = {h: _clean(v) for h, v in values.items()}
                chunk.append(Row(values, error))
                if len(chunk) >= chunk_size:
                    yield chunk
                    chunk = []
            if chunk:
                yield chunk

    return header, chunks()


def _has_surrogates(s: str) -> bool:
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _clean(v: Any) -> Any:
    return v.encode("utf-8", "surrogateescape").decode("utf-8", "replace") if isinstance(v, str) else v


def read_jsonl(path: Path, chunk_size: int) -> tuple[list[str], Iterator[list[Row]]]:
    """Columns are the keys of the first valid object, then any new keys in order of appearance."""
    _refuse_binary(path)
    header: list[str] = []
    with path.open("rb") as fh:
        for raw in fh:
            if raw.strip():
                try:
                    first = json.loads(raw)
                except (ValueError, UnicodeDecodeError):
                    continue
                if isinstance(first, dict):
                    header = list(first)
                    break

    def chunks() -> Iterator[list[Row]]:
        with path.open("rb") as fh:
            chunk: list[Row] = []
            for line_no, raw in enumerate(fh, 1):
                if not raw.strip():
                    continue
                try:
                    obj = json.loads(raw.decode("utf-8-sig" if line_no == 1 else "utf-8"))
                except UnicodeDecodeError:
                    chunk.append(Row({}, f"line {line_no}: not valid UTF-8"))
                except ValueError as exc:
                    chunk.append(Row({}, f"line {line_no}: malformed JSON ({exc})"))
                else:
                    if isinstance(obj, dict):
                        for k in obj:
                            if k not in header:
                                header.append(k)
                        chunk.append(Row(obj))
                    else:
                        chunk.append(Row({}, f"line {line_no}: expected a JSON object, got {type(obj).__name__}"))
                if len(chunk) >= chunk_size:
                    yield chunk
                    chunk = []
            if chunk:
                yield chunk

    return header, chunks()


def read_parquet(path: Path, chunk_size: int) -> tuple[list[str], Iterator[list[Row]]]:
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several types for a broken file
        raise InputError(f"{path} is not a readable Parquet file ({exc})") from exc
    header = list(pf.schema_arrow.names)

    def chunks() -> Iterator[list[Row]]:
        for rb in pf.iter_batches(batch_size=chunk_size):
            yield [Row(r) for r in rb.to_pylist()]

    return header, chunks()


def read_folder(path: Path, chunk_size: int) -> tuple[list[str], Iterator[list[Row]]]:
    files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in NOTE_SUFFIXES)
    if not files:
        raise InputError(f"{path} holds no .txt or .md notes")

    def chunks() -> Iterator[list[Row]]:
        chunk: list[Row] = []
        for f in files:
            try:
                chunk.append(Row({"id": f.name, "text": decode_text(f.read_bytes(), f.name)}))
            except (InputError, OSError) as exc:
                chunk.append(Row({"id": f.name, "text": ""}, str(exc)))
            if len(chunk) >= chunk_size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    return ["id", "text"], chunks()


def open_input(path: Path, chunk_size: int) -> tuple[list[str], Iterator[list[Row]]]:
    if not path.exists():
        raise InputError(f"no such file or folder: {path}")
    if path.is_dir():
        return read_folder(path, chunk_size)
    suffix = path.suffix.lower()
    readers = {".csv": read_csv, ".jsonl": read_jsonl, ".parquet": read_parquet}
    if suffix not in readers:
        raise InputError(f"{path}: unsupported input type {suffix or '(none)'}; use .csv, .jsonl, .parquet or a folder")
    return readers[suffix](path, chunk_size)


def count_rows(path: Path) -> int | None:
    """Rows to expect, for the progress bar's ETA (cheap: a byte scan or Parquet metadata)."""
    try:
        if path.is_dir():
            return sum(1 for p in path.iterdir() if p.suffix.lower() in NOTE_SUFFIXES)
        if path.suffix.lower() == ".parquet":
            import pyarrow.parquet as pq

            return int(pq.ParquetFile(path).metadata.num_rows)
        with path.open("rb") as fh:
            lines = sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
        return max(lines - (1 if path.suffix.lower() == ".csv" else 0), 0)
    except OSError:
        return None


# -- writers --------------------------------------------------------------------------------
class Writer(Protocol):
    def write(self, rows: list[dict[str, Any]]) -> None: ...
    def close(self) -> None: ...


class CsvWriter:
    def __init__(self, path: Path, columns: list[str]) -> None:
        self.fh = path.open("w", encoding="utf-8", newline="")
        self.writer = csv.DictWriter(self.fh, fieldnames=columns, extrasaction="ignore")
        self.writer.writeheader()

    def write(self, rows: list[dict[str, Any]]) -> None:
        for r in rows:
            out = dict(r)
            out["themes"] = ";".join(r["themes"])
            out["evidence"] = json.dumps(r["evidence"], ensure_ascii=False) if r["evidence"] else ""
            self.writer.writerow({k: ("" if v is None else v) for k, v in out.items()})

    def close(self) -> None:
        self.fh.close()


class JsonlWriter:
    def __init__(self, path: Path, columns: list[str]) -> None:
        self.fh = path.open("w", encoding="utf-8")
        self.columns = columns

    def write(self, rows: list[dict[str, Any]]) -> None:
        for r in rows:
            self.fh.write(json.dumps({c: r.get(c) for c in self.columns}, ensure_ascii=False, default=str) + "\n")

    def close(self) -> None:
        self.fh.close()


class ParquetWriter:
    def __init__(self, path: Path, columns: list[str], input_schema: Any | None) -> None:
        import pyarrow as pa

        self.pa = pa
        self.path = path
        self.columns = columns
        fields = []
        for c in columns:
            if c == "themes":
                fields.append(pa.field(c, pa.list_(pa.string())))
            elif c in SCORE_COLUMNS:
                fields.append(pa.field(c, pa.float64()))
            elif c in ("evidence", "error"):
                fields.append(pa.field(c, pa.string()))
            elif input_schema is not None and c in input_schema.names:
                fields.append(input_schema.field(c))
            else:
                fields.append(pa.field(c, pa.string()))
        self.schema = pa.schema(fields)
        import pyarrow.parquet as pq

        self.writer = pq.ParquetWriter(str(path), self.schema)

    def write(self, rows: list[dict[str, Any]]) -> None:
        data = {}
        for f in self.schema:
            col = [r.get(f.name) for r in rows]
            if f.name == "evidence":
                col = [json.dumps(v, ensure_ascii=False) if v else None for v in col]
            elif self.pa.types.is_string(f.type) and f.name not in ("themes",):
                col = [None if v is None else (v if isinstance(v, str) else json.dumps(v, default=str)) for v in col]
            data[f.name] = col
        self.writer.write_table(self.pa.Table.from_pydict(data, schema=self.schema))

    def close(self) -> None:
        self.writer.close()


def open_output(path: Path, tmp: Path, columns: list[str], input_schema: Any | None) -> Writer:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return CsvWriter(tmp, columns)
    if suffix == ".jsonl":
        return JsonlWriter(tmp, columns)
    return ParquetWriter(tmp, columns, input_schema)


# -- the batch ------------------------------------------------------------------------------
def output_columns(header: Sequence[str]) -> list[str]:
    return [*header, *(c for c in ADDED_COLUMNS if c not in header)]


def _text_of(row: Row, column: str) -> tuple[str | None, str | None]:
    """(text, error) of one cell."""
    if column not in row.values:
        return None, f"no {column!r} value"
    value = row.values[column]
    if value is None or (isinstance(value, float) and value != value):
        return None, f"empty {column!r}"
    if isinstance(value, bytes):
        try:
            value = decode_text(value, f"column {column!r}")
        except InputError as exc:
            return None, str(exc)
    if not isinstance(value, str):
        return None, f"{column!r} is not text ({type(value).__name__})"
    if not value.strip():
        return None, f"empty {column!r}"
    return value, None


PARALLEL_MIN_ROWS = 4000  # below this, starting a second process costs more than it saves


def default_workers(expected_rows: int | None) -> int:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if cores < 2 or (expected_rows or 0) < PARALLEL_MIN_ROWS:
        return 1
    return min(cores, 4)


def run_batch(
    input_path: Path,
    output_path: Path,
    text_columns: Sequence[str] = ("text",),
    id_column: str | None = None,
    show_progress: bool = False,
    chunk_size: int = 1000,
    analyzer: Any | None = None,
    workers: int | None = None,
) -> BatchSummary:
    if output_path.suffix.lower() not in OUTPUT_SUFFIXES:
        raise InputError(f"{output_path}: unsupported output type; use .csv, .jsonl or .parquet")
    if output_path.exists() and output_path.is_dir():
        raise InputError(f"{output_path} is a folder")
    if not output_path.parent.exists():
        raise InputError(f"the folder for {output_path} does not exist")
    if input_path.resolve() == output_path.resolve():
        raise InputError("the output would overwrite the input; choose another output path")
    header, chunks = open_input(input_path, chunk_size)
    text_columns = list(dict.fromkeys(text_columns))
    if input_path.is_dir():
        text_columns = ["text"]
    missing = [c for c in text_columns if c not in header] if header else []
    if missing:
        raise InputError(
            f"{input_path}: no column {missing[0]!r} (columns: {', '.join(header) or 'none'}); "
            "choose one with --text-column"
        )
    if id_column and header and id_column not in header:
        raise InputError(f"{input_path}: no id column {id_column!r}")
    input_schema = None
    if input_path.suffix.lower() == ".parquet" and not input_path.is_dir():
        import pyarrow.parquet as pq

        input_schema = pq.ParquetFile(input_path).schema_arrow
    if analyzer is None:
        from analyzer import get_analyzer

        analyzer = get_analyzer()

    columns = output_columns(header)
    tmp = output_path.with_name(f".{output_path.name}.partial-{os.getpid()}")
    summary = BatchSummary(output=output_path)
    started = time.perf_counter()
    expected = count_rows(input_path)
    n_workers = workers if workers is not None else default_workers(expected)
    writer = open_output(output_path, tmp, columns, input_schema)
    progress = _Progress(expected) if show_progress else None
    # The loaded pipeline and model are about 90,000 long-lived objects: frozen, the collector
    # stops walking them on every full pass while the rows stream through.
    gc.freeze()
    try:
        for out_rows in _analysed_chunks(analyzer, chunks, text_columns, id_column, n_workers):
            for r in out_rows:
                summary.rows += 1
                if r["error"]:
                    summary.errors += 1
                    if len(summary.failed) < 5:
                        label = r.get(id_column) if id_column else None
                        summary.failed.append(f"{id_column} {label}" if label is not None else f"row {summary.rows}")
                summary.per_theme.update(r["themes"])
            # JSONL can reveal new keys late; keep the output's columns fixed
            writer.write(out_rows)
            if progress:
                progress.advance(len(out_rows))
        writer.close()
        os.replace(tmp, output_path)
    except BaseException:
        try:
            writer.close()
        finally:
            tmp.unlink(missing_ok=True)
        raise
    finally:
        gc.unfreeze()
        if progress:
            progress.stop()
    summary.seconds = time.perf_counter() - started
    return summary


_WORKER_ANALYZER: Any = None
WORKER_PIECE = 200  # rows per task handed to a worker process


def _worker_chunk(chunk: list[Row], text_columns: Sequence[str], id_column: str | None) -> list[dict[str, Any]]:
    return _analyse_chunk(_WORKER_ANALYZER, chunk, text_columns, id_column)


def _analysed_chunks(
    analyzer: Any,
    chunks: Iterator[list[Row]],
    text_columns: Sequence[str],
    id_column: str | None,
    workers: int,
) -> Iterator[list[dict[str, Any]]]:
    """Analysed chunks in input order; with workers > 1, forked processes share the loaded
    model and at most two chunks are in flight, so memory stays flat."""
    import multiprocessing as mp

    if workers <= 1 or "fork" not in mp.get_all_start_methods():
        for chunk in chunks:
            yield _analyse_chunk(analyzer, chunk, text_columns, id_column)
        return
    global _WORKER_ANALYZER
    _WORKER_ANALYZER = analyzer  # inherited by the forked workers, not pickled
    from collections import deque

    # run_batch froze the loaded model for the collector before this fork, so the workers leave
    # it alone too (and keep sharing its memory pages with the parent)
    with mp.get_context("fork").Pool(workers) as pool:
        # Each chunk goes out in small pieces, so both workers stay busy up to the last row.
        pending: deque[list[Any]] = deque()
        for chunk in chunks:
            pieces = [chunk[i : i + WORKER_PIECE] for i in range(0, len(chunk), WORKER_PIECE)]
            pending.append([pool.apply_async(_worker_chunk, (p, text_columns, id_column)) for p in pieces])
            if len(pending) >= 2:
                yield [row for piece in pending.popleft() for row in piece.get()]
        while pending:
            yield [row for piece in pending.popleft() for row in piece.get()]


def _analyse_chunk(
    analyzer: Any, chunk: list[Row], text_columns: Sequence[str], id_column: str | None
) -> list[dict[str, Any]]:
    """The chunk's output rows. The cyclic garbage collector is paused meanwhile: analysis
    makes next to no reference cycles, but the collector's passes over the many new objects
    cost a tenth of the time; one pass at the end of the chunk frees what cycles there are."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _analyse_rows(analyzer, chunk, text_columns, id_column)
    finally:
        if enabled:
            gc.enable()
            gc.collect(1)


def _analyse_rows(
    analyzer: Any, chunk: list[Row], text_columns: Sequence[str], id_column: str | None
) -> list[dict[str, Any]]:
    out = [dict(r.values, themes=[], evidence=[], error=r.error, **dict.fromkeys(SCORE_COLUMNS)) for r in chunk]
    for column in text_columns:
        texts: list[object] = []
        for r, o in zip(chunk, out, strict=True):
            text, problem = _text_of(r, column) if not r.error else (None, None)
            if problem and len(text_columns) == 1:
                o["error"] = problem
            texts.append(text if text is not None else None)
        wanted = [i for i, t in enumerate(texts) if t is not None]
        results = analyzer.analyze_each([texts[i] for i in wanted], detail=False)
        for i, res in zip(wanted, results, strict=True):
            o = out[i]
            if not hasattr(res, "themes"):
                o["error"] = f"{column}: {res}"
                continue
            for t in THEME_IDS:
                prev = o[f"score_{t}"]
                o[f"score_{t}"] = res.scores[t] if prev is None else max(prev, res.scores[t])
            for theme in res.themes:
                if theme.id not in o["themes"]:
                    o["themes"].append(theme.id)
                for ev in theme.evidence:
                    o["evidence"].append(
                        {
                            "theme": theme.id,
                            "column": column,
                            "text": ev.text,
                            "start": ev.start,
                            "end": ev.end,
                            "source": ev.source,
                        }
                    )
    if len(text_columns) > 1:
        for r, o in zip(chunk, out, strict=True):
            if not r.error and o[SCORE_COLUMNS[0]] is None:
                o["error"] = "no text in " + " or ".join(repr(c) for c in text_columns)
    for o in out:
        scored = [(o[f"score_{t}"], t) for t in o["themes"]]
        o["themes"] = [t for _, t in sorted(scored, key=lambda x: -x[0])]
    return out


class _Progress:
    """A rich progress bar on standard error: rows, rows per second, time left."""

    def __init__(self, total: int | None) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            ProgressColumn,
            Task,
            TextColumn,
            TimeRemainingColumn,
        )
        from rich.text import Text

        class RowsPerSecond(ProgressColumn):
            def render(self, task: Task) -> Text:
                speed = task.finished_speed or task.speed
                return Text(f"{speed:,.0f} rows/s" if speed else "- rows/s")

        self.progress = Progress(
            TextColumn("analysing"),
            BarColumn(),
            MofNCompleteColumn(),
            RowsPerSecond(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self.task = self.progress.add_task("rows", total=total)
        self.progress.start()

    def advance(self, n: int) -> None:
        self.progress.advance(self.task, n)

    def stop(self) -> None:
        self.progress.stop()
