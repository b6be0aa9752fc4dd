"""Sprig's string functions with Go's byte-and-rune semantics.

A Go string is a byte string; kts holds it as ``str`` with invalid UTF-8 bytes carried as
U+DC80..U+DCFF (see ``kts.gotemplate.strconv``). Functions that Go defines on bytes
(``trunc``, ``substr``, ``abbrev``, ``initials``, ``split``...) work on ``go_bytes`` and
convert back; rune-wise functions (``upper``, ``title``...) map characters, turning invalid
bytes into U+FFFD exactly where Go's decoding does.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable
from typing import Any

from kts.gotemplate.fmt import format_value, sprintf
from kts.gotemplate.gotypes import FuncMap, GoMap, GoPanic, GoSlice, gofunc, string_map, string_slice
from kts.gotemplate.limits import check_string
from kts.gotemplate.strconv import from_go_bytes, go_bytes, go_category, is_escaped_byte
from kts.gotemplate.strconv import quote as go_quote
from kts.sprig.strval import strval

# ---------------------------------------------------------------------------
# Go's unicode package, rune by rune

_SPACES = frozenset("\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
                    "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_FFFD = "\ufffd"


def is_space(c: str) -> bool:
    """``unicode.IsSpace``."""
    return c in _SPACES


def _cat(c: str) -> str:
    return go_category(c)


def is_upper(c: str) -> bool:
    return _cat(c) == "Lu"


def is_lower(c: str) -> bool:
    return _cat(c) == "Ll"


def is_title(c: str) -> bool:
    return _cat(c) == "Lt"


def is_letter(c: str) -> bool:
    return _cat(c)[0] == "L"


def is_digit(c: str) -> bool:
    return _cat(c) == "Nd"


def is_number(c: str) -> bool:
    return _cat(c)[0] == "N"


def is_punct(c: str) -> bool:
    return _cat(c)[0] == "P"


def _rune(c: str) -> str:
    """The rune Go decodes for one character: an invalid byte reads as U+FFFD."""
    return _FFFD if is_escaped_byte(c) else c


def to_upper(c: str) -> str:
    """``unicode.ToUpper``: the simple (one-rune) mapping, never SpecialCasing."""
    c = _rune(c)
    u = c.upper()
    if len(u) == 1:
        return u
    t = c.title()
    return t if len(t) == 1 else c


def to_lower(c: str) -> str:
    """``unicode.ToLower`` (simple mapping: U+0130 maps to plain ``i``)."""
    c = _rune(c)
    low = c.lower()
    if len(low) == 1:
        return low
    return "i" if c == "\u0130" else c


def to_title(c: str) -> str:
    """``unicode.ToTitle`` (simple mapping)."""
    c = _rune(c)
    t = c.title()
    if len(t) == 1:
        return t
    return c


def _norm(s: str) -> str:
    """Re-read a string built from pieces, so escaped bytes that now form UTF-8 join up."""
    if s.isascii():
        return s
    return from_go_bytes(go_bytes(s))


def _b(s: str) -> bytes:
    return s.encode() if s.isascii() else go_bytes(s)


def _s(b: bytes) -> str:
    return from_go_bytes(b)


def _map_runes(s: str, fn: Callable[[str], str]) -> str:
    return "".join(fn(c) for c in s)


def _slice_panic(lo: int | None, hi: int | None, length: int) -> GoPanic:
    if lo is None:
        if hi is not None and hi < 0:
            return GoPanic(f"runtime error: slice bounds out of range [:{hi}]")
        return GoPanic(f"runtime error: slice bounds out of range [:{hi}] with length {length}")
    if lo < 0:
        return GoPanic(f"runtime error: slice bounds out of range [{lo}:]")
    return GoPanic(f"runtime error: slice bounds out of range [{lo}:{hi}]")


def go_slice(s: str, lo: int | None = None, hi: int | None = None) -> str:
    """``s[lo:hi]`` on the bytes of s, panicking like the Go runtime when out of range."""
    b = _b(s)
    n = len(b)
    if hi is not None and not 0 <= hi <= n:
        raise _slice_panic(None, hi, n)
    end = n if hi is None else hi
    if lo is not None and not 0 <= lo <= end:
        raise _slice_panic(lo, end, n)
    return _s(b[lo or 0:end])


# ---------------------------------------------------------------------------
# Trimming and case


@gofunc("string", result="string")
def trim(s: str) -> str:
    i, j = 0, len(s)
    while i < j and s[i] in _SPACES:
        i += 1
    while j > i and s[j - 1] in _SPACES:
        j -= 1
    return s[i:j]


def go_trim(s: str, cutset: str) -> str:
    """``strings.Trim``: drop leading and trailing runes found in cutset."""
    if not s or not cutset:
        return s
    cut = {_rune(c) for c in cutset}
    i, j = 0, len(s)
    while i < j and _rune(s[i]) in cut:
        i += 1
    while j > i and _rune(s[j - 1]) in cut:
        j -= 1
    return s[i:j]


@gofunc("string", "string", result="string")
def trimAll(cutset: str, s: str) -> str:
    return go_trim(s, cutset)


@gofunc("string", "string", result="string")
def trimPrefix(prefix: str, s: str) -> str:
    b, p = _b(s), _b(prefix)
    return _s(b[len(p):]) if b.startswith(p) else s


@gofunc("string", "string", result="string")
def trimSuffix(suffix: str, s: str) -> str:
    b, p = _b(s), _b(suffix)
    return _s(b[: len(b) - len(p)]) if p and b.endswith(p) else s


def _map_string(s: str, fn: Callable[[str], str]) -> str:
    # strings.Map leaves an all-unchanged string alone but re-encodes invalid bytes
    # as U+FFFD once anything is rewritten; a change always happens for invalid bytes.
    return _map_runes(s, fn)


@gofunc("string", result="string")
def upper(s: str) -> str:
    if s.isascii():
        return s.upper()
    return _map_string(s, to_upper)


@gofunc("string", result="string")
def lower(s: str) -> str:
    if s.isascii():
        return s.lower()
    return _map_string(s, to_lower)


def _is_separator(c: str) -> bool:
    if c <= "\x7f":
        return not (c.isalnum() or c == "_")
    if is_letter(c) or is_digit(c):
        return False
    return is_space(c)


@gofunc("string", result="string")
def title(s: str) -> str:
    """Go's deprecated ``strings.Title``."""
    out = []
    prev = " "
    for c in s:
        r = _rune(c)
        out.append(to_title(r) if _is_separator(prev) else r)
        prev = r
    return "".join(out)


@gofunc("string", result="string")
def untitle(s: str) -> str:
    """goutils ``Uncapitalize``: lower the first rune of each whitespace-separated word."""
    out = []
    nxt = True
    for c in s:
        r = _rune(c)
        if is_space(r):
            nxt = True
            out.append(r)
        elif nxt:
            out.append(to_lower(r))
            nxt = False
        else:
            out.append(r)
    return "".join(out)


@gofunc("string", result="string")
def swapcase(s: str) -> str:
    """goutils ``SwapCase``: a lower-case letter starting a word becomes title case."""
    out = []
    whitespace = True
    for c in s:
        r = _rune(c)
        if is_upper(r) or is_title(r):
            out.append(to_lower(r))
            whitespace = False
        elif is_lower(r):
            out.append(to_title(r) if whitespace else to_upper(r))
            whitespace = False
        else:
            out.append(r)
            whitespace = is_space(r)
    return "".join(out)


# ---------------------------------------------------------------------------
# xstrings case conversion (v1.5.0)


def _is_connector(c: str) -> bool:
    return c in "-_" or is_space(c)


def _is_alphabet(c: str) -> bool:
    """xstrings ``isAlphabet``: a letter, but not a CJK ideograph."""
    if not is_letter(c):
        return False
    return not ("\u4e00" <= c <= "\u9fcc" or "\u3400" <= c <= "\u4d85"
                or "\U00020000" <= c <= "\U0002b81d")


@gofunc("string", result="string")
def camelcase(s: str) -> str:
    """xstrings ``ToPascalCase``."""
    runes = [_rune(c) for c in s]
    if not runes:
        return ""
    out: list[str] = []
    i = 0
    first_upper = False
    r0 = ""
    while i < len(runes):
        r0 = runes[i]
        i += 1
        if not _is_connector(r0):
            first_upper = is_upper(r0)
            r0 = to_upper(r0)
            break
        out.append(r0)
    if i == len(runes):
        out.append(r0)
        return "".join(out)
    while i < len(runes):
        r1 = r0
        r0 = runes[i]
        i += 1
        if _is_connector(r0) and _is_connector(r1):
            out.append(r1)
            continue
        if _is_connector(r1):
            first_upper = is_upper(r0)
            r0 = to_upper(r0)
        else:
            if first_upper:
                if is_upper(r0):
                    r0 = to_lower(r0)
                else:
                    first_upper = False
            out.append(r1)
    out.append(r0)
    return "".join(out)


_INVALID, _NUMBER, _UPPER, _ALPHA, _CONNECTOR, _PUNCT, _OTHER = range(7)


def _next_valid(b: bytes, i: int, prev: str) -> tuple[str, int]:
    """The next rune at or after byte i other than U+FFFD (invalid bytes decode as that)."""
    n = len(b)
    while i < n:
        r, size = _decode_rune(b, i)
        i += size
        if r != _FFFD:
            return r, i
    return prev, i


def _decode_rune(b: bytes, i: int) -> tuple[str, int]:
    """Go's ``utf8.DecodeRune`` at offset i."""
    c = b[i]
    if c < 0x80:
        return chr(c), 1
    for size in (2, 3, 4):
        try:
            return b[i:i + size].decode("utf-8"), size
        except UnicodeDecodeError:
            continue
    return _FFFD, 1


def _next_word(b: bytes) -> tuple[int, bytes, bytes]:
    """xstrings ``nextWord``: classify and split off the next word."""
    if not b:
        return _INVALID, b"", b""
    r, end = _next_valid(b, 0, _FFFD)
    if r == _FFFD:
        return _INVALID, b[:end], b[end:]
    offset = end
    rem = end

    def run(pred: Callable[[str], bool], r: str) -> None:
        nonlocal offset, rem
        while rem < len(b):
            r, e = _next_valid(b, rem, r)
            if not pred(r):
                break
            offset += e - rem
            rem = e

    if _is_connector(r):
        wt = _CONNECTOR
        run(_is_connector, r)
    elif is_punct(r):
        wt = _PUNCT
        run(is_punct, r)
    elif is_upper(r):
        wt = _UPPER
        if rem < len(b):
            r, e = _next_valid(b, rem, r)
            size = e - rem
            if is_upper(r):
                prev_size = size
                offset += size
                rem = e
                while rem < len(b):
                    r, e = _next_valid(b, rem, r)
                    if not is_upper(r):
                        break
                    prev_size = e - rem
                    offset += prev_size
                    rem = e
                if rem < len(b) and _is_alphabet(r):
                    offset -= prev_size
                    rem = offset
            elif _is_alphabet(r):
                offset += size
                rem = e
                run(lambda x: _is_alphabet(x) and not is_upper(x), r)
    elif _is_alphabet(r):
        wt = _ALPHA
        run(lambda x: _is_alphabet(x) and not is_upper(x), r)
    elif is_number(r):
        wt = _NUMBER
        run(is_number, r)
    else:
        wt = _OTHER
        while rem < len(b):
            r, e = _next_valid(b, rem, r)
            if e == rem or _is_connector(r) or _is_alphabet(r) or is_number(r) or is_punct(r):
                break
            offset += e - rem
            rem = e
    return wt, b[:offset], b[rem:]


def _to_lower_word(out: list[bytes], wt: int, word: bytes, connector: str) -> None:
    if wt not in (_UPPER, _CONNECTOR):
        out.append(word)
        return
    i = 0
    while i < len(word):
        r, size = _decode_rune(word, i)
        i += size
        if _is_connector(r):
            out.append(connector.encode())
        elif is_upper(r):
            out.append(to_lower(r).encode())
        else:
            out.append(r.encode())


def _camel_to_lower(s: str, connector: str) -> str:
    """xstrings ``camelCaseToLowerCase`` (snake and kebab case)."""
    if not s:
        return ""
    conn = connector.encode()
    out: list[bytes] = []
    wt, word, rem = _next_word(_b(s))
    while rem:
        if wt != _CONNECTOR:
            _to_lower_word(out, wt, word, connector)
        prev, last = wt, word
        wt, word, rem = _next_word(rem)
        if prev == _NUMBER:
            while wt in (_ALPHA, _NUMBER):
                _to_lower_word(out, wt, word, connector)
                wt, word, rem = _next_word(rem)
            if wt not in (_INVALID, _PUNCT, _CONNECTOR):
                out.append(conn)
        elif prev == _CONNECTOR:
            _to_lower_word(out, prev, last, connector)
        elif prev == _PUNCT:
            pass
        else:
            if wt != _NUMBER:
                if wt not in (_CONNECTOR, _PUNCT):
                    out.append(conn)
                continue
            if not rem:
                continue
            last = word
            wt, word, rem = _next_word(rem)
            if wt != _ALPHA:
                _to_lower_word(out, _NUMBER, last, connector)
                if wt not in (_CONNECTOR, _PUNCT):
                    out.append(conn)
                continue
            out.append(conn)
            _to_lower_word(out, _NUMBER, last, connector)
            while wt in (_ALPHA, _NUMBER):
                _to_lower_word(out, wt, word, connector)
                wt, word, rem = _next_word(rem)
            if wt not in (_INVALID, _CONNECTOR, _PUNCT):
                out.append(conn)
    _to_lower_word(out, wt, word, connector)
    return _s(b"".join(out))


@gofunc("string", result="string")
def snakecase(s: str) -> str:
    return _camel_to_lower(s, "_")


@gofunc("string", result="string")
def kebabcase(s: str) -> str:
    return _camel_to_lower(s, "-")


# ---------------------------------------------------------------------------
# Byte-offset slicing


@gofunc("int", "string", result="string")
def trunc(c: int, s: str) -> str:
    b = _b(s)
    if c < 0 and len(b) + c > 0:
        return _s(b[len(b) + c:])
    if c >= 0 and len(b) > c:
        return _s(b[:c])
    return s


@gofunc("int", "int", "string", result="string")
def substr(start: int, end: int, s: str) -> str:
    n = len(_b(s))
    if start < 0:
        return go_slice(s, None, end)
    if end < 0 or end > n:
        return go_slice(s, start, None)
    return go_slice(s, start, end)


def _abbreviate_full(s: str, offset: int, max_width: int) -> str:
    """goutils ``AbbreviateFull`` on bytes; its errors give an empty result."""
    b = _b(s)
    if not b:
        return ""
    if max_width < 4:
        return ""
    n = len(b)
    if n <= max_width:
        return s
    if offset > n:
        offset = n
    if n - offset < max_width - 3:
        offset = n - (max_width - 3)
    if offset <= 4:
        return _s(b[: max_width - 3]) + "..."
    if max_width < 7:
        return ""
    if offset + max_width - 3 < n:
        return "..." + _abbreviate_full(_s(b[offset:]), 0, max_width - 3)
    return "..." + _s(b[n - (max_width - 3):])


@gofunc("int", "string", result="string")
def abbrev(width: int, s: str) -> str:
    if width < 4:
        return s
    return _norm(_abbreviate_full(s, 0, width))


@gofunc("int", "int", "string", result="string")
def abbrevboth(left: int, right: int, s: str) -> str:
    if right < 4 or (left > 0 and right < 7):
        return s
    return _norm(_abbreviate_full(s, left, right))


@gofunc("string", result="string")
def initials(s: str) -> str:
    """goutils ``Initials``: it walks bytes and writes each first byte as a rune."""
    out = []
    gap = True
    for byte in _b(s):
        c = chr(byte)
        if is_space(c):
            gap = True
        elif gap:
            out.append(c)
            gap = False
    return "".join(out)


def _wrap_custom(s: str, width: int, newline: str, long_words: bool) -> str:
    """goutils ``WrapCustom`` on bytes."""
    if not s:
        return ""
    nl = _b(newline or "\n")
    width = max(width, 1)
    b = _b(s)
    n = len(b)
    offset = 0
    out: list[bytes] = []
    while n - offset > width:
        if b[offset] == 0x20:
            offset += 1
            continue
        end = width + offset + 1
        at = b[offset:end].rfind(b" ") + offset
        if at >= offset:
            out += [b[offset:at], nl]
            offset = at + 1
        elif long_words:
            out += [b[offset:width + offset], nl]
            offset += width
        else:
            idx = b[width + offset:].find(b" ")
            if idx == -1:
                out.append(b[offset:])
                offset = n
            else:
                at = idx + width + offset
                out += [b[offset:at], nl]
                offset = at + 1
    out.append(b[offset:])
    return _s(b"".join(out))


@gofunc("int", "string", result="string")
def wrap(width: int, s: str) -> str:
    return _wrap_custom(s, width, "", False)


@gofunc("int", "string", "string", result="string")
def wrapWith(width: int, sep: str, s: str) -> str:
    if len(sep) > 1:
        check_string(len(s) + (len(s) // max(width, 1) + 1) * len(sep))
    return _wrap_custom(s, width, sep, True)


@gofunc("string", result="string")
def nospace(s: str) -> str:
    """goutils ``DeleteWhiteSpace``: it walks bytes, so a changed string is re-encoded
    byte by byte as Latin-1 runes (and bytes 0x85/0xA0 count as spaces)."""
    b = _b(s)
    kept = [chr(x) for x in b if chr(x) not in _SPACES]
    if len(kept) == len(b):
        return s
    return "".join(kept)


# ---------------------------------------------------------------------------
# Search, replace, repeat, indent


@gofunc("string", "string", result="bool")
def contains(substr: str, s: str) -> bool:
    return _b(substr) in _b(s)


@gofunc("string", "string", result="bool")
def hasPrefix(prefix: str, s: str) -> bool:
    return _b(s).startswith(_b(prefix))


@gofunc("string", "string", result="bool")
def hasSuffix(suffix: str, s: str) -> bool:
    return _b(s).endswith(_b(suffix))


def go_replace(s: str, old: str, new: str) -> str:
    """``strings.Replace(s, old, new, -1)``; an empty old inserts around every rune."""
    if old == "":
        check_string(len(s) + (len(s) + 1) * len(new))
        return _norm(new + new.join(s) + new) if s else new
    if len(new) > len(old) and len(s) * len(new) // len(old) > 1 << 20:
        check_string(len(s) + s.count(old) * (len(new) - len(old)))
    return _s(_b(s).replace(_b(old), _b(new)))


@gofunc("string", "string", "string", result="string")
def replace(old: str, new: str, src: str) -> str:
    return go_replace(src, old, new)


@gofunc("int", "string", result="string")
def repeat(count: int, s: str) -> str:
    if count < 0:
        raise GoPanic("strings: negative Repeat count")
    if s and count and len(_b(s)) * count >= 1 << 63:
        raise GoPanic("strings: Repeat output length overflow")
    check_string(len(s) * count)
    return _s(_b(s) * count) if not s.isascii() else s * count


@gofunc("int", "string", result="string")
def indent(spaces: int, v: str) -> str:
    if spaces < 0:
        raise GoPanic("strings: negative Repeat count")
    check_string(spaces + len(v) + (v.count("\n") * spaces if spaces else 0))
    pad = " " * spaces
    return pad + go_replace(v, "\n", "\n" + pad)


@gofunc("int", "string", result="string")
def nindent(spaces: int, v: str) -> str:
    return "\n" + indent.fn(spaces, v)


@gofunc("string", "string", "int", result="string")
def plural(one: str, many: str, count: int) -> str:
    return one if count == 1 else many


# ---------------------------------------------------------------------------
# Quoting and joining values


@gofunc(variadic="interface {}", result="string")
def quote(*values: Any) -> str:
    return " ".join(go_quote(strval(v)) for v in values if v is not None)


@gofunc(variadic="interface {}", result="string")
def squote(*values: Any) -> str:
    return " ".join("'" + format_value(v) + "'" for v in values if v is not None)


@gofunc(variadic="interface {}", result="string")
def cat(*values: Any) -> str:
    items = [v for v in values if v is not None]
    return sprintf(" ".join(["%v"] * len(items)), *items)


@gofunc("interface {}", result="string")
def toString(v: Any) -> str:
    return strval(v)


def strslice(v: Any) -> list[str]:
    """Sprig's ``strslice``: a []string as is, other lists via strval with nils dropped."""
    if isinstance(v, GoSlice) and v.elem == "string":
        return v
    if isinstance(v, (list, bytes, bytearray)):
        if isinstance(v, (bytes, bytearray)):
            from kts.gotemplate.gotypes import Uint8

            return string_slice(strval(Uint8(x)) for x in v)
        return string_slice(strval(x) for x in v if x is not None)
    if v is None:
        return string_slice([])
    return string_slice([strval(v)])


@gofunc("interface {}", result="[]string")
def toStrings(v: Any) -> list[str]:
    return strslice(v)


@gofunc("string", "interface {}", result="string")
def join(sep: str, v: Any) -> str:
    items = strslice(v)
    if sep and len(items) * len(sep) > 1 << 20:
        check_string(len(items) * len(sep))
    return _norm(sep.join(items))


@gofunc("interface {}", result="[]string")
def sortAlpha(v: Any) -> list[str]:
    if isinstance(v, (list, bytes, bytearray)):
        return string_slice(sorted(strslice(v), key=_b))
    return string_slice([strval(v)])


def go_split(s: str, sep: str, n: int = -1) -> list[str]:
    """``strings.SplitN`` (n < 0: all pieces; an empty sep splits into runes)."""
    if n == 0:
        return []
    if sep == "":
        runes = list(s)
        if 0 < n < len(runes):
            return [*runes[: n - 1], "".join(runes[n - 1:])]
        return runes
    parts = _b(s).split(_b(sep), -1 if n < 0 else n - 1)
    return [_s(p) for p in parts]


def _numbered(parts: list[str]) -> GoMap:
    return string_map((f"_{i}", p) for i, p in enumerate(parts))


@gofunc("string", "string", result="map[string]string")
def split(sep: str, orig: str) -> GoMap:
    return _numbered(go_split(orig, sep))


@gofunc("string", "int", "string", result="map[string]string")
def splitn(sep: str, n: int, orig: str) -> GoMap:
    return _numbered(go_split(orig, sep, n))


@gofunc("string", "string", result="[]string")
def splitList(sep: str, orig: str) -> list[str]:
    return string_slice(go_split(orig, sep))


@gofunc(result="string")
def hello() -> str:
    return "Hello!"


# ---------------------------------------------------------------------------
# Hashes and encodings


@gofunc("string", result="string")
def sha1sum(s: str) -> str:
    return hashlib.sha1(_b(s)).hexdigest()


@gofunc("string", result="string")
def sha256sum(s: str) -> str:
    return hashlib.sha256(_b(s)).hexdigest()


@gofunc("string", result="string")
def sha512sum(s: str) -> str:
    return hashlib.sha512(_b(s)).hexdigest()


@gofunc("string", result="string")
def adler32sum(s: str) -> str:
    return str(zlib.adler32(_b(s)))


_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_B64_MAP = {ord(c): i for i, c in enumerate(_B64)}
_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_B32_MAP = {ord(c): i for i, c in enumerate(_B32)}


class _Corrupt(Exception):
    def __init__(self, pos: int) -> None:
        super().__init__(pos)
        self.pos = pos


def _b64decode(src: bytes) -> bytes:
    """Go's ``base64.StdEncoding.DecodeString`` (newlines skipped, padding required)."""
    out = bytearray()
    si = 0
    n = len(src)
    while si < n:
        dbuf = [0, 0, 0, 0]
        dlen = 4
        j = 0
        err: int | None = None
        while j < 4:
            if si == n:
                if j == 0:
                    return bytes(out)
                raise _Corrupt(si - j)
            c = src[si]
            si += 1
            if c in _B64_MAP:
                dbuf[j] = _B64_MAP[c]
                j += 1
                continue
            if c in (10, 13):
                continue
            if c != 0x3D:
                raise _Corrupt(si - 1)
            if j in (0, 1):
                raise _Corrupt(si - 1)
            if j == 2:
                while si < n and src[si] in (10, 13):
                    si += 1
                if si == n:
                    raise _Corrupt(n)
                if src[si] != 0x3D:
                    raise _Corrupt(si - 1)
                si += 1
            while si < n and src[si] in (10, 13):
                si += 1
            if si < n:
                err = si
            dlen = j
            break
        val = dbuf[0] << 18 | dbuf[1] << 12 | dbuf[2] << 6 | dbuf[3]
        out += val.to_bytes(3, "big")[: dlen - 1]
        if err is not None:
            raise _Corrupt(err)
    return bytes(out)


def _b32decode(s: bytes) -> bytes:
    """Go's ``base32.StdEncoding.DecodeString`` (newlines stripped first)."""
    src = s.replace(b"\r", b"").replace(b"\n", b"")
    olen = len(src)
    out = bytearray()
    pos = 0
    end = False
    while pos < olen and not end:
        dbuf = [0] * 8
        dlen = 8
        j = 0
        while j < 8:
            if pos == olen:
                raise _Corrupt(olen - (olen - pos) - j)
            c = src[pos]
            pos += 1
            left = olen - pos
            if c == 0x3D and j >= 2 and left < 8:
                if left + j < 7:
                    raise _Corrupt(olen)
                for k in range(7 - j):
                    if left > k and src[pos + k] != 0x3D:
                        raise _Corrupt(olen - left + k - 1)
                dlen, end = j, True
                if dlen in (1, 3, 6):
                    raise _Corrupt(olen - left - 1)
                break
            if c not in _B32_MAP:
                raise _Corrupt(olen - left - 1)
            dbuf[j] = _B32_MAP[c]
            j += 1
        val = 0
        for d in dbuf:
            val = val << 5 | d
        nbytes = {8: 5, 7: 4, 5: 3, 4: 2, 2: 1}.get(dlen, 0)
        out += val.to_bytes(5, "big")[:nbytes]
    return bytes(out)


@gofunc("string", result="string")
def b64enc(s: str) -> str:
    import base64

    return base64.b64encode(_b(s)).decode()


@gofunc("string", result="string")
def b64dec(s: str) -> str:
    try:
        return _s(_b64decode(_b(s)))
    except _Corrupt as exc:
        return f"illegal base64 data at input byte {exc.pos}"


@gofunc("string", result="string")
def b32enc(s: str) -> str:
    import base64

    return base64.b32encode(_b(s)).decode()


@gofunc("string", result="string")
def b32dec(s: str) -> str:
    try:
        return _s(_b32decode(_b(s)))
    except _Corrupt as exc:
        return f"illegal base32 data at input byte {exc.pos}"


FUNCS: FuncMap = {
    "abbrev": abbrev,
    "abbrevboth": abbrevboth,
    "trunc": trunc,
    "trim": trim,
    "trimAll": trimAll,
    "trimall": trimAll,
    "trimPrefix": trimPrefix,
    "trimSuffix": trimSuffix,
    "upper": upper,
    "lower": lower,
    "title": title,
    "untitle": untitle,
    "substr": substr,
    "repeat": repeat,
    "nospace": nospace,
    "initials": initials,
    "swapcase": swapcase,
    "snakecase": snakecase,
    "camelcase": camelcase,
    "kebabcase": kebabcase,
    "wrap": wrap,
    "wrapWith": wrapWith,
    "contains": contains,
    "hasPrefix": hasPrefix,
    "hasSuffix": hasSuffix,
    "quote": quote,
    "squote": squote,
    "cat": cat,
    "indent": indent,
    "nindent": nindent,
    "replace": replace,
    "plural": plural,
    "sha1sum": sha1sum,
    "sha256sum": sha256sum,
    "sha512sum": sha512sum,
    "adler32sum": adler32sum,
    "toString": toString,
    "toStrings": toStrings,
    "join": join,
    "sortAlpha": sortAlpha,
    "split": split,
    "splitn": splitn,
    "splitList": splitList,
    "hello": hello,
    "b64enc": b64enc,
    "b64dec": b64dec,
    "b32enc": b32enc,
    "b32dec": b32dec,
}
