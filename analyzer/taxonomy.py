"""The 14 themes of ../shared/THEMES.md, read from ``resources/themes.toml`` and validated."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from analyzer.errors import ConfigError

RESOURCES = Path(__file__).parent / "resources"
THEME_IDS: tuple[str, ...] = (
    "nerves", "underprepared", "skills_gap", "experience_gap", "communication", "fit",
    "overqualified", "application_materials", "internal_candidate", "cost", "hiring_freeze",
    "competition", "no_feedback", "logistics",
)  # fmt: skip
CONTROL_LEVELS = ("yes", "partly", "no")


@dataclass(frozen=True)
class Theme:
    id: str
    label: str
    controllable_level: str  # yes | partly | no
    description: str

    @property
    def controllable(self) -> bool:
        """Whether the person can act on it; "partly" counts, only "no" is outside their control."""
        return self.controllable_level != "no"


@cache
def load_themes(path: Path = RESOURCES / "themes.toml") -> dict[str, Theme]:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read themes file {path}: {exc}") from exc
    themes: dict[str, Theme] = {}
    for entry in raw.get("theme", []):
        try:
            theme = Theme(
                id=entry["id"],
                label=entry["label"],
                controllable_level=entry["controllable"],
                description=entry["description"],
            )
        except KeyError as exc:
            raise ConfigError(f"{path}: a theme lacks {exc}") from exc
        if theme.controllable_level not in CONTROL_LEVELS:
            raise ConfigError(f"{path}: theme {theme.id}: controllable must be one of {CONTROL_LEVELS}")
        themes[theme.id] = theme
    if tuple(themes) != THEME_IDS:
        raise ConfigError(f"{path}: themes must be exactly, in order: {', '.join(THEME_IDS)}")
    return themes
