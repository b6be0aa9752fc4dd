"""go-yaml v2's implicit typing of plain scalars (YAML 1.1: ``yes``, ``0755``, ``1_000``...).

The same table decides how a string is read back and whether the emitter must quote it.
"""

from __future__ import annotations

import calendar
import math
import re
from typing import Any

from kts.codec.gofloat import parse_float, parse_int

STR = "tag:yaml.org,2002:str"
BOOL = "tag:yaml.org,2002:bool"
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"
NULL = "tag:yaml.org,2002:null"
TIMESTAMP = "tag:yaml.org,2002:timestamp"
BINARY = "tag:yaml.org,2002:binary"
MERGE = "tag:yaml.org,2002:merge"
SEQ = "tag:yaml.org,2002:seq"
MAP = "tag:yaml.org,2002:map"

_LONG_PREFIX = "tag:yaml.org,2002:"


def short_tag(tag: str) -> str:
    return "!!" + tag[len(_LONG_PREFIX):] if tag.startswith(_LONG_PREFIX) else tag


_MAP: dict[str, tuple[str, Any]] = {}
for _words, _tag, _val in (
    ("y Y yes Yes YES true True TRUE on On ON", BOOL, True),
    ("n N no No NO false False FALSE off Off OFF", BOOL, False),
    ("~ null Null NULL", NULL, None),
    (".nan .NaN .NAN", FLOAT, math.nan),
    (".inf .Inf .INF +.inf +.Inf +.INF", FLOAT, math.inf),
    ("-.inf -.Inf -.INF", FLOAT, -math.inf),
    ("<<", MERGE, "<<"),
):
    for _w in _words.split():
        _MAP[_w] = (_tag, _val)
_MAP[""] = (NULL, None)

_HINT = {c: "S" for c in "+-"} | {c: "D" for c in "0123456789"} | {c: "M" for c in "yYnNtTfFoO~"}
_HINT["."] = "."

_YAML_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_BASE60 = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?\Z")

_RESOLVABLE = {"", STR, BOOL, INT, FLOAT, NULL, TIMESTAMP}


class ResolveError(ValueError):
    """A tagged scalar that cannot take its tag (``cannot decode !!str `x` as a !!int``)."""


def resolve(tag: str, text: str) -> tuple[str, Any]:
    """The (tag, value) go-yaml v2 gives a scalar; ints stay Python ints, floats floats."""
    if tag not in _RESOLVABLE:
        return tag, text
    rtag, out = _resolve(tag, text)
    if tag in ("", rtag, STR, BINARY):
        return rtag, out
    if tag == FLOAT and rtag == INT:
        return FLOAT, float(out)
    raise ResolveError(f"cannot decode {short_tag(rtag)} `{text}` as a {short_tag(tag)}")


def _resolve(tag: str, text: str) -> tuple[str, Any]:
    hint = _HINT.get(text[0]) if text else "N"
    if not hint or tag in (STR, BINARY):
        return STR, text
    item = _MAP.get(text)
    if item is not None:
        return item
    if hint == ".":
        f = parse_float(text)
        if f is not None:
            return FLOAT, f
    elif hint in "DS":
        if tag in ("", TIMESTAMP) and is_timestamp(text):
            return TIMESTAMP, text
        plain = text.replace("_", "")
        i = parse_int(plain, 0, 64)
        if i is not None:
            return INT, i
        u = parse_int(plain, 0, 64, unsigned=True)
        if u is not None:
            return INT, u
        if _YAML_FLOAT.match(plain):
            f = parse_float(plain)
            if f is not None:
                return FLOAT, f
        if plain.startswith("0b"):
            i = parse_int(plain[2:], 2, 64)
            if i is not None:
                return INT, i
            u = parse_int(plain[2:], 2, 64, unsigned=True)
            if u is not None:
                return INT, u
        elif plain.startswith("-0b"):
            i = parse_int("-" + plain[3:], 2, 64)
            if i is not None:
                return INT, i
    return STR, text


def is_base60_float(s: str) -> bool:
    if not s or not (s[0] in "+-" or "0" <= s[0] <= "9") or ":" not in s:
        return False
    return bool(_BASE60.match(s))


# --- timestamps: the subset of layouts go-yaml tries with time.Parse --------------------------

_N12 = r"([0-9]{1,2})"
_TS_DATE = re.compile(r"([0-9]{4})-" + _N12 + "-" + _N12)
_TS_TIME = re.compile(_N12 + ":" + _N12 + ":" + _N12 + r"(?:[.,]([0-9]+))?")
_TS_ZONE = re.compile(r"Z|[+-]([0-9]{2}):([0-9]{2})")


def is_timestamp(s: str) -> bool:
    """go-yaml's parseTimestamp: ``2006-1-2``, with ``T``/``t``+zone or space, no zone."""
    if len(s) < 5 or not s[:4].isdigit() or not s[:4].isascii() or s[4] != "-":
        return False
    m = _TS_DATE.match(s)
    if not m or not _valid_date(*(int(g) for g in m.groups())):
        return False
    rest = s[m.end():]
    if rest == "":
        return True
    sep, rest = rest[0], rest[1:]
    if sep not in "Tt ":
        return False
    t = _TS_TIME.match(rest)
    if not t:
        return False
    hh, mm, ss = (int(g) for g in t.groups()[:3])
    if hh >= 24 or mm >= 60 or ss >= 60:
        return False
    rest = rest[t.end():]
    if sep == " ":
        return rest == ""
    z = _TS_ZONE.fullmatch(rest)
    if not z:
        return False
    return z.group(1) is None or (int(z.group(1)) < 24 and int(z.group(2)) < 60)


def _valid_date(year: int, month: int, day: int) -> bool:
    if not 1 <= month <= 12 or day < 1:
        return False
    return day <= calendar.monthrange(year, month)[1] if year > 0 else day <= 31
