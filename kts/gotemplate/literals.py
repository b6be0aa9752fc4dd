"""Go literal syntax for templates: string and character unquoting, number constants."""

from __future__ import annotations

import math
import re

from kts.gotemplate.nodes import NumberNode
from kts.gotemplate.strconv import from_go_bytes, underscore_ok


class LiteralError(ValueError):
    """A literal is malformed; the message is Go's."""


_SIMPLE = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11, "\\": 92}
_HEXDIGITS = "0123456789abcdefABCDEF"
_INVALID_BYTE = re.compile("[\udc80-\udcff]")  # how source text holds bytes of invalid UTF-8


def _unquote_char(s: str, i: int, quote: str) -> tuple[int, bool, int]:
    """Go's ``strconv.UnquoteChar`` at ``s[i]``: (value, value is a raw byte, next index)."""
    c = s[i]
    if c == quote and quote in "'\"":
        raise LiteralError("invalid syntax")
    if c != "\\":
        v = ord(c)
        if 0xDC80 <= v <= 0xDCFF:  # a byte of invalid UTF-8: Go decodes it as utf8.RuneError
            return 0xFFFD, False, i + 1
        return v, False, i + 1
    if i + 1 >= len(s):
        raise LiteralError("invalid syntax")
    c = s[i + 1]
    i += 2
    if c in _SIMPLE:
        return _SIMPLE[c], False, i
    if c in "xuU":
        n = {"x": 2, "u": 4, "U": 8}[c]
        digits = s[i:i + n]
        if len(digits) < n or any(d not in _HEXDIGITS for d in digits):
            raise LiteralError("invalid syntax")
        v = int(digits, 16)
        if c == "x":
            return v, True, i + n
        if v > 0x10FFFF or 0xD800 <= v <= 0xDFFF:
            raise LiteralError("invalid syntax")
        return v, False, i + n
    if "0" <= c <= "7":
        digits = s[i - 1:i + 2]
        if len(digits) < 3 or any(d not in "01234567" for d in digits):
            raise LiteralError("invalid syntax")
        v = int(digits, 8)
        if v > 255:
            raise LiteralError("invalid syntax")
        return v, True, i + 2
    if c in "'\"":
        if c != quote:
            raise LiteralError("invalid syntax")
        return ord(c), False, i
    raise LiteralError("invalid syntax")


def unquote(s: str) -> str:
    """Go's ``strconv.Unquote`` for a double-quoted or raw string literal."""
    if len(s) < 2:
        raise LiteralError("invalid syntax")
    q = s[0]
    if q != s[-1]:
        raise LiteralError("invalid syntax")
    body = s[1:-1]
    if q == "`":
        if "`" in body:
            raise LiteralError("invalid syntax")
        return body.replace("\r", "")
    if q != '"':
        raise LiteralError("invalid syntax")
    if "\n" in body:
        raise LiteralError("invalid syntax")
    if "\\" not in body and '"' not in body and not _INVALID_BYTE.search(body):
        return body
    out = bytearray()
    i = 0
    while i < len(body):
        v, is_byte, i = _unquote_char(body, i, '"')
        if is_byte:
            out.append(v)
        else:
            out += chr(v).encode("utf-8", "surrogateescape")
    return from_go_bytes(bytes(out))


def unquote_char_constant(text: str) -> int:
    """The rune value of a character constant such as ``'a'`` or ``'\\n'``."""
    body = text[1:]
    if not body:
        raise LiteralError("invalid syntax")
    value, _, i = _unquote_char(body, 0, "'")
    if body[i:] != "'":
        raise LiteralError(f"malformed character constant: {text}")
    return value


def parse_int(text: str, *, unsigned: bool = False) -> int | None:
    """Go's ``strconv.ParseInt(text, 0, 64)`` (or ParseUint): the value, or None on error."""
    s = text
    neg = False
    if s[:1] in ("+", "-"):
        if unsigned:
            return None
        neg = s[0] == "-"
        s = s[1:]
    if not s:
        return None
    base = 10
    body = s
    if s[0] == "0" and len(s) > 1:
        p = s[1].lower()
        if p == "x":
            base, body = 16, s[2:]
        elif p == "o":
            base, body = 8, s[2:]
        elif p == "b":
            base, body = 2, s[2:]
        else:
            base, body = 8, s[1:]
    if "_" in s and not underscore_ok(s):
        return None
    body = body.replace("_", "")
    if not body:
        return None
    try:
        v = int(body, base)
    except ValueError:
        return None
    if neg:
        v = -v
    if unsigned:
        return v if v < 1 << 64 else None
    return v if -(1 << 63) <= v < 1 << 63 else None


_FLOAT_RE = re.compile(r"[+-]?(\d[\d_]*\.?[\d_]*|\.\d[\d_]*)([eE][+-]?[\d_]+)?$")


def parse_float(text: str) -> float | None:
    """Go's ``strconv.ParseFloat(text, 64)`` for template number syntax, or None on error."""
    s = text
    if "_" in s and not underscore_ok(s):
        return None
    s = s.replace("_", "")
    low = s.lower()
    if low.lstrip("+-").startswith("0x"):
        if "p" not in low:
            return None
        try:
            sign = -1.0 if s.startswith("-") else 1.0
            f = sign * float.fromhex(s.lstrip("+-"))
        except (ValueError, OverflowError):
            return None
    else:
        if not _FLOAT_RE.match(s):
            return None
        try:
            f = float(s)
        except ValueError:
            return None
    if math.isinf(f):
        return None
    return f


def make_number(node: NumberNode, typ_complex: bool) -> None:
    """Fill ``node`` with every interpretation of its text, as Go's ``newNumber`` does."""
    text = node.text
    if text.startswith("'"):
        r = unquote_char_constant(text)
        node.int64 = node.uint64 = r
        node.float64 = float(r)
        node.is_int = node.is_uint = node.is_float = True
        return
    if typ_complex:
        try:
            c = complex(text.replace("_", "").replace("i", "j"))
        except ValueError as exc:
            raise LiteralError(f"expected integer; found {text}") from exc
        node.is_complex = True
        node.complex128 = c
        _simplify_complex(node)
        return
    if text.endswith("i"):
        f = parse_float(text[:-1])
        if f is not None:
            node.is_complex = True
            node.complex128 = complex(0, f)
            _simplify_complex(node)
            return
    if text.isdigit() and text.isascii() and len(text) < 19 and (text[0] != "0" or len(text) == 1):
        # A plain decimal below 2**63, the common case: every interpretation holds.
        node.int64 = node.uint64 = v = int(text)
        node.float64 = float(v)
        node.is_int = node.is_uint = node.is_float = True
        return
    u = parse_int(text, unsigned=True)
    if u is not None:
        node.is_uint = True
        node.uint64 = u
    i = parse_int(text)
    if i is not None:
        node.is_int = True
        node.int64 = i
        if i == 0:
            node.is_uint = True
            node.uint64 = u or 0
    if node.is_int:
        node.is_float = True
        node.float64 = float(node.int64)
    elif node.is_uint:
        node.is_float = True
        node.float64 = float(node.uint64)
    else:
        f = parse_float(text)
        if f is not None:
            if not any(c in text for c in ".eEpP"):
                raise LiteralError(f"integer overflow: {_q(text)}")
            node.is_float = True
            node.float64 = f
            if f == math.trunc(f) and -(1 << 63) <= f < 1 << 63:
                node.is_int = True
                node.int64 = int(f)
            if f == math.trunc(f) and 0 <= f < 1 << 64:
                node.is_uint = True
                node.uint64 = int(f)
    if not (node.is_int or node.is_uint or node.is_float):
        raise LiteralError(f"illegal number syntax: {_q(text)}")


def _simplify_complex(node: NumberNode) -> None:
    c = node.complex128
    if c.imag == 0:
        node.is_float = True
        node.float64 = c.real
        f = c.real
        if f == math.trunc(f):
            if -(1 << 63) <= f < 1 << 63:
                node.is_int = True
                node.int64 = int(f)
            if 0 <= f < 1 << 64:
                node.is_uint = True
                node.uint64 = int(f)


def _q(s: str) -> str:
    from kts.gotemplate.strconv import quote

    return quote(s)
