"""Terminal tables and HTML/Markdown reports for ``themes`` and ``trends``."""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from analyzer.errors import InputError
from analyzer.taxonomy import THEME_IDS, load_themes

if TYPE_CHECKING:  # trends needs pandas; `themes` should not pay for it
    from analyzer.trends import TrendSummary


def render_themes(console: Console) -> None:
    from analyzer.advice import load_advice

    advice = load_advice()
    for theme in load_themes().values():
        a = advice.themes[theme.id]
        control = {
            "yes": "you can work on this",
            "partly": "partly in your control",
            "no": "outside your control",
        }[theme.controllable_level]
        console.print(Text(f"{theme.id}", style="bold") + Text(f"  {theme.label} ({control})", style="dim"))
        console.print(f"  {theme.description}")
        console.print(Text(f"  Plan: {a.title}", style="italic"))
        for step in a.steps:
            console.print(f"    - {step}")
        console.print()


def _pct(share: float) -> str:
    return f"{share * 100:.0f}%"


def render_trends(summary: TrendSummary, console: Console) -> None:
    labels = {t.id: t.label for t in load_themes().values()}
    console.print(
        Text(
            f"{summary.rows} applications and interviews, {summary.analysed_rows} with at least one reason",
            style="bold",
        )
    )
    for note in summary.notes:
        console.print(Text(f"note: {note}", style="yellow"))
    table = Table(title="How often each theme came up")
    table.add_column("theme")
    table.add_column("rows", justify="right")
    table.add_column("share", justify="right")
    for c in summary.overall:
        table.add_row(labels[c.theme], str(c.rows), _pct(c.share))
    console.print(table)
    for key in ("quarter", "stage", "outcome"):
        b = summary.breakdowns.get(key)
        if not b or not b.groups:
            continue
        t = Table(title=f"Themes by {key}")
        t.add_column(key)
        t.add_column("rows", justify="right")
        t.add_column("top themes (rows, share)")
        for g, v in b.groups.items():
            if v["too_early"]:
                top = "too early to call"
            else:
                ranked = sorted(v["themes"].items(), key=lambda kv: -kv[1]["rows"])[:3]
                top = ", ".join(f"{labels[th]} {x['rows']} ({_pct(x['share'])})" for th, x in ranked) or "-"
            t.add_row(g, str(v["rows"]), top)
        console.print(t)
        if b.note:
            console.print(Text(b.note, style="yellow"))
    if summary.recurring:
        console.print(Text("Recurring themes", style="bold"))
        for r in summary.recurring:
            tag = "you can work on this" if r.controllable else "outside your control"
            console.print(Text(f"  {r.label}: {r.count} of the last {r.window} interviews ({tag})"))
            for q in r.quotes[:3]:
                if q["text"]:
                    console.print(Text(f"      {q['date']} {q['company']}: “{q['text']}”", style="dim"))
    if summary.work_on_next:
        console.print(Text("What to work on next", style="bold green"))
        for step in summary.work_on_next:
            console.print(Text(f"  {labels[step.theme]}: {step.title}", style="bold"))
            for s in step.steps:
                console.print(f"    [ ] {s}")
    console.print(Text(summary.outside_control["statement"], style="italic"))


# -- charts and files -----------------------------------------------------------------------
def new_figure(width: float, height: float) -> tuple[Any, Any]:
    """A matplotlib Figure without pyplot: no global state, no GUI backend, shows in notebooks."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height))
    return fig, fig.subplots()


def plot_theme_frequency(summary: TrendSummary) -> Any:
    """Line chart: the most frequent themes per month (or quarter). Returns a Figure or None."""
    labels = {t.id: t.label for t in load_themes().values()}
    period = summary.breakdowns.get("month") or summary.breakdowns.get("quarter")
    if not period or not period.groups:
        return None
    fig, ax = new_figure(8, 4)
    xs = list(period.groups)
    for t in [c.theme for c in summary.overall[:6]]:
        ax.plot(
            xs,
            [period.groups[g]["themes"].get(t, {}).get("rows", 0) for g in xs],
            marker="o",
            label=labels[t],
        )
    ax.set_title(f"Theme frequency by {period.by}")
    ax.set_ylabel("rows")
    ax.tick_params(axis="x", rotation=45)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_themes_by_stage(summary: TrendSummary) -> Any:
    labels = {t.id: t.label for t in load_themes().values()}
    stage = summary.breakdowns.get("stage")
    if not stage or not stage.groups:
        return None
    fig, ax = new_figure(8, 4)
    groups = list(stage.groups)
    bottom = [0] * len(groups)
    for t in THEME_IDS:
        vals = [stage.groups[g]["themes"].get(t, {}).get("rows", 0) for g in groups]
        if any(vals):
            ax.bar(groups, vals, bottom=bottom, label=labels[t])
            bottom = [b + v for b, v in zip(bottom, vals, strict=True)]
    ax.set_title("Themes by stage")
    ax.set_ylabel("theme mentions")
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    return fig


def plot_control_split(summary: TrendSummary) -> Any:
    themes_cfg = load_themes()
    own = sum(c.rows for c in summary.overall if themes_cfg[c.theme].controllable)
    ext = sum(c.rows for c in summary.overall if not themes_cfg[c.theme].controllable)
    if not (own or ext):
        return None
    fig, ax = new_figure(5, 3)
    ax.barh(["within your control", "outside your control"], [own, ext], color=["#2a9d8f", "#b5838d"])
    ax.set_title("Controllable vs external reasons")
    ax.set_xlabel("theme mentions")
    fig.tight_layout()
    return fig


def plot_stage_funnel(summary: TrendSummary) -> Any:
    """How many applications reached each stage, and how they ended."""
    funnel = summary.funnel
    if not funnel:
        return None
    fig, ax = new_figure(7, 3.5)
    stages = list(funnel)
    ax.barh(stages[::-1], [funnel[s]["rows"] for s in stages][::-1], color="#457b9d")
    for i, s in enumerate(stages[::-1]):
        outcomes = ", ".join(f"{k} {v}" for k, v in funnel[s]["outcomes"].items())
        ax.text(0.2, i, outcomes, va="center", fontsize=8, color="white")
    ax.set_title("Stage funnel (rows per furthest stage, with outcomes)")
    fig.tight_layout()
    return fig


def _charts(summary: TrendSummary) -> list[tuple[str, bytes]]:
    charts: list[tuple[str, bytes]] = []
    for make in (plot_theme_frequency, plot_themes_by_stage, plot_control_split):
        fig = make(summary)
        if fig is None:
            continue
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=110)
        charts.append((fig.axes[0].get_title(), buf.getvalue()))
    return charts


def write_report(summary: TrendSummary, path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix not in (".html", ".htm", ".md"):
        raise InputError(f"{path}: the report must be .html or .md")
    if not path.parent.exists():
        raise InputError(f"the folder for {path} does not exist")
    labels = {t.id: t.label for t in load_themes().values()}
    charts = _charts(summary)
    if suffix == ".md":
        assets = path.with_name(path.stem + "_files")
        assets.mkdir(exist_ok=True)
        lines = [
            "# Interview history trends",
            "",
            f"{summary.rows} rows, {summary.analysed_rows} with at least one reason.",
            "",
        ]
        lines += [f"> {n}" for n in summary.notes]
        lines += ["", "| theme | rows | share |", "|---|---:|---:|"]
        lines += [f"| {labels[c.theme]} | {c.rows} | {_pct(c.share)} |" for c in summary.overall]
        lines.append("")
        for i, (title, png) in enumerate(charts):
            name = f"chart{i + 1}.png"
            (assets / name).write_bytes(png)
            lines += [f"![{title}]({assets.name}/{name})", ""]
        lines += _recurring_md(summary, labels)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>Interview history trends</title>",
        "<style>body{font-family:sans-serif;max-width:900px;margin:2em auto;line-height:1.4}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px}"
        ".note{color:#a06000}</style></head><body>",
        "<h1>Interview history trends</h1>",
        f"<p>{summary.rows} rows, {summary.analysed_rows} with at least one reason.</p>",
    ]
    parts += [f"<p class='note'>{html.escape(n)}</p>" for n in summary.notes]
    parts.append("<table><tr><th>theme</th><th>rows</th><th>share</th></tr>")
    parts += [f"<tr><td>{labels[c.theme]}</td><td>{c.rows}</td><td>{_pct(c.share)}</td></tr>" for c in summary.overall]
    parts.append("</table>")
    for title, png in charts:
        data = base64.b64encode(png).decode("ascii")
        parts.append(
            f"<h2>{html.escape(title)}</h2><img alt='{html.escape(title)}' src='data:image/png;base64,{data}'>"
        )
    import markdown_it  # rich depends on markdown-it-py

    parts.append(markdown_it.MarkdownIt().render("\n".join(_recurring_md(summary, labels))))
    parts.append("</body></html>")
    path.write_text("\n".join(parts), encoding="utf-8")


def _recurring_md(summary: TrendSummary, labels: dict[str, str]) -> list[str]:
    lines = ["## Recurring themes", ""]
    if not summary.recurring:
        lines += ["No theme came up often enough in recent interviews to call it recurring.", ""]
    for r in summary.recurring:
        tag = "you can work on this" if r.controllable else "outside your control"
        lines += [f"- **{r.label}**: {r.count} of the last {r.window} interviews ({tag})"]
        lines += [f"  - {q['date']} {q['company']}: “{q['text']}”" for q in r.quotes[:3] if q["text"]]
    lines += ["", "## What to work on next", ""]
    for s in summary.work_on_next:
        lines += [f"### {labels[s.theme]}: {s.title}", ""] + [f"- [ ] {x}" for x in s.steps] + [""]
    lines += [summary.outside_control["statement"], ""]
    return lines
