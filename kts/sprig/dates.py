"""Sprig's date functions over ``GoTime`` (Go layouts, IANA zones, Go durations)."""

from __future__ import annotations

from typing import Any

from kts.gotemplate.gotypes import FuncMap, GoError, Int32, Int64, gofunc
from kts.sprig.conversion import parse_int
from kts.sprig.gotime import (
    LOCAL,
    NS,
    UTC,
    GoTime,
    Location,
    duration_string,
    load_location,
    parse_duration,
    parse_in_location,
    round_duration,
)


def _as_time(date: Any, int32_ok: bool = True) -> GoTime:
    """Sprig's type switch: a time, or Unix seconds as int/int64(/int32); anything else is now."""
    if isinstance(date, GoTime):
        return date
    if type(date) is int or type(date) is Int64 or (int32_ok and type(date) is Int32):
        return GoTime.unix(int(date))
    return GoTime.now()


def _zone(zone: str) -> Location:
    try:
        return load_location(zone)
    except GoError:
        return UTC


@gofunc("string", "interface {}", "string", result="string")
def dateInZone(fmt: str, date: Any, zone: str) -> str:
    return _as_time(date).in_location(_zone(zone)).format(fmt)


@gofunc("string", "interface {}", result="string")
def date(fmt: str, date: Any) -> str:
    return dateInZone.fn(fmt, date, "Local")


@gofunc("interface {}", result="string")
def htmlDate(date: Any) -> str:
    return dateInZone.fn("2006-01-02", date, "Local")


@gofunc("interface {}", "string", result="string")
def htmlDateInZone(date: Any, zone: str) -> str:
    return dateInZone.fn("2006-01-02", date, zone)


@gofunc(result="time.Time")
def now() -> GoTime:
    return GoTime.now()


@gofunc("string", "time.Time", result="time.Time")
def dateModify(fmt: str, date: GoTime) -> GoTime:
    try:
        return date.add(parse_duration(fmt))
    except GoError:
        return date


@gofunc("string", "time.Time", result="time.Time", error=True)
def mustDateModify(fmt: str, date: GoTime) -> GoTime:
    return date.add(parse_duration(fmt))


@gofunc("interface {}", result="string")
def ago(date: Any) -> str:
    t = _as_time(date, int32_ok=False)
    return duration_string(round_duration(GoTime.now().sub(t), NS))


@gofunc("interface {}", result="string")
def duration(sec: Any) -> str:
    if isinstance(sec, str):
        n, err = parse_int(sec, 10)
        n = 0 if err == "invalid syntax" else n
    elif type(sec) is Int64:
        n = int(sec)
    else:
        n = 0
    return duration_string(n * NS)


@gofunc("interface {}", result="string")
def durationRound(duration: Any) -> str:
    if isinstance(duration, str):
        try:
            d = parse_duration(duration)
        except GoError:
            d = 0
    elif type(duration) is Int64:
        d = int(duration)
    elif isinstance(duration, GoTime):
        d = GoTime.now().sub(duration)
    else:
        d = 0
    u = abs(d) & ((1 << 64) - 1)
    hour = 3600 * NS
    for unit, suffix in ((hour * 24 * 365, "y"), (hour * 24 * 30, "mo"), (hour * 24, "d"),
                         (hour, "h"), (60 * NS, "m"), (NS, "s")):
        if u > unit:
            return f"{u // unit}{suffix}"
    return "0s"


@gofunc("string", "string", result="time.Time")
def toDate(fmt: str, s: str) -> GoTime:
    try:
        return parse_in_location(fmt, s, LOCAL)
    except GoError:
        return GoTime.zero()


@gofunc("string", "string", result="time.Time", error=True)
def mustToDate(fmt: str, s: str) -> GoTime:
    return parse_in_location(fmt, s, LOCAL)


@gofunc("time.Time", result="string")
def unixEpoch(date: GoTime) -> str:
    return str(date.ns // NS)


FUNCS: FuncMap = {
    "ago": ago,
    "date": date,
    "dateInZone": dateInZone,
    "date_in_zone": dateInZone,
    "dateModify": dateModify,
    "date_modify": dateModify,
    "mustDateModify": mustDateModify,
    "must_date_modify": mustDateModify,
    "duration": duration,
    "durationRound": durationRound,
    "htmlDate": htmlDate,
    "htmlDateInZone": htmlDateInZone,
    "now": now,
    "toDate": toDate,
    "mustToDate": mustToDate,
    "unixEpoch": unixEpoch,
}
