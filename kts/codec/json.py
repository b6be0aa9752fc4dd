"""Go ``encoding/json``: ``Marshal``/``MarshalIndent`` and ``Unmarshal`` into ``interface{}``.

Templates print JSON byte-for-byte as Go writes it (sorted keys, ``\\u003c``, float layout),
and fromJson errors surface verbatim in output, so both directions follow Go exactly.

Structs (``GoObject``) marshal through hooks: ``go_marshal_json()`` returning raw JSON text
(Go's ``MarshalJSON``), else ``json_fields`` — ``(attribute, json tag)`` pairs such as
``("HelmVersion", "helm_version,omitempty")`` — else every name in ``go_fields``.
"""

from __future__ import annotations

import base64
import itertools
import json as _pyjson
import math
import re
from collections.abc import Iterator
from typing import Any

from kts.codec.gofloat import format_g, format_json
from kts.gotemplate.gotypes import GoError, GoInt, GoMap, GoObject, GoSlice, go_type_of

_HEX = "0123456789abcdef"
MAX_DEPTH = 10000  # encoding/json's maxNestingDepth: its scanner refuses deeper documents


class JSONTypeError(GoError):
    """Valid JSON that does not fit (a number out of float64 range): Go keeps decoding, so
    ``partial`` holds the value with the misfit replaced by nil."""

    def __init__(self, message: str, partial: Any = None) -> None:
        super().__init__(message)
        self.partial = partial


class JSONSyntaxError(GoError):
    """A malformed document; ``offset`` is the byte offset Go reports."""

    def __init__(self, message: str, offset: int = 0) -> None:
        super().__init__(message)
        self.offset = offset


class NilMap(GoMap):
    """A nil ``map[string]interface {}`` (``json.Unmarshal`` of ``null``): prints ``map[]``,
    marshals as ``null``."""

    go_nil = True

    def __init__(self) -> None:
        super().__init__(go_type="map[string]interface {}")


class NilList(GoSlice):
    """A nil ``[]interface {}``: prints ``[]``, marshals as ``null``."""

    go_nil = True

    def __init__(self) -> None:
        super().__init__((), "interface {}")


# ---------------------------------------------------------------------------------------------
# Marshal


_NEEDS_ESCAPE_HTML = re.compile("[\x00-\x1f\"\\\\<>&\u2028\u2029\ud800-\udfff]")
_NEEDS_ESCAPE = re.compile("[\x00-\x1f\"\\\\\u2028\u2029\ud800-\udfff]")
_STRING_PLAIN_RUN = re.compile('[^"\\\\\x00-\x1f]+')


def quote(s: str, escape_html: bool = True) -> str:
    """A Go JSON string literal."""
    if (_NEEDS_ESCAPE_HTML if escape_html else _NEEDS_ESCAPE).search(s) is None:
        return '"' + s + '"'
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif o < 0x20:
            out.append({"\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(
                ch, "\\u00" + _HEX[o >> 4] + _HEX[o & 0xF]))
        elif escape_html and ch in "<>&":
            out.append("\\u00" + _HEX[o >> 4] + _HEX[o & 0xF])
        elif o in (0x2028, 0x2029):
            out.append(f"\\u{o:04x}")
        elif 0xD800 <= o <= 0xDFFF:
            out.append("\\ufffd")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _tag_options(tag: str) -> tuple[str | None, bool, bool]:
    name, _, opts = tag.partition(",")
    options = opts.split(",") if opts else []
    return (name or None), "omitempty" in options, "string" in options


def _is_empty(value: Any) -> bool:
    if value is None or value is False:
        return True
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value == 0
    if isinstance(value, (str, bytes, list, dict, tuple)):
        return len(value) == 0
    return False


def _struct_items(obj: GoObject) -> list[tuple[str, Any]]:
    fields = getattr(obj, "json_fields", None)
    pairs: list[tuple[str, Any]] = []
    if fields is None:
        return [(name, getattr(obj, name, None)) for name in obj.go_fields]
    for attr, tag in fields:
        if tag == "-":
            continue
        name, omitempty, _ = _tag_options(tag)
        value = getattr(obj, attr, None)
        if omitempty and _is_empty(value):
            continue
        pairs.append((name or attr, value))
    return pairs


_CYCLE_CHECK_DEPTH = 1000  # encoding/json's startDetectingCyclesAfter


class _Encoder:
    """encoding/json's encodeState, walking containers on an explicit stack (Go's recursion has
    no depth limit). ``too_deep`` remembers the first bracket past ``MAX_DEPTH``, which the
    scanner behind Indent (MarshalIndent) and go-yaml (toYaml) refuse."""

    def __init__(self, escape_html: bool) -> None:
        self.escape_html = escape_html
        self.parts: list[str] = []
        self.too_deep: str | None = None

    def value(self, root: Any) -> None:
        w = self.parts.append
        esc = self.escape_html
        pending: list[Iterator[tuple[str, Any]]] = []  # the open containers' remaining items
        closers: list[str] = []
        on_path: list[int | None] = []  # per open container: its id, once Go checks cycles
        seen: set[int] = set()
        items: Iterator[tuple[str, Any]] = iter((("", root),))
        while True:
            for prefix, v in items:
                if prefix:
                    w(prefix)
                if v is None or getattr(v, "go_nil", False):
                    w("null")
                elif v is True:
                    w("true")
                elif v is False:
                    w("false")
                elif isinstance(v, str):
                    w(quote(v, esc))
                elif isinstance(v, GoInt) or type(v) is int:
                    w(str(int(v)))
                elif isinstance(v, float):
                    if math.isnan(v) or math.isinf(v):
                        raise GoError(f"json: unsupported value: {format_g(v)}")
                    w(format_json(v))
                elif isinstance(v, (bytes, bytearray)):
                    w('"' + base64.b64encode(bytes(v)).decode() + '"')
                elif isinstance(v, (dict, list, tuple)):
                    self._depth_check(v, len(closers) + 1, seen)
                    if isinstance(v, dict):
                        if not v:
                            w("{}")
                            continue
                        keys, prefixes = _key_layout(v, esc)
                        w("{")
                        closers.append("}")
                        pending.append(items)
                        items = zip(prefixes, map(v.__getitem__, keys), strict=True)
                    else:
                        if not v:
                            w("[]")
                            continue
                        w("[")
                        closers.append("]")
                        pending.append(items)
                        items = _list_items(v)
                    if len(closers) > _CYCLE_CHECK_DEPTH + 1:
                        seen.add(id(v))
                        on_path.append(id(v))
                    else:
                        on_path.append(None)
                    break
                elif isinstance(v, GoObject):
                    fields = self.struct(v)
                    if fields is None:
                        continue
                    closers.append("}")
                    pending.append(items)
                    items = fields
                    on_path.append(None)
                    break
                else:
                    raise GoError(f"json: unsupported type: {go_type_of(v)}")
            else:
                if not pending:
                    return
                w(closers.pop())
                done = on_path.pop()
                if done is not None:
                    seen.discard(done)
                items = pending.pop()

    def _depth_check(self, v: Any, depth: int, seen: set[int]) -> None:
        if depth > MAX_DEPTH and self.too_deep is None:
            self.too_deep = "{" if isinstance(v, dict) else "["
        if depth > _CYCLE_CHECK_DEPTH + 1 and id(v) in seen:
            raise GoError(f"json: unsupported value: encountered a cycle via {go_type_of(v)}")

    def struct(self, obj: GoObject) -> Iterator[tuple[str, Any]] | None:
        """Write a struct's raw JSON or its opening brace; its fields come back to be written."""
        raw = getattr(obj, "go_marshal_json", None)
        if callable(raw):
            text = raw()
            try:
                self.parts.append(compact(text, self.escape_html))
            except JSONSyntaxError as exc:
                raise GoError(f"json: error calling MarshalJSON for type {obj.go_type}: {exc}") from None
            return None
        if obj.go_kind == "ptr" and getattr(obj, "is_nil", False):
            self.parts.append("null")
            return None
        self.parts.append("{")
        esc = self.escape_html
        return iter([(("," if i else "") + quote(name, esc) + ":", value)
                     for i, (name, value) in enumerate(_struct_items(obj))])


# Maps repeat their key sets (env entries, ports, labels): their order and quoted keys are kept.
_LAYOUTS: dict[tuple[bool, tuple[Any, ...]], tuple[list[Any], list[str]]] = {}
_LAYOUTS_MAX = 4096


def _key_layout(v: dict[Any, Any], esc: bool) -> tuple[list[Any], list[str]]:
    """The map's keys in Go's order (bytewise) and each one's ``"key":`` text, comma first."""
    names = tuple(v)
    hit = _LAYOUTS.get((esc, names))
    if hit is not None:
        return hit
    if not all(type(k) is str for k in names):  # typed keys (1 == 1.0 == True) are never kept
        keys = sorted(names, key=lambda k: _key_text(k).encode("utf-8", "surrogatepass"))
        return keys, [("," if i else "") + quote(_key_text(k), esc) + ":" for i, k in enumerate(keys)]
    keys = sorted(names)  # code point order is UTF-8 byte order, surrogates included
    hit = keys, [("," if i else "") + quote(k, esc) + ":" for i, k in enumerate(keys)]
    if len(_LAYOUTS) >= _LAYOUTS_MAX:
        _LAYOUTS.clear()
    _LAYOUTS[(esc, names)] = hit
    return hit


def _list_items(v: Any) -> Iterator[tuple[str, Any]]:
    it = iter(v)
    yield "", next(it)
    for item in it:
        yield ",", item


def _key_text(k: Any) -> str:
    if isinstance(k, str):
        return k
    if isinstance(k, bool):
        raise GoError("json: unsupported type: map[bool]interface {}")
    return str(int(k)) if isinstance(k, int) else str(k)


def marshal(value: Any, *, escape_html: bool = True, indent: str | None = None, prefix: str = "") -> str:
    """``json.Marshal`` (or ``MarshalIndent(v, prefix, indent)``); raises GoError like Go."""
    text, too_deep = encode(value, escape_html=escape_html)
    if indent is not None:
        if too_deep is not None:  # Indent's scanner refuses the text before writing any of it
            raise JSONSyntaxError(f"invalid character '{too_deep}' exceeded max depth")
        return _indent(text, prefix, indent)
    return text


def encode(value: Any, *, escape_html: bool = True) -> tuple[str, str | None]:
    """``json.Marshal``'s text, and the first bracket nested past MAX_DEPTH (``[``, ``{``) if any."""
    enc = _Encoder(escape_html)
    enc.value(value)
    return "".join(enc.parts), enc.too_deep


def _indent(text: str, prefix: str, indent: str) -> str:
    """Go's json.Indent over compact text: empty containers stay ``[]``/``{}``."""
    out: list[str] = []
    depth = 0
    in_string = False
    escaped = False
    need_indent = False
    n = len(text)
    i = 0
    while i < n:
        c = text[i]
        if in_string:
            out.append(c)
            if escaped:
                escaped = False
            elif c == "\\":
                escaped = True
            elif c == '"':
                in_string = False
            i += 1
            continue
        if need_indent and c not in "]}":
            need_indent = False
            depth += 1
            out.append("\n" + prefix + indent * depth)
        if c == '"':
            in_string = True
            out.append(c)
        elif c in "[{":
            out.append(c)
            need_indent = True
        elif c == ",":
            out.append(",\n" + prefix + indent * depth)
        elif c == ":":
            out.append(": ")
        elif c in "]}":
            if need_indent:
                need_indent = False
            else:
                depth -= 1
                out.append("\n" + prefix + indent * depth)
            out.append(c)
        else:
            out.append(c)
        i += 1
    return "".join(out)


def compact(text: str, escape_html: bool = True) -> str:
    """Validate and re-encode raw JSON compactly, as Go does for MarshalJSON output."""
    return marshal(_Parser(text).document(), escape_html=escape_html)


# ---------------------------------------------------------------------------------------------
# Unmarshal


def _quote_char(c: str) -> str:
    # Go quotes the offending byte, so a multi-byte character shows its first byte as a rune.
    if ord(c) >= 0x80:
        c = chr(c.encode("utf-8", "surrogatepass")[0])
    if c == "'":
        return "'\\''"
    if c == '"':
        return "'\"'"
    o = ord(c)
    if c == "\\":
        return "'\\\\'"
    if c.isprintable():
        return "'" + c + "'"
    special = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}
    if c in special:
        return "'" + special[c] + "'"
    if o < 0x80:
        return f"'\\x{o:02x}'"
    if o < 0x10000:
        return f"'\\u{o:04x}'"
    return f"'\\U{o:08x}'"


class _Parser:
    """A recursive-descent decoder with Go scanner.go's error texts and byte offsets."""

    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0
        self.n = len(text)
        self.range_error: str | None = None
        self.top_number = False

    def error(self, what: str, eof_space: bool = False) -> JSONSyntaxError:
        # At the end Go feeds the scanner one space: states that cannot take it report it.
        if self.i >= self.n:
            if eof_space:
                return JSONSyntaxError(f"invalid character ' ' {what}", self.n)
            return JSONSyntaxError("unexpected end of JSON input", self.n)
        return JSONSyntaxError(f"invalid character {_quote_char(self.s[self.i])} {what}",
                               len(self.s[:self.i + 1].encode("utf-8", "surrogatepass")))

    def ws(self) -> None:
        s, i, n = self.s, self.i, self.n
        while i < n and s[i] in " \t\r\n":
            i += 1
        self.i = i

    def document(self) -> Any:
        self.ws()
        self.top_number = self.i < self.n and (self.s[self.i] == "-" or "0" <= self.s[self.i] <= "9")
        value = self.value()
        self.ws()
        if self.i < self.n:
            raise self.error("after top-level value")
        return value

    def value(self) -> Any:
        """One value; containers are filled on an explicit stack, as deep as Go's scanner allows
        (``MAX_DEPTH``), so errors come in text order with Go's offsets."""
        s, n = self.s, self.n
        open_: list[tuple[Any, str | None]] = []  # (container, key awaiting its value)
        while True:
            if self.i >= n:
                raise self.error("")
            c = s[self.i]
            v: Any
            if c == "{" or c == "[":
                if len(open_) >= MAX_DEPTH:
                    raise self.error("exceeded max depth")
                self.i += 1
                self.ws()
                if c == "{":
                    if self.i < n and s[self.i] == "}":
                        self.i += 1
                        v = {}
                    else:
                        open_.append(({}, self.key()))
                        continue
                elif self.i < n and s[self.i] == "]":
                    self.i += 1
                    v = []
                else:
                    open_.append(([], None))
                    continue
            elif c == '"':
                v = self.string()
            elif c == "-" or "0" <= c <= "9":
                v = self.number()
            else:
                v = self.literal(c)
            while True:  # hand v to its container; close the containers that end here
                if not open_:
                    return v
                container, key = open_[-1]
                if key is None:
                    container.append(v)
                else:
                    container[key] = v
                self.ws()
                if self.i < n and s[self.i] == ",":
                    self.i += 1
                    self.ws()
                    if key is not None:
                        open_[-1] = (container, self.key())
                    break
                if self.i < n and s[self.i] == ("]" if key is None else "}"):
                    self.i += 1
                    open_.pop()
                    v = container
                    continue
                raise self.error("after array element" if key is None else "after object key:value pair")

    def key(self) -> str:
        """An object key and its colon, leaving the parser at the value."""
        if self.i >= self.n or self.s[self.i] != '"':
            raise self.error("looking for beginning of object key string")
        key = self.string()
        self.ws()
        if self.i >= self.n or self.s[self.i] != ":":
            raise self.error("after object key")
        self.i += 1
        self.ws()
        return key

    def literal(self, c: str) -> Any:
        for word, val in (("true", True), ("false", False), ("null", None)):
            if c == word[0]:
                self.i += 1
                for expect in word[1:]:
                    if self.i >= self.n or self.s[self.i] != expect:
                        raise self.error(f"in literal {word} (expecting {_quote_char(expect)})", True)
                    self.i += 1
                return val
        raise self.error("looking for beginning of value")

    def string(self) -> str:
        s = self.s
        self.i += 1
        buf: list[str] = []
        while True:
            if self.i >= self.n:
                raise self.error("")
            c = s[self.i]
            if c == '"':
                self.i += 1
                return "".join(buf)
            if c == "\\":
                self.i += 1
                if self.i >= self.n:
                    raise self.error("in string escape code", True)
                e = s[self.i]
                simple = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n",
                          "r": "\r", "t": "\t"}
                if e in simple:
                    buf.append(simple[e])
                    self.i += 1
                    continue
                if e != "u":
                    raise self.error("in string escape code")
                self.i += 1
                code = self.hex4()
                if 0xD800 <= code < 0xDC00 and s.startswith("\\u", self.i):
                    save = self.i
                    self.i += 2
                    low = self.hex4()
                    if 0xDC00 <= low < 0xE000:
                        buf.append(chr(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)))
                        continue
                    self.i = save
                    buf.append("\ufffd")
                    continue
                buf.append("\ufffd" if 0xD800 <= code < 0xE000 else chr(code))
                continue
            if ord(c) < 0x20:
                raise self.error("in string literal")
            run = _STRING_PLAIN_RUN.match(s, self.i)
            assert run is not None
            buf.append(run.group())
            self.i = run.end()

    def hex4(self) -> int:
        value = 0
        for _ in range(4):
            if self.i >= self.n:
                raise self.error("in \\u hexadecimal character escape", True)
            c = self.s[self.i]
            if c not in "0123456789abcdefABCDEF" or not c.isascii():
                raise self.error("in \\u hexadecimal character escape")
            value = value * 16 + int(c, 16)
            self.i += 1
        return value

    def number(self) -> float:
        s = self.s
        start = self.i
        if s[self.i] == "-":
            self.i += 1
            if self.i >= self.n or not "0" <= s[self.i] <= "9":
                raise self.error("in numeric literal", True)
        if s[self.i] == "0":
            self.i += 1
        else:
            self.digits()
        if self.i < self.n and s[self.i] == ".":
            self.i += 1
            if self.i >= self.n or not "0" <= s[self.i] <= "9":
                raise self.error("after decimal point in numeric literal", True)
            self.digits()
        if self.i < self.n and s[self.i] in "eE":
            self.i += 1
            if self.i < self.n and s[self.i] in "+-":
                self.i += 1
            if self.i >= self.n or not "0" <= s[self.i] <= "9":
                raise self.error("in exponent of numeric literal", True)
            self.digits()
        text = s[start:self.i]
        value = float(text)
        if math.isinf(value):
            if self.range_error is None:
                self.range_error = text
            return None  # type: ignore[return-value]
        return value

    def digits(self) -> None:
        s, n = self.s, self.n
        while self.i < n and "0" <= s[self.i] <= "9":
            self.i += 1


def unmarshal(text: str | bytes, target: str = "any") -> Any:
    """``json.Unmarshal`` into ``interface{}`` (``"any"``), ``map[string]interface{}``
    (``"map"``) or ``[]interface{}`` (``"list"``); numbers are float64. Raises GoError."""
    if isinstance(text, (bytes, bytearray)):
        from kts.codec.yaml import go_string_from_bytes

        text = go_string_from_bytes(bytes(text))
    value = _loads_c(text)
    if value is _DECLINED:
        parser = _Parser(text)
        value = parser.document()
        top_number, range_error = parser.top_number, parser.range_error
    else:
        stripped = text.lstrip(" \t\r\n")
        top_number, range_error = stripped[:1] == "-" or "0" <= stripped[:1] <= "9", None
    if target != "any":
        want = {"map": (dict, "map[string]interface {}"), "list": (list, "[]interface {}")}[target]
        if top_number:
            raise JSONTypeError(f"json: cannot unmarshal number into Go value of type {want[1]}")
        if value is not None and not isinstance(value, want[0]):
            raise JSONTypeError(f"json: cannot unmarshal {json_kind(value)} into Go value of type {want[1]}")
    if range_error is not None:
        raise JSONTypeError(f"json: cannot unmarshal number {range_error} into Go value of type "
                            "float64", value)
    return value


# Python's C decoder reads valid JSON as Go does once numbers become float64, except for
# lone surrogate escapes (Go: U+FFFD), numbers out of float64's range (Go: an error) and
# NaN/Infinity (Go: invalid). Texts that may hold any of those, that are not valid JSON (Go's
# own error texts come from ``_Parser``), or that nest deep enough to strain the C stack take
# the Python parser.
_DECLINED: Any = object()
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_RAW_SURROGATE = re.compile("[\ud800-\udfff]")
_C_MAX_DEPTH = 1000
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_BRACKET_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def _refuse_constant(name: str) -> Any:
    raise ValueError(name)


def _go_float(text: str) -> float:
    """A number as float64; past its range Go reports an error, so the text is declined."""
    value = float(text)
    if math.isinf(value):
        raise ValueError(text)
    return value


def _nesting(text: str) -> int:
    """An upper bound of the text's bracket nesting, at C speed."""
    brackets = text.count("[") + text.count("{")
    if brackets <= _C_MAX_DEPTH:
        return brackets
    skeleton = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    return max(itertools.accumulate(map(_BRACKET_STEP.__getitem__, skeleton)), default=0)


def _loads_c(text: str) -> Any:
    if ("\\u" in text and _SURROGATE_ESCAPE.search(text)) or _RAW_SURROGATE.search(text):
        return _DECLINED
    if _nesting(text) > _C_MAX_DEPTH:
        return _DECLINED
    try:
        return _pyjson.loads(text, parse_int=_go_float, parse_float=_go_float,
                             parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        return _DECLINED


def json_kind(value: Any) -> str:
    """How encoding/json names a decoded value's kind in ``cannot unmarshal X into ...`` errors."""
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "bool"
    return "number"


def _marshal_order(value: Any) -> Iterator[tuple[Any, int]]:
    """Every value json.Marshal writes, in the order it writes them (map keys sorted), with the
    nesting depth of each (the outermost value is at depth 1)."""
    stack = [(value, 1)]
    while stack:
        v, depth = stack.pop()
        yield v, depth
        if isinstance(v, dict):
            stack.extend((v[k], depth + 1) for k in sorted(v, reverse=True))
        elif isinstance(v, list):
            stack.extend((item, depth + 1) for item in reversed(v))


def first_unsupported_float(value: Any) -> float | None:
    """The first NaN/Inf json.Marshal meets (it visits map keys in sorted order), or None."""
    for v, _ in _marshal_order(value):
        if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
            return v
    return None


def first_too_deep(value: Any) -> str | None:
    """``[`` or ``{``: the first bracket of Marshal's text that nests past MAX_DEPTH, or None."""
    for v, depth in _marshal_order(value):
        if depth > MAX_DEPTH and isinstance(v, (dict, list)):
            return "{" if isinstance(v, dict) else "["
    return None


__all__ = ["JSONSyntaxError", "JSONTypeError", "NilList", "NilMap", "compact", "marshal", "quote",
           "unmarshal"]
