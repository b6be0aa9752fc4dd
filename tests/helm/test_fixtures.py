"""Every fixture chart, rendered by kts and by real Helm with several value sets: byte for byte."""

from __future__ import annotations

import pytest

from kts.helm.api import load_chart
from tests.helm.cases import VALUE_SETS, fixture
from tests.support.oracle import HelmFailure, helm_render

CASES = [(name, i) for name, sets in VALUE_SETS.items() for i in range(len(sets))]


@pytest.mark.slow
@pytest.mark.parametrize(("chart", "index"), CASES, ids=[f"{c}-{i}" for c, i in CASES])
def test_fixture_matches_helm(chart: str, index: int) -> None:
    values = VALUE_SETS[chart][index]
    expected = helm_render(fixture(chart), values)
    assert not isinstance(expected, HelmFailure), expected
    got = load_chart(fixture(chart)).render(values)
    assert got == expected


@pytest.mark.parametrize("chart", sorted(VALUE_SETS))
def test_loaded_chart_rerenders_identically(chart: str) -> None:
    """A loaded chart renders many value sets in turn without leaking state between renders."""
    loaded = load_chart(fixture(chart))
    for values in [*VALUE_SETS[chart], VALUE_SETS[chart][0]]:
        expected = helm_render(fixture(chart), values)
        assert loaded.render(values) == expected
