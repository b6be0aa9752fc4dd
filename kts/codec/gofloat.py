"""Go's number text: ``strconv.FormatFloat``/``ParseFloat``/``ParseInt`` as the codecs need them.

Python's ``repr`` already yields the shortest round-trip digits, like Go's ``-1`` precision;
only the layout (exponent threshold, exponent digits) differs, so we re-emit those digits.
"""

from __future__ import annotations

import math
import re
import struct


def shortest_digits(f: float, bits: int = 64) -> tuple[str, int]:
    """Shortest round-trip digits of a finite, non-zero |f| and the decimal point position.

    ``0.0123`` gives ``("123", -1)``: the value is ``0.digits * 10**dp``.
    """
    f = abs(f)
    if bits == 32:
        text = _shortest32(f)
    else:
        text = repr(f)
    mant, _, exp = text.partition("e")
    exp_n = int(exp) if exp else 0
    whole, _, frac = mant.partition(".")
    if frac == "0":
        frac = ""
    digits = whole + frac
    dp = len(whole) + exp_n
    stripped = digits.lstrip("0")
    dp -= len(digits) - len(stripped)
    digits = stripped.rstrip("0") or "0"
    return digits, dp


def _shortest32(f: float) -> str:
    target = struct.pack(">f", f)
    f = struct.unpack(">f", target)[0]
    for prec in range(1, 10):
        text = f"{f:.{prec}e}"
        if struct.pack(">f", float(text)) == target:
            return text
    return repr(f)


def _special(f: float) -> str | None:
    if math.isnan(f):
        return "NaN"
    if math.isinf(f):
        return "+Inf" if f > 0 else "-Inf"
    return None


def _exp_form(neg: bool, digits: str, dp: int, min_exp_digits: int = 2) -> str:
    mant = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    exp = dp - 1
    sign = "-" if exp < 0 else "+"
    return f"{'-' if neg else ''}{mant}e{sign}{abs(exp):0{min_exp_digits}d}"


def _fixed_form(neg: bool, digits: str, dp: int) -> str:
    if dp <= 0:
        text = "0." + "0" * (-dp) + digits
    elif dp >= len(digits):
        text = digits + "0" * (dp - len(digits))
    else:
        text = digits[:dp] + "." + digits[dp:]
    return ("-" if neg else "") + text


def format_g(f: float, bits: int = 64) -> str:
    """``strconv.FormatFloat(f, 'g', -1, bits)``: ``1e+06``, ``123456``, ``1e-05``."""
    special = _special(f)
    if special:
        return special
    neg = math.copysign(1.0, f) < 0
    if f == 0:
        return "-0" if neg else "0"
    digits, dp = shortest_digits(f, bits)
    exp = dp - 1
    # Shortest formatting decides the form with a precision of 6, as Go does.
    eprec = 6
    if exp < -4 or exp >= eprec:
        return _exp_form(neg, digits, dp)
    return _fixed_form(neg, digits, dp)


def format_json(f: float) -> str:
    """encoding/json's float64 text (caller rejects NaN and infinities)."""
    neg = math.copysign(1.0, f) < 0
    if f == 0:
        return "-0" if neg else "0"
    a = abs(f)
    digits, dp = shortest_digits(f)
    if a < 1e-6 or a >= 1e21:
        text = _exp_form(neg, digits, dp)
        # clean e-09 to e-9
        return re.sub(r"e([+-])0(\d)$", r"e\1\2", text)
    return _fixed_form(neg, digits, dp)


_DEC_FLOAT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\Z")
_SPECIAL_FLOAT = re.compile(r"([+-]?)(inf|infinity|nan)\Z", re.IGNORECASE)


def parse_float(s: str) -> float | None:
    """``strconv.ParseFloat(s, 64)`` for decimal text; None on a syntax or range error."""
    m = _SPECIAL_FLOAT.match(s)
    if m:
        if m.group(2).lower() == "nan":
            return None if m.group(1) else math.nan
        return -math.inf if m.group(1) == "-" else math.inf
    plain = s
    if "_" in s:
        if not _underscore_ok(s):
            return None
        plain = s.replace("_", "")
    if not _DEC_FLOAT.match(plain):
        return None
    value = float(plain)
    if math.isinf(value):
        return None
    return value


def _underscore_ok(s: str) -> bool:
    saw = "^"
    i = 0
    if s[:1] in "+-":
        s = s[1:]
    hexa = False
    if len(s) >= 2 and s[0] == "0" and s[1].lower() in "bxo":
        i = 2
        saw = "0"
        hexa = s[1].lower() == "x"
    for c in s[i:]:
        if (c.isdigit() and c.isascii()) or (hexa and c.lower() in "abcdef"):
            saw = "0"
            continue
        if c == "_":
            if saw != "0":
                return False
            saw = "_"
            continue
        if saw == "_":
            return False
        saw = "!"
    return saw != "_"


_INT_PREFIX = {"0b": 2, "0o": 8, "0x": 16}


def parse_int(s: str, base: int = 0, bits: int = 64, unsigned: bool = False) -> int | None:
    """``strconv.ParseInt``/``ParseUint`` (base 0 honours 0x/0o/0b/0 prefixes); None on error."""
    if not s:
        return None
    neg = False
    body = s
    if not unsigned and body[0] in "+-":
        neg = body[0] == "-"
        body = body[1:]
    if base == 0:
        if "_" in body and not _underscore_ok(body):
            return None
        body = body.replace("_", "")
        base = 10
        low = body[:2].lower()
        if low in _INT_PREFIX:
            base = _INT_PREFIX[low]
            body = body[2:]
        elif body[:1] == "0" and len(body) > 1:
            base = 8
            body = body[1:]
    if not body:
        return None
    allowed = "0123456789abcdefghijklmnopqrstuvwxyz"[:base]
    if any(c.lower() not in allowed for c in body):
        return None
    value = int(body, base)
    if unsigned:
        return value if value < (1 << bits) else None
    if neg:
        value = -value
    if not -(1 << (bits - 1)) <= value < (1 << (bits - 1)):
        return None
    return value
