"""Turning bytes from files, pipes and table cells into text, or a clear refusal."""

from __future__ import annotations

from analyzer.errors import InputError


def decode_text(data: bytes, where: str) -> str:
    """UTF-8 (a byte-order mark is dropped); binary or other encodings raise ``InputError``."""
    if b"\x00" in data[:8192]:
        raise InputError(f"{where} looks binary (it contains NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{where} is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save it as UTF-8 and try again"
        ) from exc
