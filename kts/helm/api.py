"""Public entry points: ``render_chart`` for one-off renders, ``load_chart`` to render many times,
``render_objects`` for the objects to apply, ``Chart.template`` for what ``helm template`` prints."""

from __future__ import annotations

import dataclasses
import os
from typing import Any

from kts.gotemplate.errors import RenderError
from kts.gotemplate.limits import DEFAULT_LIMITS, RenderLimits
from kts.helm import loader
from kts.helm.chart import ChartModel
from kts.helm.dependencies import check_dependencies
from kts.helm.errors import ChartError, chart_message
from kts.helm.funcs import LookupFn
from kts.helm.manifests import parse_documents, parse_objects
from kts.helm.objects import Capabilities
from kts.helm.output import TemplateOptions, assemble
from kts.helm.render import ReleaseOptions, Renderer, json_values


class Chart:
    """A loaded chart. ``render`` reuses parsed templates across calls.

    Values handed to ``render`` are typed like a values file (numbers become float64).
    ``limits`` bound what rendering may build (see ``RenderLimits``).
    """

    def __init__(self, model: ChartModel, limits: RenderLimits = DEFAULT_LIMITS) -> None:
        self.model = model
        self.limits = limits
        self._renderer = Renderer(model, limits)
        self._caps: dict[tuple[str | None, tuple[str, ...]], Capabilities] = {}

    @property
    def name(self) -> str:
        return self.model.name

    @property
    def values(self) -> dict[str, Any]:
        """The chart's default values (``values.yaml``)."""
        return self.model.values

    def check_installable(self) -> None:
        """What ``helm install``/``template`` check before rendering: an application chart whose
        Chart.yaml dependencies are all in ``charts/``. Raises ``ChartError``."""
        kind = self.model.metadata.type
        if kind not in ("", "application"):
            raise ChartError(f"{kind} charts are not installable")
        if self.model.metadata.dependencies:
            check_dependencies(self.model)

    def _capabilities(self, kube_version: str | None, api_versions: Any) -> Capabilities:
        key = (kube_version, tuple(api_versions or ()))
        caps = self._caps.get(key)
        if caps is None:
            try:
                caps = Capabilities(kube_version, list(api_versions or ()))
            except ValueError as exc:
                raise ChartError(f"invalid kube version '{kube_version}': {exc}") from exc
            self._caps[key] = caps
        return caps

    def render(self, values: dict[str, Any] | None = None, *, release_name: str = "release-name",
               namespace: str = "default", revision: int = 1, is_upgrade: bool = False,
               kube_version: str | None = None, api_versions: list[str] | None = None,
               lookup: LookupFn | None = None, typed_values: bool = False,
               skip_schema_validation: bool = False) -> dict[str, str]:
        """Render every template: ``{"chart/templates/x.yaml": text}`` (NOTES.txt included).

        ``typed_values=True`` passes values through untouched (already Go-typed, e.g. from
        ``--set`` parsing); otherwise they are typed as JSON. ``skip_schema_validation`` ignores
        ``values.schema.json`` files, as Helm's ``--skip-schema-validation`` does.
        """
        return self.render_release(values, release_name=release_name, namespace=namespace,
                                   revision=revision, is_upgrade=is_upgrade, kube_version=kube_version,
                                   api_versions=api_versions, lookup=lookup, typed_values=typed_values,
                                   skip_schema_validation=skip_schema_validation)[1]

    def render_release(self, values: dict[str, Any] | None = None, *, release_name: str = "release-name",
                       namespace: str = "default", revision: int = 1, is_upgrade: bool = False,
                       kube_version: str | None = None, api_versions: list[str] | None = None,
                       lookup: LookupFn | None = None,
                       typed_values: bool = False,
                       skip_schema_validation: bool = False) -> tuple[ChartModel, dict[str, str]]:
        """Like ``render``, plus the chart as processed for these values (for CRDs and output)."""
        vals = values if typed_values else json_values(values or {})
        opts = ReleaseOptions(release_name, namespace, revision, is_upgrade)
        try:
            return self._renderer.render_release(vals, opts, self._capabilities(kube_version, api_versions),
                                                 lookup, validate_schema=not skip_schema_validation)
        except RenderError as exc:
            exc.message = chart_message(exc.message)
            raise

    def template(self, values: dict[str, Any] | None = None, *, options: TemplateOptions | None = None,
                 release_name: str = "release-name", namespace: str = "default", revision: int = 1,
                 is_upgrade: bool = False, kube_version: str | None = None,
                 api_versions: list[str] | None = None, lookup: LookupFn | None = None,
                 typed_values: bool = False, skip_schema_validation: bool = False) -> str:
        """What ``helm template`` prints (or, with ``options.output_dir``, writes and logs).

        Rendering fails with ``RenderError``; assembling the output with ``OutputError``
        (``partial`` holds what ``--debug`` shows) or ``ShowOnlyError``; writing with ``OSError``.
        """
        processed, rendered = self.render_release(
            values, release_name=release_name, namespace=namespace, revision=revision,
            is_upgrade=is_upgrade, kube_version=kube_version, api_versions=api_versions, lookup=lookup,
            typed_values=typed_values, skip_schema_validation=skip_schema_validation)
        opts = dataclasses.replace(options or TemplateOptions(), release_name=release_name)
        return assemble(processed, rendered, opts)

    def objects(self, values: dict[str, Any] | None = None, *, include_crds: bool = False,
                no_hooks: bool = False, skip_tests: bool = False, release_name: str = "release-name",
                namespace: str = "default", revision: int = 1, is_upgrade: bool = False,
                kube_version: str | None = None, api_versions: list[str] | None = None,
                lookup: LookupFn | None = None,
                skip_schema_validation: bool = False) -> list[dict[str, Any]]:
        """The rendered Kubernetes objects, ready to apply: what ``helm template`` prints, parsed.

        CRDs from ``crds/`` first (with ``include_crds``), then manifests in Helm's install
        order, then hooks (unless ``no_hooks``; test hooks unless ``skip_tests``). NOTES.txt,
        partials and empty documents are left out; integral numbers are ints.
        """
        processed, rendered = self.render_release(
            values, release_name=release_name, namespace=namespace, revision=revision,
            is_upgrade=is_upgrade, kube_version=kube_version, api_versions=api_versions, lookup=lookup,
            skip_schema_validation=skip_schema_validation)
        out: list[dict[str, Any]] = []
        if include_crds:
            for owner, f in processed.crd_files_recursive():
                path = f"{owner.full_path()}/{f.name}"
                out.extend(o.object for o in parse_documents(path, f.data.decode("utf-8", "surrogateescape")))
        for item in parse_objects(rendered):
            if item.hook_events and (no_hooks or (skip_tests and "test" in item.hook_events)):
                continue
            out.append(item.object)
        return out


def load_chart(path: str | os.PathLike[str], *, limits: RenderLimits | None = None) -> Chart:
    """Load a chart directory or ``.tgz`` archive once, to render it many times.

    ``limits`` (default ``RenderLimits()``) bound the archive's size and every render.
    """
    limits = limits or DEFAULT_LIMITS
    return Chart(loader.load(path, limits), limits)


def render_chart(path: str | os.PathLike[str], values: dict[str, Any] | None = None, *,
                 release_name: str = "release-name", namespace: str = "default", revision: int = 1,
                 is_upgrade: bool = False, kube_version: str | None = None,
                 api_versions: list[str] | None = None,
                 limits: RenderLimits | None = None, skip_schema_validation: bool = False) -> dict[str, str]:
    """Render a chart like Helm's engine: ``{"CHART/templates/FILE": text}``; raises RenderError."""
    return load_chart(path, limits=limits).render(values, release_name=release_name, namespace=namespace,
                                   revision=revision, is_upgrade=is_upgrade, kube_version=kube_version,
                                   api_versions=api_versions, skip_schema_validation=skip_schema_validation)


def render_objects(path: str | os.PathLike[str], values: dict[str, Any] | None = None, *,
                   release_name: str = "release-name", namespace: str = "default", revision: int = 1,
                   is_upgrade: bool = False, kube_version: str | None = None,
                   api_versions: list[str] | None = None, include_crds: bool = False,
                   no_hooks: bool = False, skip_tests: bool = False, limits: RenderLimits | None = None,
                   skip_schema_validation: bool = False) -> list[dict[str, Any]]:
    """Render a chart into the objects to apply, in install order (see ``Chart.objects``)."""
    return load_chart(path, limits=limits).objects(
        values, release_name=release_name, namespace=namespace, revision=revision,
        is_upgrade=is_upgrade, kube_version=kube_version, api_versions=api_versions,
        include_crds=include_crds, no_hooks=no_hooks, skip_tests=skip_tests,
        skip_schema_validation=skip_schema_validation)


def render_name_template(text: str) -> str:
    """``--name-template``: a release name rendered from Go template text with Sprig's functions."""
    from kts.gotemplate import TemplateSet
    from kts.sprig import sprig_funcs

    ts = TemplateSet(sprig_funcs(), missingkey="zero")
    ts.parse("name-template", text)
    return ts.execute("name-template", None)
