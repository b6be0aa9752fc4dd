"""The codecs on the inputs real charts give them: kts against real Helm (helm_python), same process.

Each case is a one-template chart whose time is spent in one codec: ``fromYaml`` of a ~1 MB
CRD bundle read with ``.Files.Get`` (as CRD-heavy charts do), ``toYaml`` of z2jh-style pod specs
piped through ``nindent``, a large values file, ``toJson``/``fromJson`` and deeply nested flow
YAML. Both sides load the chart once and re-render it (warm); the values-file case loads it
each time (cold), since that is where values are read. Printed: ms per render and kts/Helm.
The inputs are generated here (``crd_bundle``, ``pod_spec``), never copied from real charts.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import helm_python

from kts.helm.api import load_chart

WORDS = [
    "the", "of", "a", "to", "is", "field", "for", "this", "that", "specifies", "which", "when", "must",
    "be", "resource", "name", "value", "defaults", "if", "not", "set", "controller", "kubernetes",
    "object", "reference", "pod", "container", "port", "service", "selector", "label", "annotation",
    "status", "condition", "type", "reason", "message", "time", "observed", "generation", "template",
    "spec", "metadata", "api", "version", "kind", "namespace", "cluster", "scope",
]


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def _schema(rng: random.Random, depth: int) -> dict[str, Any]:
    """An OpenAPI v3 schema shaped like controller-gen's: nested objects, arrays, enums."""
    if depth == 0 or rng.random() < 0.3:
        kind = rng.choice(["string", "integer", "boolean", "string", "number"])
        leaf: dict[str, Any] = {"description": _sentence(rng, rng.randint(5, 40)), "type": kind}
        if kind == "string" and rng.random() < 0.2:
            leaf["enum"] = [rng.choice(WORDS).capitalize() for _ in range(rng.randint(2, 5))]
        if kind == "integer":
            leaf["format"] = "int32"
        if rng.random() < 0.1:
            leaf["x-kubernetes-int-or-string"] = True
        return leaf
    props = {f"{rng.choice(WORDS)}{rng.choice(WORDS).capitalize()}{i}": _schema(rng, depth - 1)
             for i in range(rng.randint(2, 7))}
    node: dict[str, Any] = {"description": _sentence(rng, rng.randint(10, 60)), "type": "object",
                            "properties": props}
    if rng.random() < 0.3:
        node["required"] = sorted(props)[:2]
    if rng.random() < 0.2:
        return {"description": node["description"], "type": "array", "items": node}
    return node


def _block(value: Any, indent: int = 0) -> list[str]:
    """Block YAML as CRD generators write it: descriptions as folded multi-line plain scalars."""
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, (dict, list)) and v:
                lines.append(f"{pad}{k}:")
                lines.extend(_block(v, indent + 2))
            elif isinstance(v, str) and len(v) > 60:
                words, line, out = v.split(), "", []
                for w in words:
                    if len(line) + len(w) > 70 and line:
                        out.append(line)
                        line = w
                    else:
                        line = f"{line} {w}".strip()
                out.append(line)
                lines.append(f"{pad}{k}: {out[0]}")
                lines.extend(f"{pad}  {rest}" for rest in out[1:])
            else:
                lines.append(f"{pad}{k}: {json.dumps(v) if not isinstance(v, str) else v}")
    else:
        for item in value:
            if isinstance(item, (dict, list)) and item:
                sub = _block(item, indent + 2)
                sub[0] = pad + "- " + sub[0].lstrip()
                lines.extend(sub)
            else:
                lines.append(f"{pad}- {json.dumps(item) if not isinstance(item, str) else item}")
    return lines


def crd_bundle(size: int = 1_000_000, seed: int = 7) -> str:
    """Several CRDs as one multi-document file, about ``size`` bytes."""
    rng = random.Random(seed)
    docs: list[str] = []
    total = 0
    i = 0
    while total < size:
        kind = f"Widget{i}"
        crd = {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
               "metadata": {"name": f"widget{i}s.example.com",
                            "labels": {"app.kubernetes.io/name": "bench", "chart": "bench-1.0.0"}},
               "spec": {"group": "example.com", "names": {"kind": kind, "plural": f"widget{i}s"},
                        "scope": "Namespaced",
                        "versions": [{"name": "v1", "served": True, "storage": True,
                                      "schema": {"openAPIV3Schema": _schema(rng, 6)}}]}}
        doc = "\n".join(_block(crd)) + "\n"
        docs.append(doc)
        total += len(doc)
        i += 1
    return "---\n".join(docs)


def pod_spec(i: int) -> dict[str, Any]:
    """A z2jh-style singleuser pod spec with the usual heavy fields."""
    return {
        "initContainers": [{"name": "block-cloud-metadata", "image": "jupyterhub/k8s-network-tools:4.0.0",
                            "command": ["iptables", "-A", "OUTPUT", "-d", "169.254.169.254", "-j", "DROP"],
                            "securityContext": {"capabilities": {"add": ["NET_ADMIN"]}, "privileged": True,
                                                "runAsUser": 0}}],
        "containers": [{
            "name": "notebook", "image": f"quay.io/jupyter/scipy-notebook:2024-0{i % 9 + 1}-01",
            "args": ["jupyterhub-singleuser", "--ip=0.0.0.0", "--port=8888"],
            "env": [{"name": f"JUPYTERHUB_VAR_{k}", "value": f"value {k} for user-{i}"} for k in range(20)]
            + [{"name": "MEM_LIMIT", "valueFrom": {"resourceFieldRef": {"resource": "limits.memory"}}}],
            "lifecycle": {"postStart": {"exec": {
                "command": ["sh", "-c", "gitpuller https://example.org/repo main"]}}},
            "ports": [{"containerPort": 8888, "name": "notebook-port", "protocol": "TCP"}],
            "resources": {"limits": {"cpu": 2, "memory": "4G"}, "requests": {"cpu": 0.5, "memory": "1G"}},
            "securityContext": {"allowPrivilegeEscalation": False, "runAsUser": 1000},
            "volumeMounts": [{"mountPath": "/home/jovyan", "name": "home"},
                             {"mountPath": "/etc/jupyter/jupyter_notebook_config.py", "name": "config",
                              "subPath": "jupyter_notebook_config.py"}],
        }],
        "affinity": {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": 100, "preference": {"matchExpressions": [
                {"key": "hub.jupyter.org/node-purpose", "operator": "In", "values": ["user"]}]}}]}},
        "tolerations": [{"effect": "NoSchedule", "key": "hub.jupyter.org/dedicated", "operator": "Equal",
                         "value": "user"}],
        "volumes": [{"name": "home", "persistentVolumeClaim": {"claimName": f"claim-user-{i}"}},
                    {"name": "config", "configMap": {"name": "user-config", "defaultMode": 420}}],
        "nodeSelector": {"kubernetes.io/os": "linux"},
        "securityContext": {"fsGroup": 100},
        "priorityClassName": "jupyterhub-default-priority",
        "terminationGracePeriodSeconds": 30,
    }


def _values_file(size: int) -> str:
    rng = random.Random(3)
    return "\n".join(_block({f"profile{i}": {"pod": pod_spec(i), "note": _sentence(rng, 30)}
                             for i in range(size // 3000)})) + "\n"


Case = dict[str, Any]


def cases() -> dict[str, Case]:
    pods = {"pods": [pod_spec(i) for i in range(20)]}
    blob = {"items": [pod_spec(i) for i in range(40)]}
    return {
        "fromYaml 1 MB CRDs": {
            "template": '{{- range $p, $_ := .Files.Glob "crds/*.yaml" }}'
                        '{{- range $doc := regexSplit "\\n---\\n" ($.Files.Get $p) -1 }}'
                        '{{ $c := fromYaml $doc }}{{ $c.metadata.name }}\n{{ end }}{{ end }}',
            "files": {"crds/bundle.yaml": crd_bundle()},
        },
        "toYaml 20 pod specs": {
            "template": "{{- range .Values.pods }}\nspec:{{ toYaml . | nindent 2 }}\n{{- end }}",
            "values": pods,
        },
        "toJson+fromJson 40 pods": {
            "template": "{{ $j := toJson .Values.items }}{{ len $j }} {{ fromJsonArray $j | len }}",
            "values": blob,
        },
        "values file 1 MB (cold)": {
            "template": "{{ len .Values }}", "values_yaml": _values_file(1_000_000), "cold": True,
        },
        "values 8 KB nested flow (cold)": {
            "template": "{{ len .Values }}", "cold": True,
            "values_yaml": "a: " + "[" * 4000 + "]" * 4000 + "\n",
        },
    }


def _write(root: Path, case: Case) -> Path:
    (root / "templates").mkdir(parents=True)
    (root / "Chart.yaml").write_text("apiVersion: v2\nname: bench\nversion: 0.1.0\n")
    (root / "values.yaml").write_text(case.get("values_yaml") or json.dumps(case.get("values", {})))
    (root / "templates" / "t.yaml").write_text(case["template"])
    for name, text in case.get("files", {}).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def _time(fn: Callable[[], Any], seconds: float) -> float:
    fn()
    n, start = 0, time.perf_counter()
    while True:
        fn()
        n += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return elapsed / n


def bench(chart: Path, cold: bool, seconds: float) -> tuple[float, float]:
    if cold:
        ours = _time(lambda: load_chart(chart).render({}), seconds)
        helm = _time(lambda: helm_python.Chart.load(str(chart)).render(None), seconds)
        return ours, helm
    loaded = load_chart(chart)
    helm_chart = helm_python.Chart.load(str(chart))
    same = loaded.render({})["bench/templates/t.yaml"] == helm_chart.render(None)["bench/templates/t.yaml"]
    if not same:
        raise SystemExit(f"{chart}: kts and Helm disagree")
    return _time(lambda: loaded.render({}), seconds), _time(lambda: helm_chart.render(None), seconds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=1.0, help="time per measurement")
    args = parser.parse_args(argv)
    print(f"{'case':<32} {'kts ms':>9} {'helm ms':>9} {'kts/helm':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        for i, (name, case) in enumerate(cases().items()):
            chart = _write(Path(tmp) / f"c{i}" / "bench", case)
            ours, helm = bench(chart, bool(case.get("cold")), args.seconds)
            print(f"{name:<32} {ours * 1e3:>9.2f} {helm * 1e3:>9.2f} {ours / helm:>9.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
