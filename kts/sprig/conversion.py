"""Sprig's type conversions: spf13/cast v1.7.0 rules over Go's strconv parsers.

Conversion failures are swallowed by Sprig and give 0, so the parsers here report
errors as values rather than exceptions.
"""

from __future__ import annotations

import math
import re
from typing import Any

from kts.gotemplate.fmt import sprint
from kts.gotemplate.gotypes import FuncMap, GoInt, Int64, gofunc, wrap_int
from kts.gotemplate.strconv import underscore_ok

MIN_INT64 = -(1 << 63)
MAX_INT64 = (1 << 63) - 1
MAX_UINT64 = (1 << 64) - 1

SYNTAX = "invalid syntax"
RANGE = "value out of range"


# ---------------------------------------------------------------------------
# strconv.ParseInt / ParseFloat


def parse_uint(s: str, base: int = 10) -> tuple[int, str | None]:
    """``strconv.ParseUint(s, base, 64)``: (value, error) with Go's clamping on range errors."""
    if s == "":
        return 0, SYNTAX
    s0 = s
    base0 = base == 0
    if base == 0:
        base = 10
        if s[0] == "0":
            if len(s) >= 3 and s[1].lower() == "b":
                base, s = 2, s[2:]
            elif len(s) >= 3 and s[1].lower() == "o":
                base, s = 8, s[2:]
            elif len(s) >= 3 and s[1].lower() == "x":
                base, s = 16, s[2:]
            else:
                base, s = 8, s[1:]
    n = 0
    underscores = False
    for c in s:
        if c == "_" and base0:
            underscores = True
            continue
        if "0" <= c <= "9":
            d = ord(c) - 48
        elif c.isascii() and "a" <= c.lower() <= "z":
            d = ord(c.lower()) - 87
        else:
            return 0, SYNTAX
        if d >= base:
            return 0, SYNTAX
        n = n * base + d
        if n > MAX_UINT64:
            return MAX_UINT64, RANGE
    if underscores and not underscore_ok(s0):
        return 0, SYNTAX
    return n, None


def parse_int(s: str, base: int = 10) -> tuple[int, str | None]:
    """``strconv.ParseInt(s, base, 64)``."""
    if s == "":
        return 0, SYNTAX
    neg = False
    body = s
    if s[0] == "+":
        body = s[1:]
    elif s[0] == "-":
        neg, body = True, s[1:]
    un, err = parse_uint(body, base)
    if err == SYNTAX:
        return 0, SYNTAX
    if not neg and un > MAX_INT64:
        return MAX_INT64, RANGE
    if neg and un > -MIN_INT64:
        return MIN_INT64, RANGE
    return (-un if neg else un), err


_DEC_FLOAT = re.compile(r"[+-]?(?:[0-9_]+\.?[0-9_]*|\.[0-9_]+)(?:[eE][+-]?[0-9_]+)?")
_HEX_FLOAT = re.compile(r"[+-]?0[xX](?:[0-9a-fA-F_]+\.?[0-9a-fA-F_]*|\.[0-9a-fA-F_]+)[pP][+-]?[0-9_]+")


def parse_float(s: str) -> tuple[float, str | None]:
    """``strconv.ParseFloat(s, 64)``: (value, error); overflow is a range error."""
    low = s.lower()
    body = low[1:] if low[:1] in "+-" else low
    if body in ("inf", "infinity"):
        return (-math.inf if low[0] == "-" else math.inf), None
    if low == "nan":
        return math.nan, None
    if _HEX_FLOAT.fullmatch(s):
        if "_" in s and not underscore_ok(s):
            return 0.0, SYNTAX
        text = s.replace("_", "")
        mant = re.sub(r"[pP].*", "", text)
        if not re.search(r"[0-9a-fA-F]", mant[mant.lower().index("x") + 1:]):
            return 0.0, SYNTAX
        try:
            value = float.fromhex(text)
        except OverflowError:
            return (-math.inf if text[0] == "-" else math.inf), RANGE
        return value, None
    if not _DEC_FLOAT.fullmatch(s) or not re.search(r"[0-9]", s.split("e")[0].split("E")[0]):
        return 0.0, SYNTAX
    if "_" in s and not underscore_ok(s):
        return 0.0, SYNTAX
    value = float(s.replace("_", ""))
    if math.isinf(value):
        return value, RANGE
    return value, None


# ---------------------------------------------------------------------------
# spf13/cast


def go_float_to_int64(f: float) -> int:
    """Go's float64-to-int64 conversion on amd64: truncation; NaN and overflow give MinInt64."""
    if math.isnan(f) or math.isinf(f) or not -(2.0**63) <= f < 2.0**63:
        return MIN_INT64
    return int(f)


def _trim_zero_decimal(s: str) -> str:
    """cast's ``trimZeroDecimal``: ``"3.00"`` becomes ``"3"``; other strings stay."""
    found_zero = False
    for i in range(len(s), 0, -1):
        c = s[i - 1]
        if c == ".":
            if found_zero:
                return s[: i - 1]
        elif c == "0":
            found_zero = True
        else:
            return s
    return s


def to_int64(v: Any) -> int:
    """``cast.ToInt64``: failures give 0."""
    if v is None:
        return 0
    if isinstance(v, bool):
        return 1 if v else 0
    if isinstance(v, GoInt):
        return wrap_int(int(v))
    if isinstance(v, int):
        return wrap_int(v)
    if isinstance(v, float):
        return go_float_to_int64(v)
    if isinstance(v, str):
        n, err = parse_int(_trim_zero_decimal(v), 0)
        return 0 if err else n
    return 0


def to_float64(v: Any) -> float:
    """``cast.ToFloat64``: failures give 0."""
    if v is None:
        return 0.0
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    if isinstance(v, int):
        return float(wrap_int(int(v), 64, not (isinstance(v, GoInt) and not v.signed)))
    if isinstance(v, float):
        return v
    if isinstance(v, str):
        f, err = parse_float(v)
        return 0.0 if err else f
    return 0.0


@gofunc("string", result="int")
def atoi(a: str) -> int:
    n, err = parse_int(a, 10)
    return 0 if err == SYNTAX else n


@gofunc("interface {}", result="int")
def int_(v: Any) -> int:
    return to_int64(v)


@gofunc("interface {}", result="int64")
def int64(v: Any) -> Int64:
    return Int64(to_int64(v))


@gofunc("interface {}", result="float64")
def float64(v: Any) -> float:
    return to_float64(v)


@gofunc("interface {}", result="int64")
def toDecimal(v: Any) -> Int64:
    n, err = parse_int(sprint(v), 8)
    return Int64(0 if err else n)


FUNCS: FuncMap = {
    "atoi": atoi,
    "int": int_,
    "int64": int64,
    "float64": float64,
    "toDecimal": toDecimal,
}
