"""Trends across a history of applications and interviews.

A history is a table with one row per application or interview: ``date``, ``company``,
``role``, ``stage`` (application, screen, interview, final), ``outcome`` (rejected, offer,
ghosted, withdrew, pending), ``notes``, ``feedback``; all optional except one text column.
It may be raw (then it is analysed here) or already analysed by ``batch`` (``themes``
column present). A row whose outcome is ``ghosted`` counts as ``no_feedback`` even when it
holds no text: silence is the reason.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from analyzer.errors import InputError
from analyzer.taxonomy import THEME_IDS, load_themes

DEFAULT_TEXT_COLUMNS = ("notes", "feedback", "text")
STAGES = ("application", "screen", "interview", "final")
OUTCOMES = ("rejected", "offer", "ghosted", "withdrew", "pending")
INTERVIEW_STAGES = ("screen", "interview", "final")
MIN_ROWS = 8  # below this the whole history is too small to call a trend
MIN_GROUP = 4  # below this one breakdown group is too small to call


@dataclass(frozen=True)
class Count:
    theme: str
    rows: int
    share: float


@dataclass(frozen=True)
class Breakdown:
    by: str
    groups: dict[str, dict[str, Any]]  # group -> {"rows": n, "themes": {theme: {"rows", "share"}}, "too_early": bool}
    note: str = ""


@dataclass(frozen=True)
class Recurring:
    theme: str
    label: str
    controllable: bool
    count: int
    window: int
    quotes: list[dict[str, str]]


@dataclass(frozen=True)
class NextStep:
    theme: str
    title: str
    steps: list[str]


@dataclass
class TrendSummary:
    rows: int
    analysed_rows: int
    too_early: bool
    overall: list[Count]
    breakdowns: dict[str, Breakdown]
    recurring: list[Recurring]
    work_on_next: list[NextStep]
    outside_control: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    funnel: dict[str, dict[str, Any]] = field(default_factory=dict)
    frame: pd.DataFrame | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("frame")
        return d

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2, default=str)


def _read_table(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise InputError(f"no such file: {path}")
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        if suffix == ".jsonl":
            return pd.read_json(path, lines=True, dtype=False)
        if suffix == ".parquet":
            return pd.read_parquet(path)
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not UTF-8 text") from exc
    except (ValueError, pd.errors.ParserError) as exc:
        raise InputError(f"{path} cannot be read as a {suffix[1:]} table: {str(exc).splitlines()[0]}") from exc
    raise InputError(f"{path}: unsupported history type {suffix or '(none)'}; use .csv, .jsonl or .parquet")


def _theme_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [t for t in value.split(";") if t in THEME_IDS]
    if value is None or (isinstance(value, float) and value != value):
        return []
    return [t for t in list(value) if t in THEME_IDS]


def load_history(path: Path, text_columns: list[str] | None = None, analyzer: Any | None = None) -> pd.DataFrame:
    """Read a history and make sure it has a ``themes`` column (analysing it if needed)."""
    df = _read_table(path)
    if df.empty:
        raise InputError(f"{path} has no rows")
    return prepare_history(df, text_columns, analyzer)


def prepare_history(
    df: pd.DataFrame, text_columns: list[str] | None = None, analyzer: Any | None = None
) -> pd.DataFrame:
    df = df.copy()
    if "themes" in df.columns:
        df["themes"] = df["themes"].map(_theme_list)
        if "evidence" in df.columns:
            df["evidence"] = df["evidence"].map(
                lambda v: (
                    json.loads(v) if isinstance(v, str) and v.strip() else (list(v) if isinstance(v, list) else [])
                )
            )
        else:
            df["evidence"] = [[] for _ in range(len(df))]
    else:
        cols = text_columns or [c for c in DEFAULT_TEXT_COLUMNS if c in df.columns]
        if not cols:
            raise InputError("the history has no text column (notes, feedback or text); name one with --text-column")
        missing = [c for c in cols if c not in df.columns]
        if missing:
            raise InputError(f"the history has no column {missing[0]!r}")
        if analyzer is None:
            from analyzer import get_analyzer

            analyzer = get_analyzer()
        themes: list[list[str]] = [[] for _ in range(len(df))]
        evidence: list[list[dict[str, Any]]] = [[] for _ in range(len(df))]
        for col in cols:
            values = [v if isinstance(v, str) and v.strip() else None for v in df[col].tolist()]
            idx = [i for i, v in enumerate(values) if v is not None]
            for i, res in zip(idx, analyzer.analyze_each([values[i] for i in idx]), strict=True):
                if not hasattr(res, "themes"):
                    continue
                for t in res.themes:
                    if t.id not in themes[i]:
                        themes[i].append(t.id)
                    evidence[i].extend({"theme": t.id, "column": col, "text": e.text} for e in t.evidence)
        df["themes"] = themes
        df["evidence"] = evidence
    if "outcome" in df.columns:
        ghosted = df["outcome"].astype(str).str.strip().str.lower() == "ghosted"
        df.loc[ghosted, "themes"] = df.loc[ghosted, "themes"].map(
            lambda ts: [*ts, "no_feedback"] if "no_feedback" not in ts else ts
        )
    if "date" in df.columns:
        df["date"] = pd.to_datetime(df["date"], errors="coerce")
        df = df.sort_values("date", kind="stable").reset_index(drop=True)
    for col in ("stage", "outcome"):
        if col in df.columns:
            df[col] = df[col].astype(str).str.strip().str.lower()
    return df


def _counts(frame: pd.DataFrame) -> dict[str, dict[str, float]]:
    n = len(frame)
    out = {}
    for t in THEME_IDS:
        k = int(frame["themes"].map(lambda ts, t=t: t in ts).sum())
        if k:
            out[t] = {"rows": k, "share": round(k / n, 3) if n else 0.0}
    return out


def _breakdown(frame: pd.DataFrame, by: str, key: pd.Series, order: list[str] | None = None) -> Breakdown:
    groups: dict[str, dict[str, Any]] = {}
    names = order or sorted(key.dropna().unique().tolist(), key=str)
    for g in names:
        part = frame[key == g]
        if part.empty:
            continue
        groups[str(g)] = {"rows": len(part), "too_early": len(part) < MIN_GROUP, "themes": _counts(part)}
    note = ""
    if groups and all(v["too_early"] for v in groups.values()):
        note = f"too early to call: every {by} group has fewer than {MIN_GROUP} rows"
    return Breakdown(by=by, groups=groups, note=note)


def summarize(df: pd.DataFrame, recent: int = 10, at_least: int = 3) -> TrendSummary:
    themes = load_themes()
    n = len(df)
    analysed = int(df["themes"].map(bool).sum())
    overall = [
        Count(t, int(v["rows"]), v["share"]) for t, v in sorted(_counts(df).items(), key=lambda kv: -kv[1]["rows"])
    ]
    notes: list[str] = []
    too_early = n < MIN_ROWS
    if too_early:
        notes.append(f"too early to call: {n} rows; trends need at least {MIN_ROWS}")
    breakdowns: dict[str, Breakdown] = {}
    if not too_early:
        if "date" in df.columns and df["date"].notna().any():
            dated = df[df["date"].notna()]
            span_days = (dated["date"].max() - dated["date"].min()).days
            months = dated["date"].dt.to_period("M").astype(str)
            quarters = dated["date"].dt.to_period("Q").astype(str)
            breakdowns["month"] = _breakdown(dated, "month", months, sorted(months.unique()))
            breakdowns["quarter"] = _breakdown(dated, "quarter", quarters, sorted(quarters.unique()))
            if span_days < 60:
                notes.append("the history spans under two months: time trends are too early to call")
        if "stage" in df.columns:
            present = [s for s in STAGES if s in set(df["stage"])] + sorted(set(df["stage"]) - set(STAGES))
            breakdowns["stage"] = _breakdown(df, "stage", df["stage"], present)
        if "outcome" in df.columns:
            present = [s for s in OUTCOMES if s in set(df["outcome"])] + sorted(set(df["outcome"]) - set(OUTCOMES))
            breakdowns["outcome"] = _breakdown(df, "outcome", df["outcome"], present)
        for col in ("company", "role"):
            if col in df.columns:
                breakdowns[col] = _breakdown(df, col, df[col].astype(str))

    # recurring: in the last M interviews (rows past the application stage when stages are known)
    pool = df
    if "stage" in df.columns and df["stage"].isin(INTERVIEW_STAGES).any():
        pool = df[df["stage"].isin(INTERVIEW_STAGES)]
    window = pool.tail(recent)
    recurring: list[Recurring] = []
    if len(window) >= min(at_least, recent) and not too_early:
        for t in THEME_IDS:
            hits = window[window["themes"].map(lambda ts, t=t: t in ts)]
            if len(hits) >= at_least:
                quotes = []
                for _, row in hits.iterrows():
                    ev = next((e for e in row["evidence"] if e.get("theme") == t), None)
                    date = row["date"].date().isoformat() if "date" in row and pd.notna(row["date"]) else ""
                    quotes.append(
                        {
                            "date": date,
                            "company": str(row.get("company", "")),
                            "text": ev["text"] if ev else "",
                        }
                    )
                recurring.append(Recurring(t, themes[t].label, themes[t].controllable, len(hits), len(window), quotes))
    recurring.sort(key=lambda r: (not r.controllable, -r.count, THEME_IDS.index(r.theme)))

    from analyzer.advice import load_advice

    advice = load_advice()
    focus = [r.theme for r in recurring if r.controllable][:3]
    work_on_next = [NextStep(t, advice.themes[t].title, list(advice.themes[t].steps[:3])) for t in focus]
    external = {t for t in THEME_IDS if not themes[t].controllable}
    with_reason = df[df["themes"].map(bool)]
    outside_rows = int(with_reason["themes"].map(lambda ts: any(t in external for t in ts)).sum())
    only_outside = int(with_reason["themes"].map(lambda ts: all(t in external for t in ts)).sum())
    outside = {
        "rows_with_reasons": len(with_reason),
        "rows_with_an_outside_reason": outside_rows,
        "rows_only_outside": only_outside,
        "statement": (
            f"{only_outside} of {len(with_reason)} outcomes with a reason were entirely outside your control "
            f"(internal candidates, freezes, competition or silence), and {outside_rows} had at least one such reason."
            if len(with_reason)
            else "No reasons were found in this history yet."
        ),
    }
    if not focus and not too_early:
        notes.append(f"no controllable theme came up in at least {at_least} of the last {len(window)} interviews")
    funnel: dict[str, dict[str, Any]] = {}
    if "stage" in df.columns:
        for s in [s for s in STAGES if s in set(df["stage"])]:
            part = df[df["stage"] == s]
            outcomes = part["outcome"].value_counts().to_dict() if "outcome" in df.columns else {}
            funnel[s] = {"rows": len(part), "outcomes": {str(k): int(v) for k, v in outcomes.items()}}
    return TrendSummary(
        funnel=funnel,
        rows=n,
        analysed_rows=analysed,
        too_early=too_early,
        overall=overall,
        breakdowns=breakdowns,
        recurring=recurring,
        work_on_next=work_on_next,
        outside_control=outside,
        notes=notes,
        frame=df,
    )
