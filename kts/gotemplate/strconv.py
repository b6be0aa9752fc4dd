"""Go's strconv as fmt and Sprig need it: quoting and float formatting.

Go strings are byte strings. kts holds them as ``str``; bytes that are not valid UTF-8
are carried as lone surrogates U+DC80..U+DCFF (Python's ``surrogateescape``), so one
such character stands for one invalid byte, which Go decodes as U+FFFD of width 1.
Strings are kept normalised: after joining byte-level pieces, re-read them with
``from_go_bytes(go_bytes(s))`` so escaped bytes that form valid UTF-8 become characters.
"""

from __future__ import annotations

import math
import struct
import unicodedata
from decimal import Decimal

__all__ = [
    "can_backquote",
    "format_float",
    "from_go_bytes",
    "go_bytes",
    "go_category",
    "go_len",
    "go_runes",
    "is_escaped_byte",
    "is_print",
    "quote",
    "quote_rune",
    "quote_rune_to_ascii",
    "quote_to_ascii",
    "valid_rune",
]

_HEX = "0123456789abcdef"
_ESCAPES = {7: "\\a", 8: "\\b", 12: "\\f", 10: "\\n", 13: "\\r", 9: "\\t", 11: "\\v"}
MAX_RUNE = 0x10FFFF
RUNE_ERROR = 0xFFFD


def go_bytes(s: str) -> bytes:
    """The bytes of a Go string held as ``str`` (escaped invalid bytes restored)."""
    try:
        return s.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        # Lone surrogates outside the escape range cannot come from Go; Go would
        # have stored U+FFFD for them.
        return "".join(
            "\ufffd" if 0xD800 <= ord(c) <= 0xDFFF and not 0xDC80 <= ord(c) <= 0xDCFF else c
            for c in s).encode("utf-8", "surrogateescape")


def from_go_bytes(b: bytes) -> str:
    """A Go string (arbitrary bytes) as ``str``."""
    return b.decode("utf-8", "surrogateescape")


def go_len(s: str) -> int:
    """``len(s)`` in Go: the number of bytes."""
    if s.isascii():
        return len(s)
    return len(go_bytes(s))


def is_escaped_byte(c: str) -> bool:
    """Whether ``c`` stands for one invalid UTF-8 byte."""
    return "\udc80" <= c <= "\udcff"


def go_runes(s: str) -> list[int]:
    """The runes Go's ``range`` yields: an invalid byte decodes as U+FFFD."""
    return [RUNE_ERROR if is_escaped_byte(c) else ord(c) for c in s]


_PRINT_CATEGORIES = frozenset("LMNPS")


def go_category(c: str) -> str:
    """The Unicode general category Go (Unicode 15.0) gives a character.

    Code points assigned in Unicode 15.0 that this Python's tables (older) lack come from
    ``_UNICODE15_CATEGORIES``.
    """
    cat = unicodedata.category(c)
    if cat == "Cn" and unicodedata.unidata_version < "15":
        r = ord(c)
        for lo, hi, new_cat in _UNICODE15_CATEGORIES:
            if lo <= r <= hi:
                return new_cat
    return cat


def is_print(r: int) -> bool:
    """Go's ``strconv.IsPrint``: letters, marks, numbers, punctuation, symbols and U+0020."""
    if r < 0x80:
        return 0x20 <= r < 0x7F
    if not valid_rune(r):
        return False
    return go_category(chr(r))[0] in _PRINT_CATEGORIES


# Code points new in Unicode 15.0 (unassigned in Unicode 14.0) with their categories.
_UNICODE15_CATEGORIES: tuple[tuple[int, int, str], ...] = (
    (0xCF3, 0xCF3, "Mc"), (0xECE, 0xECE, "Mn"), (0x10EFD, 0x10EFF, "Mn"), (0x1123F, 0x11240, "Lo"),
    (0x11241, 0x11241, "Mn"), (0x11B00, 0x11B09, "Po"), (0x11F00, 0x11F01, "Mn"),
    (0x11F02, 0x11F02, "Lo"), (0x11F03, 0x11F03, "Mc"), (0x11F04, 0x11F10, "Lo"),
    (0x11F12, 0x11F33, "Lo"), (0x11F34, 0x11F35, "Mc"), (0x11F36, 0x11F3A, "Mn"),
    (0x11F3E, 0x11F3F, "Mc"), (0x11F40, 0x11F40, "Mn"), (0x11F41, 0x11F41, "Mc"),
    (0x11F42, 0x11F42, "Mn"), (0x11F43, 0x11F4F, "Po"), (0x11F50, 0x11F59, "Nd"),
    (0x1342F, 0x1342F, "Lo"), (0x13439, 0x1343F, "Cf"), (0x13440, 0x13440, "Mn"),
    (0x13441, 0x13446, "Lo"), (0x13447, 0x13455, "Mn"), (0x1B132, 0x1B132, "Lo"),
    (0x1B155, 0x1B155, "Lo"), (0x1D2C0, 0x1D2D3, "No"), (0x1DF25, 0x1DF2A, "Ll"),
    (0x1E030, 0x1E06D, "Lm"), (0x1E08F, 0x1E08F, "Mn"), (0x1E4D0, 0x1E4EA, "Lo"),
    (0x1E4EB, 0x1E4EB, "Lm"), (0x1E4EC, 0x1E4EF, "Mn"), (0x1E4F0, 0x1E4F9, "Nd"),
    (0x1F6DC, 0x1F6DC, "So"), (0x1F774, 0x1F776, "So"), (0x1F77B, 0x1F77F, "So"),
    (0x1F7D9, 0x1F7D9, "So"), (0x1FA75, 0x1FA77, "So"), (0x1FA87, 0x1FA88, "So"),
    (0x1FAAD, 0x1FAAF, "So"), (0x1FABB, 0x1FABD, "So"), (0x1FABF, 0x1FABF, "So"),
    (0x1FACE, 0x1FACF, "So"), (0x1FADA, 0x1FADB, "So"), (0x1FAE8, 0x1FAE8, "So"),
    (0x1FAF7, 0x1FAF8, "So"), (0x2B739, 0x2B739, "Lo"), (0x31350, 0x323AF, "Lo"),
)


def valid_rune(r: int) -> bool:
    return 0 <= r <= MAX_RUNE and not 0xD800 <= r <= 0xDFFF


# ---------------------------------------------------------------------------
# Quoting


def _escaped_rune(r: int, quote: str, ascii_only: bool) -> str:
    c = chr(r) if valid_rune(r) else "\ufffd"
    if c == quote or c == "\\":
        return "\\" + c
    if ascii_only:
        if r < 0x80 and is_print(r):
            return c
    elif is_print(r):
        return c
    if r in _ESCAPES:
        return _ESCAPES[r]
    if r < 0x20 or r == 0x7F:
        return f"\\x{r:02x}"
    if not valid_rune(r):
        r = RUNE_ERROR
    if r < 0x10000:
        return f"\\u{r:04x}"
    return f"\\U{r:08x}"


def _quote_with(s: str, quote: str, ascii_only: bool) -> str:
    if s.isascii() and s.isprintable():
        # Printable ASCII (the common case in charts) needs only the backslash and the quote escaped.
        return quote + s.replace("\\", "\\\\").replace(quote, "\\" + quote) + quote
    out = [quote]
    for c in s:
        if is_escaped_byte(c):
            b = ord(c) - 0xDC00
            out.append("\\x" + _HEX[b >> 4] + _HEX[b & 15])
        else:
            out.append(_escaped_rune(ord(c), quote, ascii_only))
    out.append(quote)
    return "".join(out)


def quote(s: str) -> str:
    """``strconv.Quote``: a double-quoted Go literal keeping printable Unicode."""
    return _quote_with(s, '"', False)


def quote_to_ascii(s: str) -> str:
    """``strconv.QuoteToASCII``: like quote, with every non-ASCII rune escaped."""
    return _quote_with(s, '"', True)


def quote_rune(r: int) -> str:
    """``strconv.QuoteRune``: a single-quoted Go rune literal."""
    if not valid_rune(r):
        r = RUNE_ERROR
    return "'" + _escaped_rune(r, "'", False) + "'"


def quote_rune_to_ascii(r: int) -> str:
    if not valid_rune(r):
        r = RUNE_ERROR
    return "'" + _escaped_rune(r, "'", True) + "'"


def can_backquote(s: str) -> bool:
    """``strconv.CanBackquote``: representable as a raw string literal."""
    for c in s:
        r = ord(c)
        if is_escaped_byte(c):
            return False
        if r >= 0x80:
            if r == 0xFEFF:
                return False
            continue
        if (r < 0x20 and r != 9) or c == "`" or r == 0x7F:
            return False
    return True


# ---------------------------------------------------------------------------
# Float formatting (strconv.FormatFloat with bitSize 64)


def _shortest_digits(f: float) -> tuple[str, int]:
    """Shortest round-trip digits of abs(f) and the decimal point position."""
    if f == 0:
        return "", 0
    _, digits, exp = Decimal(repr(abs(f))).as_tuple()
    ds = "".join(map(str, digits))
    return ds.rstrip("0"), len(ds) + int(exp)


def _rounded_digits(f: float, n: int) -> tuple[str, int]:
    """abs(f) correctly rounded (half to even on the exact value) to n significant digits."""
    if f == 0:
        return "", 0
    text = format(abs(f), f".{max(n - 1, 0)}e")
    mant, _, exp = text.partition("e")
    ds = mant.replace(".", "").rstrip("0")
    return ds, int(exp) + 1


def _fmt_e(ds: str, dp: int, prec: int, fmt: str) -> str:
    out = [ds[0] if ds else "0"]
    if prec > 0:
        frac = ds[1:1 + prec]
        out.append("." + frac + "0" * (prec - len(frac)))
    exp = dp - 1 if ds else 0
    sign = "-" if exp < 0 else "+"
    exp = abs(exp)
    out.append(fmt + sign + (f"{exp:02d}" if exp < 100 else str(exp)))
    return "".join(out)


def _fmt_f(ds: str, dp: int, prec: int) -> str:
    if dp > 0:
        whole = ds[:dp] + "0" * max(dp - len(ds), 0)
    else:
        whole = "0"
    if prec <= 0:
        return whole
    frac = "".join(ds[dp + i] if 0 <= dp + i < len(ds) else "0" for i in range(prec))
    return whole + "." + frac


def _fmt_x(f: float, prec: int, fmt: str) -> str:
    bits = struct.unpack("<Q", struct.pack("<d", f))[0]
    neg = bits >> 63
    exp = (bits >> 52) & 0x7FF
    mant = bits & ((1 << 52) - 1)
    if exp == 0:
        exp += 1
    else:
        mant |= 1 << 52
    exp -= 1023
    mask = (1 << 64) - 1
    if mant == 0:
        exp = 0
    mant = (mant << 8) & mask
    while mant != 0 and mant & (1 << 60) == 0:
        mant = (mant << 1) & mask
        exp -= 1
    if 0 <= prec < 15:
        shift = prec * 4
        extra = (mant << shift) & ((1 << 60) - 1)
        mant >>= 60 - shift
        if extra | (mant & 1) > 1 << 59:
            mant += 1
        mant = (mant << (60 - shift)) & mask
        if mant & (1 << 61):
            mant >>= 1
            exp += 1
    hexd = _HEX if fmt == "x" else _HEX.upper()
    out = ["-" if neg else "", "0", fmt, str((mant >> 60) & 1)]
    mant = (mant << 4) & mask
    if prec < 0 and mant != 0:
        out.append(".")
        while mant != 0:
            out.append(hexd[(mant >> 60) & 15])
            mant = (mant << 4) & mask
    elif prec > 0:
        out.append(".")
        for _ in range(prec):
            out.append(hexd[(mant >> 60) & 15])
            mant = (mant << 4) & mask
    out.append("p" if fmt == "x" else "P")
    out.append("-" if exp < 0 else "+")
    exp = abs(exp)
    out.append(f"{exp:02d}")
    return "".join(out)


def _fmt_b(f: float) -> str:
    bits = struct.unpack("<Q", struct.pack("<d", f))[0]
    neg = bits >> 63
    exp = (bits >> 52) & 0x7FF
    mant = bits & ((1 << 52) - 1)
    if exp == 0:
        exp += 1
    else:
        mant |= 1 << 52
    exp -= 1023 + 52
    return ("-" if neg else "") + str(mant) + "p" + ("+" if exp >= 0 else "-") + str(abs(exp))


def format_float(f: float, fmt: str, prec: int = -1) -> str:
    """``strconv.FormatFloat(f, fmt, prec, 64)`` for fmt in ``b e E f g G x X``."""
    if math.isnan(f):
        return "NaN"
    if math.isinf(f):
        return "+Inf" if f > 0 else "-Inf"
    if fmt == "b":
        return _fmt_b(f)
    if fmt in "xX":
        return _fmt_x(f, prec, fmt)
    neg = "-" if math.copysign(1.0, f) < 0 else ""
    shortest = prec < 0
    if fmt == "f" and not shortest:
        return neg + format(abs(f), f".{prec}f")
    if shortest:
        ds, dp = _shortest_digits(f)
    elif fmt in "eE":
        ds, dp = _rounded_digits(f, prec + 1)
    else:  # g, G
        if prec == 0:
            prec = 1
        ds, dp = _rounded_digits(f, prec)
    nd = len(ds)
    if fmt in "eE":
        return neg + _fmt_e(ds, dp, nd - 1 if shortest else prec, fmt)
    if fmt == "f":
        return neg + _fmt_f(ds, dp, max(nd - dp, 0))
    # %g
    if shortest:
        prec = nd
    eprec = prec
    if eprec > nd and nd >= dp:
        eprec = nd
    if shortest:
        eprec = 6
    exp = dp - 1
    if exp < -4 or exp >= eprec:
        if prec > nd:
            prec = nd
        return neg + _fmt_e(ds, dp, prec - 1, "e" if fmt == "g" else "E")
    if prec > dp:
        prec = nd
    return neg + _fmt_f(ds, dp, max(prec - dp, 0))


def underscore_ok(s: str) -> bool:
    """Go's rule: underscores only between digits (or after a base prefix)."""
    saw = "^"
    i = 0
    if s[:1] in ("+", "-"):
        s = s[1:]
    hexa = False
    if len(s) >= 2 and s[0] == "0" and s[1].lower() in "box":
        i = 2
        saw = "0"
        hexa = s[1].lower() == "x"
    while i < len(s):
        c = s[i]
        if c.isascii() and (c.isdigit() or (hexa and c.lower() in "abcdef")):
            saw = "0"
        elif c == "_":
            if saw != "0":
                return False
            saw = "_"
        else:
            if saw == "_":
                return False
            saw = "!"
        i += 1
    return saw != "_"
