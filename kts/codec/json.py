"""Go ``encoding/json``: ``Marshal``/``MarshalIndent`` and ``Unmarshal`` into ``interface{}``.

Templates print JSON byte-for-byte as Go writes it (sorted keys, ``\\u003c``, float layout),
and fromJson errors surface verbatim in output, so both directions follow Go exactly.

Structs (``GoObject``) marshal through hooks: ``go_marshal_json()`` returning raw JSON text
(Go's ``MarshalJSON``), else ``json_fields`` — ``(attribute, json tag)`` pairs such as
``("HelmVersion", "helm_version,omitempty")`` — else every name in ``go_fields``.
"""

from __future__ import annotations

import base64
import math
import re
from typing import Any

from kts.codec.gofloat import format_g, format_json
from kts.gotemplate.gotypes import GoError, GoInt, GoMap, GoObject, GoSlice, go_type_of

_HEX = "0123456789abcdef"


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


class _Encoder:
    def __init__(self, escape_html: bool) -> None:
        self.escape_html = escape_html
        self.parts: list[str] = []

    def value(self, v: Any) -> None:
        w = self.parts.append
        if v is None or getattr(v, "go_nil", False):
            w("null")
        elif v is True:
            w("true")
        elif v is False:
            w("false")
        elif isinstance(v, str):
            w(quote(v, self.escape_html))
        elif isinstance(v, GoInt) or type(v) is int:
            w(str(int(v)))
        elif isinstance(v, float):
            if math.isnan(v) or math.isinf(v):
                raise GoError(f"json: unsupported value: {format_g(v)}")
            w(format_json(v))
        elif isinstance(v, (bytes, bytearray)):
            w('"' + base64.b64encode(bytes(v)).decode() + '"')
        elif isinstance(v, dict):
            keys = sorted(v, key=lambda k: _key_text(k).encode("utf-8", "surrogatepass"))
            w("{")
            for i, k in enumerate(keys):
                if i:
                    w(",")
                w(quote(_key_text(k), self.escape_html))
                w(":")
                self.value(v[k])
            w("}")
        elif isinstance(v, (list, tuple)):
            w("[")
            for i, item in enumerate(v):
                if i:
                    w(",")
                self.value(item)
            w("]")
        elif isinstance(v, GoObject):
            self.struct(v)
        else:
            raise GoError(f"json: unsupported type: {go_type_of(v)}")

    def struct(self, obj: GoObject) -> None:
        raw = getattr(obj, "go_marshal_json", None)
        if callable(raw):
            text = raw()
            try:
                self.parts.append(compact(text, self.escape_html))
            except JSONSyntaxError as exc:
                raise GoError(f"json: error calling MarshalJSON for type {obj.go_type}: {exc}") from None
            return
        if obj.go_kind == "ptr" and getattr(obj, "is_nil", False):
            self.parts.append("null")
            return
        self.parts.append("{")
        for i, (name, value) in enumerate(_struct_items(obj)):
            if i:
                self.parts.append(",")
            self.parts.append(quote(name, self.escape_html))
            self.parts.append(":")
            self.value(value)
        self.parts.append("}")


def _key_text(k: Any) -> str:
    if isinstance(k, str):
        return k
    if isinstance(k, bool):
        raise GoError("json: unsupported type: map[bool]interface {}")
    return str(int(k)) if isinstance(k, int) else str(k)


def marshal(value: Any, *, escape_html: bool = True, indent: str | None = None, prefix: str = "") -> str:
    """``json.Marshal`` (or ``MarshalIndent(v, prefix, indent)``); raises GoError like Go."""
    enc = _Encoder(escape_html)
    try:
        enc.value(value)
    except RecursionError:
        raise GoError("json: unsupported value: encountered a cycle or excessive nesting") from None
    text = "".join(enc.parts)
    if indent is not None:
        return _indent(text, prefix, indent)
    return text


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
        if self.i >= self.n:
            raise self.error("")
        c = self.s[self.i]
        if c == "{":
            return self.obj()
        if c == "[":
            return self.arr()
        if c == '"':
            return self.string()
        if c == "-" or "0" <= c <= "9":
            return self.number()
        for word, val in (("true", True), ("false", False), ("null", None)):
            if c == word[0]:
                self.i += 1
                for expect in word[1:]:
                    if self.i >= self.n or self.s[self.i] != expect:
                        raise self.error(f"in literal {word} (expecting {_quote_char(expect)})", True)
                    self.i += 1
                return val
        raise self.error("looking for beginning of value")

    def obj(self) -> dict[str, Any]:
        self.i += 1
        out: dict[str, Any] = {}
        self.ws()
        if self.i < self.n and self.s[self.i] == "}":
            self.i += 1
            return out
        while True:
            if self.i >= self.n or self.s[self.i] != '"':
                raise self.error("looking for beginning of object key string")
            key = self.string()
            self.ws()
            if self.i >= self.n or self.s[self.i] != ":":
                raise self.error("after object key")
            self.i += 1
            self.ws()
            out[key] = self.value()
            self.ws()
            if self.i < self.n and self.s[self.i] == ",":
                self.i += 1
                self.ws()
                continue
            if self.i < self.n and self.s[self.i] == "}":
                self.i += 1
                return out
            raise self.error("after object key:value pair")

    def arr(self) -> list[Any]:
        self.i += 1
        out: list[Any] = []
        self.ws()
        if self.i < self.n and self.s[self.i] == "]":
            self.i += 1
            return out
        while True:
            out.append(self.value())
            self.ws()
            if self.i < self.n and self.s[self.i] == ",":
                self.i += 1
                self.ws()
                continue
            if self.i < self.n and self.s[self.i] == "]":
                self.i += 1
                return out
            raise self.error("after array element")

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
    parser = _Parser(text)
    try:
        value = parser.document()
    except RecursionError:
        raise JSONSyntaxError("exceeded max depth", len(text)) from None
    if target != "any":
        want = {"map": (dict, "map[string]interface {}"), "list": (list, "[]interface {}")}[target]
        if parser.top_number:
            raise JSONTypeError(f"json: cannot unmarshal number into Go value of type {want[1]}")
        if value is not None and not isinstance(value, want[0]):
            raise JSONTypeError(f"json: cannot unmarshal {json_kind(value)} into Go value of type {want[1]}")
    if parser.range_error is not None:
        raise JSONTypeError(f"json: cannot unmarshal number {parser.range_error} into Go value of type "
                            "float64", value)
    return value


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


def first_unsupported_float(value: Any) -> float | None:
    """The first NaN/Inf json.Marshal meets (it visits map keys in sorted order), or None."""
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return value
    if isinstance(value, dict):
        for k in sorted(value):
            bad = first_unsupported_float(value[k])
            if bad is not None:
                return bad
    elif isinstance(value, list):
        for v in value:
            bad = first_unsupported_float(v)
            if bad is not None:
                return bad
    return None


__all__ = ["JSONSyntaxError", "JSONTypeError", "NilList", "NilMap", "compact", "marshal", "quote",
           "unmarshal"]
