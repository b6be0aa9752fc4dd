"""TOML as BurntSushi/toml v1.6.0 writes and reads it (Helm's ``toToml``/``fromToml``).

Writing follows the Go encoder exactly: plain keys sorted bytewise before sub-tables,
sub-tables as ``[a.b]`` headers indented two spaces per level, floats always with a ``.0``
or exponent. Reading uses ``tomllib`` and converts to Go types (int64, float64, time.Time);
error texts follow Go's for the common cases.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import tomllib
from typing import Any

from kts.codec.gofloat import format_g
from kts.gotemplate.gotypes import GoError, GoInt, GoObject, GoPanic, Int64

_QUOTE = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def _quote(s: str) -> str:
    out = []
    for ch in s:
        o = ord(ch)
        if ch in _QUOTE:
            out.append(_QUOTE[ch])
        elif o < 0x20 or o == 0x7F:
            out.append(f"\\u{o:04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _bare(s: str) -> bool:
    return bool(s) and all(c.isascii() and (c.isalnum() or c in "_-") for c in s)


def _key_part(s: str) -> str:
    if s == "":
        return '""'
    return s if _bare(s) else _quote(s)


def _key_string(key: list[str]) -> str:
    return ".".join(_key_part(k) for k in key)


def _is_nil(v: Any) -> bool:
    return v is None or bool(getattr(v, "go_nil", False))


def _ttype(v: Any) -> str | None:
    """tomlTypeOfGo: None for nil, else Hash / ArrayHash / a scalar kind."""
    if _is_nil(v):
        return None
    if isinstance(v, TomlTime):
        return "Datetime"
    if isinstance(v, (dict, GoObject)):
        return "Hash"
    if isinstance(v, (list, tuple)):
        if not v:
            return "Array"
        table = True
        for item in v:
            t = _ttype(item)
            if t is None:
                raise GoError("toml: cannot encode array with nil element")
            if t != "Hash":
                table = False
        return "ArrayHash" if table else "Array"
    if isinstance(v, (bytes, bytearray)):
        return "Array"
    return "Scalar"


def _items(v: Any) -> list[tuple[str, Any]]:
    if isinstance(v, GoObject):
        return [(name, getattr(v, name, None)) for name in v.go_fields]
    if any(not isinstance(k, str) for k in v):
        raise GoError("toml: cannot encode a map with non-string key type")
    return list(v.items())


class _Encoder:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.written = False

    def write(self, s: str) -> None:
        self.parts.append(s)
        self.written = True

    def newline(self) -> None:
        if self.written:
            self.write("\n")

    def encode(self, key: list[str], v: Any) -> None:
        if _is_nil(v):
            return
        t = _ttype(v)
        if t == "Hash":
            self.table(key, v)
        elif t == "ArrayHash":
            self.array_of_tables(key, v)
        else:
            self.key_value(key, v, inline=False)

    def key_value(self, key: list[str], v: Any, inline: bool) -> None:
        if not key:
            self.element(v)
            return
        self.write("  " * (len(key) - 1) + _key_part(key[-1]) + " = ")
        self.element(v)
        if not inline:
            self.newline()

    def table(self, key: list[str], v: Any) -> None:
        if len(key) == 1:
            self.newline()
        if key:
            self.write("  " * (len(key) - 1) + "[" + _key_string(key) + "]")
            self.newline()
        self.map(key, v, inline=False)

    def array_of_tables(self, key: list[str], v: Any) -> None:
        if not key:
            raise GoError("toml: top-level values must be Go maps or structs")
        for item in v:
            if _is_nil(item):
                continue
            self.newline()
            self.write("  " * (len(key) - 1) + "[[" + _key_string(key) + "]]")
            self.newline()
            self.map(key, item, inline=False)

    def map(self, key: list[str], v: Any, inline: bool) -> None:
        items = _items(v)
        direct = [(k, x) for k, x in items if _ttype(x) not in ("Hash", "ArrayHash")]
        sub = [(k, x) for k, x in items if _ttype(x) in ("Hash", "ArrayHash")]
        if not isinstance(v, GoObject):
            direct.sort(key=lambda kv: kv[0].encode("utf-8", "surrogatepass"))
            sub.sort(key=lambda kv: kv[0].encode("utf-8", "surrogatepass"))
        if inline:
            self.write("{")

        def write_keys(pairs: list[tuple[str, Any]], trail_comma: bool) -> None:
            for i, (k, x) in enumerate(pairs):
                if _is_nil(x):
                    continue
                if inline:
                    self.key_value([k], x, inline=True)
                    if trail_comma or i != len(pairs) - 1:
                        self.write(", ")
                else:
                    self.encode([*key, k], x)

        write_keys(direct, bool(sub))
        write_keys(sub, False)
        if inline:
            self.write("}")

    def element(self, v: Any) -> None:
        if isinstance(v, TomlTime):
            self.write(v.toml_text())
        elif isinstance(v, str):
            self.write(_quote(v))
        elif v is True or v is False:
            self.write("true" if v else "false")
        elif isinstance(v, (GoInt, int)):
            self.write(str(int(v)))
        elif isinstance(v, float):
            if math.isnan(v) or math.isinf(v):
                sign = "-" if math.copysign(1.0, v) < 0 else ""
                self.write(sign + ("nan" if math.isnan(v) else "inf"))
            else:
                s = format_g(v)
                self.write(s if "e" in s or "." in s else s + ".0")
        elif isinstance(v, (bytes, bytearray)):
            self.write("[" + ", ".join(str(b) for b in v) + "]")
        elif isinstance(v, (list, tuple)):
            self.write("[")
            for i, item in enumerate(v):
                self.element(item)
                if i != len(v) - 1:
                    self.write(", ")
            self.write("]")
        elif isinstance(v, (dict, GoObject)):
            self.map([], v, inline=True)
        elif _is_nil(v):
            raise GoError("toml: cannot encode array with nil element")
        else:
            raise GoError(f"unexpected type: {type(v).__name__}")


def dumps(value: Any) -> str:
    """``toml.NewEncoder(w).Encode(value)``'s output; raises GoError with Go's message."""
    if value is None:
        # Go's encoder reflects on the nil interface itself and panics.
        raise GoPanic("reflect: call of reflect.Value.Type on zero Value")
    enc = _Encoder()
    enc.encode([], value)
    return "".join(enc.parts)


# ---------------------------------------------------------------------------------------------
# Decoding


class TomlTime(GoObject):
    """A TOML date/time decoded as Go's ``time.Time`` (local forms use BurntSushi's zones)."""

    go_type = "time.Time"

    def __init__(self, value: dt.datetime | dt.date | dt.time) -> None:
        self.value = value

    def _parts(self) -> tuple[dt.datetime, str, str]:
        v = self.value
        if isinstance(v, dt.datetime):
            if v.tzinfo is None:
                return v, "+0000", "datetime-local"
            off = v.utcoffset() or dt.timedelta(0)
            zone = "UTC" if off == dt.timedelta(0) else _offset(off, colon=False)
            return v, _offset(off, colon=False), zone
        if isinstance(v, dt.date):
            return dt.datetime(v.year, v.month, v.day), "+0000", "date-local"
        return dt.datetime(1, 1, 1, v.hour, v.minute, v.second, v.microsecond), "+0000", "time-local"

    def go_string(self) -> str:
        moment, off, zone = self._parts()
        text = moment.strftime("%Y-%m-%d %H:%M:%S").rjust(19, "0")
        if isinstance(self.value, dt.time):
            text = "0000-01-01 " + moment.strftime("%H:%M:%S")
        frac = f"{moment.microsecond:06d}".rstrip("0")
        return f"{text}{'.' + frac if frac else ''} {off} {zone}"

    def go_marshal_json(self) -> str:
        moment, _, _ = self._parts()
        if isinstance(self.value, dt.time):
            date = "0000-01-01"
        else:
            date = moment.strftime("%Y-%m-%d")
        frac = f"{moment.microsecond:06d}".rstrip("0")
        tz = "Z"
        if isinstance(self.value, dt.datetime) and self.value.tzinfo is not None:
            off = self.value.utcoffset() or dt.timedelta(0)
            tz = "Z" if off == dt.timedelta(0) else _offset(off, colon=True)
        return f'"{date}T{moment.strftime("%H:%M:%S")}{"." + frac if frac else ""}{tz}"'

    def toml_text(self) -> str:
        v = self.value
        if isinstance(v, dt.datetime):
            return v.isoformat().replace("+00:00", "Z")
        return v.isoformat()


def _offset(off: dt.timedelta, colon: bool) -> str:
    total = int(off.total_seconds())
    sign = "-" if total < 0 else "+"
    total = abs(total)
    return f"{sign}{total // 3600:02d}{':' if colon else ''}{total % 3600 // 60:02d}"


def _convert(v: Any, text: str) -> Any:
    if isinstance(v, dict):
        return {k: _convert(x, text) for k, x in v.items()}
    if isinstance(v, list):
        return [_convert(x, text) for x in v]
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        if not -(1 << 63) <= v < (1 << 63):
            raise GoError(f"toml: line {_line_of(text, str(v))}: {v} is out of range for int64")
        return Int64(v)
    if isinstance(v, (dt.datetime, dt.date, dt.time)):
        return TomlTime(v)
    return v


def _line_of(text: str, needle: str) -> int:
    for i, line in enumerate(text.splitlines(), 1):
        if needle in line.replace("_", ""):
            return i
    return 1


_LINE = re.compile(r"\(at line (\d+), column \d+\)|\(at end of document\)")


def loads(text: str) -> dict[str, Any]:
    """``toml.Unmarshal`` into ``map[string]interface{}``; raises GoError on bad input."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = _LINE.search(msg)
        line = int(m.group(1)) if m and m.group(1) else max(1, text.count("\n") + 1)
        raise GoError(f"toml: line {line}: {_LINE.sub('', msg).strip()}") from None
    return _convert(data, text)


__all__ = ["TomlTime", "dumps", "loads"]
