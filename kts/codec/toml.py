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
from collections.abc import Callable
from typing import Any

from kts.codec import stackless
from kts.codec.gofloat import format_g
from kts.codec.stackless import Step
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

    # Each method is the Go encoder's recursive function as a ``stackless`` step: where Go
    # recurses it yields (method, arguments), so tables may nest as deep as Go's do.

    def encode(self, key: list[str], v: Any) -> Step[None]:
        if _is_nil(v):
            return
        t = _ttype(v)
        if t == "Hash":
            yield self.table, (key, v)
        elif t == "ArrayHash":
            yield self.array_of_tables, (key, v)
        else:
            yield self.key_value, (key, v, False)

    def key_value(self, key: list[str], v: Any, inline: bool) -> Step[None]:
        if not key:
            yield self.element, (v,)
            return
        self.write("  " * (len(key) - 1) + _key_part(key[-1]) + " = ")
        yield self.element, (v,)
        if not inline:
            self.newline()

    def table(self, key: list[str], v: Any) -> Step[None]:
        if len(key) == 1:
            self.newline()
        if key:
            self.write("  " * (len(key) - 1) + "[" + _key_string(key) + "]")
            self.newline()
        yield self.map, (key, v, False)

    def array_of_tables(self, key: list[str], v: Any) -> Step[None]:
        if not key:
            raise GoError("toml: top-level values must be Go maps or structs")
        for item in v:
            if _is_nil(item):
                continue
            self.newline()
            self.write("  " * (len(key) - 1) + "[[" + _key_string(key) + "]]")
            self.newline()
            yield self.map, (key, item, False)

    def map(self, key: list[str], v: Any, inline: bool) -> Step[None]:
        items = _items(v)
        direct = [(k, x) for k, x in items if _ttype(x) not in ("Hash", "ArrayHash")]
        sub = [(k, x) for k, x in items if _ttype(x) in ("Hash", "ArrayHash")]
        if not isinstance(v, GoObject):
            direct.sort(key=lambda kv: kv[0].encode("utf-8", "surrogatepass"))
            sub.sort(key=lambda kv: kv[0].encode("utf-8", "surrogatepass"))
        if inline:
            self.write("{")
        for pairs, trail_comma in ((direct, bool(sub)), (sub, False)):
            for i, (k, x) in enumerate(pairs):
                if _is_nil(x):
                    continue
                if inline:
                    yield self.key_value, ([k], x, True)
                    if trail_comma or i != len(pairs) - 1:
                        self.write(", ")
                else:
                    yield self.encode, ([*key, k], x)
        if inline:
            self.write("}")

    def element(self, v: Any) -> Step[None]:
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
                yield self.element, (item,)
                if i != len(v) - 1:
                    self.write(", ")
            self.write("]")
        elif isinstance(v, (dict, GoObject)):
            yield self.map, ([], v, True)
        elif _is_nil(v):
            raise GoError("toml: cannot encode array with nil element")
        else:
            raise GoError(f"unexpected type: {type(v).__name__}")


def _run_step(task: tuple[Callable[..., Step[None]], tuple[Any, ...]]) -> Step[None]:
    method, args = task
    return method(*args)


def dumps(value: Any) -> str:
    """``toml.NewEncoder(w).Encode(value)``'s output; raises GoError with Go's message."""
    if value is None:
        # Go's encoder reflects on the nil interface itself and panics.
        raise GoPanic("reflect: call of reflect.Value.Type on zero Value")
    enc = _Encoder()
    stackless.run(_run_step, (enc.encode, ([], value)))
    return "".join(enc.parts)


# ---------------------------------------------------------------------------------------------
# Decoding


class TomlTime(GoObject):
    """A TOML date/time decoded as Go's ``time.Time`` (local forms use BurntSushi's zones)."""

    go_type = "time.Time"

    def __init__(self, value: dt.datetime | dt.date | dt.time, nanos: str | None = None) -> None:
        self.value = value
        # Go keeps nanoseconds; Python stops at microseconds, so the digits ride along.
        self.nanos = nanos

    def _frac(self, moment: dt.datetime) -> str:
        if self.nanos is not None:
            return self.nanos.rstrip("0")
        return f"{moment.microsecond:06d}".rstrip("0")

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
        frac = self._frac(moment)
        return f"{text}{'.' + frac if frac else ''} {off} {zone}"

    def go_marshal_json(self) -> str:
        moment, _, _ = self._parts()
        if isinstance(self.value, dt.time):
            date = "0000-01-01"
        else:
            date = moment.strftime("%Y-%m-%d")
        frac = self._frac(moment)
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


_LONG_FRACTION = re.compile(
    r"(?:\d{4}-\d{2}-\d{2}[Tt ])?\d{2}:\d{2}:\d{2}\.(\d{7,})(?:[Zz]|[+-]\d{2}:\d{2})?")


def _nanosecond_literals(text: str) -> dict[Any, str]:
    """Datetimes written with more than microsecond precision, keyed by their parsed value."""
    found: dict[Any, str] = {}
    for m in _LONG_FRACTION.finditer(text):
        try:
            value = tomllib.loads("v = " + m.group())["v"]
        except tomllib.TOMLDecodeError:
            continue
        found[(type(value), value)] = m.group(1)[:9].ljust(9, "0")
    return found


def _convert(v: Any, text: str, nanos: dict[Any, str] | None = None) -> Any:
    if nanos is None:
        nanos = _nanosecond_literals(text)
    if isinstance(v, dict):
        return {k: _convert(x, text, nanos) for k, x in v.items()}
    if isinstance(v, list):
        return [_convert(x, text, nanos) for x in v]
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        if not -(1 << 63) <= v < (1 << 63):
            lineno = _line_of(text, str(v))
            key = _KEY_ON_LINE.match(text.splitlines()[lineno - 1]) if text.splitlines() else None
            where = f' (last key "{key.group(1)}")' if key else ""
            raise GoError(f"toml: line {lineno}{where}: {v} is out of range for int64")
        return Int64(v)
    if isinstance(v, (dt.datetime, dt.date, dt.time)):
        return TomlTime(v, nanos.get((type(v), v)))
    if isinstance(v, float) and math.isinf(v):
        _check_float_range(text)
    return v


_BIG_FLOAT = re.compile(r"(?<![\w.])[+-]?\d[\d_]*(?:\.[\d_]+)?[eE][+-]?\d+")
_KEY_ON_LINE = re.compile(r"^\s*([A-Za-z0-9_-]+(?:\s*\.\s*[A-Za-z0-9_-]+)*)\s*=")


def _check_float_range(text: str) -> None:
    """Go's ParseFloat refuses literals beyond float64 where tomllib yields infinity."""
    for lineno, line in enumerate(text.splitlines(), 1):
        for m in _BIG_FLOAT.finditer(line):
            if math.isinf(float(m.group().replace("_", ""))):
                key = _KEY_ON_LINE.match(line)
                where = f' (last key "{key.group(1)}")' if key else ""
                raise GoError(f"toml: line {lineno}{where}: {m.group()} is out of range for float64")


def _line_of(text: str, needle: str) -> int:
    for i, line in enumerate(text.splitlines(), 1):
        if needle in line.replace("_", ""):
            return i
    return 1


_LINE = re.compile(r"\(at line (\d+), column \d+\)|\(at end of document\)")
_SHORT_TIME = re.compile(r"(?<![\d:.+-])(\d{2}:\d{2})(?![\d:])")


def _toml11_to_10(text: str) -> str:
    """Rewrite the TOML 1.1 forms BurntSushi accepts into TOML 1.0 for ``tomllib``.

    ``\\e`` and ``\\xHH`` escapes, times without seconds, and inline tables spanning lines or
    ending in a comma. Strings and comments are skipped over, so their text is untouched.
    """
    out: list[str] = []
    i, n = 0, len(text)
    depth: list[str] = []  # open brackets outside strings: "{" or "["
    plain_start = 0

    def flush_plain(end: str) -> None:
        out.append(_SHORT_TIME.sub(r"\1:00", end))

    while i < n:
        c = text[i]
        if c in "\"'":
            flush_plain(text[plain_start:i])
            quote = text[i:i + 3] if text[i:i + 3] in ('"""', "'''") else c
            j = i + len(quote)
            body: list[str] = []
            while j < n and not text.startswith(quote, j):
                if c == '"' and text[j] == "\\" and j + 1 < n:
                    esc = text[j + 1]
                    if esc == "e":
                        body.append("\\u001b")
                        j += 2
                        continue
                    if esc == "x" and re.fullmatch(r"[0-9a-fA-F]{2}", text[j + 2:j + 4]):
                        body.append("\\u00" + text[j + 2:j + 4])
                        j += 4
                        continue
                    body.append(text[j:j + 2])
                    j += 2
                    continue
                if len(quote) == 1 and text[j] == "\n":
                    break
                body.append(text[j])
                j += 1
            if len(quote) == 3:
                while text.startswith(c, j + len(quote)) and text[j + len(quote):j + len(quote) + 1] == c:
                    body.append(c)
                    j += 1
            end = min(n, j + len(quote)) if j < n and text.startswith(quote, j) else j
            out.append(quote + "".join(body) + text[j:end])
            i = end
            plain_start = i
            continue
        if c == "#":
            k = text.find("\n", i)
            k = n if k < 0 else k
            flush_plain(text[plain_start:i])
            if not (depth and depth[-1] == "{"):
                out.append(text[i:k])
            i = k
            plain_start = i
            continue
        if c in "[{":
            depth.append(c)
        elif c in "]}" and depth:
            if c == "}" and depth[-1] == "{":
                # drop a trailing comma before the closing brace
                flush_plain(text[plain_start:i])
                plain_start = i
                joined = "".join(out).rstrip(" \t\r\n")
                if joined.endswith(","):
                    out[:] = [joined[:-1]]
            depth.pop()
        elif c == "\n" and depth and depth[-1] == "{":
            flush_plain(text[plain_start:i])
            out.append(" ")
            i += 1
            plain_start = i
            continue
        i += 1
    flush_plain(text[plain_start:])
    return "".join(out)


def loads(text: str) -> dict[str, Any]:
    """``toml.Unmarshal`` into ``map[string]interface{}``; raises GoError on bad input."""
    try:
        data = tomllib.loads(_toml11_to_10(text))
    except tomllib.TOMLDecodeError as exc:
        raise GoError(_go_decode_error(text, exc)) from None
    return _convert(data, text)


_TABLE_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?")
_VALID_ESCAPES = set('btnfr"\\uUex')


def _go_decode_error(text: str, exc: tomllib.TOMLDecodeError) -> str:
    """BurntSushi's wording for the common failures tomllib reports (others keep tomllib's)."""
    msg = str(exc)
    m = _LINE.search(msg)
    lines = text.splitlines() or [""]
    at_end = m is None or m.group(1) is None
    lineno = len(lines) if at_end else int(m.group(1))  # type: ignore[union-attr]
    column = 0 if at_end else int(re.search(r"column (\d+)", msg).group(1))  # type: ignore[union-attr]
    problem = _LINE.sub("", msg).strip()
    line = lines[lineno - 1] if 0 < lineno <= len(lines) else ""
    key_m = _KEY_ON_LINE.match(line)
    key = re.sub(r"\s+", "", key_m.group(1)) if key_m else None
    table = ""
    for prev in lines[:lineno - 1]:
        h = _TABLE_HEADER.match(prev)
        if h:
            table = h.group(1).replace(" ", "")
    full_key = f"{table}.{key}" if table and key else key
    last = f' (last key "{full_key}")' if full_key else ""
    if problem == "Cannot overwrite a value" and full_key:
        return f"toml: line {lineno}{last}: Key '{full_key}' has already been defined."
    declared = re.match(r"Cannot declare \((.*)\) twice", problem)
    if declared:
        parts = re.findall(r"'([^']*)'", declared.group(1))
        return f"toml: line {lineno}: Key '{'.'.join(parts)}' has already been defined."
    if problem == "Invalid value" and at_end:
        return f"toml: line {lineno}{last}: unexpected EOF; expected value"
    if problem.startswith("Expected '=' after a key") and at_end:
        return f"toml: line {lineno}: unexpected EOF; expected key separator '='"
    if problem.startswith("Expected newline or end of document") and 0 < column <= len(line):
        ch = line[column - 1]
        if ch.isalpha():
            return (f"toml: line {lineno}: expected a top-level item to end with a newline, comment, "
                    f"or EOF, but got '{ch}' instead")
    if problem == "Invalid statement" and line.lstrip().startswith("="):
        return f"toml: line {lineno}: unexpected '=': key name appears blank"
    if problem.startswith("Unescaped '\\' in a string"):
        esc = next((line[i:i + 2] for i in range(len(line) - 1)
                    if line[i] == "\\" and line[i + 1] not in _VALID_ESCAPES), None)
        if esc:
            return f"toml: line {lineno}{last}: invalid escape in string '{esc}'"
    return f"toml: line {lineno}: {problem}"


__all__ = ["TomlTime", "dumps", "loads"]
