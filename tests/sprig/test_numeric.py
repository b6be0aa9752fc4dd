"""Sprig math functions compared with real Helm."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kts.sprig import numeric, sprig_funcs
from tests.sprig.sprig_oracle import compare

FUNCS = {**sprig_funcs(), **numeric.FUNCS}

# Operands that are never zero (as int64 and as float64) and are finite: errors are tested apart,
# because one failing expression makes the oracle render every expression on its own.
OPERANDS = ["1", "-1", "7", "-7", "2", "3", "1.5", "-2.5", "3.1", "1e6", "\"12\"", "\"3.0\"", "true",
            "9223372036854775807", "-9223372036854775808", ".Values.f", ".Values.i", "(int64 5)", "1e19",
            "-1e19", "\"-4\""]
ZEROISH = ["0", "0.1", "1e-3", "-0.2", "\"x\"", "nil", "\"0x10\"", "false"]
NONFINITE = ["(float64 \"NaN\")", "(float64 \"+Inf\")", "(float64 \"-Inf\")"]

VALUES = {"f": 2.675, "i": 10}


def test_integer_math_matches_helm(tmp_path: Path) -> None:
    exprs = []
    for a, b in itertools.product(OPERANDS, repeat=2):
        exprs += [f"add {a} {b}", f"sub {a} {b}", f"mul {a} {b}", f"div {a} {b}", f"mod {a} {b}",
                  f"max {a} {b}", f"min {a} {b}"]
    for a in ZEROISH + NONFINITE:
        exprs += [f"add {a} 3", f"sub 3 {a}", f"mul {a} 3", f"div {a} 3", f"mod {a} -3", f"max {a} 0",
                  f"min {a} 0"]
    exprs += ["add", "add 1", "add 1 2 3 4.9", "add1 1.9", "add1 nil", "mul 2", "mul 2 3 4",
              "max 1", "biggest 3 9 2", "min 3 9 -2", "typeOf (add 1 2)", "typeOf (max 1)",
              "mul 9223372036854775807 2", "add1 9223372036854775807"]
    assert compare(tmp_path, FUNCS, exprs, VALUES) == []


def test_float_math_matches_helm(tmp_path: Path) -> None:
    exprs = []
    for a, b in itertools.product(OPERANDS, repeat=2):
        exprs += [f"addf {a} {b}", f"subf {a} {b}", f"mulf {a} {b}", f"divf {a} {b}", f"maxf {a} {b}",
                  f"minf {a} {b}"]
    for a in ZEROISH:
        exprs += [f"addf {a} 3", f"subf 3 {a}", f"mulf {a} 3", f"divf {a} 3", f"maxf {a} 0",
                  f"minf {a} -0.0"]
    for a in OPERANDS + ZEROISH + NONFINITE:
        exprs += [f"add1f {a}" if a not in NONFINITE else "add1f 0", f"floor {a}", f"ceil {a}",
                  f"round {a} 0", f"round {a} 2",
                  f"round {a} -1", f"round {a} 1 0.3", f"typeOf (floor {a})"]
    exprs += ["addf", "addf 0.1 0.2 0.3", "mulf 2 3.1", "divf 1 3", "divf 2 3", "divf 10 4 2",
              "divf 1 7 3", "subf 1", "maxf 1", "minf 0 -0.0", "maxf -0.0 0", "round 3.14159 2",
              "round -2.5 0", "round -2.1 0", "round 2.5 0", "round 1.005 2", "round 123.456 -2",
              "round 5 400", "round 5 -400", "round 1.5 0 0.6", "round 0.125 2", "divf 1e-20 3",
              "mulf 1e200 1e200", "divf 5 1e-300", "addf 1e308 1e308", "divf 2 0.3 0.7",
              "divf -1 6", "divf 1 -6", "divf 0.5 3"]
    assert compare(tmp_path, FUNCS, exprs, VALUES) == []


def test_sequences_match_helm(tmp_path: Path) -> None:
    nums = [-3, -1, 0, 1, 2, 5]
    exprs = [f"until {n}" for n in nums]
    exprs += [f"untilStep {a} {b} {c}" for a, b, c in itertools.product(nums, nums, [-2, -1, 0, 1, 3])]
    exprs += ["seq", f"seq {nums[0]} 1 2 3"]
    exprs += [f"seq {n}" for n in nums]
    exprs += [f"seq {a} {b}" for a, b in itertools.product(nums, nums)]
    exprs += [f"seq {a} {b} {c}" for a, b, c in itertools.product(nums, [-2, -1, 0, 1, 3], nums)]
    exprs += ["typeOf (until 3)", "randInt 5 6"]
    assert compare(tmp_path, FUNCS, exprs) == []


def test_math_errors_match_helm(tmp_path: Path) -> None:
    exprs = ["div 1 0", "mod 1 0", "div 5 nil", "mod 5 0.5", "divf 1 0", "divf 0 0", "divf 1 \"x\"",
             "divf 1 2 0", "add1f (float64 \"NaN\")", "addf 1 (float64 \"+Inf\")",
             "subf (float64 \"-Inf\") 1", "mulf 1 (float64 \"NaN\")", "maxf 1 (float64 \"NaN\")",
             "minf (float64 \"-Inf\") (float64 \"NaN\")", "maxf (float64 \"+Inf\") (float64 \"NaN\")",
             "floor (float64 \"-Inf\")", "ceil (float64 \"NaN\")", "round (float64 \"+Inf\") 2"]
    assert compare(tmp_path, FUNCS, exprs) == []


def test_rand_int_range(tmp_path: Path) -> None:
    values = {numeric.randInt.fn(2, 5) for _ in range(200)}
    assert values == {2, 3, 4}
    assert compare(tmp_path, FUNCS, ["randInt 3 3", "randInt 5 1"]) == []


_float = st.one_of(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False),
                   st.floats(allow_nan=False, allow_infinity=False)).map(repr)
_int = st.integers(min_value=-(10**12), max_value=10**12).map(str)


_EXAMPLES = 100 if os.environ.get("KTS_HYPOTHESIS_PROFILE") == "long" else 3


@pytest.mark.slow
@settings(max_examples=_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["addf", "subf", "mulf", "divf", "add", "mul", "div", "mod",
                                           "round", "maxf", "minf", "sub", "max", "min"]),
                          st.one_of(_float, _int), st.one_of(_float, _int)), min_size=100, max_size=100))
def test_random_arithmetic_matches_helm(tmp_path: Path, ops: list) -> None:
    exprs = []
    for fn, a, b in ops:
        if fn == "round":
            b = str(int(float(b)) % 7 - 3)
        exprs.append(f"{fn} {a} {b}")
    assert compare(tmp_path / str(next(_runs)), FUNCS, exprs) == []


_runs = itertools.count()
