"""``toYaml``'s common case written as text in one pass: go-yaml v2's block layout, no emitter.

Most values charts serialize are maps and lists of short strings and numbers. For them the
libyaml emitter's decisions are few and fixed: keys at the mapping's indent, sequences in a
mapping not indented, a nested collection in a sequence starting on the dash's line, scalars
plain, single- or double-quoted as its analysis says, no line folding while a scalar ends
before column 80, and text with line breaks as a literal block. This module writes exactly
that and declines (returns None) on anything else: text that would fold or need escapes,
complex keys, non-string keys, structs, NaN, Go's depth limit. The caller then takes the
general route, which owns every other case.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from kts.codec.gofloat import format_json
from kts.codec.yaml_emit import DOUBLE, LITERAL, PLAIN, analyze, is_printable
from kts.gotemplate.gotypes import GoInt

_WIDTH = 80  # go-yaml's best_width: a space past this column folds the line
_MAX_DEPTH = 10000
_MAX_SIMPLE_KEY = 128


class _Decline(Exception):
    pass


# Per string: its rendering and the offset of its last space (-1: none). Strings this module
# cannot write are not kept: the whole value then takes the general route anyway.
_RENDERED: dict[str, tuple[str, int]] = {}
_RENDERED_MAX = 8192


def _render(s: str, request: Any) -> tuple[str, int]:
    hit = _RENDERED.get(s)
    if hit is None:
        hit = _analyse(s, request)
        if hit is None:
            raise _Decline
        if len(_RENDERED) >= _RENDERED_MAX:
            _RENDERED.clear()
        _RENDERED[s] = hit
    return hit


def _analyse(s: str, request: Any) -> tuple[str, int] | None:
    style = request(s).style
    if style == LITERAL:
        return None
    a = analyze(s)
    if a.multiline:
        return None
    if style == PLAIN and not a.block_plain:
        style = "single" if a.single_quoted else DOUBLE
    if style == PLAIN:
        text = s
    elif style == "single":
        text = "'" + s.replace("'", "''") + "'"
    else:
        if s.startswith("\ufeff") or any(c in '"\\' or not is_printable(c) for c in s):
            return None
        text = '"' + s + '"'
    return text, text.rfind(" ")


def _scalar(v: Any, request: Any) -> tuple[str, int]:
    if isinstance(v, str):
        return _render(v, request)
    if v is None or getattr(v, "go_nil", False):
        return "null", -1
    if v is True:
        return "true", -1
    if v is False:
        return "false", -1
    if type(v) is int or isinstance(v, GoInt):
        return str(int(v)), -1
    if type(v) is float:
        if math.isnan(v) or math.isinf(v):
            raise _Decline
        return _float_text(v), -1
    raise _Decline


_FLOATS: dict[float, str] = {}


def _float_text(f: float) -> str:
    hit = _FLOATS.get(f)
    if hit is None or (f == 0 and math.copysign(1, f) < 0):
        from kts.codec.yaml_dump import _number_scalar

        hit = _number_scalar(format_json(f)).value
        if len(_FLOATS) > 4096:
            _FLOATS.clear()
        if f != 0:
            _FLOATS[f] = hit
    return hit


def _fits(column: int, rendered: tuple[str, int]) -> str:
    text, last_space = rendered
    if last_space >= 0 and column + last_space > _WIDTH:
        raise _Decline
    return text


def _is_collection(v: Any) -> bool:
    return isinstance(v, (dict, list, tuple)) and not getattr(v, "go_nil", False)


def write_block(value: Any, request: Any, sort_keys: Any) -> str | None:
    """go-yaml v2's ``Marshal`` text of a JSON-shaped Go value, or None where this cannot tell.

    ``request(s)`` is the scalar style go-yaml's encoder asks for; ``sort_keys`` its key order.
    """
    if not _is_collection(value):
        return None
    try:
        return _write(value, request, sort_keys)
    except _Decline:
        return None


_ORDERS: dict[tuple[str, ...], list[str]] = {}  # maps repeat their key sets (env entries, ports)


def _entries(v: Any, sort_keys: Any) -> tuple[bool, Iterator[Any]]:
    if isinstance(v, dict):
        names = tuple(v)
        order = _ORDERS.get(names)
        if order is None:
            if not all(type(k) is str for k in names):
                raise _Decline
            order = sort_keys(v)
            if len(_ORDERS) >= _RENDERED_MAX:
                _ORDERS.clear()
            _ORDERS[names] = order
        return True, ((k, v[k]) for k in order)
    return False, iter(v)


_PADS = ["\n" + " " * i for i in range(64)]


def _pad(indent: int) -> str:
    return _PADS[indent] if indent < 64 else "\n" + " " * indent


def _write(root: Any, request: Any, sort_keys: Any) -> str:
    if not root:
        return ("{}" if isinstance(root, dict) else "[]") + "\n"
    out: list[str] = []
    w = out.append
    rendered = _RENDERED.get
    is_map, items = _entries(root, sort_keys)
    # Frames: (is_map, entries, indent); the first entry of a frame pushed with ``first``
    # continues the current line (the root's, or a sequence item's after its dash).
    stack: list[tuple[bool, Any, int]] = [(is_map, items, 0)]
    first = True
    fresh = False  # a literal block ended the last line: the next entry starts right away
    while stack:
        is_map, items, indent = stack[-1]
        for entry in items:
            if first:
                first = False
            elif fresh:
                w(" " * indent)
                fresh = False
            else:
                w(_pad(indent))
            if is_map:
                key, v = entry
                if len(key) > _MAX_SIMPLE_KEY // 4 and len(key.encode("utf-8")) > _MAX_SIMPLE_KEY:
                    raise _Decline  # a "? key" complex key
                text = (rendered(key) or _render(key, request))[0]
                w(text)
                if type(v) is str:
                    if "\n" in v:
                        w(":" + _literal(v, indent + 2))
                        fresh = v.endswith("\n")
                        continue
                    value, last_space = rendered(v) or _render(v, request)
                    if last_space >= 0 and indent + len(text) + 2 + last_space > _WIDTH:
                        raise _Decline
                    w(": " + value)
                    continue
                if _is_collection(v):
                    if len(stack) >= _MAX_DEPTH:
                        raise _Decline  # past go-yaml's max depth, empty collections included
                    if not v:
                        w(": {}" if isinstance(v, dict) else ": []")
                        continue
                    w(":")
                    child_map, child = _entries(v, sort_keys)
                    stack.append((child_map, child, indent + 2 if child_map else indent))
                    break
                w(": " + _fits(indent + len(text) + 2, _scalar(v, request)))
            else:
                if type(entry) is str:
                    if "\n" in entry:
                        w("-" + _literal(entry, indent + 2))
                        fresh = entry.endswith("\n")
                        continue
                    value, last_space = rendered(entry) or _render(entry, request)
                    if last_space >= 0 and indent + 2 + last_space > _WIDTH:
                        raise _Decline
                    w("- " + value)
                    continue
                if _is_collection(entry):
                    if len(stack) >= _MAX_DEPTH:
                        raise _Decline
                    if not entry:
                        w("- {}" if isinstance(entry, dict) else "- []")
                        continue
                    w("- ")
                    first = True
                    child_map, child = _entries(entry, sort_keys)
                    stack.append((child_map, child, indent + 2))
                    break
                w("- " + _fits(indent + 2, _scalar(entry, request)))
        else:
            stack.pop()
    if not fresh:
        w("\n")
    return "".join(out)


def _literal(s: str, indent: int) -> str:
    """`` |`` and the block, as go-yaml writes text holding ``\\n`` (content at ``indent``)."""
    if any(c in s for c in "\r\x85\u2028\u2029") or not analyze(s).block:
        raise _Decline  # other line breaks, trailing spaces, specials: quoted or the emitter's care
    hint = "2" if s[0] in " \n" else ""
    chomp = "-" if s[-1] != "\n" else "+" if len(s) == 1 or s[-2] == "\n" else ""
    pad = " " * indent
    return " |" + hint + chomp + "\n" + "\n".join(pad + line if line else "" for line in s.split("\n"))


__all__ = ["write_block"]
