"""``--set`` style expressions, parsed exactly like Helm's ``pkg/strvals``.

``parse_set`` types values (bools, null, int64), ``parse_set_string`` keeps strings,
``parse_set_json`` decodes JSON values, ``parse_set_file`` reads files and
``parse_set_literal`` takes everything after ``=`` verbatim.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from kts.gotemplate.gotypes import Int64

MAX_INDEX = 65536
MAX_NESTED_NAME_LEVEL = 30


class StrvalsError(ValueError):
    """A malformed expression; ``str()`` is Helm's text."""


class _EOF(Exception):
    pass


class _NotList(Exception):
    pass


class _Panic(Exception):
    pass


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def read(self) -> str | None:
        if self.pos >= len(self.text):
            return None
        ch = self.text[self.pos]
        self.pos += 1
        return ch

    def unread(self) -> None:
        self.pos -= 1

    def rest(self) -> str:
        return self.text[self.pos:]


def _until(sc: _Scanner, stop: str, escapes: bool = True) -> tuple[str, str | None, bool]:
    """Runes up to a stop rune: (text, the stop rune, hit EOF)."""
    out: list[str] = []
    while True:
        r = sc.read()
        if r is None:
            return "".join(out), None, True
        if r in stop:
            return "".join(out), r, False
        if r == "\\" and escapes:
            nxt = sc.read()
            if nxt is None:
                return "".join(out), None, True
            out.append(nxt)
        else:
            out.append(r)


def typed_val(text: str, as_string: bool) -> Any:
    if as_string:
        return text
    low = text.lower()
    if low == "true":
        return True
    if low == "false":
        return False
    if low == "null":
        return None
    if text == "0":
        return Int64(0)
    if text and text[0] != "0":
        body = text[1:] if text[0] in "+-" else text
        if body.isascii() and body.isdigit():
            v = int(text)
            if -(1 << 63) <= v < (1 << 63):
                return Int64(v)
    return text


def _go_type(v: Any) -> str:
    from kts.gotemplate.gotypes import go_type_of

    return go_type_of(v)


def _as_list(v: Any) -> list[Any]:
    if isinstance(v, list):
        return v
    raise _Panic(f"interface conversion: interface {{}} is {_go_type(v)}, not []interface {{}}")


def _as_map(v: Any) -> dict[str, Any]:
    if type(v) is dict:
        return v
    raise _Panic(f"interface conversion: interface {{}} is {_go_type(v)}, not map[string]interface {{}}")


def _set(data: dict[str, Any], key: str, val: Any) -> None:
    if key:
        data[key] = val


def _set_index(lst: list[Any], index: int, val: Any) -> list[Any]:
    if index < 0:
        raise StrvalsError(f"negative {index} index not allowed")
    if index > MAX_INDEX:
        raise StrvalsError(f"index of {index} is greater than maximum supported index of {MAX_INDEX}")
    if len(lst) <= index:
        lst = lst + [None] * (index + 1 - len(lst))
    lst[index] = val
    return lst


def _atoi(text: str) -> int:
    body = text[1:] if text[:1] in "+-" else text
    if not body or not body.isascii() or not body.isdigit():
        raise StrvalsError(f"strconv.Atoi: parsing {_go_q(text)}: invalid syntax")
    value = int(text)
    if not -(1 << 63) <= value < (1 << 63):
        raise StrvalsError(f"strconv.Atoi: parsing {_go_q(text)}: value out of range")
    return value


def _go_q(s: str) -> str:
    from kts.gotemplate.strconv import quote

    return quote(s)


def _go_runes(s: str) -> str:
    """``%q`` of a Go ``[]rune``: each rune quoted, in brackets."""
    from kts.gotemplate.strconv import quote_rune

    return "[" + " ".join(quote_rune(ord(c)) for c in s) + "]"


class _Parser:
    def __init__(self, text: str, data: dict[str, Any], reader: Callable[[str], Any] | None,
                 json_values: bool = False, literal: bool = False) -> None:
        self.sc = _Scanner(text)
        self.data = data
        self.reader = reader
        self.json = json_values
        self.literal = literal

    def parse(self) -> None:
        while True:
            try:
                self.key(self.data, 0)
            except _EOF:
                return

    def until(self, stop: str) -> tuple[str, str | None, bool]:
        return _until(self.sc, stop, escapes=not self.literal)

    def key(self, data: dict[str, Any], level: int) -> None:
        try:
            self._key(data, level)
        except _Panic as exc:
            raise StrvalsError(f"unable to parse key: {exc}") from None

    def _key(self, data: dict[str, Any], level: int) -> None:
        k, last, eof = self.until("=[." if self.literal else "=[,.")
        if eof:
            if not k:
                raise _EOF
            raise StrvalsError(f"key {_go_q(k)} has no value")
        if last == "[":
            i = self.key_index()
            lst = _as_list(data[k]) if k in data else []
            try:
                lst = self.list_item(lst, i, level)
            finally:
                _set(data, k, lst)
            return
        if last == "=":
            if self.literal:
                _set(data, k, self.sc.rest())
                self.sc.pos = len(self.sc.text)
                return
            if self.json:
                if self.empty_val():
                    _set(data, k, None)
                    return
                _set(data, k, self.json_value())
                self.empty_val()
                return
            try:
                vl = self.val_list()
            except _EOF:
                _set(data, k, "")
                raise
            except _NotList:
                rs = self.val()
                _set(data, k, self.read(rs))
                return
            _set(data, k, vl)
            return
        if last == ",":
            _set(data, k, "")
            raise StrvalsError(f"key {_go_q(k)} has no value (cannot end with ,)")
        # last == "."
        level += 1
        if level > MAX_NESTED_NAME_LEVEL:
            raise StrvalsError("value name nested level is greater than maximum supported nested level "
                               f"of {MAX_NESTED_NAME_LEVEL}")
        inner = _as_map(data[k]) if k in data else {}
        err: BaseException | None = None
        try:
            self.key(inner, level)
        except (StrvalsError, _EOF) as exc:
            err = exc
        if err is None and not inner:
            raise StrvalsError(f"key map {_go_q(k)} has no value")
        if inner:
            _set(data, k, inner)
        if err is not None:
            raise err

    def read(self, text: str) -> Any:
        assert self.reader is not None
        return self.reader(text)

    def key_index(self) -> int:
        v, _, eof = self.until("]")
        if eof:
            raise _EOF  # Helm wraps io.EOF, and its parse loop treats that as the end
        try:
            return _atoi(v)
        except StrvalsError as exc:
            raise StrvalsError(f"error parsing index: {exc}") from None

    def json_value(self) -> Any:
        rest = self.sc.rest()
        try:
            value, end = json.JSONDecoder().raw_decode(rest.lstrip(" \t\r\n"))
        except json.JSONDecodeError as exc:
            raise StrvalsError(str(exc)) from None
        consumed = len(rest) - len(rest.lstrip(" \t\r\n")) + end
        self.sc.pos += consumed
        return _json_typed(value)

    def list_item(self, lst: list[Any], i: int, level: int) -> list[Any]:
        if i < 0:
            raise StrvalsError(f"negative {i} index not allowed")
        k, last, eof = self.until("[.=")
        if k:
            raise StrvalsError(f"unexpected data at end of array index: {_go_runes(k)}")
        if eof:
            raise _EOF
        if last == "=":
            if self.literal:
                value = self.sc.rest()
                self.sc.pos = len(self.sc.text)
                return _set_index(lst, i, value)
            if self.json:
                if self.empty_val():
                    return _set_index(lst, i, None)
                lst = _set_index(lst, i, self.json_value())
                self.empty_val()
                return lst
            try:
                vl = self.val_list()
            except _EOF:
                return _set_index(lst, i, "")
            except _NotList:
                return _set_index(lst, i, self.read(self.val()))
            return _set_index(lst, i, vl)
        if last == "[":
            next_i = self.key_index()
            crt: list[Any] = []
            if len(lst) > i and lst[i] is not None:
                crt = _as_list(lst[i])
            return _set_index(lst, i, self.list_item(crt, next_i, level))
        # last == "."
        inner: dict[str, Any] = {}
        if len(lst) > i:
            if type(lst[i]) is dict:
                inner = lst[i]
            else:
                lst[i] = inner
        self.key(inner, level)
        return _set_index(lst, i, inner)

    def empty_val(self) -> bool:
        while True:
            r = self.sc.read()
            if r is None or r == ",":
                return True
            if not r.isspace():
                self.sc.unread()
                return False

    def val(self) -> str:
        v, _, _ = self.until(",")
        return v

    def val_list(self) -> list[Any]:
        r = self.sc.read()
        if r is None:
            raise _EOF
        if r != "{":
            self.sc.unread()
            raise _NotList
        out: list[Any] = []
        while True:
            rs, last, eof = self.until(",}")
            if eof:
                raise StrvalsError("list must terminate with '}'")
            if last == "}":
                nxt = self.sc.read()
                if nxt is not None and nxt != ",":
                    self.sc.unread()
                out.append(self.read(rs))
                return out
            out.append(self.read(rs))


def _json_typed(v: Any) -> Any:
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, dict):
        return {k: _json_typed(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_json_typed(x) for x in v]
    return v


def parse_into(text: str, dest: dict[str, Any], *, as_string: bool = False) -> dict[str, Any]:
    _Parser(text, dest, lambda rs: typed_val(rs, as_string)).parse()
    return dest


def parse_set(text: str, dest: dict[str, Any] | None = None) -> dict[str, Any]:
    return parse_into(text, {} if dest is None else dest)


def parse_set_string(text: str, dest: dict[str, Any] | None = None) -> dict[str, Any]:
    return parse_into(text, {} if dest is None else dest, as_string=True)


def parse_set_json(text: str, dest: dict[str, Any] | None = None) -> dict[str, Any]:
    data = {} if dest is None else dest
    _Parser(text, data, None, json_values=True).parse()
    return data


def parse_set_literal(text: str, dest: dict[str, Any] | None = None) -> dict[str, Any]:
    data = {} if dest is None else dest
    _Parser(text, data, None, literal=True).parse()
    return data


def parse_set_file(text: str, dest: dict[str, Any] | None = None,
                   read_file: Callable[[str], str] | None = None) -> dict[str, Any]:
    def reader(path: str) -> str:
        if read_file is not None:
            return read_file(path)
        try:
            with open(path, "rb") as fh:
                return fh.read().decode("utf-8", "surrogateescape")
        except OSError as exc:
            raise StrvalsError(f"open {path}: {exc.strerror.lower() if exc.strerror else exc}") from None

    data = {} if dest is None else dest
    _Parser(text, data, reader).parse()
    return data
