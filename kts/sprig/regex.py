"""Sprig's regex functions with Go ``regexp`` semantics, on the RE2 engine.

Go's regexp is a port of RE2, so patterns mean the same; the differences kts covers here are
Go's loops over successive matches (an empty match right after a match is skipped), ``Split``,
``Expand`` templates, byte offsets, and Go's wording of syntax errors.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

import re2

from kts.gotemplate.gotypes import FuncMap, GoError, GoFunc, GoPanic, GoSlice, Signature
from kts.gotemplate.limits import check_string, current_limits
from kts.gotemplate.strconv import can_backquote, quote
from kts.sprig.reflection import NilSlice

# RE2's error codes as Go's regexp/syntax words them.
_GO_CODES = {
    "missing ]": "missing closing ]",
    "missing )": "missing closing )",
    "unexpected )": "unexpected )",
    "trailing \\": "trailing backslash at end of expression",
    "no argument for repetition operator": "missing argument to repetition operator",
    "invalid repetition size": "invalid repeat count",
    "bad repetition operator": "invalid nested repetition operator",
    "invalid perl operator": "invalid or unsupported Perl syntax",
    "invalid named capture group": "invalid named capture",
    "invalid escape sequence": "invalid escape sequence",
    "invalid character class": "invalid character class",
    "invalid character class range": "invalid character class range",
    "invalid UTF-8": "invalid UTF-8",
}

_UNANCHORED = getattr(getattr(re2, "_Anchor", None), "UNANCHORED", None)
_NO_SPAN = (-1, -1)
_OPTIONS = re2.Options()
_OPTIONS.log_errors = False
_NAMED = re.compile(r"\(\?P?<([^>]*)>")


def _encode(s: str) -> bytes:
    return s.encode("utf-8", "surrogateescape")


def _decode(b: bytes) -> str:
    return b.decode("utf-8", "surrogateescape")


class Regexp:
    """A compiled pattern with Go's ``regexp.Regexp`` string methods."""

    def __init__(self, expr: str) -> None:
        self.expr = expr
        self.re = _compile(expr)
        self.num_groups = self.re.groups
        self.names = _group_names(expr, self.num_groups)
        raw = getattr(getattr(self.re, "_regexp", None), "Match", None)
        self._raw = raw if _UNANCHORED is not None else None

    def _spans(self, text: bytes, pos: int) -> list[tuple[int, int]] | None:
        """The span of every group of the leftmost match from ``pos`` (``(-1, -1)`` for a group
        that did not take part), or None.

        RE2's own matcher, called directly: the Python wrapper's ``search`` builds a generator
        and a match object per call, which dominates a loop over a million small matches.
        """
        raw = self._raw
        if raw is None:
            m = self.re.search(text, pos)
            return None if m is None else [m.span(i) for i in range(self.num_groups + 1)]
        spans = raw(_UNANCHORED, text, pos, len(text))
        return None if spans[0] == _NO_SPAN else spans

    def _search(self, text: bytes, pos: int) -> list[tuple[int, int]] | None:
        """The leftmost match from ``pos`` that starts on a rune boundary, as Go's are.

        RE2 also tries empty-width assertions (``\\B``, say) between the bytes of one
        multi-byte rune; such a match is passed over. ``text`` is valid UTF-8.
        """
        spans = self._spans(text, pos)
        end = len(text)
        while spans is not None:
            start = spans[0][0]
            if start >= end or text[start] & 0xC0 != 0x80:
                return spans
            start += 1
            while start < end and text[start] & 0xC0 == 0x80:
                start += 1
            spans = self._spans(text, start)
        return None

    def _exec(self, text: bytes, pos: int) -> list[tuple[int, int]] | None:
        return self._search(text, pos)

    def _all(self, text: bytes, n: int) -> list[Any]:
        """Go's ``allMatches``: successive matches; empty ones abutting a match are dropped.

        Each match is a list of (start, stop) spans, one per group.
        """
        out: list[Any] = []
        ascii_text = text.isascii()  # then every rune is one byte wide
        search = self._spans if ascii_text else self._search
        raw = self._raw if ascii_text else None
        pos, prev_end, end = 0, -1, len(text)
        while len(out) < n and pos <= end:
            if raw is not None:
                spans = raw(_UNANCHORED, text, pos, end)
                if spans[0] == _NO_SPAN:
                    break
            else:
                spans = search(text, pos)
                if spans is None:
                    break
            start, stop = spans[0]
            accept = True
            if stop == pos:
                if start == prev_end:
                    accept = False
                width = (1 if pos < end else 0) if ascii_text else _rune_width(text, pos)
                pos = pos + width if width else end + 1
            else:
                pos = stop
            prev_end = stop
            if accept:
                out.append(spans)
        return out

    def _all_original(self, s: str, n: int) -> tuple[bytes, list[Any]]:
        """The subject as bytes and ``_all``'s matches, located in those original bytes."""
        original = _encode(s)
        text, where = _valid_utf8(original)
        matches = self._all(text, len(original) + 1 if n < 0 else n)
        if where is _identity:
            return original, matches
        return original, [[(where(a), where(b)) for a, b in m] for m in matches]

    def match_string(self, s: str) -> bool:
        return self._search(_valid_utf8(_encode(s))[0], 0) is not None

    def find_string(self, s: str) -> str:
        original = _encode(s)
        text, where = _valid_utf8(original)
        spans = self._exec(text, 0)
        return "" if spans is None else _decode(original[where(spans[0][0]):where(spans[0][1])])

    def find_all_string(self, s: str, n: int) -> list[str]:
        original, matches = self._all_original(s, n)
        if len(original) == len(s):  # ASCII: byte offsets are character offsets
            return [s[m[0][0]:m[0][1]] for m in matches]
        return [_decode(original[m[0][0]:m[0][1]]) for m in matches]

    def split(self, s: str, n: int) -> list[str] | None:
        if n == 0:
            return None
        if self.expr and not s:
            return [""]
        original, matches = self._all_original(s, n)
        pieces: list[bytes] = []
        beg = end = 0
        for m in matches:
            if n > 0 and len(pieces) >= n - 1:
                break
            end = m[0][0]
            if m[0][1] != 0:
                pieces.append(original[beg:end])
            beg = m[0][1]
        if end != len(original):
            pieces.append(original[beg:])
        return [_decode(p) for p in pieces]

    def replace_all(self, s: str, repl: str, literal: bool) -> str:
        original = _encode(s)
        text, where = _valid_utf8(original)
        template = _encode(repl)
        buf = bytearray()
        limit = current_limits().max_string
        last_end = search = 0
        while search <= len(text):
            spans = self._exec(text, search)
            if spans is None:
                break
            start, stop = spans[0]
            buf += original[where(last_end):where(start)]
            if stop > last_end or start == 0:
                if literal:
                    buf += template
                else:
                    buf += self._expand(template, original, [(where(a), where(b)) for a, b in spans])
                if len(buf) > limit:
                    check_string(len(buf))
            last_end = stop
            width = _rune_width(text, search)
            if search + width > stop:
                search += width
            elif search + 1 > stop:
                search += 1
            else:
                search = stop
        buf += original[where(last_end):]
        return _decode(bytes(buf))

    def _expand(self, template: bytes, text: bytes, spans: list[tuple[int, int]]) -> bytes:
        """Go's ``Regexp.Expand``: ``$name``/``${name}``, longest name, ``$$`` is ``$``."""
        out = bytearray()
        limit = current_limits().max_string
        while template:
            if len(out) > limit:
                check_string(len(out))
            before, sep, after = template.partition(b"$")
            if not sep:
                break
            out += before
            template = after
            if template[:1] == b"$":
                out += b"$"
                template = template[1:]
                continue
            parsed = _extract(template)
            if parsed is None:
                out += b"$"
                continue
            name, num, template = parsed
            if num >= 0:
                if num < len(spans) and spans[num][0] >= 0:
                    out += text[spans[num][0]:spans[num][1]]
                continue
            # The first group of that name that took part in the match (names may repeat).
            for index, group_name in enumerate(self.names):
                if group_name == name and spans[index][0] >= 0:
                    out += text[spans[index][0]:spans[index][1]]
                    break
        out += template
        return bytes(out)


def _group_names(expr: str, count: int) -> list[str | None]:
    """The name of each capture group by index (index 0, the whole match, has none)."""
    names: list[str | None] = [None]
    i, in_class = 0, False
    while i < len(expr):
        ch = expr[i]
        if ch == "\\":
            if expr[i + 1:i + 2] == "Q":
                end = expr.find("\\E", i + 2)
                i = len(expr) if end < 0 else end + 2
            else:
                i += 2
            continue
        if in_class:
            in_class = ch != "]"
            i += 1
            continue
        if ch == "[":
            in_class = True
            i += 1
            if expr[i:i + 1] == "^":
                i += 1
            if expr[i:i + 1] == "]":
                i += 1
            continue
        if ch == "(":
            m = _NAMED.match(expr, i)
            if m:
                names.append(m.group(1))
            elif expr[i + 1:i + 2] != "?":
                names.append(None)
        i += 1
    names += [None] * (count + 1 - len(names))
    return names[: count + 1]


def _valid_utf8(data: bytes) -> tuple[bytes, Any]:
    """``data`` with each invalid UTF-8 byte replaced by U+FFFD (Go reads it as that rune, RE2
    would not match it), and a map from offsets in the result back to offsets in ``data``."""
    try:
        data.decode("utf-8")
        return data, _identity
    except UnicodeDecodeError:
        pass
    out = bytearray()
    origin: list[int] = []
    i = 0
    while i < len(data):
        width = _rune_width(data, i)
        chunk = data[i:i + width]
        try:
            chunk.decode("utf-8")
        except UnicodeDecodeError:
            chunk = "\ufffd".encode()
        out += chunk
        origin += [i] * len(chunk)
        i += width
    origin.append(len(data))
    return bytes(out), lambda k: k if k < 0 else origin[k]


def _identity(k: int) -> int:
    return k


def _rune_width(text: bytes, pos: int) -> int:
    """Bytes in the UTF-8 rune at ``pos`` (1 for an invalid byte, 0 at the end), as Go steps."""
    if pos >= len(text):
        return 0
    for width in (1, 2, 3, 4):
        try:
            text[pos:pos + width].decode("utf-8")
            return width
        except UnicodeDecodeError:
            continue
    return 1


def _is_name_char(ch: str) -> bool:
    cat = unicodedata.category(ch)
    return cat.startswith("L") or cat == "Nd" or ch == "_"


def _extract(template: bytes) -> tuple[str, int, bytes] | None:
    """Go's ``extract``: the name after ``$`` (braced or not), its number or -1, the rest."""
    text = _decode(template)
    brace = text.startswith("{")
    if brace:
        text = text[1:]
    i = 0
    while i < len(text) and _is_name_char(text[i]):
        i += 1
    if i == 0:
        return None
    name = text[:i]
    if brace:
        if i >= len(text) or text[i] != "}":
            return None
        i += 1
    num = 0
    for ch in name:
        if not "0" <= ch <= "9" or num >= 100_000_000:
            num = -1
            break
        num = num * 10 + ord(ch) - 48
    if name[0] == "0" and len(name) > 1:
        num = -1
    return name, num, _encode(text[i:])


def _go_syntax_error(expr: str, message: str) -> str:
    code, _, fragment = message.partition(": ")
    if code.startswith("trailing \\"):
        code, fragment = "trailing \\", ""
    if code == "invalid escape sequence" and fragment in ("\\p", "\\P") and not re.search(r"-\\[pP]", expr):
        code = "invalid character class range"  # Go reads a bare \p as an empty class name
    if code == "invalid UTF-8" and expr.endswith("\\x{"):
        code, fragment = "invalid escape sequence", "\\x{"
    return f"error parsing regexp: {_GO_CODES.get(code, code)}: `{fragment}`"


# Go resolves \p{name} case-insensitively, ignoring "_", "-" and spaces, and knows the long
# category aliases; RE2 wants the exact short names.
_CATEGORIES = {"C", "Cc", "Cf", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me", "Mn", "N",
               "Nd", "Nl", "No", "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S", "Sc", "Sk", "Sm", "So",
               "Z", "Zl", "Zp", "Zs"}
_ALIASES = {
    "Casedletter": "LC", "Closepunctuation": "Pe", "Combiningmark": "M", "Connectorpunctuation": "Pc",
    "Control": "Cc", "Currencysymbol": "Sc", "Dashpunctuation": "Pd", "Decimalnumber": "Nd",
    "Enclosingmark": "Me", "Finalpunctuation": "Pf", "Format": "Cf", "Initialpunctuation": "Pi",
    "Letter": "L", "Letternumber": "Nl", "Lineseparator": "Zl", "Lowercaseletter": "Ll", "Mark": "M",
    "Mathsymbol": "Sm", "Modifierletter": "Lm", "Modifiersymbol": "Sk", "Nonspacingmark": "Mn",
    "Number": "N", "Openpunctuation": "Ps", "Other": "C", "Otherletter": "Lo", "Othernumber": "No",
    "Otherpunctuation": "Po", "Othersymbol": "So", "Paragraphseparator": "Zp", "Privateuse": "Co",
    "Punctuation": "P", "Separator": "Z", "Spaceseparator": "Zs", "Spacingmark": "Mc", "Surrogate": "Cs",
    "Symbol": "S", "Titlecaseletter": "Lt", "Unassigned": "Cn", "Uppercaseletter": "Lu", "Cntrl": "Cc",
    "Digit": "Nd", "Punct": "P",
}
_ASSIGNED = r"\p{L}\p{M}\p{N}\p{P}\p{S}\p{Z}\p{Cc}\p{Cf}\p{Co}\p{Cs}"
# Bracket-class bodies for the tables RE2 lacks.
_SETS = {"LC": r"\p{Lu}\p{Ll}\p{Lt}", "Ascii": r"\x00-\x7F"}


def _canonical(name: str) -> str:
    """Go's ``canonicalName``: first letter upper, the rest lower, ``_ - space`` dropped."""
    out: list[str] = []
    for ch in name:
        if ch in "_- ":
            continue
        if not out:
            out.append(ch.upper() if "a" <= ch <= "z" else ch)
        else:
            out.append(ch.lower() if "A" <= ch <= "Z" else ch)
    return "".join(out)


def _re2_knows(name: str) -> bool:
    try:
        re2.compile(_encode("\\p{" + name + "}"), _OPTIONS)
    except re2.error:
        return False
    return True


def _unicode_class(seq: str, name: str, negate: bool, in_class: bool) -> str:
    """RE2 text for Go's ``\\p``/``\\P`` class ``seq``; a GoError if Go rejects the name."""
    canon = _canonical(name)
    if canon == "Lc":
        canon = "LC"
    canon = _ALIASES.get(canon, canon)
    sign = "P" if negate else "p"
    if canon == "Any" or canon in _CATEGORIES - {"Cn"}:
        return f"\\{sign}{{{canon}}}"
    if canon in ("Cn", "Assigned"):
        negate = negate != (canon == "Cn")
        if in_class:
            if negate:
                raise GoError(f"error parsing regexp: invalid character class range: `{seq}`")
            return _ASSIGNED
        return f"[{'^' if negate else ''}{_ASSIGNED}]"
    if canon in _SETS:
        if in_class:
            if negate:
                raise GoError(f"error parsing regexp: invalid character class range: `{seq}`")
            return _SETS[canon]
        return f"[{'^' if negate else ''}{_SETS[canon]}]"
    if canon and canon[0].isupper() and canon[1:] == canon[1:].lower() and _re2_knows(canon):
        return f"\\{sign}{{{canon}}}"  # a script, spelled as Go's table (one capitalised word)
    raise GoError(f"error parsing regexp: invalid character class range: `{seq}`")


_REPEAT = re.compile(r"\{(0|[1-9][0-9]*)(?:,(0|[1-9][0-9]*)?)?\}")


class _GoOnlyError(GoError):
    """A pattern RE2 accepts but Go rejects, found at ``pos``."""

    def __init__(self, message: str, pos: int) -> None:
        super().__init__(message)
        self.pos = pos


def _translate_at(expr: str) -> str:
    """Rewrite Go-only syntax for RE2; raise _GoOnlyError for what only RE2 accepts."""
    out: list[str] = []
    i, in_class = 0, False
    n = len(expr)
    while i < n:
        ch = expr[i]
        if ch == "\\" and i + 1 < n:
            nxt = expr[i + 1]
            if nxt == "Q":
                end = expr.find("\\E", i + 2)
                stop = n if end < 0 else end + 2
                out.append(expr[i:stop])
                i = stop
                continue
            if nxt == "C":
                raise _GoOnlyError("error parsing regexp: invalid escape sequence: `\\C`", i)
            range_end = in_class and len(out) >= 2 and out[-1] == "-" and out[-2] not in ("[", "[^")
            if nxt in "pP" and i + 2 < n and not range_end:
                if expr[i + 2] == "{":
                    close = expr.find("}", i + 3)
                    if close < 0:
                        out.append(expr[i:i + 2])
                        i += 2
                        continue
                    seq, name = expr[i:close + 1], expr[i + 3:close]
                else:
                    seq, name = expr[i:i + 3], expr[i + 2]
                negate = nxt == "P"
                if name.startswith("^"):
                    negate, name = not negate, name[1:]
                try:
                    out.append(_unicode_class(seq, name, negate, in_class))
                except GoError as exc:
                    raise _GoOnlyError(str(exc), i) from None
                i += len(seq)
                continue
            out.append(expr[i:i + 2])
            i += 2
            continue
        if in_class:
            if ch == "]":
                in_class = False
            elif ch == "[" and expr.startswith("[:", i):
                close = expr.find(":]", i + 2)
                if close >= 0:
                    out.append(expr[i:close + 2])
                    i = close + 2
                    continue
            out.append(ch)
            i += 1
            continue
        if ch == "[":
            in_class = True
            j = i + 1
            if expr[j:j + 1] == "^":
                j += 1
            if expr[j:j + 1] == "]":
                j += 1
            out.append(expr[i:j])
            i = j
            continue
        if ch == "(":
            m = _NAMED.match(expr, i)
            if m and not re.fullmatch(r"[A-Za-z0-9_]+", m.group(1)):
                raise _GoOnlyError(f"error parsing regexp: invalid named capture: `{m.group(0)}`", i)
        if ch == "{":
            m = _REPEAT.match(expr, i)
            if m and any(g and len(g) >= 10 for g in m.groups()):
                raise _GoOnlyError(f"error parsing regexp: invalid repeat count: `{m.group(0)}`", i)
        out.append(ch)
        i += 1
    return "".join(out)


def _re2_error(exc: Exception) -> str:
    raw = exc.args[0] if exc.args else str(exc)
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)


@lru_cache(maxsize=256)
def _compile_cached(expr: str) -> Any:
    """The RE2 program for a Go pattern, or the GoError Go's ``regexp.Compile`` would return."""
    original_error = None
    try:
        compiled = re2.compile(_encode(expr), _OPTIONS)
    except re2.error as exc:
        original_error = _re2_error(exc)
    try:
        translated = _translate_at(expr)
    except _GoOnlyError as exc:
        # Go reports the leftmost problem: an RE2-visible error before this point wins.
        try:
            re2.compile(_encode(expr[: exc.pos]), _OPTIONS)
        except re2.error as early:
            message = _re2_error(early)
            if message.partition(": ")[0] not in ("missing )", "missing ]"):
                return GoError(_go_syntax_error(expr, message))
        return GoError(str(exc))
    if translated == expr:
        return GoError(_go_syntax_error(expr, original_error)) if original_error else compiled
    try:
        return re2.compile(_encode(translated), _OPTIONS)
    except re2.error as exc:
        message = _re2_error(exc)
        # Report the fragment as written (the rewritten class names are RE2's spelling).
        if original_error and original_error.partition(": ")[0] == message.partition(": ")[0]:
            message = original_error
        return GoError(_go_syntax_error(expr, message))


def _compile(expr: str) -> Any:
    result = _compile_cached(expr)
    if isinstance(result, GoError):
        raise GoError(str(result))
    return result


def compile_go(expr: str) -> Regexp:
    """``regexp.Compile``: a GoError with Go's message for a bad pattern."""
    return Regexp(expr)


def must_compile(expr: str) -> Regexp:
    """``regexp.MustCompile``: a bad pattern panics with Go's ``regexp: Compile(...)`` text."""
    try:
        return Regexp(expr)
    except GoError as exc:
        raise GoPanic(f"regexp: Compile({_quote(expr)}): {exc}") from None


def _quote(s: str) -> str:
    """Go's ``regexp`` quote: backquoted when ``strconv.CanBackquote``, else ``strconv.Quote``."""
    return "`" + s + "`" if can_backquote(s) else quote(s)


def _strings(items: list[str] | None) -> GoSlice:
    """A ``[]string`` result; Go returns nil (JSON ``null``) for no matches or ``n == 0``."""
    return GoSlice(items, "string") if items else NilSlice("string")


# --- the template functions ---------------------------------------------------------------


def regex_match(regex: str, s: str) -> bool:
    try:
        return compile_go(regex).match_string(s)
    except GoError:
        return False


def must_regex_match(regex: str, s: str) -> bool:
    return compile_go(regex).match_string(s)


def regex_find_all(regex: str, s: str, n: int) -> GoSlice:
    return _strings(must_compile(regex).find_all_string(s, n))


def must_regex_find_all(regex: str, s: str, n: int) -> GoSlice:
    return _strings(compile_go(regex).find_all_string(s, n))


def regex_find(regex: str, s: str) -> str:
    return must_compile(regex).find_string(s)


def must_regex_find(regex: str, s: str) -> str:
    return compile_go(regex).find_string(s)


def regex_replace_all(regex: str, s: str, repl: str) -> str:
    return must_compile(regex).replace_all(s, repl, literal=False)


def must_regex_replace_all(regex: str, s: str, repl: str) -> str:
    return compile_go(regex).replace_all(s, repl, literal=False)


def regex_replace_all_literal(regex: str, s: str, repl: str) -> str:
    return must_compile(regex).replace_all(s, repl, literal=True)


def must_regex_replace_all_literal(regex: str, s: str, repl: str) -> str:
    return compile_go(regex).replace_all(s, repl, literal=True)


def regex_split(regex: str, s: str, n: int) -> GoSlice:
    return _strings(must_compile(regex).split(s, n))


def must_regex_split(regex: str, s: str, n: int) -> GoSlice:
    return _strings(compile_go(regex).split(s, n))


_SPECIAL = set("\\.+*?()|[]{}^$")


def regex_quote_meta(s: str) -> str:
    return "".join("\\" + c if c in _SPECIAL else c for c in s)


def _fn(name: str, fn: Any, params: tuple[str, ...], result: str, error: bool = False) -> GoFunc:
    return GoFunc(fn, Signature(params, None, result, error), name)


_S2 = ("string", "string")
_S3 = ("string", "string", "string")
_SSI = ("string", "string", "int")

FUNCS: FuncMap = {
    "regexMatch": _fn("regexMatch", regex_match, _S2, "bool"),
    "mustRegexMatch": _fn("mustRegexMatch", must_regex_match, _S2, "bool", True),
    "regexFindAll": _fn("regexFindAll", regex_find_all, _SSI, "[]string"),
    "mustRegexFindAll": _fn("mustRegexFindAll", must_regex_find_all, _SSI, "[]string", True),
    "regexFind": _fn("regexFind", regex_find, _S2, "string"),
    "mustRegexFind": _fn("mustRegexFind", must_regex_find, _S2, "string", True),
    "regexReplaceAll": _fn("regexReplaceAll", regex_replace_all, _S3, "string"),
    "mustRegexReplaceAll": _fn("mustRegexReplaceAll", must_regex_replace_all, _S3, "string", True),
    "regexReplaceAllLiteral": _fn("regexReplaceAllLiteral", regex_replace_all_literal, _S3, "string"),
    "mustRegexReplaceAllLiteral": _fn("mustRegexReplaceAllLiteral", must_regex_replace_all_literal, _S3,
                                      "string", True),
    "regexSplit": _fn("regexSplit", regex_split, _SSI, "[]string"),
    "mustRegexSplit": _fn("mustRegexSplit", must_regex_split, _SSI, "[]string", True),
    "regexQuoteMeta": _fn("regexQuoteMeta", regex_quote_meta, ("string",), "string"),
}
