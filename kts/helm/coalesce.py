"""Values coalescing: chart defaults under user values, subcharts and globals (Helm v4.2)."""

from __future__ import annotations

import logging
from typing import Any

from kts.helm.chart import ChartModel
from kts.helm.errors import ValuesError
from kts.helm.gocopy import copy_values

GLOBAL_KEY = "global"
log = logging.getLogger("kts.helm")


def _warn(msg: str) -> None:
    log.debug(msg)


def _prefix(a: str, b: str) -> str:
    return b if not a else f"{a}.{b}"


def coalesce_values(chart: ChartModel, vals: dict[str, Any] | None) -> dict[str, Any]:
    """``CoalesceValues``: user values win, nulls delete chart defaults."""
    dest = copy_values(vals) if vals else {}
    return _coalesce(chart, dest, "", merge=False)


def merge_values(chart: ChartModel, vals: dict[str, Any] | None) -> dict[str, Any]:
    """``MergeValues``: like coalescing, but nulls are kept."""
    dest = copy_values(vals) if vals else {}
    return _coalesce(chart, dest, "", merge=True)


def _coalesce(chart: ChartModel, dest: dict[str, Any], prefix: str, merge: bool) -> dict[str, Any]:
    _coalesce_own(chart, dest, prefix, merge)
    return _coalesce_deps(chart, dest, prefix, merge)


def _coalesce_deps(chart: ChartModel, dest: dict[str, Any], prefix: str, merge: bool) -> dict[str, Any]:
    for sub in chart.dependencies:
        name = sub.name
        if name not in dest:
            dest[name] = {}
        elif not isinstance(dest[name], dict):
            raise ValuesError(f"type mismatch on {name}: {_percent_t(dest[name])}")
        sub_vals = dest[name]
        sub_prefix = _prefix(prefix, chart.name)
        _coalesce_globals(sub_vals, dest, sub_prefix)
        dest[name] = _coalesce(sub, sub_vals, sub_prefix, merge)
    return dest


def _percent_t(v: Any) -> str:
    """Go's ``%t`` of the value, as Helm's error formats it."""
    from kts.gotemplate.fmt import sprintf

    return sprintf("%t", v)


def _coalesce_globals(dest: dict[str, Any], src: dict[str, Any], prefix: str) -> None:
    if GLOBAL_KEY not in dest:
        dg: dict[str, Any] = {}
    else:
        dg = dest[GLOBAL_KEY]
        if not isinstance(dg, dict):
            _warn("warning: skipping globals because destination global is not a table.")
            return
    if GLOBAL_KEY not in src:
        sg: dict[str, Any] = {}
    else:
        sg = src[GLOBAL_KEY]
        if not isinstance(sg, dict):
            _warn("warning: skipping globals because source global is not a table.")
            return
    for key, val in sg.items():
        if isinstance(val, dict):
            vv = dict(val)
            if key not in dg:
                dg[key] = vv
            elif not isinstance(dg[key], dict):
                _warn(f'Conflict: cannot merge map onto non-map for "{key}". Skipping.')
            else:
                _coalesce_tables(vv, dg[key], _prefix(prefix, key), merge=True)
                dg[key] = vv
        elif isinstance(dg.get(key), dict):
            _warn(f"key {key} is table. Skipping")
        else:
            dg[key] = val
    dest[GLOBAL_KEY] = dg


def _clean_nils(m: dict[str, Any]) -> None:
    for key in list(m):
        val = m[key]
        if val is None:
            del m[key]
        elif isinstance(val, dict):
            _clean_nils(val)


def _coalesce_own(chart: ChartModel, v: dict[str, Any], prefix: str, merge: bool) -> None:
    sub_prefix = _prefix(prefix, chart.name)
    defaults = copy_values(chart.values)
    sub_names = {d.name for d in chart.dependencies}
    for key, val in defaults.items():
        if key in v:
            value = v[key]
            if value is None and not merge:
                del v[key]
            elif isinstance(value, dict):
                if not isinstance(val, dict):
                    if val is not None:
                        _warn(f"warning: skipped value for {sub_prefix}.{key}: Not a table.")
                else:
                    key_merge = merge or key in sub_names
                    if not key_merge:
                        _clean_nils(val)
                    _coalesce_tables(value, val, _prefix(sub_prefix, key), key_merge)
        else:
            if not merge:
                if val is None:
                    continue
                if isinstance(val, dict):
                    _clean_nils(val)
            v[key] = val


def coalesce_tables(dst: dict[str, Any] | None, src: dict[str, Any] | None) -> dict[str, Any] | None:
    """``CoalesceTables``: dst is authoritative; a dst null removes a src value."""
    return _coalesce_tables(dst, src, "", merge=False)


def merge_tables(dst: dict[str, Any] | None, src: dict[str, Any] | None) -> dict[str, Any] | None:
    """``MergeTables``: dst is authoritative; nulls are kept."""
    return _coalesce_tables(dst, src, "", merge=True)


def _coalesce_tables(dst: dict[str, Any] | None, src: dict[str, Any] | None, prefix: str,
                     merge: bool) -> dict[str, Any] | None:
    if src is None:
        return dst
    if dst is None:
        return src
    src_non_nil = {k for k, val in src.items() if val is not None}
    for key, val in list(dst.items()):
        if val is None:
            src[key] = None
    for key, val in list(src.items()):
        full = _prefix(prefix, key)
        present = key in dst
        dv = dst.get(key)
        if present and not merge and dv is None and key in src_non_nil:
            del dst[key]
        elif not present:
            dst[key] = val
        elif isinstance(val, dict):
            if isinstance(dv, dict):
                _coalesce_tables(dv, val, full, merge)
            else:
                _warn(f"warning: cannot overwrite table with non table for {full} ({val})")
        elif isinstance(dv, dict) and val is not None:
            _warn(f"warning: destination for {full} is a table. Ignoring non-table value ({val})")
    return dst
