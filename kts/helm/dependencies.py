"""Dependency processing before rendering: enable/disable, aliases, import-values (Helm v4.2)."""

from __future__ import annotations

import copy
import logging
from typing import Any

from kts.helm import semver
from kts.helm.chart import ChartModel, Dependency
from kts.helm.coalesce import coalesce_tables, coalesce_values, merge_tables, merge_values
from kts.helm.errors import ChartLoadError, ValuesError
from kts.helm.gocopy import copy_values
from kts.helm.values import NoTableError, NoValueError, path_value, table

log = logging.getLogger("kts.helm")


class DependencyError(ValuesError):
    """Dependency processing failed (``helm install`` prefixes "chart dependencies processing failed")."""


def check_dependencies(chart: ChartModel) -> None:
    """``action.CheckDependencies``: every Chart.yaml dependency must be in ``charts/``."""
    loaded = {d.name for d in chart.dependencies}
    missing = [d.name for d in chart.metadata.dependencies if d.name not in loaded]
    if missing:
        raise ChartLoadError(
            "an error occurred while checking for chart dependencies. You may need to run "
            "'helm dependency build' to fetch missing dependencies: found in Chart.yaml, but missing "
            f"in charts/ directory: {', '.join(missing)}", path=f"{chart.source or chart.name}/Chart.yaml")


def process_dependencies(chart: ChartModel, values: dict[str, Any]) -> None:
    """Mutates ``chart`` (a per-render clone): drops disabled subcharts, applies import-values."""
    try:
        _process_enabled(chart, values, "")
        _process_import_values(chart)
    except ValuesError as exc:
        raise DependencyError(str(exc), path=exc.path) from exc


def _alias_chart(charts: list[ChartModel], dep: Dependency) -> ChartModel | None:
    for c in charts:
        if c.name != dep.name or not semver.check(dep.version, c.metadata.version):
            continue
        out = copy.copy(c)
        out.metadata = c.metadata.copy()
        out.dependencies = []
        for sub in c.dependencies:
            out.add_dependency(copy.copy(sub))
        if dep.alias:
            out.metadata.name = dep.alias
        return out
    return None


def _process_tags(reqs: list[Dependency], cvals: dict[str, Any]) -> None:
    try:
        tags = table(cvals, "tags")
    except NoTableError:
        return
    for r in reqs:
        has_true = has_false = False
        for k in r.tags:
            if k in tags:
                b = tags[k]
                if isinstance(b, bool):
                    has_true |= b
                    has_false |= not b
                else:
                    log.debug("returned non-bool value tag=%s chart=%s", k, r.name)
        if not has_true and has_false:
            r.enabled = False
        elif has_true or (not has_true and not has_false):
            r.enabled = True


def _process_conditions(reqs: list[Dependency], cvals: dict[str, Any], cpath: str) -> None:
    for r in reqs:
        for c in r.condition.strip().split(","):
            if not c:
                continue
            try:
                vv = path_value(cvals, cpath + c)
            except NoValueError:
                continue
            except Exception:
                continue
            if isinstance(vv, bool):
                r.enabled = vv
                break


def _process_enabled(c: ChartModel, v: dict[str, Any], path: str) -> None:
    if not c.metadata.dependencies:
        return
    chart_deps: list[ChartModel] = []
    for existing in c.dependencies:
        if not any(existing.name == req.name and semver.check(req.version, existing.metadata.version)
                   for req in c.metadata.dependencies):
            chart_deps.append(existing)
    for req in c.metadata.dependencies:
        found = _alias_chart(c.dependencies, req)
        if found is not None:
            chart_deps.append(found)
        if req.alias:
            req.name = req.alias
    c.set_dependencies(*chart_deps)
    for req in c.metadata.dependencies:
        req.enabled = True
    cvals = coalesce_values(c, v)
    _process_tags(c.metadata.dependencies, cvals)
    _process_conditions(c.metadata.dependencies, cvals, path)
    removed = {r.name for r in c.metadata.dependencies if not r.enabled}
    kept = [d for d in c.dependencies if d.metadata.name not in removed]
    kept_md = [r for r in c.metadata.dependencies if r.name not in removed]
    for t in kept:
        _process_enabled(t, cvals, path + t.metadata.name + ".")
    c.metadata.dependencies = kept_md
    c.set_dependencies(*kept)


def _path_to_map(path: str, data: dict[str, Any]) -> dict[str, Any]:
    if path == ".":
        return data
    cur: dict[str, Any] = data
    for part in reversed(path.split(".")):
        cur = {part: cur}
    return cur


def _go_sprint(v: Any) -> str:
    if v is None:
        return "<nil>"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e21:
        return str(int(v))
    return str(v)


def _process_import_values(c: ChartModel) -> None:
    for d in c.dependencies:
        _process_import_values(d)
    if not c.metadata.dependencies:
        return
    cvals = merge_values(c, None)
    b: dict[str, Any] = {}
    for r in c.metadata.dependencies:
        out_iv: list[Any] = []
        for riv in r.import_values:
            if isinstance(riv, dict):
                child, parent = _go_sprint(riv.get("child")), _go_sprint(riv.get("parent"))
                out_iv.append({"child": child, "parent": parent})
                try:
                    vv = table(cvals, r.name + "." + child)
                except NoTableError as exc:
                    log.debug("ImportValues missing table from chart chart=%s error=%s", r.name, exc)
                    continue
                b = merge_tables(b, _path_to_map(parent, copy_values(dict(vv)))) or {}
            elif isinstance(riv, str):
                child = "exports." + riv
                out_iv.append({"child": child, "parent": "."})
                try:
                    vm = table(cvals, r.name + "." + child)
                except NoTableError as exc:
                    log.debug("ImportValues missing table error=%s", exc)
                    continue
                b = merge_tables(b, copy_values(dict(vm))) or {}
        r.import_values = out_iv
    c.values = merge_tables(copy_values(cvals), b) or {}


def decision_keys(chart: ChartModel) -> frozenset[str]:
    """Top-level value keys that can change what dependency processing does.

    Processing reads ``tags`` (when a dependency has tags) and condition paths (a nested
    chart's path is prefixed with its parents' names; its ``global.x`` reads globals that
    came from the top-level ``global``), and checks the type of every value named like a
    subchart (at any depth: nested levels coalesce onto the parent's top level). Every other
    top-level key leaves the processed chart unchanged.
    """
    keys: set[str] = set()
    _add_decision_keys(chart, keys)
    return frozenset(keys)


def _add_decision_keys(chart: ChartModel, keys: set[str]) -> None:
    # Module-level rather than a nested recursive closure, which would form a reference loop.
    for req in chart.metadata.dependencies:
        keys.add(req.name)
        if req.alias:
            keys.add(req.alias)
        if req.tags:
            keys.add("tags")
        for cond in req.condition.strip().split(","):
            if cond:
                keys.add(cond.split(".", 1)[0])
    for sub in chart.dependencies:
        keys.add(sub.name)
        _add_decision_keys(sub, keys)


def values_key(values: dict[str, Any], keys: frozenset[str]) -> Any:
    """A hashable snapshot of ``values`` restricted to ``keys``; None when it cannot be made."""
    try:
        return tuple(sorted((k, _freeze(v)) for k, v in values.items() if k in keys))
    except TypeError:
        return None


def _freeze(v: Any) -> Any:
    if isinstance(v, dict):
        return (type(v), tuple(sorted((k, _freeze(x)) for k, x in v.items())))
    if isinstance(v, list):
        return (type(v), tuple(_freeze(x) for x in v))
    hash(v)
    return (type(v), v)


__all__ = ["check_dependencies", "coalesce_tables", "decision_keys", "process_dependencies", "values_key"]
