"""The ``helm create`` scaffold with its optional features switched on, rendered by kts and Helm."""

from __future__ import annotations

import io
import json
from pathlib import Path

import helm_python
import pytest

from kts import cli
from kts.helm.api import load_chart
from tests.support.oracle import HelmFailure, helm_manifest, helm_render

FEATURES = [
    {},
    {"ingress": {"enabled": True, "className": "nginx", "annotations": {"a/b": "c"},
                 "tls": [{"secretName": "tls", "hosts": ["chart-example.local"]}]}},
    {"autoscaling": {"enabled": True, "targetMemoryUtilizationPercentage": 70},
     "serviceAccount": {"create": False, "name": "existing"}},
    {"httpRoute": {"enabled": True, "annotations": {"x": "y"}}, "imagePullSecrets": [{"name": "regcred"}],
     "podAnnotations": {"p": "1"}, "podLabels": {"l": "2"}, "fullnameOverride": "full"},
    {"service": {"type": "NodePort", "port": 8080}, "resources": {"limits": {"cpu": "100m"}},
     "securityContext": {"runAsNonRoot": True, "runAsUser": 1000}, "podSecurityContext": {"fsGroup": 2000},
     "volumes": [{"name": "foo", "secret": {"secretName": "s"}}],
     "volumeMounts": [{"name": "foo", "mountPath": "/etc/foo"}], "nodeSelector": {"a": "b"},
     "tolerations": [{"key": "k"}], "affinity": {"nodeAffinity": {}}},
    {"ingress": {"enabled": True, "className": ""}, "service": {"type": "LoadBalancer"}},
    {"nameOverride": "releasename-is-contained"},
]


@pytest.fixture(scope="module")
def scaffold(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("scaffold")
    helm_python.Chart.create("scaffold", str(root))
    return root / "scaffold"


@pytest.mark.parametrize("index", range(len(FEATURES)))
def test_scaffold_matches_helm(scaffold: Path, index: int) -> None:
    values = FEATURES[index]
    for release in ("release-name", "releasename-is-contained"):
        expected = helm_render(scaffold, values, release_name=release, namespace="ns1")
        assert not isinstance(expected, HelmFailure), expected
        assert load_chart(scaffold).render(values, release_name=release, namespace="ns1") == expected


def test_scaffold_template_stream(scaffold: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    values = FEATURES[1]
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(values)))
    assert cli.main(["template", str(scaffold), "--values", "-"]) == 0
    out = capsys.readouterr().out
    manifest = helm_manifest(scaffold, values)
    assert not isinstance(manifest, HelmFailure)
    rendered = helm_render(scaffold, values)
    assert isinstance(rendered, dict)
    test_hook = rendered["scaffold/templates/tests/test-connection.yaml"]
    hook_doc = test_hook.lstrip()
    assert out == (manifest["manifest"].strip() + "\n"
                   + f"---\n# Source: scaffold/templates/tests/test-connection.yaml\n{hook_doc}\n")
