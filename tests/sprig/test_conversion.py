"""Sprig conversions (spf13/cast rules) compared with real Helm."""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kts.sprig import conversion, sprig_funcs
from tests.sprig.sprig_oracle import compare

FUNCS = {**sprig_funcs(), **conversion.FUNCS}

STRINGS = [
    "", "0", "5", "-5", "+5", "010", "08", "0x1F", "0X1f", "0b101", "0o17", "0o", "0x", "0b", "3.0",
    "3.00", "3.", ".0", "0.0", "3.9", "-3.0", "1e3", "1E3", "  5 ", "abc", "1_000", "0x_1F", "_1",
    "1__0", "1_", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
    "-9223372036854775809", "18446744073709551616", "99999999999999999999", "0777", "777", "-0777",
    "inf", "+Inf", "-infinity", "NaN", "nan", "+nan", "infin", "0x1p-2", "0x1.8p1", "0x1", "0x.8p1",
    "1e400", "-1e400", "1e-400", "4.9e-324", "1.7976931348623157e308", "1_000.5", "1.5e1_0",
    "0.1", "-0", "-0.0", "١٢", "12a", "0xG", "1e+5", "1e-5", ".5", "5.", ".", "e5", "-", "+",
    "0b2", "0o8", "00", "0_7", "1.0e3", "2.50", "100.000",
]


def test_string_conversions_match_helm(tmp_path: Path) -> None:
    exprs = []
    for s in STRINGS:
        lit = json.dumps(s)
        exprs += [f"int {lit}", f"int64 {lit}", f"float64 {lit}", f"atoi {lit}", f"toDecimal {lit}"]
    assert compare(tmp_path, FUNCS, exprs) == []


def test_value_conversions_match_helm(tmp_path: Path) -> None:
    operands = ["nil", "true", "false", "0", "7", "-7", "3.99", "-3.99", "1e6", "1.5e19", "-1e30",
                "(list 1)", "(dict)", "(int64 5)", "(float64 \"NaN\")", "(float64 \"-Inf\")",
                "9223372036854775807", "-9223372036854775808", "0.5", "0x1F", "1e300", ".Values.f",
                ".Values.i", ".Values.s", ".Values.big"]
    exprs = []
    for op in operands:
        exprs += [f"int {op}", f"int64 {op}", f"float64 {op}", f"toDecimal {op}", f"typeOf (int {op})",
                  f"typeOf (int64 {op})", f"typeOf (float64 {op})", f"typeOf (toDecimal {op})"]
    values = {"f": 2.5, "i": 10, "s": "12", "big": 1e20}
    assert compare(tmp_path, FUNCS, exprs, values) == []


_ALPHABET = "0123456789+-._xXoObBeEpPaAfFinINty "
_EXAMPLES = 150 if os.environ.get("KTS_HYPOTHESIS_PROFILE") == "long" else 5


@settings(max_examples=_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(st.sampled_from(_ALPHABET), max_size=8), min_size=80, max_size=80))
def test_random_numeric_strings_match_helm(tmp_path: Path, texts: list[str]) -> None:
    exprs = []
    for text in texts:
        lit = json.dumps(text)
        exprs += [f"{fn} {lit}" for fn in ("int", "int64", "float64", "atoi", "toDecimal")]
    assert compare(tmp_path / str(next(_runs)), FUNCS, exprs) == []


_runs = itertools.count()
