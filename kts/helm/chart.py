"""The chart model: metadata, default values, templates, files and loaded subcharts."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

APIVERSION_V1 = "v1"
APIVERSION_V2 = "v2"


@dataclass
class Maintainer:
    name: str = ""
    email: str = ""
    url: str = ""

    def as_go_map(self) -> dict[str, Any]:
        return {"Name": self.name, "Email": self.email, "URL": self.url}


@dataclass
class Dependency:
    """One entry of ``dependencies:`` (Chart.yaml v2) or ``requirements.yaml`` (v1)."""

    name: str = ""
    version: str = ""
    repository: str = ""
    condition: str = ""
    tags: list[str] = field(default_factory=list)
    enabled: bool = False
    import_values: list[Any] = field(default_factory=list)
    alias: str = ""

    def as_go_map(self) -> dict[str, Any]:
        return {"Name": self.name, "Version": self.version, "Repository": self.repository,
                "Condition": self.condition, "Tags": list(self.tags), "Enabled": self.enabled,
                "ImportValues": copy.deepcopy(self.import_values), "Alias": self.alias}


@dataclass
class Metadata:
    """``Chart.yaml`` with Helm's Go field names as the template sees them."""

    name: str = ""
    home: str = ""
    sources: list[str] = field(default_factory=list)
    version: str = ""
    description: str = ""
    keywords: list[str] = field(default_factory=list)
    maintainers: list[Maintainer] = field(default_factory=list)
    icon: str = ""
    api_version: str = ""
    condition: str = ""
    tags: str = ""
    app_version: str = ""
    deprecated: bool = False
    annotations: dict[str, str] | None = None
    kube_version: str = ""
    dependencies: list[Dependency] = field(default_factory=list)
    type: str = ""

    def copy(self) -> Metadata:
        md = copy.copy(self)
        md.dependencies = [copy.copy(d) for d in self.dependencies]
        return md

    def as_go_map(self, is_root: bool) -> dict[str, Any]:
        """Helm v4's ``.Chart``: a ``map[string]interface {}`` keyed by Go field names."""
        from kts.gotemplate.gotypes import string_map

        return {
            "Name": self.name, "Home": self.home, "Sources": list(self.sources),
            "Version": self.version, "Description": self.description,
            "Keywords": list(self.keywords),
            "Maintainers": [m.as_go_map() for m in self.maintainers], "Icon": self.icon,
            "APIVersion": self.api_version, "Condition": self.condition, "Tags": self.tags,
            "AppVersion": self.app_version, "Deprecated": self.deprecated,
            "Annotations": string_map(self.annotations) if self.annotations is not None else None,
            "KubeVersion": self.kube_version,
            "Dependencies": [d.as_go_map() for d in self.dependencies],
            "Type": self.type, "IsRoot": is_root,
        }


@dataclass
class File:
    name: str
    data: bytes


@dataclass
class ChartModel:
    """A chart as its files describe it, subcharts included: what Helm's Go calls ``chart.Chart``.

    ``kts.helm.Chart`` wraps one to render it; rendering works on processed copies
    (``clone_tree``, ``render.Renderer``).
    """

    metadata: Metadata
    values: dict[str, Any] = field(default_factory=dict)
    schema: bytes | None = None
    templates: list[File] = field(default_factory=list)
    files: list[File] = field(default_factory=list)
    dependencies: list[ChartModel] = field(default_factory=list)
    parent: ChartModel | None = None
    source: str = ""

    @property
    def name(self) -> str:
        return self.metadata.name

    @property
    def is_library(self) -> bool:
        return self.metadata.type == "library"

    def is_root(self) -> bool:
        return self.parent is None

    def full_path(self) -> str:
        """``ChartFullPath``: ``root/charts/sub/charts/subsub``, used in template names."""
        if self.parent is None:
            return self.name
        return f"{self.parent.full_path()}/charts/{self.name}"

    def add_dependency(self, *charts: ChartModel) -> None:
        for c in charts:
            c.parent = self
            self.dependencies.append(c)

    def set_dependencies(self, *charts: ChartModel) -> None:
        self.dependencies = []
        self.add_dependency(*charts)

    def crd_files(self) -> list[File]:
        """Files under ``crds/`` with a YAML or JSON extension, this chart only."""
        return [f for f in self.files if f.name.startswith("crds/")
                and f.name.rsplit(".", 1)[-1] in ("yaml", "yml", "json") and "." in f.name]

    def crd_files_recursive(self) -> list[tuple[ChartModel, File]]:
        out = [(self, f) for f in self.crd_files()]
        for dep in self.dependencies:
            out.extend(dep.crd_files_recursive())
        return out

    def clone_tree(self) -> ChartModel:
        """A copy whose metadata, values and dependency lists may be changed freely.

        Templates and files are shared: rendering never mutates them.
        """
        out = copy.copy(self)
        out.metadata = self.metadata.copy()
        out.values = self.values
        out.dependencies = []
        for dep in self.dependencies:
            out.add_dependency(dep.clone_tree())
        return out
