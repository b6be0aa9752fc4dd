"""Sprig strings, conversions, math and dates through the template engine, against Helm.

These exercise what direct calls cannot: argument conversion by the engine (literal typing,
values from YAML as float64), pipelines, and how results print.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.gotemplate.test_fmt_template import assert_same_as_helm, assert_same_error
from tests.sprig.test_strings import WORDS

VALUES = {"n": 3, "f": 2.5, "s": "Hello World", "big": 1e6, "l": ["b", "a", 3, None], "neg": -2,
          "m": {"k": "v"}, "t": True, "z": 0, "str": "010"}


def test_string_functions_through_templates(tmp_path: Path) -> None:
    exprs = []
    for fn in ("upper", "lower", "title", "untitle", "swapcase", "snakecase", "camelcase", "kebabcase",
               "initials", "nospace", "trim", "quote", "squote", "b64enc", "sha256sum", "adler32sum"):
        exprs += [f"{fn} {json.dumps(w)}" for w in WORDS[::3]]
    exprs += [
        ".Values.s | upper", ".Values.s | trunc 5", ".Values.s | abbrev 8", "trunc -5 .Values.s",
        ".Values.s | substr 0 5", ".Values.s | replace \"o\" \"0\"", ".Values.s | splitList \" \"",
        ".Values.s | split \" \"", "(.Values.s | split \" \")._1", ".Values.l | join \",\"",
        ".Values.l | sortAlpha", "toStrings .Values.l", "quote .Values.missing", "quote .Values.big",
        "squote .Values.n .Values.t", "cat .Values.s .Values.n nil .Values.l", "toString .Values.big",
        ".Values.s | indent 2", ".Values.s | nindent 4", "\"a\\nb\" | indent 2", ".Values.s | wrap 5",
        ".Values.s | wrapWith 5 \"|\"", ".Values.s | b64enc | b64dec", ".Values.s | b32enc | b32dec",
        "b64dec \"!!\"", "hasPrefix \"He\" .Values.s", "contains \"lo W\" .Values.s", "plural \"a\" \"b\" 1",
        "repeat 3 \"ab\"", "hello", "splitn \"l\" 2 .Values.s", "trimAll \"Hd\" .Values.s",
        "trimPrefix \"Hel\" .Values.s", "trimSuffix \"rld\" .Values.s", "nospace .Values.s",
        "abbrevboth 5 10 \"1234 5678 9123\"", "typeOf (splitList \",\" \"a\")", "typeOf (split \",\" \"a\")",
        "substr 1 3 \"h\u00e9llo\" | quote", "trunc 2 \"h\u00e9llo\" | quote", "trunc 2 \"h\u00e9llo\" | len",
    ]
    assert_same_as_helm(tmp_path, exprs, VALUES)


def test_conversion_and_math_through_templates(tmp_path: Path) -> None:
    exprs = [
        "int .Values.f", "int64 .Values.str", "float64 .Values.str", "atoi .Values.str",
        "toDecimal .Values.str",
        "int .Values.big | typeOf", "add .Values.n .Values.f 1", "add1 .Values.f", "sub .Values.n 10",
        "mul .Values.n .Values.big", "div .Values.big .Values.n", "mod 7 .Values.neg",
        "max .Values.n 9 .Values.f",
        "min .Values.neg .Values.z", "addf .Values.f 0.1", "mulf .Values.f 1.1", "divf .Values.n 7",
        "subf .Values.f 1 0.2", "maxf .Values.f 2", "minf .Values.f .Values.neg", "round .Values.f 0",
        "floor .Values.f", "ceil .Values.f", "until 3", "untilStep 0 10 3", "seq 3", "seq 5 -2 1",
        "len (until 5)", "range $i := until 3", "add1 (len .Values.l)", "until 3 | typeOf",
        "mulf 2 3.1", "round 3.14159 2", "toDecimal \"0777\"", "int \"0x1F\"", "int64 \"3.0\"",
        "float64 \"1e3\"", "atoi \"12\" | add1", "randInt 1 2",
    ]
    exprs = [e for e in exprs if not e.startswith("range")]
    assert_same_as_helm(tmp_path, exprs, VALUES)


def test_dates_through_templates(tmp_path: Path) -> None:
    exprs = [
        "dateInZone \"Jan 2, 2006 3:04pm MST\" 1700000000 \"America/New_York\"", "date \"2006-01-02\" 0",
        "date \"2006\" (int64 1700000000)", "htmlDateInZone 1700000000 \"Asia/Tokyo\"",
        "toDate \"2006-01-02\" \"2023-11-14\"", "toDate \"2006-01-02\" \"2023-11-14\" | unixEpoch",
        "toDate \"2006-01-02\" \"2023-11-14\" | date \"Mon Jan 2\"", "toDate \"2006\" \"x\"",
        "toDate \"2006-01-02\" \"2023-11-14\" | dateModify \"-1.5h\"", "duration \"95\"", "duration 95",
        "durationRound \"2h10m\"", "toDate \"2006-01-02\" \"2023-11-14\" | typeOf",
        "(toDate \"2006-01-02\" \"2023-11-14\").Year", "(toDate \"2006-01-02\" \"2023-11-14\").Unix",
        "(toDate \"2006-01-02\" \"2023-11-14\").Format \"02/01/06\"", "(toDate \"2006\" \"2020\").UTC",
        "(toDate \"2006-01-02\" \"2023-11-14\").YearDay", "(toDate \"2006\" \"x\").IsZero",
        "mustToDate \"2006-01-02 MST\" \"2023-11-14 EST\"",
        "must_date_modify \"1m\" (toDate \"2006\" \"2020\")",
        "date_in_zone \"15:04 Z07:00\" 0 \"Asia/Kolkata\"", "now | date \"2006\" | len",
        "now | typeOf", "ago now", "dateInZone \"2006\" 0 .Values.s",
        "(toDate \"2006-01-02\" \"2023-11-14\").Month", "(toDate \"2006-01-02\" \"2023-11-14\").Weekday",
        "printf \"%d %v %T %q\" (toDate \"2006-01-02\" \"2023-11-14\").Month "
        "(toDate \"2006\" \"2023\").Month (toDate \"2006\" \"2023\").Month "
        "(toDate \"2006\" \"2023\").Weekday",
        "list (toDate \"2006\" \"2023\").Month (toDate \"2006\" \"2023\").Local",
        "(toDate \"2006-01-02 15:04:05.999\" \"2023-11-14 01:02:03.25\").Nanosecond",
        "toDate \"2006-01-02 15:04:05.999 -0700\" \"2023-11-14 01:02:03.25 +0530\" | toJson",
        "dict \"t\" (toDate \"2006\" \"2020\") | toYaml", "list (toDate \"2006\" \"2020\") | toPrettyJson",
        "list (dateModify \"-1h\" (toDate \"2006\" \"0000\")) | toJson",
    ]
    assert_same_as_helm(tmp_path, exprs, VALUES)


def test_errors_through_templates(tmp_path: Path) -> None:
    exprs = [
        "upper 5", "trunc .Values.f \"abc\"", "trunc \"1\" \"abc\"", "substr 7 2 \"hello\"",
        "substr 0 9 \"hi\" | substr -1 20", "substr 3 -1 \"hi\"", "repeat -1 \"x\"", "indent -2 \"x\"",
        "div 1 0", "mod 5 0", "divf 1 0", "addf (float64 \"NaN\")", "until .Values.n",
        "round 2.5 1.5", "seq 1 \"2\"", "randInt 3 3", "dateModify \"1h\" \"2020\"",
        "mustDateModify \"1d\" (toDate \"2006\" \"2020\")", "mustToDate \"2006-01-02\" \"2023-02-30\"",
        "unixEpoch 5", "plural \"a\" \"b\" .Values.n", "atoi 5", "contains 1 \"a\"",
        "printf 5", "split \",\"", "join", "wrapWith 3 \"a\"",
        "mustToJson (dateModify \"-1h\" (toDate \"2006\" \"0000\"))",
    ]
    assert_same_error(tmp_path, exprs, VALUES)
