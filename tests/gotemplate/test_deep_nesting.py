"""Templates nested as deep as Go allows render as Helm renders them.

Go's stacks grow on demand; kts charges each nesting level to the thread and continues on a
fresh thread when a thread's share is spent (kts.gotemplate.deep). These tests compare with
real Helm at Go's own limits and check that no thread's Python stack grows with the nesting.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from kts.gotemplate import TemplateSet, deep
from kts.sprig import sprig_funcs
from tests.sprig.sprig_oracle import go_signals
from tests.support.harness import assert_same
from tests.support.oracle import write_chart

N = 10_000


def _nest(open_: str, close: str, inner: str, n: int = N) -> str:
    return open_ * n + inner + close * n


RECURSE = '{{ define "r" }}{{ if gt . 0 }}{{ template "r" (sub . 1) }}{{ end }}{{ end }}'
DEEP_HELPER = ('{{ define "h" }}' + _nest("{{ if true }}", "{{ end }}",
               '{{ if gt . 0 }}{{ include "h" (sub . 1) }}{{ end }}', 150) + "{{ end }}")
BUILD = '{{ $d := dict }}{{ range until 10000 }}{{ $d = dict "a" $d }}{{ end }}'

CASES = {
    "if": _nest("{{ if true }}", "{{ end }}", "x"),
    "with": _nest("{{ with 1 }}", "{{ end }}", "{{ . }}"),
    "range": _nest("{{ range until 1 }}", "{{ end }}", "x"),
    "range-break": _nest("{{ range until 2 }}", "{{ break }}{{ end }}", "x", 3000),
    "else-if": "{{ if false }}" + "{{ else if false }}" * N + "{{ else }}y{{ end }}",
    "else-with": "{{ with 0 }}" + "{{ else with 0 }}" * N + "{{ else }}y{{ end }}",
    "parens": "{{ " + _nest("(", ")", "1") + " }}",
    "parens-over-go-limit": "{{ " + _nest("(", ")", "1", N + 1) + " }}",
    "function-args": "{{ " + _nest("(add 1 ", ")", "0", 3000) + " }}",
    "variables-in-depth": _nest("{{ with $x := 1 }}", "{{ $x }}{{ end }}", "{{ $.Release.Name }}", 3000),
    "template-calls": RECURSE + '{{ template "r" 30000 }}x',
    "template-over-go-limit": RECURSE + '{{ template "r" 100001 }}x',
    "include-in-deep-helper": DEEP_HELPER + '{{ include "h" 900 }}x',
    "include-over-helm-limit": DEEP_HELPER + '{{ include "h" 1001 }}x',
    "print": BUILD + "{{ print $d | len }}",
    "printf-sharp-v": BUILD + '{{ printf "%#v" $d | len }}',
    "error-names-deep-node": '{{ template "nope" ' + _nest("(", ")", "1", 5000) + " }}",
    "error-inside-deep-nesting": _nest("{{ if true }}", "{{ end }}", "{{ fail \"deep\" }}"),
    "parse-error-inside": _nest("{{ if true }}", "{{ end }}", "{{ .x.y z }}", 5000),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(CASES))
def test_deep_nesting_as_helm(tmp_path: Path, name: str) -> None:
    chart = write_chart(tmp_path / "mychart", {"t.yaml": CASES[name]})
    with go_signals():
        assert_same(chart)


def _thread_depth() -> int:
    depth = 0
    frame = sys._getframe()
    while frame is not None:
        depth += 1
        frame = frame.f_back  # type: ignore[assignment]
    return depth


class _Probe:
    """A template function recording the deepest Python stack it is called on, per thread."""

    def __init__(self) -> None:
        self.deepest = 0
        self.threads: set[int] = set()

    def __call__(self) -> str:
        self.deepest = max(self.deepest, _thread_depth())
        self.threads.add(threading.get_ident())
        return ""


PROBED = {
    "if": _nest("{{ if true }}", "{{ end }}", "{{ probe }}"),
    "range": _nest("{{ range until 1 }}", "{{ end }}", "{{ probe }}"),
    "parens": "{{ " + _nest("(print ", ")", "(probe)", 9000) + " }}",
    "templates": '{{ define "r" }}{{ probe }}{{ if gt . 0 }}{{ template "r" (sub . 1) }}{{ end }}{{ end }}'
                 '{{ template "r" 20000 }}',
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(PROBED))
def test_stack_stays_bounded(name: str) -> None:
    """However deep the template, no thread holds more than its share of frames."""
    probe = _Probe()
    funcs: dict[str, Any] = dict(sprig_funcs())
    funcs["probe"] = probe
    ts = TemplateSet(funcs)
    ts.parse("t", PROBED[name])
    ts.execute("t", {})
    assert probe.deepest < 2 * deep.THREAD_BUDGET, probe.deepest
    assert probe.threads - {threading.get_ident()}  # the nesting moved on to fresh threads


def test_shallow_templates_stay_on_the_callers_thread() -> None:
    probe = _Probe()
    funcs: dict[str, Any] = dict(sprig_funcs())
    funcs["probe"] = probe
    ts = TemplateSet(funcs)
    shallow = _nest("{{ if true }}", "{{ end }}", "{{ probe }}", 50)
    ts.parse("t", shallow + '{{ define "x" }}{{ probe }}{{ end }}{{ template "x" }}')
    ts.execute("t", {})
    assert probe.threads == {threading.get_ident()}


def test_fresh_threads_carry_the_exception_and_the_context() -> None:
    import contextvars

    var: contextvars.ContextVar[str] = contextvars.ContextVar("v", default="unset")
    var.set("caller's")
    assert deep.on_fresh_stack(var.get) == "caller's"
    with pytest.raises(KeyError, match="boom"):
        deep.on_fresh_stack({}.__getitem__, "boom")


@pytest.mark.slow
def test_no_thread_left_behind() -> None:
    before = threading.active_count()
    ts = TemplateSet(sprig_funcs())
    ts.parse("t", CASES["if"])
    assert ts.execute("t", {}) == "x"
    assert threading.active_count() == before
