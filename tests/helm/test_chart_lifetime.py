"""A dropped chart is freed by reference counting alone, without the cycle collector.

Loaded charts hold parsed templates whose function map calls back into the template set
(``include``, ``tpl``, ``lookup``); a reference loop there would keep every loaded chart
alive until a collection pass.
"""

from __future__ import annotations

import gc
import json
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kts.helm.api import Chart, load_chart
from kts.helm.dependencies import decision_keys
from tests.support.oracle import HelmFailure, helm_render

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "charts"


@pytest.fixture
def no_collector() -> Iterator[None]:
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _compiled_sets(chart: Chart) -> list[Any]:
    """Every parsed template set the chart holds (main sets and ``tpl`` clones)."""
    out: list[Any] = []
    for tset in chart._renderer._sets.values():
        if tset.ready is not None:
            compiled = tset.ready[0]
            out.extend([compiled, compiled.ts, *compiled._tpl_sets.values()])
    return out


def _watch(chart: Chart) -> list[weakref.ref[Any]]:
    refs: list[weakref.ref[Any]] = [weakref.ref(chart), weakref.ref(chart._renderer)]
    refs += [weakref.ref(obj) for obj in _compiled_sets(chart)]
    assert len(refs) > 3  # at least one compiled set and its template set
    return refs


def _assert_freed(refs: list[weakref.ref[Any]]) -> None:
    alive = [r() for r in refs if r() is not None]
    assert not alive, f"still alive without the cycle collector: {[type(o).__name__ for o in alive]}"


@pytest.mark.slow
@pytest.mark.parametrize("name", ["singleuser", "helpers", "nested", "library"])
def test_dropped_chart_is_freed_without_collector(name: str, no_collector: None) -> None:
    chart = load_chart(FIXTURES / name)
    chart.render({})
    chart.render({"benchmarkRun": 1})
    refs = _watch(chart)
    del chart
    _assert_freed(refs)


@pytest.mark.slow
def test_chart_with_lookup_and_tpl_clones_is_freed(chart_factory: Any, no_collector: None) -> None:
    path = chart_factory({
        "a.yaml": '{{ tpl "{{ include \\"h\\" . }}" . }}\n{{ tpl .Values.t . }}\n'
                  '{{ (lookup "v1" "ConfigMap" "ns" "cm").data | toJson }}\n',
        "_h.tpl": '{{ define "h" }}h-{{ .Release.Name }}{{ end }}',
    }, values=json.dumps({"t": '{{ tpl "{{ include \\"h\\" . }}" . }}'}))
    chart = load_chart(path)
    out = chart.render({}, lookup=lambda *_: {"data": {"k": "v"}})
    assert 'h-release-name\nh-release-name\n{"k":"v"}' in out["mychart/templates/a.yaml"]
    assert any(tset.ready[0]._tpl_sets for tset in chart._renderer._sets.values() if tset.ready)
    refs = _watch(chart)
    del chart
    _assert_freed(refs)


def test_tpl_clone_evicted_during_render_matches_helm(chart_factory: Any) -> None:
    # More distinct tpl texts than the per-set cache keeps, nested inside another tpl, so a
    # clone in use can be dropped from the cache while it is still executing.
    inner = "".join(f'{{{{ tpl "{{{{ include \\"h\\" . }}}}-{i}" . }}}}' for i in range(80))
    templates = {
        "a.yaml": "v: {{ tpl .Values.t . }}\nw: {{ tpl .Values.t . }}\n",
        "_h.tpl": '{{ define "h" }}{{ .Release.Name }}{{ end }}',
    }
    path = chart_factory(templates, values=json.dumps({"t": inner}))
    expected = helm_render(path, {})
    assert not isinstance(expected, HelmFailure), expected
    assert load_chart(path).render({}) == expected


@pytest.mark.slow
def test_decision_keys_leaves_no_garbage(no_collector: None) -> None:
    chart = load_chart(FIXTURES / "nested")
    gc.collect()
    before = gc.get_count()[0]
    for _ in range(50):
        decision_keys(chart.model)
    assert gc.get_count()[0] - before < 50
