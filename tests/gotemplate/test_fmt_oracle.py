"""printf/print/println compared with real Helm, many cases per chart render."""

from __future__ import annotations

import itertools
import math
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kts.gotemplate.fmt import sprint, sprintf, sprintln
from kts.gotemplate.gotypes import GoMap, GoSlice, Int64
from kts.gotemplate.strconv import from_go_bytes, go_bytes, is_escaped_byte
from tests.support.oracle import helm_render, write_chart

SEP = "\n<<@@SEP@@>>\n"


def go_literal(v: Any) -> str:
    """A template expression that evaluates to the Go value kts models as ``v``."""
    if v is None:
        return "nil"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, Int64):
        return f'(int64 "{int(v)}")'
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return f'(float64 "{v!r}")'
    if isinstance(v, str):
        out = ['"']
        for c in v:
            o = ord(c)
            if c in '"\\':
                out.append("\\" + c)
            elif 0xDC80 <= o <= 0xDCFF:
                out.append(f"\\x{o - 0xDC00:02x}")
            elif 0x20 <= o < 0x7F:
                out.append(c)
            else:
                out.append(f"\\U{o:08x}")
        out.append('"')
        return "".join(out)
    if isinstance(v, GoSlice) and v.elem == "string":
        return "(toStrings (list " + " ".join(go_literal(x) for x in v) + "))"
    if isinstance(v, GoMap) and v.elem == "string":
        # split gives map[string]string with keys _0, _1, ...
        assert list(v) == [f"_{i}" for i in range(len(v))]
        return "(split \"\\x00\" " + go_literal("\x00".join(v.values())) + ")"
    if isinstance(v, list):
        return "(list " + " ".join(go_literal(x) for x in v) + ")"
    if isinstance(v, dict):
        return "(dict " + " ".join(go_literal(k) + " " + go_literal(x) for k, x in v.items()) + ")"
    raise TypeError(type(v))


def as_received(text: str) -> str:
    """Our output as the oracle hands it over: invalid UTF-8 decoded with replacement."""
    return "".join("\ufffd" if is_escaped_byte(c) else c for c in from_go_bytes(go_bytes(text)))


def helm_outputs(root: Path, exprs: list[str]) -> list[str]:
    """Render each ``{{ expr }}`` in one chart and split the output."""
    chart = write_chart(root / "mychart", {"t.yaml": SEP.join("{{ " + e + " }}" for e in exprs)})
    out = helm_render(chart)
    assert isinstance(out, dict), out
    parts = out["mychart/templates/t.yaml"].split(SEP)
    assert len(parts) == len(exprs)
    return parts


def check_printf(root: Path, cases: list[tuple[str, tuple[Any, ...]]]) -> None:
    exprs = ["printf " + " ".join(go_literal(x) for x in (fmt, *args)) for fmt, args in cases]
    want = helm_outputs(root, exprs)
    bad = []
    for (fmt, args), w in zip(cases, want, strict=True):
        got = as_received(sprintf(fmt, *args))
        if got != w:
            bad.append((fmt, args, w, got))
    assert not bad, "\n".join(map(repr, bad[:30])) + f"\n{len(bad)} mismatches"


INTS = [0, 1, -1, 7, 42, -255, 255, 65, 233, 0x1F600, 1 << 40, -(1 << 63), (1 << 63) - 1,
        Int64(-9), Int64(1234567)]
FLOATS = [0.0, -0.0, 1.0, -1.5, 2.5, 3.14159, 1e6, 1234567.0, 123456.0, 1e20, 1e21, 1e-4, 1e-5,
          0.1, 1 / 3, 100.0, 999999.5, 9.5, 0.5, 1.5, 5e-324, 1.7976931348623157e308,
          math.inf, -math.inf, math.nan, 12345678.9, 0.000123456, 2.0 ** 60]
STRINGS = ["", "a", "hello", "héllo wörld", "tab\there", "quo\"te", "back`tick", "日本語",
           "\x01\x7f", "\u00ad\u2028\ufeff", "\U0001F600", "\udcff\udcc3x", "\\", "Ω≈ç"]
FLAGS = ["", "+", "-", "#", "0", " ", "-0", "+0", "# ", "+ ", "#0", "-#"]
WIDTHS = ["", "1", "5", "12"]
PRECS = ["", ".0", ".2", ".7"]


def _grid(verbs: str, values: list[Any]) -> list[tuple[str, tuple[Any, ...]]]:
    cases = []
    for flag, wid, prec, verb in itertools.product(FLAGS, WIDTHS, PRECS, verbs):
        fmt = f"[%{flag}{wid}{prec}{verb}]"
        cases.extend((fmt, (v,)) for v in values)
    return cases


@pytest.mark.slow
def test_printf_ints(tmp_path: Path) -> None:
    check_printf(tmp_path, _grid("vdbOoxXcqUst", INTS))


@pytest.mark.slow
def test_printf_floats(tmp_path: Path) -> None:
    check_printf(tmp_path, _grid("vfFeEgGxXbds", FLOATS))


@pytest.mark.slow
def test_printf_strings(tmp_path: Path) -> None:
    check_printf(tmp_path, _grid("vsqxXdT", STRINGS))


@pytest.mark.slow
def test_printf_misc_values(tmp_path: Path) -> None:
    values = [None, True, False, [1, "a", None, 2.5], {"b": 1, "a": [True]}, [],
              {}, GoSlice(["x", "y z"]), GoMap({"_0": "a", "_1": "b"}, elem="string"),
              {"k": {"n": None, "f": 1e6}}]
    check_printf(tmp_path, _grid("vdsqxtT", values))


ERROR_CASES: list[tuple[str, tuple[Any, ...]]] = [
    ("%d", ("x",)), ("%s", (5,)), ("%s", (None,)), ("%d", (None,)), ("%f", ("x",)),
    ("%d", ()), ("%d %d", (1,)), ("abc", (1, "x")), ("abc", (None,)), ("%", ()), ("%!", ()),
    ("%z", (1,)), ("%[2]d", (1,)), ("%[0]d", (1,)), ("%[x]d", (1,)), ("%[2]d %[1]d", (1, 2)),
    ("%[1]d %d %d", (1, 2)), ("%[3]*.[2]*[1]f", (12.0, 2, 6)), ("%*d", (5, 1)), ("%-*d", (5, 1)),
    ("%*d", (-5, 1)), ("%.*d", (3, 1)), ("%.*d", (-3, 1)), ("%*d", ("x", 1)), ("%.*d", ("x", 1)),
    ("%*d", (10_000_000, 1)), ("%d", ({"a": 1},)), ("%x", ({"a": "b"},)), ("%d", ([1, "a"],)),
    ("%s", ([1, "a", None],)), ("%5d", ("ab",)), ("%.1s", ([12, "abc"],)), ("%[1]", (1,)),
    ("%.", (1,)), ("%-", (1,)), ("%5", (1,)), ("%[2]*d", (1, 2)), ("%[1]2d", (1,)),
    ("%[1].2d", (1,)), ("%%%d%%", (5,)), ("%5%", ()), ("%!d", (1,)), ("%é", (1,)),
    ("%v %v", ([None], {"a": None})), ("%#v", ({"a": [1, "x", None]},)), ("%+v", ([1, {"a": 2}],)),
    ("%#v", ("q\"s",)), ("%#v", (None,)), ("%#v", (True,)), ("%#v", (GoSlice(["a"]),)),
    ("%#v", ([],)), ("%#v", ({},)), ("%#x", ("",)), ("%5x", ("",)), ("%#v", (1e21,)),
    ("%d", (True,)), ("%t", (1,)), ("%v", (-0.0,)), ("%08.3f", (-3.14159,)), ("%+.1f", (2.25,)),
    ("%x", (-255,)), ("%#b", (5,)), ("%#O", (8,)), ("%O", (-8,)), ("%#X", (255,)),
    ("%.0d", (0,)), ("%5.0d", (0,)), ("%05.0d", (0,)), ("%c", (-1,)), ("%c", (0xD800,)),
    ("%q", (0x110000,)), ("%+q", (233,)), ("%#q", (233,)), ("%#U", (0x1F600,)), ("%#U", (10,)),
    ("%.6U", (65,)), ("%08U", (65,)), ("%T", (1,)), ("%10T", ("x",)), ("%-10T|", ([1],)),
    ("%p", (1,)), ("%p", ("x",)), ("%w", (1,)), ("% d", (-5,)), ("%+d", (5,)), ("% +d", (5,)),
]


def test_quote_printability_follows_go_unicode_tables(tmp_path: Path) -> None:
    from kts.gotemplate.strconv import _UNICODE15_CATEGORIES

    points = [0xA0, 0xAD, 0x2028, 0x2029, 0xFEFF, 0x200B, 0x61C, 0xE000, 0xFFFD, 0xFFFE, 0x1CC00,
              0x10D40, 0x1FAE9, 0x11F5A, 0x1F000, 0x3000, 0x85, 0x180E, 0xE0001, 0x1D173]
    for lo, hi, _ in _UNICODE15_CATEGORIES:
        points += [lo - 1, lo, hi, hi + 1]
    text = "".join(chr(p) for p in points)
    check_printf(tmp_path, [(verb, (text,)) for verb in ("%q", "%+q", "%#q", "%s")]
                 + [("%q %U %#U %c", (p, p, p, p)) for p in points])


def test_printf_errors_and_oddities(tmp_path: Path) -> None:
    check_printf(tmp_path, ERROR_CASES)


def test_print_and_println(tmp_path: Path) -> None:
    arg_sets: list[tuple[Any, ...]] = [
        (), ("a",), ("a", "b"), (1, 2), ("a", 1, 2, "b", None, 3.5), (None, None), (1, "a", 2),
        ([1, 2], {"a": 1}), (1e6, -0.0, True), (Int64(5), 7),
    ]
    exprs, want_py = [], []
    for args in arg_sets:
        lits = " ".join(go_literal(a) for a in args)
        exprs.append(f"print {lits}")
        want_py.append(sprint(*args))
        exprs.append(f"println {lits}")
        want_py.append(sprintln(*args))
    assert helm_outputs(tmp_path, exprs) == want_py


@pytest.mark.parametrize("fmt", ["%v", "%.3g", "%e", "%.10f", "%g", "%.0e", "%#g", "%x", "%+.5G"])
def test_printf_float_thresholds(tmp_path: Path, fmt: str) -> None:
    floats = []
    for e in range(-8, 23):
        for m in (1.0, 9.999999, 5.0, 1.25, 9.9999999999):
            floats.append(m * 10.0 ** e)
            floats.append(-m * 10.0 ** e)
    check_printf(tmp_path, [(fmt, (f,)) for f in floats])


# ---------------------------------------------------------------------------
# Random directives against the oracle, many per render.

_directive = st.builds(
    lambda flags, wid, prec, verb: "%" + "".join(flags) + wid + prec + verb,
    st.lists(st.sampled_from("+-# 0"), max_size=3),
    st.sampled_from(["", "1", "3", "8", "15", "*"]),
    st.sampled_from(["", ".", ".0", ".1", ".3", ".9", ".17", ".*"]),
    st.sampled_from("vdsqxXobOcUeEfFgGt%T"),
)
_value = st.one_of(
    st.integers(min_value=-(1 << 63), max_value=(1 << 63) - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-1e7, max_value=1e7),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=8),
    # Go strings holding invalid UTF-8 (bytes kept as U+DC80..U+DCFF, normalised)
    st.text(st.sampled_from("a\u00e9\U0001f600\udcc3\udca9\udcff\udc80\udce2\udc82"), max_size=6).map(
        lambda s: from_go_bytes(go_bytes(s))),
    st.booleans(),
    st.none(),
)


@st.composite
def _case(draw: st.DrawFn) -> tuple[str, tuple[Any, ...]]:
    directives = draw(st.lists(_directive, min_size=1, max_size=3))
    text = draw(st.sampled_from(["", "a", "é|", " "]))
    fmt = text.join(["", *directives, ""])
    nargs = sum(d.count("*") + (0 if d.endswith("%") else 1) for d in directives)
    nargs += draw(st.sampled_from([0, 0, 0, 1, -1]))
    args = []
    for _ in range(max(nargs, 0)):
        args.append(draw(st.one_of(_value, st.integers(min_value=-20, max_value=20))))
    return fmt, tuple(args)


_EXAMPLES = 300 if os.environ.get("KTS_HYPOTHESIS_PROFILE") == "long" else 4


@pytest.mark.slow
@settings(max_examples=_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(_case(), min_size=150, max_size=150))
def test_printf_random_against_helm(tmp_path: Path, cases: list) -> None:
    check_printf(tmp_path / str(next(_runs)), cases)


_runs = itertools.count()
