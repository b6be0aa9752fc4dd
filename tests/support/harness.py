"""Render a chart with kts the way the oracle renders it with Helm, and compare the two.

``kts_render`` delegates to ``kts.helm.api.render_chart``; when that is unavailable it falls
back to a minimal Helm-like single-chart renderer built on the template engine alone, so
engine tests never depend on the rest of the Helm layer being finished.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kts.gotemplate import ExecError, ParseError, RenderError, TemplateSet
from kts.gotemplate.gotypes import GoFunc, Signature
from tests.support.oracle import HelmFailure, helm_render


def _helm_api() -> Any:
    try:
        from kts.helm.api import render_chart
    except Exception:
        return None
    return render_chart


_INVALID_BYTE = re.compile("[\udc80-\udcff]")


def _as_helm_text(text: str) -> str:
    # Go strings may hold invalid UTF-8 (kts keeps each such byte as a surrogate escape); the
    # oracle hands output back through Go's JSON encoder, one U+FFFD per invalid byte.
    return _INVALID_BYTE.sub("\ufffd", text)


def kts_render(chart_dir: str | Path, values: dict[str, Any] | None = None, *,
               release_name: str = "release-name", namespace: str = "default", revision: int = 1,
               is_upgrade: bool = False) -> dict[str, str] | RenderError:
    """Render ``chart_dir`` with kts: ``{template path: text}``, or the RenderError raised.

    Text is returned as the oracle returns Helm's: invalid UTF-8 decoded to U+FFFD.
    """
    render_chart = _helm_api()
    try:
        if render_chart is not None:
            out = render_chart(chart_dir, values, release_name=release_name, namespace=namespace,
                               revision=revision, is_upgrade=is_upgrade)
        else:
            out = fallback_render(Path(chart_dir), values, release_name=release_name,
                                  namespace=namespace, revision=revision, is_upgrade=is_upgrade)
    except RenderError as exc:
        return exc
    return {k: _as_helm_text(v) for k, v in out.items()}


# ---------------------------------------------------------------------------
# Minimal Helm-like renderer (one chart, no subcharts)


def _go_values(data: Any) -> Any:
    # Helm decodes YAML through JSON: every number is float64.
    return json.loads(json.dumps(data), parse_int=float)


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


def fallback_render(chart_dir: Path, values: dict[str, Any] | None = None, *,
                    release_name: str = "release-name", namespace: str = "default", revision: int = 1,
                    is_upgrade: bool = False) -> dict[str, str]:
    chart_meta = yaml.safe_load((chart_dir / "Chart.yaml").read_text()) or {}
    name = chart_meta.get("name", chart_dir.name)
    vfile = chart_dir / "values.yaml"
    vals = _go_values(yaml.safe_load(vfile.read_text()) or {}) if vfile.exists() else {}
    if values:
        vals = _merge(vals, _go_values(values))
    funcs: dict[str, Any] = {}
    try:
        from kts.sprig import sprig_funcs

        funcs.update(sprig_funcs())
    except Exception:
        pass
    ts = TemplateSet(funcs, missingkey="zero")
    include_sig = Signature(("string", "interface {}"), result="string", error=True)
    ts.funcs["include"] = GoFunc(lambda n, data: ts.execute(n, data), include_sig, "include")
    sources = {}
    for path in sorted((chart_dir / "templates").rglob("*")):
        if path.is_file():
            sources[f"{name}/templates/{path.relative_to(chart_dir / 'templates').as_posix()}"] = \
                path.read_text()
    order = sorted(sources, key=lambda n: (n.count("/"), n), reverse=True)
    for tname in order:
        ts.parse(tname, sources[tname])
    release = {"Name": release_name, "Namespace": namespace, "Revision": revision,
               "IsUpgrade": is_upgrade, "IsInstall": not is_upgrade, "Service": "Helm"}
    out = {}
    for tname in order:
        if Path(tname).name.startswith("_"):
            continue
        chart = {("APIVersion" if k == "apiVersion" else k[:1].upper() + k[1:]): v
                 for k, v in _go_values(chart_meta).items()}
        top = {"Values": vals, "Release": release, "Chart": chart,
               "Template": {"Name": tname, "BasePath": f"{name}/templates"}}
        out[tname] = ts.execute(tname, top).replace("<no value>", "")
    return out


# ---------------------------------------------------------------------------
# Comparing with the oracle


@dataclass(frozen=True)
class ErrorParts:
    """An error reduced to what both Helm's and kts's wordings carry."""

    location: str
    node: str
    message: str


_V4_EXEC = re.compile(r"^(?P<loc>\S+:\d+:\d+)\n\s+executing \"(?P<name>.*?)\" at <(?P<node>.*?)>:\n\s+"
                      r"(?P<msg>.*)$", re.S)
_GO_EXEC = re.compile(r"^template: (?P<loc>\S+:\d+:\d+): executing \"(?P<name>.*?)\" at <(?P<node>.*?)>: "
                      r"(?P<msg>.*)$", re.S)
_HELM_PARSE = re.compile(r"^parse error at \((?P<loc>[^)]*)\): (?P<msg>.*)$", re.S)
_GO_PARSE = re.compile(r"^template: (?P<loc>\S+?:\d+): (?P<msg>.*)$", re.S)
_HELM_FAIL = re.compile(r"^execution error at \((?P<loc>[^)]*)\): (?P<msg>.*)$", re.S)


def error_parts(text: str) -> ErrorParts:
    """Split a Helm v4 or Go-style template error into location, node and message."""
    text = text.strip()
    for rx in (_V4_EXEC, _GO_EXEC):
        m = rx.match(text)
        if m:
            msg = re.sub(r"\s*\n\s*", " ", m["msg"])
            return ErrorParts(m["loc"], m["node"], msg)
    for rx in (_HELM_PARSE, _HELM_FAIL):
        m = rx.match(text)
        if m:
            return ErrorParts(m["loc"], "", m["msg"])
    m = _GO_PARSE.match(text)
    if m:
        msg = m["msg"]
        return ErrorParts(m["loc"], "", msg.rsplit(": ", 1)[-1] if msg.startswith("template: ") else msg)
    return ErrorParts("", "", text)


def kts_error_parts(exc: RenderError) -> ErrorParts:
    if isinstance(exc, ExecError) and exc.node:
        return ErrorParts(f"{exc.template}:{exc.line}:{exc.column}", exc.node,
                          re.sub(r"\s*\n\s*", " ", exc.message))
    if isinstance(exc, ParseError):
        return ErrorParts(f"{exc.template}:{exc.line}", "", exc.message)
    return error_parts(str(exc))


@dataclass
class Comparison:
    helm: dict[str, str] | HelmFailure
    kts: dict[str, str] | RenderError

    @property
    def helm_failed(self) -> bool:
        return isinstance(self.helm, HelmFailure)

    @property
    def kts_failed(self) -> bool:
        return isinstance(self.kts, RenderError)


def kts_render_twice(chart_dir: str | Path, values: dict[str, Any] | None = None,
                     **release: Any) -> dict[str, str] | RenderError:
    """Render twice with one loaded chart (compiled templates reused); both must agree."""
    try:
        from kts.helm.api import load_chart
    except Exception:
        return kts_render(chart_dir, values, **release)
    results: list[Any] = []
    try:
        chart = load_chart(chart_dir)
    except RenderError as exc:
        return exc
    for _ in range(2):
        try:
            results.append(chart.render(values, **release))
        except RenderError as exc:
            results.append(exc)
    texts = [str(r) if isinstance(r, RenderError) else r for r in results]
    assert texts[0] == texts[1], f"second render differs: {texts[0]!r} vs {texts[1]!r}"
    first = results[0]
    if isinstance(first, RenderError):
        return first
    return {k: _as_helm_text(v) for k, v in first.items()}


def compare(chart_dir: str | Path, values: dict[str, Any] | None = None, **release: Any) -> Comparison:
    helm = helm_render(chart_dir, values, **release)
    kts = kts_render_twice(chart_dir, values, **release)
    return Comparison(helm, kts)


def assert_same(chart_dir: str | Path, values: dict[str, Any] | None = None, *, message: bool = True,
                **release: Any) -> Comparison:
    """Both render identically, or both fail (with the same location/node/message if ``message``)."""
    c = compare(chart_dir, values, **release)
    if c.helm_failed or c.kts_failed:
        assert c.helm_failed, f"kts failed where Helm rendered {c.helm!r}: {c.kts}"
        assert c.kts_failed, f"kts rendered {c.kts!r} where Helm failed: {c.helm.message}"  # type: ignore[union-attr]
        if message:
            want = error_parts(c.helm.message)  # type: ignore[union-attr]
            got = error_parts(str(c.kts))
            if got.message != want.message or got.location != want.location:
                got = kts_error_parts(c.kts)  # type: ignore[arg-type]
            assert got == want, f"\nhelm: {c.helm.message}\nkts:  {c.kts}"  # type: ignore[union-attr]
        return c
    assert c.kts == c.helm
    return c
