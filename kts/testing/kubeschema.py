"""Kubernetes' own published API schemas, from the ``kubernetes-validate`` package.

The package ships, per Kubernetes release, the OpenAPI definitions the API server publishes (as JSON
Schema: ``$defs`` with ``#/$defs/`` references, nullable types as ``["string", "null"]``). They carry
what the emulator needs to answer like a real server: the fields of every kind, their types, and the
``x-kubernetes-list-type`` / ``x-kubernetes-list-map-keys`` / patch-merge-key markers of every list.

Loading one release parses ~1.5 MB of JSON; it happens on first use and is shared by every emulator
of the process serving that release.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import re
from pathlib import Path
from typing import Any

from kts.extras import missing_extra

DEFAULT_KUBE_VERSION = "1.34"

INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity"
OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
_REF = "#/$defs/"
_VERSION = re.compile(r"^v?(\d+)\.(\d+)(?:\.\d+)?$")


@functools.cache
def _schema_dir() -> Path:
    """The package's schema folder, found without importing the package (its import pulls in
    jsonschema's format checkers, which cost seconds)."""
    spec = importlib.util.find_spec("kubernetes_validate")
    if spec is None or not spec.submodule_search_locations:
        raise missing_extra("kts.testing", "kubernetes_validate", "kube")
    return Path(next(iter(spec.submodule_search_locations))) / "kubernetes-json-schema"


@functools.cache
def available_versions() -> tuple[str, ...]:
    """The Kubernetes releases (``"1.34"``) whose schemas are installed, oldest first."""
    out = []
    for entry in _schema_dir().iterdir():
        m = re.match(r"^v(\d+)\.(\d+)\.0-local$", entry.name)
        if m:
            out.append((int(m.group(1)), int(m.group(2))))
    return tuple(f"{a}.{b}" for a, b in sorted(out))


def normalize_version(version: str) -> str:
    """``"v1.33.2"``, ``"1.33"`` -> ``"1.33"``; a release without installed schemas is refused."""
    m = _VERSION.match(version.strip())
    if not m:
        raise ValueError(f"not a Kubernetes version: {version!r} (expected e.g. 1.34)")
    text = f"{int(m.group(1))}.{int(m.group(2))}"
    if text not in available_versions():
        known = ", ".join(available_versions())
        raise ValueError(f"no Kubernetes {text} schemas in kubernetes-validate; available: {known}")
    return text


@functools.cache
def definitions(version: str) -> dict[str, dict[str, Any]]:
    """Every definition of one release, by its OpenAPI name (``io.k8s.api.core.v1.Pod``)."""
    path = _schema_dir() / f"v{version}.0-local" / "_definitions.json"
    with path.open("rb") as f:
        doc = json.load(f)
    defs: dict[str, dict[str, Any]] = doc["$defs"]
    return defs


def ref_name(node: dict[str, Any]) -> str | None:
    ref = node.get("$ref")
    return ref[len(_REF) :] if isinstance(ref, str) and ref.startswith(_REF) else None


def types_of(node: dict[str, Any]) -> set[str]:
    """The JSON types a node allows, without ``null`` (every optional field may be null)."""
    t = node.get("type")
    if t is None:
        return set()
    return {t} if isinstance(t, str) else {x for x in t if x != "null"}


class KubeSchemas:
    """One release's definitions with the indexes the emulator asks for."""

    def __init__(self, version: str = DEFAULT_KUBE_VERSION) -> None:
        self.version = normalize_version(version)

    @functools.cached_property
    def defs(self) -> dict[str, dict[str, Any]]:
        return definitions(self.version)

    @functools.cached_property
    def _by_gvk(self) -> dict[tuple[str, str, str], str]:
        return _gvk_index(self.version)

    def kind_definition(self, group: str, version: str, kind: str) -> str | None:
        """The definition name of a served kind (``("apps", "v1", "Deployment")``)."""
        return self._by_gvk.get((group, version, kind))

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        """The node itself, or the definition it references."""
        name = ref_name(node)
        return self.defs.get(name, {}) if name else node

    def resolve_definition(self, name: str) -> dict[str, Any]:
        return self.defs.get(name, {})

    def node_at(self, definition: str, path: tuple[str, ...]) -> dict[str, Any] | None:
        """The schema of the field at ``path`` (map keys and list items as ``"*"``)."""
        node: dict[str, Any] | None = self.defs.get(definition)
        for part in path:
            if node is None:
                return None
            node = self.child(node, part)
        return node

    def child(self, node: dict[str, Any], part: str) -> dict[str, Any] | None:
        node = self.resolve(node)
        if part == "*":
            items = node.get("items")
            if isinstance(items, dict):
                return items
            extra = node.get("additionalProperties")
            return extra if isinstance(extra, dict) else None
        props = node.get("properties")
        if isinstance(props, dict) and part in props:
            sub: dict[str, Any] = props[part]
            return sub
        extra = node.get("additionalProperties")
        return extra if isinstance(extra, dict) else None


@functools.cache
def _gvk_index(version: str) -> dict[tuple[str, str, str], str]:
    out: dict[tuple[str, str, str], str] = {}
    for name, node in definitions(version).items():
        for gvk in node.get("x-kubernetes-group-version-kind") or ():
            out.setdefault((gvk.get("group", ""), gvk.get("version", ""), gvk.get("kind", "")), name)
    return out


@functools.cache
def schemas_for(version: str) -> KubeSchemas:
    return KubeSchemas(version)
