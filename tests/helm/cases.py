"""Fixture charts and the value sets each is rendered with (by kts and by real Helm)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "charts"

VALUE_SETS: dict[str, list[dict[str, Any]]] = {
    "basic": [
        {},
        {"replicaCount": 3, "image": {"tag": "1.25.3"}, "fullnameOverride": "custom-name-that-is-rather-long-"
         "and-gets-truncated-at-sixty-three-chars", "service": {"annotations": {"a": "b"}}},
        {"nameOverride": "web", "podAnnotations": {"checksum": "abc", "z": 1}, "resources": {
            "limits": {"cpu": "100m", "memory": 128}}, "nodeSelector": {"disk": "ssd"},
         "tolerations": [{"key": "k", "operator": "Exists"}], "labels": None,
         "config": {"big": 12345678, "ratio": 1e-7, "enabled": False, "extra": [1, 2.5, "x", None]}},
    ],
    "helpers": [{}, {"depth": 0, "prefix": "zz", "items": [], "tree": {"k": {"deeper": {"x": 1}}}},
                {"message": "{{ .Values.prefix | upper }}", "overrides": {"missing": "set"}}],
    "globals": [{}, {"global": {"region": "ap", "registry": {"port": 1}, "newKey": [1]},
                     "child": {"nested": None}, "archived": {"replicas": 3}},
                {"archived": {"enabled": False}, "global": {"registry": None}}],
    "aliases": [{}, {"frontend": {"role": None}, "component": {"port": 7}}],
    "conditions": [
        {}, {"cache": {"enabled": True}}, {"tags": {"backend": False, "storage": True}},
        {"tags": {"backend": False}, "metrics": {"enabled": False}, "global": {"cache": {"enabled": True}}},
        {"tags": {"monitoring": True}, "metrics": {"enabled": "yes"}},
    ],
    "imports": [{}, {"timeout": None, "imported": {"net": {"extra": 1}}}],
    "library": [{}, {"labels": {"a": "1", "b": "two"}, "replicas": 4}],
    "files": [{}, {"pattern": "files/**"}, {"pattern": "[invalid"}],
    "schema": [{}, {"replicas": 10, "mode": "safe", "ports": [1, 2], "limited": {"level": 5}}],
    "crds-hooks": [{}, {"migrate": False, "hookWeight": -1}],
    "legacy-v1": [{}, {"cache": {"enabled": False}}],
    "nested": [{}, {"mid": {"leaf": {"enabled": False}}}, {"mid": {"leaf": {"removed": None, "size": 1}},
                                                          "global": {"midOnly": False}}],
    "packed-0.2.0.tgz": [{}, {"msg": "other", "inner": {"n": 4}}],
    "kinds": [{}, {"extra": True}],
    "builtins": [{}, {"key": "other", "num": 1.5}],
    "multidoc": [{}, {"nested": {"x": None}, "keepNull": 1, "b": None}],
}


def fixture(name: str) -> Path:
    return FIXTURES / name
