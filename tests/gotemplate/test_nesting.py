"""Data nested 10,000 deep, built inside a template, handled as Helm handles it.

Go's stack grows on demand, so Helm's functions walk such data to the end; kts walks it with
explicit stacks. Templates nested that deep must at worst fail with a RenderError, never take the
interpreter down, so those run in a child process.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.sprig.sprig_oracle import go_signals
from tests.support.harness import kts_render
from tests.support.oracle import HelmFailure, helm_render, write_chart

DEPTH = 10_000
BUILD_MAP = f'{{{{- $d := dict }}}}{{{{- range until {DEPTH} }}}}{{{{- $d = dict "a" $d }}}}{{{{- end }}}}'
BUILD_LIST = f"{{{{- $d := list }}}}{{{{- range until {DEPTH} }}}}{{{{- $d = list $d }}}}{{{{- end }}}}"

DEEP_DATA = {
    "deepCopy-map": BUILD_MAP + "{{ deepCopy $d | toJson | len }}",
    "deepCopy-list": BUILD_LIST + "{{ mustDeepCopy $d | toJson | len }}",
    "deepEqual-map": BUILD_MAP + "{{ deepEqual $d (deepCopy $d) }}",
    "deepEqual-list": BUILD_LIST + '{{ deepEqual $d (list) }}|{{ deepEqual (list $d) (list $d) }}',
    "toJson": BUILD_MAP + "{{ toJson $d | len }}",
    "merge": BUILD_MAP + '{{ merge (dict) $d | len }}|{{ mergeOverwrite (dict "a" (dict)) $d | len }}',
    # The codecs: past go-yaml's and encoding/json's 10,000 levels Helm gives "" or the error map.
    "toYaml-map": BUILD_MAP + "{{ toYaml $d | len }}",
    "toYaml-list": BUILD_LIST + "{{ toYaml $d | len }}",
    "toPrettyJson": BUILD_MAP + "{{ toPrettyJson $d | len }}",
    "fromJson": BUILD_MAP + "{{ toJson $d | fromJson | toJson }}",
    "fromJsonArray": BUILD_LIST + "{{ toJson $d | fromJsonArray | toJson }}",
    "fromYaml": BUILD_MAP + "{{ toJson $d | fromYaml | toJson }}",
    "fromYamlArray": BUILD_LIST + "{{ toJson $d | fromYamlArray | toJson }}",
    "codecs-within-limits": BUILD_MAP + "{{ $e := $d.a }}{{ toJson $e | fromJson | toJson | len }}|"
                            "{{ toJson $e | fromYaml | toJson | len }}|"
                            "{{ toJson (list $e) | fromJsonArray | len }}",
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(DEEP_DATA))
def test_deep_data_as_helm(tmp_path: Path, name: str) -> None:
    chart = write_chart(tmp_path / "mychart", {"t.yaml": DEEP_DATA[name]})
    with go_signals():
        want = helm_render(chart)
    assert not isinstance(want, HelmFailure), want.message
    assert kts_render(chart) == want


_SURVIVE = """
import sys
from kts.gotemplate import RenderError, TemplateSet
from kts.sprig import sprig_funcs
n = int(sys.argv[1])
texts = {
    "if": "{{ if true }}" * n + "x" + "{{ end }}" * n,
    "parens": "{{ " + "(" * n + "1" + ")" * n + " }}",
    "print": '{{ $d := dict }}{{ range until %d }}{{ $d = dict "a" $d }}{{ end }}{{ print $d | len }}' % n,
}
for name, text in texts.items():
    ts = TemplateSet(sprig_funcs())
    try:
        ts.parse(name, text)
        ts.execute(name, {})
        print(name, "rendered")
    except RenderError as exc:
        print(name, "RenderError", str(exc)[:80])
"""


@pytest.mark.slow
@pytest.mark.parametrize("depth", [DEPTH, 20 * DEPTH])
def test_deep_templates_fail_cleanly(depth: int) -> None:
    """Far past any real chart, nesting ends in a RenderError or output, not a crashed process."""
    done = subprocess.run([sys.executable, "-c", _SURVIVE, str(depth)], capture_output=True, text=True,
                          timeout=300, cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr[-2000:]
    assert sorted(line.split()[0] for line in done.stdout.splitlines()) == ["if", "parens", "print"]
