"""Go's ``time`` package as Sprig's date functions see it: Time, Location, Duration,
layout formatting and parsing, all with Go's exact output and error texts.

A ``GoTime`` holds nanoseconds since the Unix epoch (any range), a location, and for
``now`` a monotonic reading, which ``String()`` shows as `` m=+0.001234567``.
"""

from __future__ import annotations

import os
import time as _time
from dataclasses import dataclass
from datetime import UTC as _PY_UTC
from datetime import datetime
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from kts.gotemplate.gotypes import GoError, GoInt, GoObject, Int64, Signature

NS = 1_000_000_000
_MIN_PY = -62135596800 + 2 * 86400
_MAX_PY = 253402300799 - 2 * 86400
_START_MONO = _time.monotonic_ns()

LONG_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December"]
LONG_DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
_DAYS_BEFORE = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365]


# ---------------------------------------------------------------------------
# Locations


class Location:
    """A Go ``*time.Location``: UTC, a fixed zone, or an IANA zone."""

    def __init__(self, name: str, zone: ZoneInfo | None = None, offset: int = 0,
                 abbr: str | None = None) -> None:
        self.name = name
        self.zone = zone
        self.offset = offset
        self.abbr = name if abbr is None else abbr

    def lookup(self, sec: int) -> tuple[str, int]:
        """The zone abbreviation and offset (seconds east of UTC) in effect at ``sec``."""
        if self.zone is None:
            return self.abbr, self.offset
        clamped = min(max(sec, _MIN_PY), _MAX_PY)
        dt = datetime.fromtimestamp(clamped, self.zone)
        off = dt.utcoffset()
        return dt.tzname() or "", int(off.total_seconds()) if off is not None else 0

    def lookup_name(self, name: str, sec: int) -> int | None:
        """The offset of the zone called ``name`` near ``sec``, if this location has one."""
        for delta in (0, -182 * 86400, 182 * 86400):
            abbr, off = self.lookup(sec + delta)
            if abbr == name:
                return off
        return None


UTC = Location("UTC")


def _load_local() -> Location:
    tz = os.environ.get("TZ")
    try:
        if tz is None:
            with open("/etc/localtime", "rb") as fh:
                return Location("Local", ZoneInfo.from_file(fh, key="Local"))
        tz = tz.removeprefix(":")
        if tz and tz != "UTC":
            if tz.startswith("/"):
                with open(tz, "rb") as fh:
                    return Location("Local", ZoneInfo.from_file(fh, key="Local"))
            return Location("Local", ZoneInfo(tz))
    except (OSError, ValueError, KeyError):
        pass
    return Location("UTC")


LOCAL = _load_local()


def load_location(name: str) -> Location:
    """``time.LoadLocation``; raises GoError for an unknown zone."""
    if name in ("", "UTC"):
        return UTC
    if name == "Local":
        return LOCAL
    if ".." in name or name.startswith(("/", "\\")) or "\x00" in name:
        raise GoError(f"unknown time zone {name}")
    try:
        return Location(name, ZoneInfo(name))
    except (OSError, ValueError, KeyError) as exc:
        raise GoError(f"unknown time zone {name}") from exc


# ---------------------------------------------------------------------------
# Calendar arithmetic on unbounded day counts


def civil_from_days(days: int) -> tuple[int, int, int]:
    """(year, month, day) for days since 1970-01-01 in the proleptic Gregorian calendar."""
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    return (y + 1 if m <= 2 else y), m, d


def days_from_civil(y: int, m: int, d: int) -> int:
    y -= m <= 2
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def is_leap(y: int) -> bool:
    return y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)


def days_in(month: int, year: int) -> int:
    if month == 2 and is_leap(year):
        return 29
    return _DAYS_BEFORE[month] - _DAYS_BEFORE[month - 1]


def date_to_unix(year: int, month: int, day: int, hour: int, minute: int, sec: int,
                 loc: Location) -> int:
    """Go's ``time.Date`` wall clock to Unix seconds (normalising out-of-range fields)."""
    month -= 1
    year += month // 12
    month = month % 12 + 1
    unix = days_from_civil(year, month, 1) * 86400 + (day - 1) * 86400 + hour * 3600 + minute * 60 + sec
    _, off = loc.lookup(unix)
    if off != 0:
        _, off = loc.lookup(unix - off)
        unix -= off
    return unix


# ---------------------------------------------------------------------------
# Durations


def _fmt_frac(v: int, prec: int) -> tuple[str, int]:
    digits = []
    printed = False
    for _ in range(prec):
        digit = v % 10
        printed = printed or digit != 0
        if printed:
            digits.append(str(digit))
        v //= 10
    text = "".join(reversed(digits))
    return ("." + text if printed else ""), v


def duration_string(d: int) -> str:
    """Go's ``Duration.String()``: ``1h0m0s``, ``1.5s``, ``2µs``, ``0s``."""
    d = _wrap64(d)
    neg = d < 0
    u = -d if neg else d
    if u < NS:
        if u == 0:
            return "0s"
        if u < 1000:
            prec, unit = 0, "ns"
        elif u < 1_000_000:
            prec, unit = 3, "\u00b5s"
        else:
            prec, unit = 6, "ms"
        frac, u = _fmt_frac(u, prec)
        text = str(u) + frac + unit
    else:
        frac, u = _fmt_frac(u, 9)
        text = str(u % 60) + frac + "s"
        u //= 60
        if u > 0:
            text = str(u % 60) + "m" + text
            u //= 60
            if u > 0:
                text = str(u) + "h" + text
    return "-" + text if neg else text


def _wrap64(v: int) -> int:
    v &= (1 << 64) - 1
    return v - (1 << 64) if v >> 63 else v


def time_quote(s: str) -> str:
    """The ``time`` package's own quoting (non-ASCII and controls as ``\\x`` bytes)."""
    from kts.gotemplate.strconv import go_bytes

    out = ['"']
    for c in s:
        if ord(c) >= 0x80 or c < " ":
            out.extend(f"\\x{b:02x}" for b in go_bytes(c))
        else:
            if c in '"\\':
                out.append("\\")
            out.append(c)
    out.append('"')
    return "".join(out)


_UNITS = {"ns": 1, "us": 1000, "\u00b5s": 1000, "\u03bcs": 1000, "ms": 1_000_000, "s": NS,
          "m": 60 * NS, "h": 3600 * NS}


def parse_duration(text: str) -> int:
    """``time.ParseDuration``; raises GoError with Go's message."""
    orig = text
    s = text
    invalid = GoError("time: invalid duration " + time_quote(orig))
    neg = False
    if s and s[0] in "+-":
        neg = s[0] == "-"
        s = s[1:]
    if s == "0":
        return 0
    if not s:
        raise invalid
    total = 0
    while s:
        if not (s[0] == "." or "0" <= s[0] <= "9"):
            raise invalid
        i = 0
        v = 0
        while i < len(s) and "0" <= s[i] <= "9":
            v = v * 10 + ord(s[i]) - 48
            if v > 1 << 63:
                raise invalid
            i += 1
        pre = i > 0
        s = s[i:]
        post = False
        f, scale = 0, 1.0
        if s and s[0] == ".":
            s = s[1:]
            i = 0
            overflow = False
            while i < len(s) and "0" <= s[i] <= "9":
                if not overflow:
                    if f > ((1 << 63) - 1) // 10:
                        overflow = True
                    else:
                        y = f * 10 + ord(s[i]) - 48
                        if y > 1 << 63:
                            overflow = True
                        else:
                            f = y
                            scale *= 10
                i += 1
            post = i > 0
            s = s[i:]
        if not pre and not post:
            raise invalid
        i = 0
        while i < len(s) and not (s[i] == "." or "0" <= s[i] <= "9"):
            i += 1
        if i == 0:
            raise GoError("time: missing unit in duration " + time_quote(orig))
        unit_name, s = s[:i], s[i:]
        unit = _UNITS.get(unit_name)
        if unit is None:
            raise GoError("time: unknown unit " + time_quote(unit_name) + " in duration " + time_quote(orig))
        if v > (1 << 63) // unit:
            raise invalid
        v *= unit
        if f > 0:
            v += int(float(f) * (float(unit) / scale))
            if v > 1 << 63:
                raise invalid
        total += v
        if total > 1 << 63:
            raise invalid
    if neg:
        return _wrap64(-total)
    if total > (1 << 63) - 1:
        raise invalid
    return total


def round_duration(d: int, m: int) -> int:
    """``Duration.Round(m)``."""
    if m <= 0:
        return d
    r = abs(d) % m
    if d < 0:
        if r + r < m:
            return d + r
        d1 = d - m + r
        return d1 if d1 < d and d1 >= -(1 << 63) else -(1 << 63)
    if r + r < m:
        return d - r
    d1 = d + m - r
    return d1 if d1 <= (1 << 63) - 1 else (1 << 63) - 1


# ---------------------------------------------------------------------------
# Layouts


@dataclass(frozen=True)
class _Std:
    code: str
    digits: int = 0
    sep: str = "."


_TZ_CODES = [("-070000", "-070000"), ("-07:00:00", "-07:00:00"), ("-0700", "-0700"),
             ("-07:00", "-07:00"), ("-07", "-07")]
_ISO_CODES = [("Z070000", "Z070000"), ("Z07:00:00", "Z07:00:00"), ("Z0700", "Z0700"),
              ("Z07:00", "Z07:00"), ("Z07", "Z07")]
_STD0X = ["01", "02", "03", "04", "05", "06"]


def next_std_chunk(layout: str) -> tuple[str, _Std | None, str]:
    """Go's ``nextStdChunk``: literal prefix, the layout element, and the rest."""
    n = len(layout)
    for i, c in enumerate(layout):
        rest = layout[i:]
        if c == "J":
            if rest.startswith("Jan"):
                if rest.startswith("January"):
                    return layout[:i], _Std("January"), layout[i + 7:]
                if not _starts_lower(layout[i + 3:]):
                    return layout[:i], _Std("Jan"), layout[i + 3:]
        elif c == "M":
            if rest.startswith("Mon"):
                if rest.startswith("Monday"):
                    return layout[:i], _Std("Monday"), layout[i + 6:]
                if not _starts_lower(layout[i + 3:]):
                    return layout[:i], _Std("Mon"), layout[i + 3:]
            if rest.startswith("MST"):
                return layout[:i], _Std("MST"), layout[i + 3:]
        elif c == "0":
            if n >= i + 2 and "1" <= layout[i + 1] <= "6":
                return layout[:i], _Std(_STD0X[ord(layout[i + 1]) - 49]), layout[i + 2:]
            if rest.startswith("002"):
                return layout[:i], _Std("002"), layout[i + 3:]
        elif c == "1":
            if rest.startswith("15"):
                return layout[:i], _Std("15"), layout[i + 2:]
            return layout[:i], _Std("1"), layout[i + 1:]
        elif c == "2":
            if rest.startswith("2006"):
                return layout[:i], _Std("2006"), layout[i + 4:]
            return layout[:i], _Std("2"), layout[i + 1:]
        elif c == "_":
            if rest.startswith("_2"):
                if rest.startswith("_2006"):
                    return layout[:i + 1], _Std("2006"), layout[i + 5:]
                return layout[:i], _Std("_2"), layout[i + 2:]
            if rest.startswith("__2"):
                return layout[:i], _Std("__2"), layout[i + 3:]
        elif c in "345":
            return layout[:i], _Std(c), layout[i + 1:]
        elif c == "P":
            if rest.startswith("PM"):
                return layout[:i], _Std("PM"), layout[i + 2:]
        elif c == "p":
            if rest.startswith("pm"):
                return layout[:i], _Std("pm"), layout[i + 2:]
        elif c == "-":
            for token, code in _TZ_CODES:
                if rest.startswith(token):
                    return layout[:i], _Std(code), layout[i + len(token):]
        elif c == "Z":
            for token, code in _ISO_CODES:
                if rest.startswith(token):
                    return layout[:i], _Std(code), layout[i + len(token):]
        elif c in ".," and i + 1 < n and layout[i + 1] in "09":
            ch = layout[i + 1]
            j = i + 1
            while j < n and layout[j] == ch:
                j += 1
            if not (j < n and "0" <= layout[j] <= "9"):
                code = "frac0" if ch == "0" else "frac9"
                return layout[:i], _Std(code, j - (i + 1), c), layout[j:]
    return layout, None, ""


def _starts_lower(s: str) -> bool:
    return bool(s) and "a" <= s[0] <= "z"


def _pad(v: int, width: int) -> str:
    if v < 0:
        return "-" + str(-v).rjust(width, "0")
    return str(v).rjust(width, "0")


# ---------------------------------------------------------------------------
# Time


class Month(GoInt):
    """``time.Month``: an int that prints as its English name."""

    go_type = "time.Month"

    def go_string(self) -> str:
        return LONG_MONTHS[self - 1] if 1 <= self <= 12 else f"%!Month({int(self)})"


class Weekday(GoInt):
    """``time.Weekday``: an int that prints as its English name."""

    go_type = "time.Weekday"

    def go_string(self) -> str:
        return LONG_DAYS[self] if 0 <= self <= 6 else f"%!Weekday({int(self)})"


class GoTime(GoObject):
    """A Go ``time.Time``."""

    go_type = "time.Time"
    go_kind = "struct"
    go_fields: ClassVar[tuple[str, ...]] = ()
    go_methods: ClassVar[dict[str, Signature]] = {
        "Format": Signature(("string",), None, "string"),
        "String": Signature((), None, "string"),
        "Unix": Signature((), None, "int64"),
        "UnixMilli": Signature((), None, "int64"),
        "UnixMicro": Signature((), None, "int64"),
        "UnixNano": Signature((), None, "int64"),
        "Year": Signature((), None, "int"),
        "Month": Signature((), None, "time.Month"),
        "Weekday": Signature((), None, "time.Weekday"),
        "YearDay": Signature((), None, "int"),
        "Day": Signature((), None, "int"),
        "Hour": Signature((), None, "int"),
        "Minute": Signature((), None, "int"),
        "Second": Signature((), None, "int"),
        "Nanosecond": Signature((), None, "int"),
        "IsZero": Signature((), None, "bool"),
        "UTC": Signature((), None, "time.Time"),
        "Local": Signature((), None, "time.Time"),
    }

    __slots__ = ("loc", "mono", "ns")

    def __init__(self, ns: int, loc: Location = UTC, mono: int | None = None) -> None:
        self.ns = ns
        self.loc = loc
        self.mono = mono

    def __repr__(self) -> str:
        return f"GoTime({self.String()!r})"

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, GoTime) and self.ns == other.ns and self.loc is other.loc
                and self.mono == other.mono)

    def __hash__(self) -> int:
        return hash(self.ns)

    # -- construction ------------------------------------------------------------

    @classmethod
    def now(cls) -> GoTime:
        return cls(_time.time_ns(), LOCAL, _time.monotonic_ns() - _START_MONO + 1)

    @classmethod
    def unix(cls, sec: int, nsec: int = 0) -> GoTime:
        return cls(sec * NS + nsec, LOCAL)

    @classmethod
    def zero(cls) -> GoTime:
        return cls(-62135596800 * NS, UTC)

    def in_location(self, loc: Location) -> GoTime:
        return GoTime(self.ns, loc)

    def add(self, d: int) -> GoTime:
        return GoTime(self.ns + d, self.loc, None if self.mono is None else self.mono + d)

    def sub(self, other: GoTime) -> int:
        """``t.Sub(u)`` saturating at the int64 limits, monotonic when both have readings."""
        if self.mono is not None and other.mono is not None:
            d = self.mono - other.mono
        else:
            d = self.ns - other.ns
        return max(-(1 << 63), min((1 << 63) - 1, d))

    # -- fields -------------------------------------------------------------------

    def _fields(self) -> dict[str, Any]:
        sec, nsec = divmod(self.ns, NS)
        abbr, offset = self.loc.lookup(sec)
        local = sec + offset
        days, rem = divmod(local, 86400)
        year, month, day = civil_from_days(days)
        yday = _DAYS_BEFORE[month - 1] + day + (1 if month > 2 and is_leap(year) else 0)
        return {"year": year, "month": month, "day": day, "hour": rem // 3600,
                "minute": rem // 60 % 60, "second": rem % 60, "nsec": nsec,
                "wday": (days + 4) % 7, "yday": yday, "abbr": abbr, "offset": offset}

    def format(self, layout: str) -> str:
        """``t.Format(layout)``."""
        f = self._fields()
        out: list[str] = []
        while layout:
            prefix, std, layout = next_std_chunk(layout)
            out.append(prefix)
            if std is None:
                break
            out.append(_format_std(std, f))
        return "".join(out)

    # -- methods visible to templates -------------------------------------------------

    def go_string(self) -> str:
        return self.String()

    def String(self) -> str:
        text = self.format("2006-01-02 15:04:05.999999999 -0700 MST")
        if self.mono is not None:
            m = self.mono
            sign = "+" if m >= 0 else "-"
            m = abs(m)
            text += f" m={sign}{m // NS}.{m % NS:09d}"
        return text

    def Format(self, layout: str) -> str:
        return self.format(layout)

    def Unix(self) -> Int64:
        return Int64(self.ns // NS)

    def UnixMilli(self) -> Int64:
        return Int64(self.ns // 1_000_000)

    def UnixMicro(self) -> Int64:
        return Int64(self.ns // 1000)

    def UnixNano(self) -> Int64:
        return Int64(self.ns)

    def Year(self) -> int:
        return self._fields()["year"]

    def Month(self) -> Month:
        return Month(self._fields()["month"])

    def Weekday(self) -> Weekday:
        return Weekday(self._fields()["wday"])

    def YearDay(self) -> int:
        return self._fields()["yday"]

    def Day(self) -> int:
        return self._fields()["day"]

    def Hour(self) -> int:
        return self._fields()["hour"]

    def Minute(self) -> int:
        return self._fields()["minute"]

    def Second(self) -> int:
        return self._fields()["second"]

    def Nanosecond(self) -> int:
        return self.ns % NS

    def IsZero(self) -> bool:
        return self.ns == -62135596800 * NS

    def UTC(self) -> GoTime:
        return GoTime(self.ns, UTC)

    def Local(self) -> GoTime:
        return GoTime(self.ns, LOCAL)

    def go_marshal_json(self) -> str:
        """``MarshalJSON``: RFC 3339 with nanoseconds, quoted (years 0..9999 only)."""
        year = self._fields()["year"]
        if not 0 <= year <= 9999:
            raise GoError("json: error calling MarshalJSON for type time.Time: "
                          "Time.MarshalJSON: year outside of range [0,9999]")
        return '"' + self.format("2006-01-02T15:04:05.999999999Z07:00") + '"'

    def to_datetime(self) -> datetime:
        """A Python datetime in UTC (microseconds; years 1..9999 only)."""
        return datetime.fromtimestamp(self.ns // 1000 / 1_000_000, _PY_UTC)


def _format_std(std: _Std, f: dict[str, Any]) -> str:
    code = std.code
    year, month, day, hour = f["year"], f["month"], f["day"], f["hour"]
    if code == "06":
        return _pad(abs(year) % 100, 2)
    if code == "2006":
        return _pad(year, 4)
    if code == "Jan":
        return LONG_MONTHS[month - 1][:3]
    if code == "January":
        return LONG_MONTHS[month - 1]
    if code == "1":
        return str(month)
    if code == "01":
        return _pad(month, 2)
    if code == "Mon":
        return LONG_DAYS[f["wday"]][:3]
    if code == "Monday":
        return LONG_DAYS[f["wday"]]
    if code == "2":
        return str(day)
    if code == "_2":
        return (" " if day < 10 else "") + str(day)
    if code == "02":
        return _pad(day, 2)
    if code == "__2":
        yday = f["yday"]
        return (" " if yday < 100 else "") + (" " if yday < 10 else "") + str(yday)
    if code == "002":
        return _pad(f["yday"], 3)
    if code == "15":
        return _pad(hour, 2)
    if code in ("3", "03"):
        hr = hour % 12 or 12
        return str(hr) if code == "3" else _pad(hr, 2)
    if code == "4":
        return str(f["minute"])
    if code == "04":
        return _pad(f["minute"], 2)
    if code == "5":
        return str(f["second"])
    if code == "05":
        return _pad(f["second"], 2)
    if code == "PM":
        return "PM" if hour >= 12 else "AM"
    if code == "pm":
        return "pm" if hour >= 12 else "am"
    if code == "MST":
        if f["abbr"]:
            return f["abbr"]
        zone = f["offset"] // 60
        sign = "-" if zone < 0 else "+"
        zone = abs(zone)
        return sign + _pad(zone // 60, 2) + _pad(zone % 60, 2)
    if code in ("frac0", "frac9"):
        return _append_nano(f["nsec"], std)
    # numeric zones
    offset = f["offset"]
    if offset == 0 and code.startswith("Z"):
        return "Z"
    zone = offset // 60 if offset >= 0 else -((-offset) // 60)
    absoff = abs(offset)
    out = "-" if zone < 0 else "+"
    zone = abs(zone)
    out += _pad(zone // 60, 2)
    body = code.lstrip("Z-")
    if ":" in body:
        out += ":"
    if body not in ("07",):
        out += _pad(zone % 60, 2)
    if body in ("070000", "07:00:00"):
        if ":" in body:
            out += ":"
        out += _pad(absoff % 60, 2)
    return out


def _append_nano(nsec: int, std: _Std) -> str:
    trim = std.code == "frac9"
    n = std.digits
    if trim and (n == 0 or nsec == 0):
        return ""
    digits = _pad(nsec, 9)
    if n < 9:
        digits = digits[:n]
    text = std.sep + digits
    if trim:
        text = text.rstrip("0")
        if text == std.sep:
            return ""
    return text


# ---------------------------------------------------------------------------
# Parsing


class _Bad(Exception):
    pass


def _is_digit(s: str, i: int) -> bool:
    return i < len(s) and "0" <= s[i] <= "9"


def _getnum(s: str, fixed: bool) -> tuple[int, str]:
    if not _is_digit(s, 0):
        raise _Bad
    if not _is_digit(s, 1):
        if fixed:
            raise _Bad
        return ord(s[0]) - 48, s[1:]
    return (ord(s[0]) - 48) * 10 + ord(s[1]) - 48, s[2:]


def _getnum3(s: str, fixed: bool) -> tuple[int, str]:
    n = 0
    i = 0
    while i < 3 and _is_digit(s, i):
        n = n * 10 + ord(s[i]) - 48
        i += 1
    if i == 0 or (fixed and i != 3):
        raise _Bad
    return n, s[i:]


def _cutspace(s: str) -> str:
    return s.lstrip(" ")


def _skip(value: str, prefix: str) -> str:
    while prefix:
        if prefix[0] == " ":
            if value and value[0] != " ":
                raise _Bad
            prefix = _cutspace(prefix)
            value = _cutspace(value)
            continue
        if not value or value[0] != prefix[0]:
            raise _Bad
        prefix = prefix[1:]
        value = value[1:]
    return value


def _lookup(tab: list[str], val: str) -> tuple[int, str]:
    for i, v in enumerate(tab):
        if len(val) >= len(v) and val[: len(v)].lower() == v.lower() and val[: len(v)].isascii():
            return i, val[len(v):]
    raise _Bad


def _time_atoi(s: str) -> int:
    neg = False
    if s and s[0] in "+-":
        neg = s[0] == "-"
        s = s[1:]
    if not s or not s.isascii() or not s.isdigit():
        raise _Bad
    return -int(s) if neg else int(s)


def _parse_nanoseconds(value: str, nbytes: int) -> int:
    if value[0] not in ".,":
        raise _Bad
    if nbytes > 10:
        value = value[:10]
        nbytes = 10
    ns = _time_atoi(value[1:nbytes])
    return ns * 10 ** (10 - nbytes)


def _parse_signed_offset(value: str) -> int:
    sign = value[0]
    if sign not in "+-":
        return 0
    i = 1
    while i < len(value) and "0" <= value[i] <= "9":
        i += 1
    if i == 1:
        return 0
    x = int(value[1:i])
    if x > 24:
        return 0
    return i


def _parse_gmt(value: str) -> int:
    value = value[3:]
    if not value:
        return 3
    return 3 + _parse_signed_offset(value)


def _parse_time_zone(value: str) -> int:
    if len(value) < 3:
        return 0
    if value[:4] in ("ChST", "MeST"):
        return 4
    if value[:3] == "GMT":
        return _parse_gmt(value)
    if value[0] in "+-":
        return _parse_signed_offset(value)
    n = 0
    while n < 6 and n < len(value) and "A" <= value[n] <= "Z":
        n += 1
    if n == 5 and value[4] == "T":
        return 5
    if n == 4 and (value[3] == "T" or value[:4] == "WITA"):
        return 4
    if n == 3:
        return 3
    return 0


def _parse_error(layout: str, value: str, layout_elem: str, value_elem: str, message: str) -> GoError:
    if message:
        return GoError("parsing time " + time_quote(value) + message)
    return GoError("parsing time " + time_quote(value) + " as " + time_quote(layout) + ": cannot parse "
                   + time_quote(value_elem) + " as " + time_quote(layout_elem))


def parse_in_location(layout: str, value: str, default: Location, local: Location | None = None) -> GoTime:
    """``time.ParseInLocation``; raises GoError with Go's message."""
    local = local or default
    alayout, avalue = layout, value
    year, month, day, yday = 0, -1, -1, -1
    hour = minute = sec = nsec = 0
    am_set = pm_set = False
    z: Location | None = None
    zone_offset = -1
    zone_name = ""
    while True:
        prefix, std, suffix = next_std_chunk(layout)
        stdstr = layout[len(prefix): len(layout) - len(suffix)]
        try:
            value = _skip(value, prefix)
        except _Bad:
            raise _parse_error(alayout, avalue, prefix, value, "") from None
        if std is None:
            if value:
                raise _parse_error(alayout, avalue, "", value, ": extra text: " + time_quote(value))
            break
        layout = suffix
        hold = value
        range_err = ""
        code = std.code
        try:
            if code == "06":
                if len(value) < 2:
                    raise _Bad
                year = _time_atoi(value[:2])
                value = value[2:]
                year += 1900 if year >= 69 else 2000
            elif code == "2006":
                if len(value) < 4 or not _is_digit(value, 0):
                    raise _Bad
                year = _time_atoi(value[:4])
                value = value[4:]
            elif code == "Jan":
                month, value = _lookup([m[:3] for m in LONG_MONTHS], value)
                month += 1
            elif code == "January":
                month, value = _lookup(LONG_MONTHS, value)
                month += 1
            elif code in ("1", "01"):
                month, value = _getnum(value, code == "01")
                if not 0 < month <= 12:
                    range_err = "month"
            elif code == "Mon":
                _, value = _lookup([d[:3] for d in LONG_DAYS], value)
            elif code == "Monday":
                _, value = _lookup(LONG_DAYS, value)
            elif code in ("2", "_2", "02"):
                if code == "_2" and value[:1] == " ":
                    value = value[1:]
                day, value = _getnum(value, code == "02")
            elif code in ("__2", "002"):
                for _ in range(2):
                    if code == "__2" and value[:1] == " ":
                        value = value[1:]
                yday, value = _getnum3(value, code == "002")
            elif code == "15":
                hour, value = _getnum(value, False)
                if not 0 <= hour < 24:
                    range_err = "hour"
            elif code in ("3", "03"):
                hour, value = _getnum(value, code == "03")
                if not 0 <= hour <= 12:
                    range_err = "hour"
            elif code in ("4", "04"):
                minute, value = _getnum(value, code == "04")
                if not 0 <= minute < 60:
                    range_err = "minute"
            elif code in ("5", "05"):
                sec, value = _getnum(value, code == "05")
                if not 0 <= sec < 60:
                    range_err = "second"
                elif len(value) >= 2 and value[0] in ".," and _is_digit(value, 1):
                    _, nxt, _ = next_std_chunk(layout)
                    if nxt is None or nxt.code not in ("frac0", "frac9"):
                        n = 2
                        while _is_digit(value, n):
                            n += 1
                        nsec = _parse_nanoseconds(value, n)
                        value = value[n:]
            elif code in ("PM", "pm"):
                if len(value) < 2:
                    raise _Bad
                p, value = value[:2], value[2:]
                if p == code:
                    pm_set = True
                elif p == ("AM" if code == "PM" else "am"):
                    am_set = True
                else:
                    raise _Bad
            elif code.startswith(("Z", "-")):
                if code.startswith("Z") and value[:1] == "Z":
                    value = value[1:]
                    z = UTC
                else:
                    body = code.lstrip("Z-")
                    if body == "07:00":
                        if len(value) < 6 or value[3] != ":":
                            raise _Bad
                        sign, hh, mm, ss, value = value[0], value[1:3], value[4:6], "00", value[6:]
                    elif body == "07":
                        if len(value) < 3:
                            raise _Bad
                        sign, hh, mm, ss, value = value[0], value[1:3], "00", "00", value[3:]
                    elif body == "07:00:00":
                        if len(value) < 9 or value[3] != ":" or value[6] != ":":
                            raise _Bad
                        sign, hh, mm, ss, value = value[0], value[1:3], value[4:6], value[7:9], value[9:]
                    elif body == "070000":
                        if len(value) < 7:
                            raise _Bad
                        sign, hh, mm, ss, value = value[0], value[1:3], value[3:5], value[5:7], value[7:]
                    else:
                        if len(value) < 5:
                            raise _Bad
                        sign, hh, mm, ss, value = value[0], value[1:3], value[3:5], "00", value[5:]
                    hr = _getnum(hh, True)[0]
                    mi = _getnum(mm, True)[0]
                    se = _getnum(ss, True)[0]
                    if hr > 24:
                        range_err = "time zone offset hour"
                    if mi > 60:
                        range_err = "time zone offset minute"
                    if se > 60:
                        range_err = "time zone offset second"
                    zone_offset = (hr * 60 + mi) * 60 + se
                    if sign == "-":
                        zone_offset = -zone_offset
                    elif sign != "+":
                        raise _Bad
            elif code == "MST":
                if value[:3] == "UTC":
                    z = UTC
                    value = value[3:]
                else:
                    n = _parse_time_zone(value)
                    if n == 0:
                        raise _Bad
                    zone_name, value = value[:n], value[n:]
            elif code == "frac0":
                ndigit = 1 + std.digits
                if len(value) < ndigit:
                    raise _Bad
                nsec = _parse_nanoseconds(value, ndigit)
                value = value[ndigit:]
            elif code == "frac9" and len(value) >= 2 and value[0] in ".," and "0" <= value[1] <= "9":
                i = 0
                while i + 1 < len(value) and "0" <= value[i + 1] <= "9":
                    i += 1
                nsec = _parse_nanoseconds(value, 1 + i)
                value = value[1 + i:]
        except _Bad:
            if range_err:
                msg = ": " + range_err + " out of range"
                raise _parse_error(alayout, avalue, stdstr, value, msg) from None
            raise _parse_error(alayout, avalue, stdstr, hold, "") from None
        if range_err:
            raise _parse_error(alayout, avalue, stdstr, value, ": " + range_err + " out of range")
    if pm_set and hour < 12:
        hour += 12
    elif am_set and hour == 12:
        hour = 0
    if yday >= 0:
        m = d = 0
        if is_leap(year):
            if yday == 31 + 29:
                m, d = 2, 29
            elif yday > 31 + 29:
                yday -= 1
        if yday < 1 or yday > 365:
            raise _parse_error(alayout, avalue, "", value, ": day-of-year out of range")
        if m == 0:
            m = (yday - 1) // 31 + 1
            if _DAYS_BEFORE[m] < yday:
                m += 1
            d = yday - _DAYS_BEFORE[m - 1]
        if month >= 0 and month != m:
            raise _parse_error(alayout, avalue, "", value, ": day-of-year does not match month")
        month = m
        if day >= 0 and day != d:
            raise _parse_error(alayout, avalue, "", value, ": day-of-year does not match day")
        day = d
    else:
        if month < 0:
            month = 1
        if day < 0:
            day = 1
    if day < 1 or day > days_in(month, year):
        raise _parse_error(alayout, avalue, "", value, ": day out of range")
    if z is not None:
        return GoTime(date_to_unix(year, month, day, hour, minute, sec, z) * NS + nsec, z)
    if zone_offset != -1:
        unix = date_to_unix(year, month, day, hour, minute, sec, UTC) - zone_offset
        name, offset = local.lookup(unix)
        if offset == zone_offset and (zone_name == "" or name == zone_name):
            return GoTime(unix * NS + nsec, local)
        return GoTime(unix * NS + nsec, Location(zone_name, None, zone_offset, zone_name))
    if zone_name:
        unix = date_to_unix(year, month, day, hour, minute, sec, UTC)
        named_offset = local.lookup_name(zone_name, unix)
        if named_offset is not None:
            return GoTime((unix - named_offset) * NS + nsec, local)
        off = 0
        if len(zone_name) > 3 and zone_name[:3] == "GMT":
            off = int(zone_name[3:]) * 3600
        # Go keeps the UTC reading of the wall clock here, only relabelling the zone.
        return GoTime(unix * NS + nsec, Location(zone_name, None, off, zone_name))
    return GoTime(date_to_unix(year, month, day, hour, minute, sec, default) * NS + nsec, default)
