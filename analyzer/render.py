"""Human-readable reports of one analysis: a terminal view (rich) and Markdown for notes."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.text import Text

from analyzer.results import AnalysisResult, Evidence, ThemeResult

SOURCE_NAMES = {"employer": "employer", "candidate": "your notes"}


def _bar(score: float, width: int = 10) -> str:
    filled = round(score * width)
    return "█" * filled + "░" * (width - filled)


def _flat(s: str) -> str:
    """Line breaks inside a quote would break the layout; offsets stay exact in the JSON."""
    return " ".join(s.split(" ")).replace("\r", "").replace("\n", " ")


def _quote(ev: Evidence) -> Text:
    """The evidence with its trigger words highlighted."""
    text = Text("“", style="dim")
    cursor = ev.start
    for trig in ev.triggers:
        text.append(_flat(ev.text[cursor - ev.start : trig.start - ev.start]))
        text.append(_flat(ev.text[trig.start - ev.start : trig.end - ev.start]), style="bold yellow")
        cursor = trig.end
    text.append(_flat(ev.text[cursor - ev.start :]))
    text.append("”", style="dim")
    text.append(f"  ({SOURCE_NAMES.get(ev.source, ev.source)})", style="dim")
    return text


def _theme_block(theme: ThemeResult) -> Group:
    head = Text()
    head.append(f"{theme.label:<20}", style="bold")
    head.append(f" {_bar(theme.score)} {theme.score:.2f}", style="cyan")
    lines: list[Text] = [head]
    for ev in theme.evidence:
        line = Text("    ")
        line.append_text(_quote(ev))
        lines.append(line)
    return Group(*lines)


def render_terminal(result: AnalysisResult, console: Console) -> None:
    own = [t for t in result.themes if t.controllable]
    outside = [t for t in result.themes if not t.controllable]
    if not result.themes:
        console.print(
            Panel(
                "No clear reason for the outcome was found in this text.\n"
                "If it was a rejection with no reason given, asking for feedback by email is a good next step.",
                title="Analysis",
            )
        )
    if own:
        console.print(Text("What you can work on", style="bold green"))
        for t in own:
            console.print(_theme_block(t))
        console.print()
    if outside:
        console.print(Text("What was outside your control", style="bold magenta"))
        for t in outside:
            console.print(_theme_block(t))
        console.print()
    if result.actions:
        console.print(Text("Your plan", style="bold"))
        controllable = {t.id for t in own}
        ordered = sorted(result.actions, key=lambda a: a.theme not in controllable)
        for action in ordered:
            console.print(Text(f"{action.title}", style="bold underline"))
            console.print(Text(action.summary, style="italic"))
            for step in action.steps:
                console.print(Text("  [ ] ") + Text(step))
            for f in action.followups:
                console.print(Text("  [ ] ") + Text(f"{f.title}: ", style="bold") + Text(f.text))
        console.print()
    if result.strengths:
        console.print(Text("What went well", style="bold blue"))
        for s in result.strengths:
            console.print(Text("  + ") + Text(s.text))
        console.print()
    console.print(Text(f"model {result.model.name} {result.model.version}; nothing left this machine", style="dim"))


def to_markdown(result: AnalysisResult) -> str:
    def quote(ev: Evidence) -> str:
        out, cursor = [], ev.start
        for trig in ev.triggers:
            out.append(ev.text[cursor - ev.start : trig.start - ev.start])
            out.append(f"**{ev.text[trig.start - ev.start : trig.end - ev.start]}**")
            cursor = trig.end
        out.append(ev.text[cursor - ev.start :])
        body = "".join(out).replace("\n", " ")
        return f"> {body} _({SOURCE_NAMES.get(ev.source, ev.source)})_"

    lines = ["# Interview analysis", ""]
    if not result.themes:
        lines += ["No clear reason for the outcome was found in this text.", ""]
    for heading, group in (
        ("What you can work on", [t for t in result.themes if t.controllable]),
        ("What was outside your control", [t for t in result.themes if not t.controllable]),
    ):
        if group:
            lines += [f"## {heading}", ""]
            for t in group:
                lines += [f"### {t.label} ({t.score:.2f})", ""]
                for ev in t.evidence:
                    lines += [quote(ev), ""]
    if result.actions:
        lines += ["## Your plan", ""]
        for a in result.actions:
            lines += [f"### {a.title}", "", f"_{a.summary}_", ""]
            lines += [f"- [ ] {s}" for s in a.steps]
            lines += [f"- [ ] **{f.title}:** {f.text}" for f in a.followups]
            lines.append("")
    if result.strengths:
        lines += ["## What went well", ""]
        lines += [f"- {s.text}" for s in result.strengths]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
