"""The command line: parse options, call the library, map errors to clean exits.

Exit codes: 0 success; 2 usage error or unusable input (one line on stderr); 1 anything else.
Heavy modules are imported inside the commands so ``--help`` stays instant.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from analyzer.errors import AnalyzerError, InputError
from analyzer.textio import decode_text

app = typer.Typer(
    name="interview-analyzer",
    help="Find the reasons behind an interview outcome, with evidence and an action plan. "
    "Runs entirely on this machine.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

MAX_FILE_BYTES = 8 * 1024 * 1024


def _fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def read_text_input(text: str | None, file: Path | None) -> str:
    """TEXT, else --file, else standard input; decoded as UTF-8 or refused."""
    if text is not None and file is not None:
        raise InputError("give the text or --file, not both")
    if text is not None:
        return text
    if file is not None:
        if not file.exists():
            raise InputError(f"no such file: {file}")
        if file.is_dir():
            raise InputError(f"{file} is a folder, not a text file")
        try:
            size = file.stat().st_size
            if size > MAX_FILE_BYTES:
                raise InputError(f"{file} is too large ({size:,} bytes; limit {MAX_FILE_BYTES:,})")
            data = file.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read {file}: {exc.strerror}") from exc
        return decode_text(data, str(file))
    if sys.stdin is None or sys.stdin.isatty():
        if sys.stdin is not None:
            typer.echo("Paste the feedback or your notes, then press Ctrl-D (Ctrl-Z Enter on Windows):", err=True)
        else:
            raise InputError("no text given: pass TEXT, --file PATH or pipe text in")
    data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise InputError(f"standard input is too large (limit {MAX_FILE_BYTES:,} bytes)")
    return decode_text(data, "standard input")


@app.command()
def analyze(
    text: Annotated[
        str | None, typer.Argument(help="The feedback or notes. Omit to use --file or standard input.")
    ] = None,
    file: Annotated[Path | None, typer.Option("--file", "-f", help="Read the text from this UTF-8 file.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print exactly one JSON object.")] = False,
    markdown: Annotated[bool, typer.Option("--markdown", help="Print Markdown, for pasting into notes.")] = False,
) -> None:
    """Analyse one piece of feedback or one post-mortem note."""
    if json_out and markdown:
        _fail("choose --json or --markdown, not both")
    from analyzer import analyze as run

    result = run(read_text_input(text, file))
    if json_out:
        typer.echo(result.to_json())
    elif markdown:
        from analyzer.render import to_markdown

        typer.echo(to_markdown(result), nl=False)
    else:
        from rich.console import Console

        from analyzer.render import render_terminal

        render_terminal(result, Console())


@app.command()
def themes() -> None:
    """List the themes, what they cover, and their advice."""
    from rich.console import Console

    from analyzer.reports import render_themes

    render_themes(Console())


@app.command()
def batch(
    input: Annotated[Path, typer.Argument(help="A .csv, .jsonl or .parquet file, or a folder of .txt/.md notes.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write: .csv, .jsonl or .parquet.")],
    text_column: Annotated[
        list[str] | None,
        typer.Option("--text-column", help="Column(s) to analyse (repeatable). Default: text."),
    ] = None,
    id_column: Annotated[str | None, typer.Option("--id-column", help="Column that identifies each row.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")] = False,
    batch_size: Annotated[int, typer.Option(help="Rows per chunk.", min=1)] = 1000,
    workers: Annotated[
        int | None, typer.Option(help="Processes (default: 2 on 2+ cores for large inputs, else 1).", min=1)
    ] = None,
) -> None:
    """Analyse every row of a file (or every note in a folder) and write the themes per row."""
    from analyzer.batch import run_batch

    summary = run_batch(
        input,
        output,
        text_columns=text_column or ["text"],
        id_column=id_column,
        show_progress=not quiet and sys.stderr.isatty(),
        chunk_size=batch_size,
        workers=workers,
    )
    if not quiet:
        typer.echo(summary.describe(), err=True)


@app.command()
def trends(
    input: Annotated[Path, typer.Argument(help="A history: raw (.csv/.jsonl/.parquet) or the output of batch.")],
    json_out: Annotated[bool, typer.Option("--json", help="Print the report as one JSON object.")] = False,
    report: Annotated[
        Path | None, typer.Option("--report", help="Also write an .html or .md report with charts.")
    ] = None,
    text_column: Annotated[
        list[str] | None, typer.Option("--text-column", help="Text column(s) of a raw history.")
    ] = None,
    recent: Annotated[
        int, typer.Option("--last", help="Look for recurring themes in the last M interviews.", min=1)
    ] = 10,
    at_least: Annotated[int, typer.Option("--at-least", help="... present in at least N of them.", min=1)] = 3,
) -> None:
    """Patterns across a history of applications and interviews."""
    from analyzer.trends import load_history, summarize

    history = load_history(input, text_columns=text_column)
    summary = summarize(history, recent=recent, at_least=at_least)
    if json_out:
        typer.echo(summary.to_json())
    else:
        from rich.console import Console

        from analyzer.reports import render_trends

        render_trends(summary, Console())
    if report is not None:
        from analyzer.reports import write_report

        write_report(summary, report)
        if not json_out:
            typer.echo(f"report written to {report}", err=True)


@app.command()
def train(
    data: Annotated[Path, typer.Option(help="The labelled corpus folder.")] = Path("data/raw"),
    out: Annotated[Path, typer.Option(help="The models folder to write.")] = Path("models"),
) -> None:
    """Rebuild the theme model under models/ from data/, deterministically."""
    from analyzer.build import train_and_save

    train_and_save(data, out)


@app.command()
def evaluate(
    dataset: Annotated[
        Path | None, typer.Argument(help="A .jsonl set to score; default: the frozen test split.")
    ] = None,
    data: Annotated[Path, typer.Option(help="The labelled corpus folder.")] = Path("data/raw"),
    models: Annotated[Path | None, typer.Option(help="The models folder (default: the packaged one).")] = None,
    cross_style: Annotated[
        bool,
        typer.Option("--cross-style", help="Also run leave-one-voice-out and leave-one-author-out (slow)."),
    ] = False,
    write_card: Annotated[
        bool,
        typer.Option("--write-card/--no-write-card", help="Write test-split figures into the model card."),
    ] = True,
    json_out: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Per-theme precision, recall and F1, macro/micro F1 and the trap false-positive rate."""
    from analyzer.build import evaluate_command

    evaluate_command(dataset, data, models, cross_style=cross_style, write_card=write_card, json_out=json_out)


@app.command()
def distill(
    out: Annotated[Path, typer.Option(help="Where to write the static embeddings.")] = Path("models/embeddings"),
) -> None:
    """Rebuild the static embeddings (needs: pip install '.[distill]')."""
    from analyzer.distill import distill_embeddings

    info = distill_embeddings(out)
    typer.echo(f"wrote {out} (sha256 {info['sha256'][:16]}...)")


def main() -> None:
    try:
        app()
    except InputError as exc:
        _fail_outside(str(exc), 2)
    except AnalyzerError as exc:
        _fail_outside(str(exc), 1)
    except KeyboardInterrupt:
        _fail_outside("interrupted", 130)
    except BrokenPipeError:
        sys.exit(0)


def _fail_outside(message: str, code: int) -> NoReturn:
    sys.stderr.write(f"error: {message}\n")
    sys.exit(code)
