"""Helm's SimpleHead parse of rendered manifests (sigs.k8s.io/yaml into a struct) vs real Helm."""

from __future__ import annotations

from pathlib import Path

import pytest

from kts.codec.yaml import YAMLError, load_manifest_head
from tests.support.oracle import HelmFailure, helm_manifest, write_chart

DOCS = [
    "- a", "just text", "apiVersion: [1]", "kind: {a: 1}", "metadata: 5", "metadata:\n  annotations: [1]",
    "metadata:\n  annotations:\n    a: [1]", "metadata:\n  name: {x: 1}", "a: b: c", "metadata:\n  name: [a]",
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\nextra: .inf", "kind: x\nkind: y",
    "metadata:\n  annotations:\n    a: 1\n    b: true\n    c: 1.5e10\n    d: ~\n  name: 123",
    "apiVersion: 1.0\nkind: 12345678\nmetadata:\n  name: 0.1", "kind: .nan\nmetadata:\n  name: .inf",
    "KIND: [1]", "Metadata:\n  Name: [1]", "kind: ConfigMap\nmetadata:\n  annotations: x\n  name: [1]",
    "# only a comment", "",
]


@pytest.mark.parametrize("doc", DOCS)
def test_manifest_head_errors_match_helm(doc: str, tmp_path: Path) -> None:
    chart = write_chart(tmp_path / "mychart", {"a.yaml": doc})
    result = helm_manifest(chart)
    try:
        load_manifest_head(doc)
    except YAMLError as exc:
        assert isinstance(result, HelmFailure), result
        assert result.message == f"YAML parse error on mychart/templates/a.yaml: {exc}"
        return
    assert not isinstance(result, HelmFailure), result.message


def test_scalars_bound_for_string_fields_become_text() -> None:
    head = load_manifest_head("apiVersion: 1.0\nkind: 12345678\nmetadata:\n  name: 0.1\n"
                              "  annotations:\n    a: 1\n    b: true\n    c: 1.5e10\n    d: ~\n")
    assert (head.version, head.kind, head.name) == ("1", "12345678", "0.1")
    assert head.annotations == {"a": "1", "b": "true", "c": "1.5e+10", "d": ""}
    assert load_manifest_head("Kind: A\nkind: B").kind == "B"
