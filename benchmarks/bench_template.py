"""Warm template execution: kts's engine against real Helm rendering the same one-template chart.

For each template, kts parses once and executes repeatedly (the compiled closures are reused);
Helm (helm_python) renders a chart holding just that template. Printed: microseconds per
render for each, and the ratio kts/Helm (below 1 means kts is faster).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import yaml

from kts.gotemplate import TemplateSet
from kts.gotemplate.gotypes import GoFunc, Signature

HELPERS = """\
{{- define "app.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- define "app.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}
{{- define "app.labels" -}}
app.kubernetes.io/name: {{ include "app.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}
"""

DEPLOYMENT = HELPERS + """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "app.fullname" . }}
  labels:
    {{- include "app.labels" . | nindent 4 }}
spec:
  {{- if not .Values.autoscaling }}
  replicas: {{ .Values.replicaCount }}
  {{- end }}
  template:
    metadata:
      {{- with .Values.podAnnotations }}
      annotations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    spec:
      containers:
        - name: {{ .Chart.Name }}
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default "latest" }}"
          ports:
            {{- range .Values.ports }}
            - name: {{ .name }}
              containerPort: {{ .port }}
            {{- end }}
          env:
            {{- range $k, $v := .Values.env }}
            - name: {{ $k | upper | quote }}
              value: {{ $v | quote }}
            {{- end }}
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
"""

LOOPS = """\
{{- range $i, $user := .Values.users }}
user-{{ $i }}: {{ $user.name | quote }}
{{- if and $user.admin (gt (len $user.groups) 0) }}
  groups: {{ join "," $user.groups }}
{{- else if $user.admin }}
  admin: true
{{- else }}
  {{- range $user.groups }} {{ . }}{{ end }}
{{- end }}
{{- end }}
"""

PLAIN = """\
name: {{ .Values.name }}
{{- if .Values.enabled }}
enabled: {{ .Values.enabled }}
{{- end }}
{{- range .Values.items }}
- {{ . }}
{{- end }}
"""

VALUES: dict[str, Any] = {
    "replicaCount": 3, "image": {"repository": "nginx", "tag": "1.25"},
    "podAnnotations": {"a": "1", "b": "two"},
    "ports": [{"name": "http", "port": 80}, {"name": "https", "port": 443}],
    "env": {f"var{i}": f"value{i}" for i in range(10)},
    "resources": {"limits": {"cpu": "100m", "memory": "128Mi"}},
    "users": [{"name": f"u{i}", "admin": i % 3 == 0, "groups": [f"g{j}" for j in range(i % 4)]}
              for i in range(30)],
    "name": "plain", "enabled": True, "items": list(range(20)),
}

CASES = {"deployment": DEPLOYMENT, "loops": LOOPS, "plain": PLAIN}


def _go_values(v: Any) -> Any:
    return json.loads(json.dumps(v), parse_int=float)


def _engine(text: str) -> tuple[TemplateSet, dict[str, Any]]:
    funcs: dict[str, Any] = {}
    try:
        from kts.sprig import sprig_funcs

        funcs.update(sprig_funcs())
    except ImportError:
        pass
    ts = TemplateSet(funcs, missingkey="zero")
    try:
        from kts.helm.funcs import static_funcs

        ts.funcs.update(static_funcs())
    except Exception:
        pass
    sig = Signature(("string", "interface {}"), result="string", error=True)
    ts.funcs["include"] = GoFunc(lambda name, data: ts.execute(name, data), sig, "include")
    ts.parse("mychart/templates/t.yaml", text)
    data = {"Values": _go_values(VALUES), "Chart": {"Name": "mychart", "Version": "0.1.0"},
            "Release": {"Name": "release-name", "Namespace": "default", "Service": "Helm",
                        "IsInstall": True, "IsUpgrade": False, "Revision": 1},
            "Template": {"Name": "mychart/templates/t.yaml", "BasePath": "mychart/templates"}}
    return ts, data


def _time(fn: Any, seconds: float) -> float:
    fn()
    n = 0
    start = time.perf_counter()
    while True:
        fn()
        n += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return elapsed / n


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=1.0, help="time budget per measurement")
    args = parser.parse_args()
    import helm_python

    print(f"{'template':<12} {'kts engine µs':>14} {'kts chart µs':>13} {'helm µs':>10} "
          f"{'engine/helm':>12} {'chart/helm':>11}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in CASES.items():
            ts, data = _engine(text)
            engine = _time(lambda ts=ts, data=data: ts.execute("mychart/templates/t.yaml", data),
                           args.seconds)
            chart_dir = Path(tmp) / name / "mychart"
            (chart_dir / "templates").mkdir(parents=True)
            (chart_dir / "Chart.yaml").write_text("apiVersion: v2\nname: mychart\nversion: 0.1.0\n")
            (chart_dir / "values.yaml").write_text(yaml.safe_dump(VALUES))
            (chart_dir / "templates" / "t.yaml").write_text(text)
            try:
                from kts.helm.api import load_chart

                loaded = load_chart(chart_dir)
                kts_chart = _time(lambda loaded=loaded: loaded.render(), args.seconds)
            except Exception:
                kts_chart = float("nan")

            def helm_once(chart_dir: Path = chart_dir) -> None:
                c = helm_python.Chart.load(str(chart_dir))
                c.render(None, name="release-name", namespace="default", revision=1, is_install=True,
                         is_upgrade=False)

            helm = _time(helm_once, args.seconds)
            print(f"{name:<12} {engine * 1e6:>14.1f} {kts_chart * 1e6:>13.1f} {helm * 1e6:>10.1f} "
                  f"{engine / helm:>12.2f} {kts_chart / helm:>11.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
