"""Documents at and past go-yaml's and encoding/json's depth limits, decoded as Helm decodes them.

go-yaml refuses more than 10,000 flow levels or block indents ("exceeded max depth of 10000");
the JSON leg of sigs.k8s.io/yaml then refuses values nested more than 10,000 deep, whichever
way they got there (block and flow together, aliases). Every expectation is Helm's own result.
Decoding must also stay linear: nesting once made the scanner quadratic.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from kts.codec import json as gojson
from kts.codec import yaml as kyaml
from kts.codec.json import marshal
from tests.codec.helm_batch import helm_lines, helm_render_one
from tests.sprig.sprig_oracle import go_signals
from tests.support.harness import assert_same
from tests.support.oracle import HelmFailure, write_chart


def _flow(open_: str, close: str, n: int, inner: str = "") -> str:
    return open_ * n + inner + close * n


DEEP_VALUES = {
    **{f"flow-list-{n}": "a: " + _flow("[", "]", n) + "\n" for n in (9999, 10000, 10001)},
    **{f"flow-map-{n}": "a: " + _flow("{a: ", "}", n, "1") + "\n" for n in (9999, 10000, 10001)},
    **{f"block-list-{n}": "a:\n" + "- " * n + "1\n" for n in (9999, 10000, 10001, 10002)},
    "block-and-flow": "a:\n" + "- " * 6000 + _flow("[", "]", 6000) + "\n",
    "unclosed-past-limit": "a: " + "[" * 10001,
    "unclosed-within-limit": "a: " + "[" * 3000,
    "past-limit-on-line-3": "x: 1\ny: 2\nz: " + "[" * 10001,
    "mixed-list-map": "a: " + _flow("[{a: ", "}]", 5001, "1") + "\n",
    "alias-makes-it-too-deep": "a: &x " + _flow("[", "]", 9999) + "\nb: [*x]\n",
    "alias-within-limit": "a: &x " + _flow("[", "]", 9998) + "\nb: [*x]\n",
    "error-before-depth": "a: b: c\nd: " + "[" * 10001,
}


def _ours(text: str) -> str:
    try:
        return marshal(kyaml.load_values(text, multi_doc=True))
    except kyaml.YAMLError as exc:
        return "cannot load values.yaml: " + str(exc)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(DEEP_VALUES))
def test_deep_values_file_as_helm(name: str) -> None:
    text = DEEP_VALUES[name]
    expected = helm_render_one("{{ .Values | toJson }}", text)
    got = _ours(text)
    assert got == (expected.message if isinstance(expected, HelmFailure) else expected)


@pytest.mark.slow
def test_deep_from_yaml_as_helm() -> None:
    texts = [DEEP_VALUES[name] for name in sorted(DEEP_VALUES)]
    expected = helm_lines("{{ fromYaml $x | toJson }}", texts)
    for text, want in zip(texts, expected, strict=True):
        try:
            value = kyaml.unmarshal(text, "map")
        except kyaml.YAMLError as exc:
            value = {"Error": str(exc)}
        assert marshal(value if value is not None else {}) == want, text[:40]


DEEP_JSON = {
    **{f"list-{n}": _flow("[", "]", n) for n in (9999, 10000, 10001)},
    **{f"object-{n}": _flow('{"a":', "}", n, "1") for n in (9999, 10000, 10001)},
    "too-deep-then-broken": "[" * 10001 + "}",
    "broken-before-too-deep": "[1 2" + "[" * 10001,
    "unclosed-within-limit": "[" * 500,
}


@pytest.mark.slow
def test_deep_from_json_as_helm() -> None:
    objects = ['{"v":' + DEEP_JSON[name] + "}" for name in sorted(DEEP_JSON)]
    arrays = [DEEP_JSON[name] for name in sorted(DEEP_JSON)]
    for template, target, texts in (("{{ fromJson $x | toJson }}", "map", objects),
                                    ("{{ fromJsonArray $x | toJson }}", "list", arrays)):
        expected = helm_lines(template, texts)
        for text, want in zip(texts, expected, strict=True):
            try:
                got = marshal(gojson.unmarshal(text, target))
            except gojson.GoError as exc:
                got = marshal({"Error": str(exc)} if target == "map" else [str(exc)])
            assert got == want, (template, text[:40])


@pytest.mark.slow
@pytest.mark.parametrize("text", [
    "a: " + _flow("[", "]", 4000) + "\n",
    "a: " + _flow("{a: ", "}", 2000, "1") + "\n",
    "a: " + "[" * 8000,
    "a:\n" + "- " * 8000 + "1\n",
])
def test_nested_yaml_decodes_in_linear_time(text: str) -> None:
    """8 KB of nesting took 17 s when the scanner was quadratic; Helm takes 0.01 s."""
    small = text[:len(text) // 4]
    start = time.perf_counter()
    _ours(small)
    small_seconds = time.perf_counter() - start
    start = time.perf_counter()
    _ours(text)
    seconds = time.perf_counter() - start
    assert seconds < 5
    assert seconds < 10 * small_seconds + 0.5  # four times the text: ~4x the time, never ~16x


def _build(kind: str, depth: int) -> str:
    inner = 'dict "a" $d' if kind == "map" else "list $d"
    return (f"{{{{- $d := {'dict' if kind == 'map' else 'list'} }}}}{{{{- range until {depth} }}}}"
            f"{{{{- $d = {inner} }}}}{{{{- end }}}}")


DEEP_TEMPLATES = {
    # Helm's errors past the limits
    "mustToYaml": _build("map", 10000) + "{{ mustToYaml $d | len }}",
    "mustToYaml-list": _build("list", 10000) + "{{ mustToYaml $d | len }}",
    "mustFromJson": _build("map", 10000) + "{{ toJson $d | mustFromJson | len }}",
    "mustToPrettyJson": _build("list", 10000) + "{{ mustToPrettyJson $d | len }}",
    # Deep, but within the limits and within RenderLimits' output size
    "toYaml-1500": _build("map", 1500) + "{{ toYaml $d | sha256sum }}",
    "toYaml-fromYaml-1500": _build("map", 1500) + "{{ toYaml $d | fromYaml | toJson | sha256sum }}",
    "toYaml-list-2500": _build("list", 2500) + "{{ toYaml $d | sha256sum }}",
    "toYamlPretty-1500": _build("map", 1500) + "{{ toYamlPretty $d | sha256sum }}",
    "toToml-1500": _build("map", 1500) + "{{ toToml $d | sha256sum }}",
    "toToml-list": _build("list", 3000) + '{{ toToml (dict "k" $d) | sha256sum }}',
    "toPrettyJson-3000": _build("list", 3000) + "{{ toPrettyJson $d | sha256sum }}",
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(DEEP_TEMPLATES))
def test_deep_codec_templates_as_helm(tmp_path: Path, name: str) -> None:
    chart = write_chart(tmp_path / "mychart", {"t.yaml": DEEP_TEMPLATES[name]})
    with go_signals():
        assert_same(chart)
