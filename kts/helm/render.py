"""From a loaded chart and values to ``{template path: text}``, as Helm v4.2's install renders."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kts.gotemplate.errors import RenderError
from kts.gotemplate.gotypes import string_map
from kts.helm import semver
from kts.helm.chart import Chart
from kts.helm.coalesce import coalesce_values
from kts.helm.dependencies import process_dependencies
from kts.helm.engine import CompiledTemplates
from kts.helm.funcs import LookupFn
from kts.helm.objects import Capabilities, Files
from kts.helm.schema import validate
from kts.helm.values import NoTableError, Values, table


class KubeVersionError(RenderError):
    """The chart's ``kubeVersion`` constraint excludes the target Kubernetes version."""


@dataclass(frozen=True)
class ReleaseOptions:
    name: str = "release-name"
    namespace: str = "default"
    revision: int = 1
    is_upgrade: bool = False


def release_map(opts: ReleaseOptions) -> dict[str, Any]:
    return {"Name": opts.name, "Namespace": opts.namespace, "IsUpgrade": opts.is_upgrade,
            "IsInstall": not opts.is_upgrade, "Revision": opts.revision, "Service": "Helm"}


def _files_of(chart: Chart, cache: dict[int, Files]) -> Files:
    # Templates cannot change an engine.files map (no function takes one), so it is shared.
    key = id(chart.files)
    files = cache.get(key)
    if files is None:
        files = cache[key] = Files({f.name: f.data for f in chart.files})
    return files


def _metadata_map(chart: Chart, is_root: bool) -> dict[str, Any]:
    md = chart.metadata.as_go_map(is_root)
    if md["Annotations"] is None:
        md["Annotations"] = string_map()
    for dep in md["Dependencies"]:
        dep["ImportValues"] = [string_map(iv) if isinstance(iv, dict) else iv for iv in dep["ImportValues"]]
    return md


def collect(chart: Chart, parent: dict[str, Any], jobs: dict[str, tuple[str, dict[str, Any], str]],
            files_cache: dict[int, Files]) -> dict[str, Any]:
    """``recAllTpls``: one shared context per chart; subcharts see their slice of the values."""
    sub_charts: dict[str, Any] = {}
    nxt: dict[str, Any] = {
        "Chart": _metadata_map(chart, chart.parent is None),
        "Files": _files_of(chart, files_cache),
        "Release": parent.get("Release"),
        "Capabilities": parent.get("Capabilities"),
        "Values": Values(),
        "Subcharts": sub_charts,
    }
    if chart.parent is None:
        nxt["Values"] = parent["Values"]
    else:
        pvals = parent["Values"]
        try:
            sub = table(pvals, chart.name)
        except NoTableError:
            sub = None
        if sub is not None:
            if not isinstance(sub, Values):
                sub = Values(sub)
                pvals[chart.name] = sub
            nxt["Values"] = sub
    for child in chart.dependencies:
        sub_charts[child.name] = collect(child, nxt, jobs, files_cache)
    prefix = chart.full_path()
    base = prefix + "/templates"
    for t in chart.templates:
        if chart.is_library and not t.name.rsplit("/", 1)[-1].startswith("_"):
            continue
        jobs[f"{prefix}/{t.name}"] = (t.name, nxt, base)
    return nxt


def _sources(chart: Chart, out: dict[str, str]) -> None:
    prefix = chart.full_path()
    for t in chart.templates:
        if chart.is_library and not t.name.rsplit("/", 1)[-1].startswith("_"):
            continue
        out[f"{prefix}/{t.name}"] = t.data.decode("utf-8", "surrogateescape")
    for dep in chart.dependencies:
        _sources(dep, out)


def _signature(chart: Chart) -> tuple[Any, ...]:
    """Which charts (under which names) take part: the parsed set depends only on this."""
    return (chart.name, id(chart.templates), tuple(_signature(d) for d in chart.dependencies))


def json_values(value: Any) -> Any:
    """Values handed in from Python, typed as if read from JSON (numbers are float64)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, dict):
        return {str(k): json_values(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_values(v) for v in value]
    return value


class Renderer:
    """A loaded chart ready to render many times: template sets are parsed once and cached."""

    def __init__(self, chart: Chart) -> None:
        self.chart = chart
        self._compiled: dict[tuple[Any, ...], CompiledTemplates] = {}
        self._files_cache: dict[int, Files] = {}

    def prepare(self, user_values: dict[str, Any] | None, kube: Capabilities) -> tuple[Chart, dict[str, Any]]:
        """Dependencies processed and values coalesced and validated (``ToRenderValues``)."""
        root = self.chart.clone_tree()
        vals = user_values or {}  # coalescing works on its own deep copy
        if root.metadata.kube_version and not semver.check(root.metadata.kube_version,
                                                           kube.KubeVersion.String()):
            raise KubeVersionError(f"chart requires kubeVersion: {root.metadata.kube_version} which is "
                                   f"incompatible with Kubernetes {kube.KubeVersion.Version}",
                                   template=f"{root.source or root.name}/Chart.yaml")
        process_dependencies(root, vals)
        coalesced = coalesce_values(root, vals)
        validate(root, coalesced)
        return root, coalesced

    def render(self, user_values: dict[str, Any] | None, opts: ReleaseOptions, caps: Capabilities,
               lookup: LookupFn | None = None) -> dict[str, str]:
        return self.render_release(user_values, opts, caps, lookup)[1]

    def render_release(self, user_values: dict[str, Any] | None, opts: ReleaseOptions, caps: Capabilities,
                       lookup: LookupFn | None = None) -> tuple[Chart, dict[str, str]]:
        """The chart as processed for these values (disabled subcharts removed) and its render."""
        root, coalesced = self.prepare(user_values, caps)
        top = {"Release": release_map(opts), "Capabilities": caps, "Values": Values(coalesced)}
        jobs: dict[str, tuple[str, dict[str, Any], str]] = {}
        collect(root, top, jobs, self._files_cache)
        sig = _signature(root)
        compiled = self._compiled.get(sig)
        if compiled is None:
            sources: dict[str, str] = {}
            _sources(root, sources)
            compiled = self._compiled[sig] = CompiledTemplates(sources)
        run = [(name, jobs[name][1], jobs[name][2]) for name in compiled.order
               if not name.rsplit("/", 1)[-1].startswith("_")]
        return root, compiled.execute(run, lookup)
