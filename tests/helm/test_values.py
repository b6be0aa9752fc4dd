"""Values coalescing and dependency processing against real Helm, on small generated charts."""

from __future__ import annotations

from typing import Any

import pytest

from kts.helm.api import load_chart
from tests.support.oracle import HelmFailure, helm_render

PARENT_VALUES = """\
top: 1
keep: [1, 2]
table:
  a: 1
  inner: {x: 1, y: null}
nulled: value
sub:
  fromParent: p
  shared: parent
global:
  g: parent
  gm: {a: 1}
"""
SUB_VALUES = """\
shared: sub
own: s
defaultNull: null
nest: {deep: {k: v, n: null}}
global:
  g: sub
  gm: {b: 2}
  subOnly: true
"""

USER_VALUES: list[dict[str, Any]] = [
    {},
    {"top": None, "keep": [3], "table": {"a": None, "inner": {"z": 3}}},
    {"table": "scalar-over-table", "nulled": {"now": "table"}},
    {"sub": {"own": None, "nest": {"deep": {"k": None}}, "extra": [1]}},
    {"global": {"g": "user", "gm": {"c": 3}, "new": None}},
    {"sub": {"global": {"g": "sub-level"}}, "global": {"gm": None}},
    {"sub": {"shared": None, "fromParent": None}},
    {"sub": "not-a-map"},
]


@pytest.fixture
def chart(chart_factory):
    return chart_factory(
        {"p.yaml": "{{ toJson .Values }}"}, values=PARENT_VALUES,
        chart_yaml=("apiVersion: v2\nname: mychart\nversion: 0.1.0\n"
                    "dependencies:\n- name: sub\n  version: '*'\n"),
        files={"charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
               "charts/sub/values.yaml": SUB_VALUES,
               "charts/sub/templates/s.yaml": "{{ toJson .Values }}|{{ hasKey .Values \"defaultNull\" }}"})


@pytest.mark.parametrize("index", range(len(USER_VALUES)))
def test_coalescing_matches_helm(chart, index: int) -> None:
    values = USER_VALUES[index]
    expected = helm_render(chart, values)
    if isinstance(expected, HelmFailure):
        with pytest.raises(Exception, match="type mismatch on sub") as info:
            load_chart(chart).render(values)
        assert str(info.value) == expected.message
        return
    assert load_chart(chart).render(values) == expected


@pytest.mark.parametrize("value", [None, "text", 3, 1.5, [1, "a"], False])
def test_a_subchart_value_that_is_not_a_map(chart_factory, value: object) -> None:
    """Without a default for the subchart's key, a user's non-map there is Helm's type mismatch."""
    chart = chart_factory(
        {"p.yaml": "{{ toJson .Values }}"},
        chart_yaml=("apiVersion: v2\nname: mychart\nversion: 0.1.0\n"
                    "dependencies:\n- name: sub\n  version: '*'\n"),
        files={"charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
               "charts/sub/values.yaml": "p: 2\n", "charts/sub/templates/s.yaml": "{{ .Values.p }}"})
    expected = helm_render(chart, {"sub": value})
    if isinstance(expected, HelmFailure):
        with pytest.raises(Exception, match="type mismatch on sub") as info:
            load_chart(chart).render({"sub": value})
        assert str(info.value) == expected.message
    else:
        assert load_chart(chart).render({"sub": value}) == expected


@pytest.mark.parametrize("constraint", ["*", "0.1.0", ">=0.1", "~0.1", "^0.1.0", "0.1.x", "< 1.0.0",
                                        ">0.2", "1.x", ">= 0.0.1, < 0.1.0", "0.2.0 || 0.1.0", "0.0.1 - 0.2.0",
                                        "", "!=0.1.0", "=0.1.0", "not-a-version"])
def test_dependency_version_constraints(chart_factory, constraint: str) -> None:
    chart = chart_factory(
        {"p.yaml": "{{ keys .Subcharts | sortAlpha }}"},
        chart_yaml=f"apiVersion: v2\nname: mychart\nversion: 0.1.0\ndependencies:\n- name: sub\n"
                   f"  version: {constraint!r}\n  alias: aliased\n",
        files={"charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
               "charts/sub/templates/s.yaml": "{{ .Chart.Name }}"})
    assert load_chart(chart).render() == helm_render(chart)


def test_null_at_root_of_defaults_is_dropped(chart_factory) -> None:
    chart = chart_factory({"v.yaml": "{{ toJson .Values }}|{{ hasKey .Values \"n\" }}"},
                          values="n: null\nm: {k: null, j: 1}\n")
    assert load_chart(chart).render() == helm_render(chart)
