"""One exception hierarchy: the CLI maps ``InputError`` to exit 2, the rest to exit 1."""

from __future__ import annotations


class AnalyzerError(Exception):
    """Base class for every error the analyzer raises on purpose."""


class InputError(AnalyzerError):
    """The user's input cannot be analysed (empty, binary, wrong encoding, missing column...)."""


class ConfigError(AnalyzerError):
    """A packaged data file (themes, patterns, advice, model) is missing or invalid."""
