"""From a loaded chart and values to ``{template path: text}``, as Helm v4.2's install renders."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kts.gotemplate.errors import RenderError
from kts.gotemplate.gotypes import GoMap, string_map
from kts.gotemplate.limits import DEFAULT_LIMITS, RenderLimits, rendering
from kts.helm import semver
from kts.helm.chart import ChartModel
from kts.helm.coalesce import coalesce_values
from kts.helm.dependencies import decision_keys, process_dependencies, values_key
from kts.helm.engine import CompiledTemplates, may_mutate
from kts.helm.funcs import LookupFn
from kts.helm.gocopy import copy_map
from kts.helm.objects import Capabilities, Files
from kts.helm.schema import validate
from kts.helm.values import NoTableError, Values, shared_table


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


def _files_of(chart: ChartModel, cache: dict[int, Files]) -> Files:
    # Templates cannot change an engine.files map (no function takes one), so it is shared.
    key = id(chart.files)
    files = cache.get(key)
    if files is None:
        files = cache[key] = Files({f.name: f.data for f in chart.files})
    return files


class NilStringMap(GoMap):
    """A nil ``map[string]string``: indexes to zero values like an empty map, marshals as ``null``."""

    go_nil = True

    def __init__(self) -> None:
        super().__init__(elem="string")


def _metadata_map(chart: ChartModel, is_root: bool) -> dict[str, Any]:
    md = chart.metadata.as_go_map(is_root)
    if md["Annotations"] is None:
        md["Annotations"] = NilStringMap()
    for dep in md["Dependencies"]:
        dep["ImportValues"] = [string_map(iv) if isinstance(iv, dict) else iv for iv in dep["ImportValues"]]
    return md


MetadataFn = Callable[[ChartModel], dict[str, Any]]


def _fresh_metadata(chart: ChartModel) -> dict[str, Any]:
    return _metadata_map(chart, chart.parent is None)


def collect(chart: ChartModel, parent: dict[str, Any], out: list[dict[str, Any]],
            files_cache: dict[int, Files], metadata: MetadataFn = _fresh_metadata) -> dict[str, Any]:
    """``recAllTpls``: one shared context per chart; subcharts see their slice of the values.

    Contexts are appended to ``out`` in ``chart_list`` order. ``metadata`` gives each chart's
    ``.Chart`` map.
    """
    sub_charts: dict[str, Any] = {}
    # Each template's dot is itself a ``common.Values`` in Helm (``typeOf .``, type errors).
    nxt: dict[str, Any] = Values({
        "Chart": metadata(chart),
        "Files": _files_of(chart, files_cache),
        "Release": parent.get("Release"),
        "Capabilities": parent.get("Capabilities"),
        "Values": Values(),
        "Subcharts": sub_charts,
    })
    out.append(nxt)
    if chart.parent is None:
        nxt["Values"] = parent["Values"]
    else:
        with contextlib.suppress(NoTableError):  # Helm keeps the empty Values then
            nxt["Values"] = shared_table(parent["Values"], chart.name)
    for child in chart.dependencies:
        sub_charts[child.name] = collect(child, nxt, out, files_cache, metadata)
    return nxt


def chart_list(chart: ChartModel) -> list[ChartModel]:
    """The chart and its subcharts, parents first, in the order ``collect`` visits them."""
    out = [chart]
    for child in chart.dependencies:
        out.extend(chart_list(child))
    return out


def _runnable(chart: ChartModel) -> list[str]:
    """Template names of one chart that execute (a library chart only contributes partials)."""
    return [t.name for t in chart.templates
            if not (chart.is_library and not t.name.rsplit("/", 1)[-1].startswith("_"))]


def _plan(root: ChartModel, order: list[str]) -> list[tuple[str, int, str]]:
    """(template, index of its chart's context, base path) for every template to execute, in order."""
    where: dict[str, tuple[int, str]] = {}
    for index, chart in enumerate(chart_list(root)):
        prefix = chart.full_path()
        for name in _runnable(chart):
            where[f"{prefix}/{name}"] = (index, prefix + "/templates")
    return [(name, *where[name]) for name in order if not name.rsplit("/", 1)[-1].startswith("_")]


def _sources(chart: ChartModel, out: dict[str, str]) -> None:
    prefix = chart.full_path()
    for t in chart.templates:
        if chart.is_library and not t.name.rsplit("/", 1)[-1].startswith("_"):
            continue
        out[f"{prefix}/{t.name}"] = t.data.decode("utf-8", "surrogateescape")
    for dep in chart.dependencies:
        _sources(dep, out)


def _signature(chart: ChartModel) -> tuple[Any, ...]:
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


@dataclass
class _TemplateSet:
    """The templates of one set of enabled charts: their text, and once parsed, how to run them."""

    sources: dict[str, str]  # template texts, by template name
    may_mutate: bool  # whether a template can change maps it is given (``set``, ``tpl``...)
    ready: tuple[CompiledTemplates, list[tuple[str, int, str]]] | None = None  # parsed set, ``_plan``


@dataclass
class _Prepared:
    """A chart processed for one outcome of dependency processing, with what renders reuse."""

    root: ChartModel
    templates: _TemplateSet
    base: dict[str, Any] | None = None  # the coalesced defaults (no user values)
    special: frozenset[str] = frozenset()  # top-level keys that coalesce beyond a plain copy
    has_schema: bool = False
    metadata: dict[int, dict[str, Any]] = field(default_factory=dict)  # .Chart maps, by id(chart)

    def metadata_of(self, chart: ChartModel) -> dict[str, Any]:
        """The chart's ``.Chart`` map; a copy per render unless no template can change it."""
        md = self.metadata.get(id(chart))
        if md is None:
            md = self.metadata[id(chart)] = _fresh_metadata(chart)
        return copy_map(md) if self.templates.may_mutate else md


_PREPARED_MAX = 32


def _any_schema(chart: ChartModel) -> bool:
    return chart.schema is not None or any(_any_schema(d) for d in chart.dependencies)


class Renderer:
    """A loaded chart ready to render many times (from several threads too).

    Dependency processing runs once per distinct value of the keys it reads
    (``decision_keys``), templates are parsed once per set of enabled charts, and the chart
    defaults are coalesced once; a render copies them (unless no template can change them)
    and merges the user's values in. A cache entry is complete before it is stored, so
    concurrent first renders at worst compute it twice.
    """

    def __init__(self, chart: ChartModel, limits: RenderLimits = DEFAULT_LIMITS) -> None:
        self.chart = chart
        self.limits = limits
        self._sets: dict[tuple[Any, ...], _TemplateSet] = {}  # by ``_signature``
        self._files_cache: dict[int, Files] = {}
        self._decision_keys = decision_keys(chart)
        self._prepared: dict[Any, _Prepared] = {}
        self._kube_ok: dict[str, bool] = {}

    def _check_kube_version(self, kube: Capabilities) -> None:
        constraint = self.chart.metadata.kube_version
        if not constraint:
            return
        version = kube.KubeVersion.String()
        ok = self._kube_ok.get(version)
        if ok is None:
            ok = self._kube_ok[version] = semver.check(constraint, version)
        if not ok:
            raise KubeVersionError(f"chart requires kubeVersion: {constraint} which is "
                                   f"incompatible with Kubernetes {kube.KubeVersion.Version}",
                                   template=f"{self.chart.source or self.chart.name}/Chart.yaml")

    def _processed(self, vals: dict[str, Any]) -> _Prepared:
        key = values_key(vals, self._decision_keys)
        prepared = self._prepared.get(key) if key is not None else None
        if prepared is None:
            root = self.chart.clone_tree()
            process_dependencies(root, vals)
            special = {"global", *root.values, *(d.name for d in root.dependencies)}
            sig = _signature(root)
            templates = self._sets.get(sig)
            if templates is None:
                sources: dict[str, str] = {}
                _sources(root, sources)
                templates = self._sets[sig] = _TemplateSet(sources, may_mutate(sources.values()))
            prepared = _Prepared(root, templates, special=frozenset(special), has_schema=_any_schema(root))
            if key is not None:
                if len(self._prepared) >= _PREPARED_MAX:
                    self._prepared.pop(next(iter(self._prepared)), None)
                self._prepared[key] = prepared
        return prepared

    def _coalesce(self, prepared: _Prepared, vals: dict[str, Any]) -> dict[str, Any]:
        """``coalesce_values``; user keys the chart does not know are copied over the defaults."""
        if type(vals) is not dict or any(k in prepared.special for k in vals):
            return coalesce_values(prepared.root, vals)
        base = prepared.base
        if base is None:
            base = prepared.base = coalesce_values(prepared.root, {})
        if not prepared.templates.may_mutate:  # nothing can change the trees, so renders share them
            out = dict(vals)
            out.update(base)
            return out
        out = copy_map(vals)
        out.update(copy_map(base))
        return out

    def prepare(self, user_values: dict[str, Any] | None,
                kube: Capabilities) -> tuple[ChartModel, dict[str, Any]]:
        """Dependencies processed and values coalesced and validated (``ToRenderValues``).

        Both results may share trees with later renders: read them, do not change them.
        """
        return self._prepare(user_values, kube)[0:2]  # type: ignore[return-value]

    def _prepare(self, user_values: dict[str, Any] | None, kube: Capabilities,
                 validate_schema: bool = True,
                 check_kube_version: bool = True) -> tuple[ChartModel, dict[str, Any], _Prepared]:
        vals = user_values or {}
        if check_kube_version:
            self._check_kube_version(kube)
        prepared = self._processed(vals)
        coalesced = self._coalesce(prepared, vals)
        if validate_schema and prepared.has_schema:
            validate(prepared.root, coalesced)
        return prepared.root, coalesced, prepared

    def render(self, user_values: dict[str, Any] | None, opts: ReleaseOptions, caps: Capabilities,
               lookup: LookupFn | None = None) -> dict[str, str]:
        return self.render_release(user_values, opts, caps, lookup)[1]

    def render_release(self, user_values: dict[str, Any] | None, opts: ReleaseOptions, caps: Capabilities,
                       lookup: LookupFn | None = None,
                       validate_schema: bool = True,
                       check_kube_version: bool = True) -> tuple[ChartModel, dict[str, str]]:
        """The chart as processed for these values (disabled subcharts removed) and its render.

        ``check_kube_version=False`` skips the chart's ``kubeVersion`` constraint, as ``helm lint``
        does (install and template check it; values and templates do not).
        """
        root, coalesced, prepared = self._prepare(user_values, caps, validate_schema, check_kube_version)
        top = {"Release": release_map(opts), "Capabilities": caps, "Values": Values(coalesced)}
        contexts: list[dict[str, Any]] = []
        collect(root, top, contexts, self._files_cache, prepared.metadata_of)
        templates = prepared.templates
        ready = templates.ready
        if ready is None:
            compiled = CompiledTemplates(templates.sources)
            ready = templates.ready = (compiled, _plan(root, compiled.order))
        compiled, plan = ready
        run = [(name, contexts[index], base) for name, index, base in plan]
        with rendering(self.limits):
            out = compiled.execute(run, lookup)
        limit = self.limits.max_template_output
        for name, text in out.items():
            if len(text) > limit:
                raise RenderError(f"template: {name}: rendered text exceeds RenderLimits.max_template_output "
                                  f"({limit} bytes)", template=name)
        return root, out
