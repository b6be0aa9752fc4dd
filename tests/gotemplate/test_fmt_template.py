"""fmt through the template engine: kts renders the same chart as Helm, byte for byte."""

from __future__ import annotations

import itertools
import os
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kts.gotemplate.errors import RenderError
from tests.gotemplate.test_fmt_oracle import ERROR_CASES, _case, as_received, go_literal
from tests.support.harness import kts_render
from tests.support.oracle import HelmFailure, helm_render, write_chart

SEP = "\n<<@@SEP@@>>\n"
_runs = itertools.count()


def assert_same_as_helm(root: Path, exprs: list[str], values: dict[str, Any] | None = None) -> None:
    """Render every ``{{ expr }}`` in one chart with Helm and with kts; outputs must be equal.

    The batch must render without error; expressions that fail go to ``assert_same_error``.
    """
    chart = write_chart(root / f"run{next(_runs)}" / "mychart",
                        {"t.yaml": SEP.join("{{ " + e + " }}" for e in exprs)})
    want = helm_render(chart, values)
    got = kts_render(chart, values)
    assert not isinstance(want, HelmFailure), want
    assert not isinstance(got, RenderError), str(got)
    want_parts = want["mychart/templates/t.yaml"].split(SEP)
    # Helm hands over invalid UTF-8 as U+FFFD; read kts's bytes the same way.
    got_parts = as_received(got["mychart/templates/t.yaml"]).split(SEP)
    assert len(want_parts) == len(got_parts) == len(exprs)
    bad = [(e, w, g) for e, w, g in zip(exprs, want_parts, got_parts, strict=True) if w != g]
    assert not bad, "\n".join(map(repr, bad[:30])) + f"\n{len(bad)} mismatches"


def assert_same_error(root: Path, exprs: list[str], values: dict[str, Any] | None = None) -> None:
    """Each expression fails in Helm and in kts with the same message."""
    bad = []
    for expr in exprs:
        chart = write_chart(root / f"err{next(_runs)}" / "mychart", {"t.yaml": "{{ " + expr + " }}"})
        want = helm_render(chart, values)
        got = kts_render(chart, values)
        want_text = want.message if isinstance(want, HelmFailure) else want
        got_text = str(got) if isinstance(got, RenderError) else got
        if want_text != got_text:
            bad.append((expr, want_text, got_text))
    assert not bad, "\n".join(map(repr, bad))


def test_printf_error_inserts_through_templates(tmp_path: Path) -> None:
    exprs = ["printf " + " ".join(go_literal(x) for x in (fmt, *args)) for fmt, args in ERROR_CASES]
    assert_same_as_helm(tmp_path, exprs)


def test_print_functions_and_output_through_templates(tmp_path: Path) -> None:
    exprs = [
        'print 1 2 "a" "b" 3 nil 1e6', 'println "a" 1 (list 1 2)', "print", "println",
        '1e6', '-0.0', '0.000001', '123456789.0', '(list 1.5 "a" nil (dict "k" 1e21))',
        '.Values.f', '.Values.m', '.Values.l', 'printf "%v %T" .Values.m .Values.m',
        'printf "%#v" .Values.l', 'printf "%d %s" .Values.i .Values.s', 'printf "%T" .Values',
        'printf "%v|%s|%q|%x" (toDate "2006" "2020") (toDate "2006" "2020") (toDate "2006" "2020") '
        '(toDate "2006" "2020")', 'printf "%T %v" (splitList "," "a,b") (split "," "a,b")',
        'printf "%v" (list (toDate "2006" "2020") (semver "1.2.3"))', 'printf "%5.1f%%" 99.44',
        'print (toDate "2006" "2021") 1', 'printf "%s" (list "a" (list "b"))',
        'printf "%x %X % x" "hé" (list "ab") "xyz"', 'printf "%q" (list "a" 1 nil)',
        'printf "%#v|%v|%T|%d" (fromJson "null") (fromJson "null") (fromJson "null") (fromJson "null")',
        'printf "%#v %v" (fromJsonArray "null") (fromJsonArray "null")',
        'printf "%#v" (list (fromJson "null"))',
    ]
    values = {"f": 1234567.0, "m": {"b": [1, 2], "a": {"x": None}}, "l": [1, "two", 3.5, True, None],
              "i": 7, "s": "str"}
    assert_same_as_helm(tmp_path, exprs, values)


_EXAMPLES = 30 if os.environ.get("KTS_HYPOTHESIS_PROFILE") == "long" else 2


@settings(max_examples=_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(_case(), min_size=100, max_size=100))
def test_random_printf_through_templates(tmp_path: Path, cases: list) -> None:
    exprs = ["printf " + " ".join(go_literal(x) for x in (fmt, *args)) for fmt, args in cases]
    assert_same_as_helm(tmp_path, exprs)
