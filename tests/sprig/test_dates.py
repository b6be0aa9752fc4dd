"""Sprig date functions compared with real Helm at fixed instants, plus properties of ``now``."""

from __future__ import annotations

import itertools
import json
import os
import re
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kts.sprig import dates, sprig_funcs
from kts.sprig.gotime import GoTime, duration_string, parse_duration
from tests.sprig.sprig_oracle import compare, helm_eval

FUNCS = {**sprig_funcs(), **dates.FUNCS}

LAYOUTS = [
    "2006-01-02T15:04:05Z07:00", "2006-01-02 15:04:05.999999999 -0700 MST", "Jan 2, 2006 3:04pm MST",
    "Mon Jan _2 15:04:05 2006", "Monday, 02-Jan-06 15:04:05 MST", "January 2 06 03:04:05 PM",
    "002 __2 _2 2 1 01 3 03 4 04 5 05", "-07 -0700 -07:00 -070000 -07:00:00",
    "Z07 Z0700 Z07:00 Z070000 Z07:00:00", ".000 .999 ,000 ,999 .0 .9 .000000000 .999999999",
    "Janx Monx Jans Mons _2006 __2006 2006_2", "15h04m05s", "Year 2006 day 002", "05.000000",
    "pm PM Mo Ju MSTX", "1.0 2.00 3.9", "", "literal", "06 2006 0002", "15:04:05.00000",
]
ZONES = ["UTC", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "America/St_Johns",
         "Europe/London", "Asia/Kathmandu", "Africa/Monrovia", "Nope/Zone", "", "Local", "EST",
         "Etc/GMT+5", "America/Sao_Paulo"]
INSTANTS = ["0", "1700000000", "-1", "951782400", "1710054000", "(int64 1711846800)",
            "-62135596800", "253402300800", "-2208988800", "4102444800", "(int64 -5000000000)"]


@pytest.mark.slow
def test_date_in_zone_matches_helm(tmp_path: Path) -> None:
    exprs = []
    for layout, (zone, inst) in zip(LAYOUTS * 8, itertools.product(ZONES, INSTANTS), strict=False):
        exprs.append(f"dateInZone {json.dumps(layout)} {inst} {json.dumps(zone)}")
    for layout, zone in itertools.product(LAYOUTS, ZONES):
        exprs.append(f"dateInZone {json.dumps(layout)} 1700000000 {json.dumps(zone)}")
    for inst, zone in itertools.product(INSTANTS, ZONES):
        exprs += [f"dateInZone \"2006-01-02 15:04:05 MST -07:00:00 Mon 002\" {inst} {json.dumps(zone)}",
                  f"htmlDateInZone {inst} {json.dumps(zone)}"]
    exprs += [f"date \"2006-01-02T15:04:05Z07:00\" {inst}" for inst in INSTANTS]
    exprs += [f"htmlDate {inst}" for inst in INSTANTS]
    exprs += ["date_in_zone \"15:04\" 0 \"Asia/Tokyo\""]
    assert compare(tmp_path, FUNCS, exprs) == []


PARSES = [
    ("2006-01-02", "2023-11-14"), ("2006-01-02T15:04:05Z07:00", "2023-11-14T10:20:30+05:30"),
    ("2006-01-02T15:04:05Z07:00", "2023-11-14T10:20:30Z"), ("2006-01-02 15:04:05.000", "2023-11-14 1:2:3.4"),
    ("2006-01-02 15:04:05", "2023-11-14 10:20:30.123456789"), ("Jan 2 2006", "nov 14 2023"),
    ("January 2, 2006 3:04 PM", "November 14, 2023 12:05 AM"), ("2006-01-02 MST", "2023-11-14 EST"),
    ("2006-01-02 MST", "2023-11-14 UTC"), ("2006-01-02 MST", "2023-11-14 GMT+3"),
    ("2006-01-02 -0700", "2023-11-14 +0000"), ("2006-01-02 -07", "2023-11-14 -03"),
    ("2006 002", "2024 060"), ("2006 002", "2023 365"), ("06-1-2", "69-1-2"), ("06-1-2", "68-1-2"),
    ("Mon 2006-01-02", "Tue 2023-11-14"), ("2006-01-02 .999", "2023-11-14 .5"), ("_2 Jan", " 5 Feb"),
    ("15:04", "23:59"), ("3PM", "12AM"),
    ("2006-01-02T15:04:05.999999999Z07:00", "2023-11-14T10:20:30.000000001-08:00"),
    ("2006-01-02", "2024-02-29"), ("2006-01-02 MST", "2023-11-14 ChST"), ("Z07:00:00", "+01:02:03"),
]
BAD_PARSES = [
    ("2006-01-02", "2023-13-14"), ("2006-01-02", "2023-02-30"), ("2006-01-02", "x"), ("x", "y"),
    ("2006-01-02", "2023-11-14 extra"), ("15:04", "24:00"), ("15:04", "23:60"), ("2006 002", "2023 366"),
    ("2006-01-02 002", "2023-01-02 003"), ("Jan", "Foo"), ("2006-01-02 -0700", "2023-11-14 +2500"),
    ("3PM", "3XM"), ("2006 MST", "2023 Abc"), ("2006-01-02", "2023-1-02"), ("2006", "20x3"),
    ("2006-01-02", "h\u00e9"), ("05.000", "05.1"),
]


@pytest.mark.slow
def test_to_date_matches_helm(tmp_path: Path) -> None:
    exprs = []
    for layout, value in PARSES:
        lit = f"{json.dumps(layout)} {json.dumps(value)}"
        exprs += [f"toDate {lit}", f"unixEpoch (toDate {lit})", f"mustToDate {lit}"]
    for layout, value in BAD_PARSES:
        exprs.append(f"toDate {json.dumps(layout)} {json.dumps(value)}")
    assert compare(tmp_path, FUNCS, exprs) == []


def test_parse_errors_match_helm(tmp_path: Path) -> None:
    exprs = [f"mustToDate {json.dumps(layout)} {json.dumps(value)}" for layout, value in BAD_PARSES]
    assert compare(tmp_path, FUNCS, exprs) == []


DURATIONS = ["0", "1h", "1h30m", "-1.5h", "90s", "1.5s", "1ms", "1.2ms", "1us", "1\u00b5s", "3ns",
             "+5m", "2h10m", "100h", "1000000h", "2562047h47m16.854775807s", ".5s", "5.s", "1d", "x",
             "", "-", "1", "1.5", "9223372036854775807ns", "9223372036854775808ns", "1h1h",
             "0.000000001s", "17520h1s", "-720h1m", "3.0000000000000000000001h", "8760h", "1\u00e9"]


def test_durations_match_helm(tmp_path: Path) -> None:
    exprs = []
    for d in DURATIONS:
        lit = json.dumps(d)
        exprs += [f"durationRound {lit}", f"dateModify {lit} (toDate \"2006\" \"2020\")",
                  f"date_modify {lit} (toDate \"2006\" \"2020\") | unixEpoch"]
    for n in ["0", "1", "59", "60", "3600", "90061", "-90", "9223372036854775807", "\"90\"", "\"x\"",
              "\"-3601\"", "\"99999999999999999999\""]:
        exprs += [f"duration {n}", f"duration (int64 {n})" if not n.startswith('"') else f"duration {n}"]
    exprs += ["durationRound (int64 3600000000000)", "durationRound 5",
              "durationRound (int64 -90000000000000)",
              "durationRound (toDate \"2006\" \"1990\")", "ago (toDate \"2006\" \"1990\") | typeOf"]
    assert compare(tmp_path, FUNCS, exprs) == []


def test_duration_errors_match_helm(tmp_path: Path) -> None:
    exprs = [f"mustDateModify {json.dumps(d)} (toDate \"2006\" \"2020\")"
             for d in ["x", "", "1d", "1h1", "-", "9223372036854775808ns", "1\u00e9", ".s"]]
    assert compare(tmp_path, FUNCS, exprs) == []


def test_duration_string_round_trips() -> None:
    for d in [0, 1, 999, 1000, 1_500_000, 10**9, 90 * 10**9, 3600 * 10**9 + 1, -(2**63), 2**63 - 1]:
        text = duration_string(d)
        if d != -(2**63):
            assert parse_duration(text) == d, text


def test_now_is_current_and_monotonic(tmp_path: Path) -> None:
    t = dates.now.fn()
    assert isinstance(t, GoTime)
    assert abs(t.ns / 1e9 - time.time()) < 5
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? [+-]\d{4} \S+ m=\+\d+\.\d{9}", t.String())
    # a modified `now` keeps its monotonic reading, a zone conversion drops it
    assert " m=+" in dates.dateModify.fn("1h", t).String()
    assert " m=" not in t.UTC().String()
    # anything that is not a time or Unix seconds means now, in Helm as in kts
    def today() -> list[str]:
        return [time.strftime("%Y"), time.strftime("%Y-%m-%d")]

    before = today()
    helm = helm_eval(tmp_path, ['date "2006" "not-a-date"', "htmlDate 1.5", "now | typeOf",
                                'now | date "2006"'])
    ours = [dates.date.fn("2006", "not-a-date"), dates.htmlDate.fn(1.5), "time.Time",
            dates.date.fn("2006", t)]
    after = today()
    assert helm in ([*before, "time.Time", before[0]], [*after, "time.Time", after[0]])
    assert ours in ([*before, "time.Time", before[0]], [*after, "time.Time", after[0]])
    assert dates.ago.fn(t) == "0s"


_LAYOUT_PIECES = ["2006", "06", "01", "1", "Jan", "January", "02", "2", "_2", "002", "__2", "15", "03", "3",
                  "04", "4", "05", "5", "PM", "pm", "Mon", "Monday", "MST", "-0700", "-07:00", "-07",
                  "Z07:00", "Z0700", ".000", ".999999999", ",99", " ", "-", ":", "T", "x", "/"]
_ZONES = ["UTC", "America/New_York", "Europe/Berlin", "Asia/Kolkata", "Australia/Adelaide", "Pacific/Apia",
          "America/Santiago", "Africa/Casablanca", "Europe/Dublin", "Asia/Tehran", "Local", "bogus"]
_EXAMPLES = 60 if os.environ.get("KTS_HYPOTHESIS_PROFILE") == "long" else 4


@pytest.mark.slow
@settings(max_examples=_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.lists(st.sampled_from(_LAYOUT_PIECES), min_size=1, max_size=6),
                          st.integers(min_value=-5_000_000_000, max_value=5_000_000_000),
                          st.sampled_from(_ZONES)), min_size=60, max_size=60))
def test_random_layouts_instants_and_zones(tmp_path: Path, cases: list) -> None:
    exprs = []
    for pieces, instant, zone in cases:
        layout = json.dumps("".join(pieces))
        exprs.append(f"dateInZone {layout} (int64 {instant}) {json.dumps(zone)}")
        # parse what was formatted (UTC, so the result is unambiguous), printing the time
        exprs.append(f"toDate {layout} (dateInZone {layout} (int64 {instant}) \"UTC\")")
    assert compare(tmp_path / str(next(_runs)), FUNCS, exprs) == []


_runs = itertools.count()
