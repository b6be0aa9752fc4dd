"""One loaded chart rendered many times (the warm path) against real Helm rendering afresh.

The renderer reuses dependency processing, coalesced defaults, ``.Chart`` maps and ``tpl``
parses between renders; each render must still equal Helm's, whatever came before it.
"""

from __future__ import annotations

from typing import Any

import pytest

import kts
from kts.gotemplate.gotypes import GoMap, GoSlice, Int64, string_map
from kts.helm.gocopy import copy_values
from tests.support.oracle import HelmFailure, helm_render

PARENT_CHART = """\
apiVersion: v2
name: mychart
version: 0.1.0
dependencies:
- name: sub
  version: '*'
  condition: sub.enabled,global.subOn
  tags: [backend]
- name: sub
  version: '*'
  alias: other
  condition: other.enabled
- name: lib
  version: '*'
  tags: [frontend]
"""
SUB_CHART = "apiVersion: v2\nname: {name}\nversion: 0.1.0\n"
SUB_TEMPLATE = ('{{ .Chart.Name }}:{{ toJson .Values }}{{ $_ := set .Values "mutated" true }}'
                '{{ $_ := set .Chart "Name" "changed" }}')
PARENT_TEMPLATES = {
    "p.yaml": ('{{ keys .Subcharts | sortAlpha }}|{{ toJson .Values }}|{{ .Chart.Name }}|'
               '{{ $_ := set .Values "mutated" true }}{{ $_ := set .Chart "Name" "changed" }}'
               '{{ $_ := set .Values.table "added" 1 }}'),
    "q.yaml": "{{ .Values.mutated }}|{{ .Chart.Name }}|{{ toJson .Values.table }}",
}
PARENT_VALUES = "table: {a: 1, n: null}\nsub: {enabled: true}\nother: {enabled: false}\nglobal: {g: 1}\n"

# Each set is rendered by the same loaded chart, in this order: repeated sets must hit caches,
# changed switches must not.
VALUE_SEQUENCE: list[dict[str, Any]] = [
    {},
    {"unknown": 1, "more": {"x": [1, {"y": None}]}},
    {"other": {"enabled": True}},
    {"unknown": 2},
    {"sub": {"enabled": False}},
    {"tags": {"backend": False, "frontend": True}},
    {"global": {"subOn": False}, "sub": {"enabled": None}},
    {"table": {"a": None, "b": 2}},
    {"table": None},
    {},
    {"sub": "not-a-map"},
    {"unknown": 3, "other": {"enabled": True}},
    {"unknown": 3, "other": {"enabled": True}},
]


@pytest.fixture
def parent(chart_factory):
    files = {"charts/sub/Chart.yaml": SUB_CHART.format(name="sub"),
             "charts/sub/values.yaml": "own: s\nglobal: {fromSub: 1}\n",
             "charts/sub/templates/s.yaml": SUB_TEMPLATE,
             "charts/lib/Chart.yaml": SUB_CHART.format(name="lib"),
             "charts/lib/templates/l.yaml": SUB_TEMPLATE}
    return chart_factory(PARENT_TEMPLATES, values=PARENT_VALUES, chart_yaml=PARENT_CHART, files=files)


def test_loaded_chart_matches_helm_over_a_sequence_of_values(parent) -> None:
    loaded = kts.load_chart(parent)
    for values in VALUE_SEQUENCE:
        expected = helm_render(parent, values)
        if isinstance(expected, HelmFailure):
            with pytest.raises(kts.RenderError) as info:
                loaded.render(values)
            assert expected.message.endswith(str(info.value)), values
            continue
        assert loaded.render(values) == expected, values


def test_caller_values_are_not_changed(parent) -> None:
    loaded = kts.load_chart(parent)
    values = {"unknown": {"list": [1, {"k": "v"}]}, "table": {"a": 5}}
    snapshot = copy_values(values)
    loaded.render(values, typed_values=True)
    loaded.render(values, typed_values=True)
    assert values == snapshot


TPL_TEMPLATES = {
    "t.yaml": ('{{ tpl .Values.text . }}|{{ tpl "{{ .Values.n }}" . }}|'
               '{{ tpl "{{ define \\"d\\" }}D{{ .Values.n }}{{ end }}{{ include \\"d\\" . }}" . }}'),
    "u.yaml": '{{ include "mine" . }}|{{ tpl "{{ include \\"mine\\" . }}" . }}',
    "_h.tpl": '{{ define "mine" }}mine-{{ .Values.n }}{{ end }}',
}


def test_tpl_results_follow_each_render(chart_factory) -> None:
    chart = chart_factory(TPL_TEMPLATES, values="n: 1\ntext: 'n={{ .Values.n }}'\n")
    loaded = kts.load_chart(chart)
    for values in ({}, {"n": 2}, {"text": "other {{ .Release.Name }}"}, {"n": 2}, {}):
        assert loaded.render(values) == helm_render(chart, values), values


def test_tpl_parse_error_is_raised_every_time(chart_factory) -> None:
    chart = chart_factory({"t.yaml": "{{ tpl .Values.text . }}"}, values="text: ok\n")
    loaded = kts.load_chart(chart)
    bad = {"text": "{{ .Values.n "}
    expected = helm_render(chart, bad)
    assert isinstance(expected, HelmFailure)
    for values in (bad, {}, bad):
        if values is bad:
            with pytest.raises(kts.RenderError) as info:
                loaded.render(values)
            assert expected.message.endswith(str(info.value))
        else:
            assert loaded.render(values) == helm_render(chart, values)


ASMAP_TEMPLATES = {
    "dig.yaml": ('{{ dig "a" "b" "x" .Values.AsMap }}|{{ dig "a" "q" "dflt" .Values.AsMap }}|'
                 '{{ typeOf .Values.AsMap }}|{{ kindOf .Values.AsMap }}|'
                 '{{ dig "b" "n" (.Values.Table "a").AsMap }}|{{ .Values.sub.AsMap }}|'
                 '{{ .Values.AsMap.YAML }}|{{ hasKey .Values.AsMap "a" }}'),
    "alias.yaml": ('{{ $m := .Values.AsMap }}{{ $_ := set $m "zz" 1 }}{{ .Values.zz }}|'
                   '{{ $_ := set .Values "yy" 2 }}{{ $m.yy }}|{{ $_ := set $m.a "w" 3 }}{{ .Values.a.w }}|'
                   '{{ $_ := unset $m "yy" }}{{ hasKey .Values "yy" }}|'
                   '{{ $_ := merge $m (dict "mm" 4) }}{{ .Values.mm }}|'
                   '{{ toJson .Values.AsMap }}|{{ printf "%T %v" .Values.AsMap .Values.AsMap }}'),
    "empty.yaml": '{{ typeOf .Values.sub }}',
}


@pytest.mark.parametrize("values", [{}, {"a": {"b": "B"}}, {"a": {"q": None}}])
def test_values_as_map_is_a_plain_map_sharing_writes(chart_factory, values: dict[str, Any]) -> None:
    chart = chart_factory(ASMAP_TEMPLATES, values="a:\n  b: v\nsub: {}\n")
    loaded = kts.load_chart(chart)
    assert loaded.render(values) == helm_render(chart, values)
    assert loaded.render(values) == helm_render(chart, values)


def test_as_map_of_empty_values_is_a_new_map(chart_factory) -> None:
    chart = chart_factory({"e.yaml": ('{{ $m := .Values.AsMap }}{{ $_ := set $m "k" 1 }}'
                                      '{{ hasKey .Values "k" }}|{{ typeOf $m }}|{{ dig "k" "d" $m }}')})
    assert kts.render_chart(chart) == helm_render(chart)


def test_copy_values_is_deep_and_keeps_go_types() -> None:
    shared = {"s": [1.0]}
    tree = {"m": {"l": [shared, shared, "x", None, True, 1.5]}, "g": string_map({"a": "b"}),
            "sl": GoSlice(["a"], "string"), "i": Int64(3), "b": b"raw"}
    out = copy_values(tree)
    assert out == tree
    assert type(out["g"]) is GoMap and out["g"].go_type == "map[string]string"
    assert type(out["sl"]) is GoSlice and out["sl"].elem == "string"
    assert type(out["i"]) is Int64
    out["m"]["l"][0]["s"].append(2.0)
    out["g"]["a"] = "c"
    assert tree["m"]["l"][0]["s"] == [1.0] and tree["g"]["a"] == "b"
    assert out["m"]["l"][1]["s"] == [1.0]  # shared sub-trees become separate, as Go's decoding gives


READ_ONLY_TEMPLATES = {
    "p.yaml": ('{{ keys .Subcharts | sortAlpha }}|{{ toJson .Values }}|{{ toJson .Chart }}|'
               '{{ .Values.table | toYaml }}'),
}
READ_ONLY_SUB = "{{ .Chart.Name }}:{{ toJson .Values }}|{{ toJson .Chart.Dependencies }}"


def test_read_only_templates_share_trees_safely(chart_factory) -> None:
    files = {"charts/sub/Chart.yaml": SUB_CHART.format(name="sub"),
             "charts/sub/values.yaml": "own: s\nglobal: {fromSub: 1}\n",
             "charts/sub/templates/s.yaml": READ_ONLY_SUB,
             "charts/lib/Chart.yaml": SUB_CHART.format(name="lib"),
             "charts/lib/templates/l.yaml": READ_ONLY_SUB}
    chart = chart_factory(READ_ONLY_TEMPLATES, values=PARENT_VALUES, chart_yaml=PARENT_CHART, files=files)
    loaded = kts.load_chart(chart)
    for values in VALUE_SEQUENCE:
        expected = helm_render(chart, values)
        if isinstance(expected, HelmFailure):
            with pytest.raises(kts.RenderError):
                loaded.render(values)
            continue
        assert loaded.render(values) == expected, values


def test_mutation_through_tpl_text_does_not_leak(chart_factory) -> None:
    chart = chart_factory({"t.yaml": "{{ tpl .Values.text . }}|{{ toJson .Values.m }}"},
                          values="m: {a: 1}\ntext: ''\n")
    loaded = kts.load_chart(chart)
    mutate = {"text": '{{ $_ := set .Values.m "b" 2 }}{{ $_ := unset .Values.m "a" }}'}
    for values in (mutate, {}, mutate, {}):
        assert loaded.render(values) == helm_render(chart, values), values


@pytest.mark.parametrize(("source", "expected"), [
    ('{{ $_ := set .Values "a" 1 }}', True), ("{{ unset $d \"k\" }}", True),
    ("{{ x | mergeOverwrite $d }}", True),
    ("{{(mustMerge $a $b)}}", True), ("{{ tpl .Values.t . }}", True), ("{{ .Values.set }}", False),
    ("offset: {{ .Values.reset }} settings", False), ("{{ $set := 1 }}", False), ("kind: Service", False),
])
def test_may_mutate_finds_every_spelling(source: str, expected: bool) -> None:
    from kts.helm.engine import may_mutate

    assert may_mutate(["plain", source]) is expected


def test_first_renders_from_many_threads_agree(parent) -> None:
    from concurrent.futures import ThreadPoolExecutor

    loaded = kts.load_chart(parent)
    values = [{"unknown": i % 3, "other": {"enabled": i % 2 == 0}} for i in range(8)]
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(loaded.render, values))
    for v, got in zip(values, results, strict=True):
        assert got == kts.load_chart(parent).render(v)
    assert results[0] == helm_render(parent, values[0])


@pytest.mark.parametrize("annotations", ["", "annotations: {team: a}\n"])
def test_chart_annotations_nil_or_set(chart_factory, annotations: str) -> None:
    chart = chart_factory(
        {"a.yaml": ('{{ toJson .Chart.Annotations }}|{{ .Chart.Annotations }}|'
                    '{{ .Chart.Annotations.team }}|{{ empty .Chart.Annotations }}|'
                    '{{ typeOf .Chart.Annotations }}|{{ len .Chart.Annotations }}|'
                    '{{ toYaml .Chart.Annotations }}|{{ if .Chart.Annotations }}T{{ end }}|'
                    '{{ toJson .Chart }}'),
         "b.yaml": "{{ toYaml .Chart }}"},
        chart_yaml="apiVersion: v2\nname: mychart\nversion: 0.1.0\n" + annotations)
    loaded = kts.load_chart(chart)
    assert loaded.render() == helm_render(chart)
    assert loaded.render() == helm_render(chart)


def test_globals_reaching_a_nested_condition(chart_factory) -> None:
    """A subchart's dependency condition ``global.leafOn`` reads globals coalesced into it."""
    files = {"charts/sub/Chart.yaml": ("apiVersion: v2\nname: sub\nversion: 0.1.0\ndependencies:\n"
                                       "- name: leaf\n  version: '*'\n  condition: global.leafOn\n"),
             "charts/sub/templates/s.yaml": "{{ toJson .Values.global }}",
             "charts/sub/charts/leaf/Chart.yaml": SUB_CHART.format(name="leaf"),
             "charts/sub/charts/leaf/templates/l.yaml": "leaf {{ toJson .Values }}"}
    chart = chart_factory({"p.yaml": "{{ keys .Subcharts | sortAlpha }}"}, files=files,
                          chart_yaml="apiVersion: v2\nname: mychart\nversion: 0.1.0\n"
                                     "dependencies:\n- name: sub\n  version: '*'\n")
    loaded = kts.load_chart(chart)
    for values in ({"global": {"leafOn": False}}, {}, {"global": {"leafOn": True}},
                   {"sub": {"global": {"leafOn": False}}}, {"global": {"leafOn": False}, "x": 1}):
        assert loaded.render(values) == helm_render(chart, values), values


def test_charts_without_conditions_ignore_globals_for_processing(chart_factory) -> None:
    files = {"charts/sub/Chart.yaml": SUB_CHART.format(name="sub"),
             "charts/sub/values.yaml": "global: {fromSub: 1}\n",
             "charts/sub/templates/s.yaml": "{{ toJson .Values }}"}
    chart = chart_factory({"p.yaml": "{{ toJson .Values.global }}"}, files=files, values="global: {a: 1}\n",
                          chart_yaml="apiVersion: v2\nname: mychart\nversion: 0.1.0\n"
                                     "dependencies:\n- name: sub\n  version: '*'\n")
    loaded = kts.load_chart(chart)
    for values in ({"global": {"user": 1}}, {}, {"global": {"a": None, "fromSub": 2}}, {"global": "x"}):
        assert loaded.render(values) == helm_render(chart, values), values
