"""Go's ``encoding/json`` decoding errors, for documents Python's ``json`` rejects.

Helm reports a malformed ``values.schema.json`` with the Go decoder's message
(``invalid character 'b' looking for beginning of object key string``); this scanner walks
the text as Go's does and words the first error the same way.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any


class GoJSONError(ValueError):
    """A document Go's JSON decoder rejects; ``str()`` is Go's message."""


def loads(data: bytes, number: Callable[[str], Any] = Decimal) -> Any:
    """Decode like ``jsonschema.UnmarshalJSON``: one value, Go's errors; ``number`` makes each
    number from its text (exact by default, as Go's ``json.Number``)."""
    text = data.decode("utf-8", "replace").removeprefix("\ufeff")
    try:
        decoder = json.JSONDecoder(parse_float=number, parse_int=number, parse_constant=_reject)
        value, end = decoder.raw_decode(text, _skip_ws(text, 0))
    except (json.JSONDecodeError, ValueError):
        raise GoJSONError(syntax_error(text)) from None
    if _skip_ws(text, end) != len(text):
        raise GoJSONError("invalid character after top-level value")
    return value


def _reject(name: str) -> Any:
    raise ValueError(name)


_WS = " \t\r\n"


def _skip_ws(s: str, i: int) -> int:
    while i < len(s) and s[i] in _WS:
        i += 1
    return i


def _char(c: str) -> str:
    """encoding/json's ``quoteChar`` of the byte the scanner stopped at (the first byte of a
    multi-byte character; an undecodable byte as itself), read as a Latin-1 rune."""
    if c == "'":
        return "'\\''"
    if c == '"':
        return "'\"'"
    code = ord(c)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, kept by surrogateescape
        code -= 0xDC00
    elif code >= 0x80:
        code = c.encode("utf-8", "surrogatepass")[0]
    from kts.gotemplate.strconv import quote

    return "'" + quote(chr(code))[1:-1] + "'"


class _Scan:
    def __init__(self, s: str) -> None:
        self.s = s
        self.i = 0

    def fail(self, context: str) -> GoJSONError:
        if self.i >= len(self.s):
            return GoJSONError("unexpected EOF")
        return GoJSONError(f"invalid character {_char(self.s[self.i])} {context}")

    def peek(self) -> str:
        self.i = _skip_ws(self.s, self.i)
        return self.s[self.i] if self.i < len(self.s) else ""

    def value(self) -> None:
        c = self.peek()
        if c == "{":
            self.i += 1
            self.obj()
        elif c == "[":
            self.i += 1
            self.arr()
        elif c == '"':
            self.string()
        elif c == "-" or c.isdigit():
            self.number()
        elif c in ("t", "f", "n"):
            self.literal({"t": "true", "f": "false", "n": "null"}[c])
        else:
            raise self.fail("looking for beginning of value")

    def obj(self) -> None:
        if self.peek() == "}":
            self.i += 1
            return
        while True:
            if self.peek() != '"':
                raise self.fail("looking for beginning of object key string")
            self.string()
            if self.peek() != ":":
                raise self.fail("after object key")
            self.i += 1
            self.value()
            c = self.peek()
            if c == "}":
                self.i += 1
                return
            if c != ",":
                raise self.fail("after object key:value pair")
            self.i += 1

    def arr(self) -> None:
        if self.peek() == "]":
            self.i += 1
            return
        while True:
            self.value()
            c = self.peek()
            if c == "]":
                self.i += 1
                return
            if c != ",":
                raise self.fail("after array element")
            self.i += 1

    def string(self) -> None:
        s = self.s
        self.i += 1
        while self.i < len(s):
            c = s[self.i]
            if c == '"':
                self.i += 1
                return
            if c == "\\":
                self.i += 1
                if self.i < len(s) and s[self.i] == "u":
                    for _ in range(4):
                        self.i += 1
                        if self.i < len(s) and s[self.i] not in "0123456789abcdefABCDEF":
                            raise self.fail("in \\u hexadecimal character escape")
                elif self.i < len(s) and s[self.i] not in '"\\/bfnrt':
                    raise self.fail("in string escape code")
            elif c < " ":
                raise self.fail("in string literal")
            self.i += 1
        raise self.fail("")

    def number(self) -> None:
        s = self.s
        if s[self.i] == "-":
            self.i += 1
            if self.i >= len(s) or not s[self.i].isdigit():
                raise self.fail("in numeric literal")
        if s[self.i] == "0":
            self.i += 1
        else:
            while self.i < len(s) and s[self.i].isdigit():
                self.i += 1
        if self.i < len(s) and s[self.i] == ".":
            self.i += 1
            if self.i >= len(s) or not s[self.i].isdigit():
                raise self.fail("after decimal point in numeric literal")
            while self.i < len(s) and s[self.i].isdigit():
                self.i += 1
        if self.i < len(s) and s[self.i] in "eE":
            self.i += 1
            if self.i < len(s) and s[self.i] in "+-":
                self.i += 1
            if self.i >= len(s) or not s[self.i].isdigit():
                raise self.fail("in exponent of numeric literal")
            while self.i < len(s) and s[self.i].isdigit():
                self.i += 1

    def literal(self, word: str) -> None:
        for want in word:
            if self.i >= len(self.s):
                raise self.fail("")
            if self.s[self.i] != want:
                raise self.fail(f"in literal {word} (expecting '{want}')")
            self.i += 1


def syntax_error(text: str) -> str:
    """Go's message for the first syntax error in ``text`` (``EOF`` when there is no value)."""
    scan = _Scan(text)
    if not scan.peek():
        return "EOF"
    try:
        scan.value()
    except GoJSONError as exc:
        return str(exc)
    return "invalid character after top-level value"
