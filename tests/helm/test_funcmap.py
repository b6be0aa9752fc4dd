"""Helm's function map, name by name: a name real Helm defines must be defined in kts, and the
reverse. Which names Helm defines is asked of Helm itself (a template naming an undefined
function fails to parse); the candidates are every name kts knows plus Sprig's, Helm's and Go's
names, including ones Helm removed (``env``) or has only on unreleased branches."""

from __future__ import annotations

from pathlib import Path

import pytest

from kts.helm.funcs import static_funcs
from tests.support.harness import kts_render
from tests.support.oracle import HelmFailure, helm_render, write_chart

GO_BUILTINS = "and or not len index slice print printf println html js urlquery call eq ne lt le gt ge"
HELM_OWN = (
    "include tpl required fail lookup toYaml toYamlPretty mustToYaml fromYaml fromYamlArray toToml "
    "mustToToml fromToml toJson mustToJson fromJson fromJsonArray getHostByName"
)
NOT_IN_HELM_4_2 = (
    "env expandenv mustToDuration durationSeconds durationMilliseconds durationMicroseconds "
    "durationNanoseconds durationMinutes durationHours durationDays durationWeeks durationRoundTo "
    "durationTruncateTo mustFromYaml mustFromToml mustToYamlPretty fromYAML toyaml"
)


def candidates() -> list[str]:
    names = set(static_funcs()) | set(f"{GO_BUILTINS} {HELM_OWN} {NOT_IN_HELM_4_2}".split())
    return sorted(names)


def defined(render, chart: Path) -> bool:
    result = render(chart)
    return not isinstance(result, (HelmFailure, Exception))


@pytest.mark.slow
def test_function_map_matches_helm(tmp_path: Path) -> None:
    mismatches = []
    for name in candidates():
        template = "{{ if false }}{{ " + name + " }}{{ end }}"
        chart = write_chart(tmp_path / name / "mychart", {"t.yaml": template})
        in_helm = defined(helm_render, chart)
        in_kts = defined(kts_render, chart)
        if in_helm != in_kts:
            mismatches.append(f"{name}: Helm {'defines' if in_helm else 'lacks'} it, kts "
                              f"{'defines' if in_kts else 'lacks'} it")
    assert not mismatches, "\n".join(mismatches)

