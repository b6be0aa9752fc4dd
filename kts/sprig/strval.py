"""Sprig's ``strval``: how Sprig turns any value into a string."""

from __future__ import annotations

from typing import Any

from kts.gotemplate.fmt import format_value
from kts.gotemplate.gotypes import GoObject


def strval(value: Any) -> str:
    """A string as is, bytes decoded, a Stringer/error via its method, anything else via ``%v``."""
    t = type(value)
    if t is str:
        return value
    if t is int:
        return str(value)
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", errors="surrogateescape")
    if isinstance(value, GoObject) and not value.go_string_on_pointer:
        text = value.go_string()
        if text is not None:
            return text
    return format_value(value)
