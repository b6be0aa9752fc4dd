"""Real Helm (helm-python-sdk, Helm v4.2's own Go engine) as the source of expected output.

Every rendering test compares kts against these functions; nothing here is typed in by hand.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import helm_python

DEFAULT_CHART_YAML = "apiVersion: v2\nname: mychart\nversion: 0.1.0\n"


@dataclass(frozen=True)
class HelmFailure:
    """What real Helm raised instead of rendering."""

    kind: str
    message: str


def _jsonable(values: Any) -> Any:
    # The SDK passes values as JSON, exactly like `--set-json`/a values file would.
    return json.loads(json.dumps(values)) if values is not None else None


def helm_render(chart: str | Path, values: dict[str, Any] | None = None, *,
                release_name: str = "release-name", namespace: str = "default",
                revision: int = 1, is_upgrade: bool = False) -> dict[str, str] | HelmFailure:
    """Render ``chart`` with real Helm; a fresh Chart per call, since render mutates it."""
    try:
        loaded = helm_python.Chart.load(str(chart))
    except helm_python.HelmError as exc:
        return HelmFailure(type(exc).__name__, str(exc))
    try:
        return loaded.render(_jsonable(values), name=release_name, namespace=namespace,
                             revision=revision, is_install=not is_upgrade, is_upgrade=is_upgrade)
    except helm_python.HelmError as exc:
        return HelmFailure(type(exc).__name__, str(exc))
    finally:
        loaded.close() if hasattr(loaded, "close") else None


def helm_manifest(chart: str | Path, values: dict[str, Any] | None = None, *,
                  release_name: str = "release-name", namespace: str = "default") -> Any:
    """The release Helm would install (dry run, no cluster): ``manifest``, ``hooks`` and more."""
    try:
        loaded = helm_python.Chart.load(str(chart))
        config = helm_python.Config(namespace=namespace)
        return config.install(loaded, release_name, _jsonable(values), dry_run="client")
    except helm_python.HelmError as exc:
        return HelmFailure(type(exc).__name__, str(exc))


def write_chart(root: Path, templates: dict[str, str], *, values: str = "",
                chart_yaml: str = DEFAULT_CHART_YAML, files: dict[str, str] | None = None) -> Path:
    """Write a chart directory: ``templates`` maps paths under templates/ to their text."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "Chart.yaml").write_text(chart_yaml)
    (root / "values.yaml").write_text(values)
    for name, text in templates.items():
        path = root / "templates" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    for name, text in (files or {}).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root
