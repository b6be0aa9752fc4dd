"""Hypothesis-generated values for the fixture charts' knobs, rendered by kts and real Helm."""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kts.helm.api import load_chart
from tests.helm.cases import fixture
from tests.support.oracle import HelmFailure, helm_render

LONG = os.environ.get("KTS_HYPOTHESIS_PROFILE", "") == "long"
EXAMPLES = 400 if LONG else 25

names = st.from_regex(r"[a-z][a-z0-9-]{0,20}[a-z0-9]", fullmatch=True)
scalars = st.one_of(
    st.booleans(), st.none(), st.integers(-10**7, 10**7),
    st.floats(allow_nan=False, allow_infinity=False, width=64).filter(lambda f: abs(f) < 1e300),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12),
    st.sampled_from(["yes", "on", "1e3", "0x1F", "true", "null", "~", "- x", "a: b", "#c", "'q'", "\"q\""]),
)
nested = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(names, inner, max_size=3)), max_leaves=8)

basic_values = st.fixed_dictionaries({}, optional={
    "replicaCount": st.integers(0, 100),
    "image": st.fixed_dictionaries({}, optional={"tag": names, "repository": names}),
    "nameOverride": names,
    "fullnameOverride": names,
    "service": st.fixed_dictionaries({}, optional={"port": st.integers(1, 65535),
                                                  "annotations": st.dictionaries(names, names, max_size=2)}),
    "podAnnotations": st.dictionaries(names, scalars, max_size=3),
    "labels": st.one_of(st.none(), st.dictionaries(names, names, max_size=3)),
    "config": st.dictionaries(names, nested, max_size=4),
    "env": st.lists(st.fixed_dictionaries({"name": names, "value": scalars}), max_size=2),
    "extraList": st.lists(names, max_size=3),
})

condition_values = st.fixed_dictionaries({}, optional={
    "tags": st.dictionaries(st.sampled_from(["backend", "storage", "monitoring"]),
                            st.one_of(st.booleans(), st.just("x")), max_size=3),
    "cache": st.fixed_dictionaries({}, optional={"enabled": st.one_of(st.booleans(), st.none(), st.just(1))}),
    "metrics": st.fixed_dictionaries({}, optional={"enabled": st.booleans()}),
    "global": st.fixed_dictionaries({}, optional={"cache": st.fixed_dictionaries(
        {}, optional={"enabled": st.booleans()})}),
})

global_values = st.fixed_dictionaries({}, optional={
    "global": st.dictionaries(st.sampled_from(["region", "registry", "tags", "extra"]), nested, max_size=3),
    "child": st.dictionaries(st.sampled_from(["color", "size", "nested", "new"]), nested, max_size=3),
    "own": scalars,
})


def check(chart: str, values: dict[str, Any]) -> None:
    expected = helm_render(fixture(chart), values)
    if isinstance(expected, HelmFailure):
        try:
            load_chart(fixture(chart)).render(values)
        except Exception as exc:
            assert type(exc).__module__.startswith("kts"), exc
            return
        raise AssertionError(f"Helm failed but kts rendered: {expected.message}")
    assert load_chart(fixture(chart)).render(values) == expected


@pytest.mark.slow
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(basic_values)
def test_basic_chart_knobs(values: dict[str, Any]) -> None:
    check("basic", values)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(condition_values)
def test_condition_and_tag_knobs(values: dict[str, Any]) -> None:
    check("conditions", values)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(global_values)
def test_global_knobs(values: dict[str, Any]) -> None:
    check("globals", values)
