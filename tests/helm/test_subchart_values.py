"""A parent sees its subcharts' values as plain maps while the subcharts write through them.

Helm gives each subchart ``Values.Table(name)``: a ``common.Values`` over the very map the
parent holds, so the parent's ``typeOf``, ``dig`` and ``Values.Table`` keep seeing a
``map[string]interface {}`` and still observe the subchart's ``set``.
"""

from __future__ import annotations

from typing import Any

import pytest

from kts.gotemplate import RenderError
from kts.helm.api import load_chart
from tests.helm.cases import fixture
from tests.support.harness import assert_same
from tests.support.oracle import HelmFailure, helm_render

VALUE_SETS: list[dict[str, Any]] = [
    {},
    {"console": {"port": 9090, "leaf": {"color": "red"}, "inner": {"k": "user"}}},
    {"console": {"inner": {"k": None}, "extra": [1, {"a": None}]}, "top": None},
    {"console": None},
    {"probePathTable": True},  # Values.PathValue on a table: Helm's error
]


@pytest.mark.parametrize("values", VALUE_SETS, ids=[str(i) for i in range(len(VALUE_SETS))])
def test_subchart_values_as_helm(values: dict[str, Any]) -> None:
    assert_same(fixture("subvalues"), values)


def test_loaded_chart_keeps_values_apart_between_renders() -> None:
    """Subchart writes in one render never show in the next (each starts from fresh maps)."""
    loaded = load_chart(fixture("subvalues"))
    for values in [*VALUE_SETS, VALUE_SETS[0], VALUE_SETS[1]]:
        want = helm_render(fixture("subvalues"), values)
        if isinstance(want, HelmFailure):
            with pytest.raises(RenderError):
                loaded.render(values)
        else:
            assert loaded.render(values) == want
