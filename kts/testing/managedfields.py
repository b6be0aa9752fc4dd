"""managedFields bookkeeping: which manager owns which fields after an update, and server-side
apply's merge with per-manager ownership, conflicts (409 FieldManagerConflict) and field removal."""

from __future__ import annotations

import copy
import json
from typing import Any

import yaml

from kts.testing import fieldsets as fs
from kts.testing.clock import now
from kts.testing.errors import ApiError, bad_request
from kts.testing.resources import ResourceType
from kts.testing.writes import WriteOptions


def managed(obj: dict[str, Any]) -> list[dict[str, Any]]:
    return list(obj.get("metadata", {}).get("managedFields") or [])


def record_update(
    rt: ResourceType, old: dict[str, Any] | None, new: dict[str, Any], opts: WriteOptions
) -> None:
    """managedFields for a non-apply write: the writer takes every field it changed."""
    scope = opts.subresource
    old_content = fs.tracked_content(old, scope, rt.status_subresource) if old else {}
    new_content = fs.tracked_content(new, scope, rt.status_subresource)
    new_set = fs.field_set(new_content, rt.merge_rules)
    old_set = fs.field_set(old_content, rt.merge_rules)
    changed = {p for p in new_set if fs.get_at(old_content, p) != fs.get_at(new_content, p)}
    gone = old_set - new_set
    entries = managed(old) if old else []
    if (
        "managedFields" in (new.get("metadata") or {})
        and old is not None
        and new["metadata"]["managedFields"] != (old["metadata"].get("managedFields") or [])
    ):
        supplied = new["metadata"]["managedFields"]
        entries = [] if supplied == [{}] else list(supplied)
    out: list[dict[str, Any]] = []
    mine: set[fs.Path] = set()
    for e in entries:
        paths = fs.from_fieldsv1(e.get("fieldsV1"))
        if (
            e.get("manager") == opts.manager
            and e.get("operation") == "Update"
            and e.get("subresource", "") == scope
        ):
            mine = paths
            continue
        # an update takes the fields it changes away from everyone else
        paths = paths - gone - changed
        if paths:
            out.append({**e, "fieldsV1": fs.to_fieldsv1(paths)})
    mine = (mine - gone) | changed
    if mine:
        entry = {
            "manager": opts.manager,
            "operation": "Update",
            "apiVersion": rt.api_version,
            "time": now(),
            "fieldsType": "FieldsV1",
            "fieldsV1": fs.to_fieldsv1(mine),
        }
        if scope:
            entry["subresource"] = scope
        out.append(entry)
    new["metadata"]["managedFields"] = out
    if not out:
        del new["metadata"]["managedFields"]


def apply_entry(rt: ResourceType, opts: WriteOptions, paths: set[fs.Path]) -> dict[str, Any]:
    entry = {
        "manager": opts.manager,
        "operation": "Apply",
        "apiVersion": rt.api_version,
        "time": now(),
        "fieldsType": "FieldsV1",
        "fieldsV1": fs.to_fieldsv1(paths),
    }
    if opts.subresource:
        entry["subresource"] = opts.subresource
    return entry


def merge_apply(
    rt: ResourceType, old: dict[str, Any], body: dict[str, Any], opts: WriteOptions, force: bool
) -> dict[str, Any]:
    """The object after applying ``body`` as ``opts.manager``: conflicts raise 409 unless forced,
    fields the manager no longer applies (and nobody else owns) are removed."""
    scope = opts.subresource
    intent = fs.tracked_content(body, scope, rt.status_subresource)
    live = fs.tracked_content(old, scope, rt.status_subresource)
    new_set = fs.field_set(intent, rt.merge_rules)
    entries = managed(old)
    mine_old: set[fs.Path] = set()
    others: list[tuple[dict[str, Any], set[fs.Path]]] = []
    for e in entries:
        paths = fs.from_fieldsv1(e.get("fieldsV1"))
        if (
            e.get("manager") == opts.manager
            and e.get("operation") == "Apply"
            and e.get("subresource", "") == scope
        ):
            mine_old = paths
        else:
            others.append((e, paths))
    conflicts: list[tuple[dict[str, Any], fs.Path]] = []
    for e, paths in others:
        for p in sorted(new_set & paths):
            if p and p[-1][0] == "k":
                continue
            if fs.get_at(intent, p) != fs.get_at(live, p):
                conflicts.append((e, p))
    if conflicts and not force:
        raise conflict_error(conflicts)
    taken = {p for _, p in conflicts}
    merged = fs.merge(live, intent, rt.merge_rules)
    still_owned: set[fs.Path] = set()
    new_others = []
    for e, paths in others:
        paths = paths - taken
        still_owned |= paths
        new_others.append((e, paths))
    for p in sorted(mine_old - new_set, key=len):
        if any(fs.has_prefix(q, p) for q in still_owned) or any(fs.has_prefix(q, p) for q in new_set):
            continue
        fs.remove_at(merged, p)
    out_entries = []
    for e, paths in new_others:
        if not paths:
            continue
        if paths != fs.from_fieldsv1(e.get("fieldsV1")):
            e = {**e, "fieldsV1": fs.to_fieldsv1(paths)}
        out_entries.append(e)
    mine_entry = next(
        (
            e
            for e in entries
            if e.get("manager") == opts.manager
            and e.get("operation") == "Apply"
            and e.get("subresource", "") == scope
        ),
        None,
    )
    # structured-merge-diff keeps an applier's entry even when it applies no field
    if mine_entry is not None and mine_old == new_set:
        out_entries.insert(0, mine_entry)
    else:
        out_entries.insert(0, apply_entry(rt, opts, new_set))
    if scope == "status":
        new = {k: copy.deepcopy(v) for k, v in old.items() if k != "status"}
        if "status" in merged:
            new["status"] = merged["status"]
    else:
        new = {"apiVersion": old.get("apiVersion", rt.api_version), "kind": rt.kind}
        new["metadata"] = {k: copy.deepcopy(v) for k, v in old["metadata"].items() if k in fs._META_UNTRACKED}
        new["metadata"].update(merged.get("metadata") or {})
        new.update({k: v for k, v in merged.items() if k != "metadata"})
        if rt.status_subresource and "status" in old:
            new["status"] = copy.deepcopy(old["status"])
    new["metadata"]["managedFields"] = out_entries
    if not out_entries:
        del new["metadata"]["managedFields"]
    return new


def decode_apply_body(raw: bytes) -> Any:
    """JSON is YAML; decode it as JSON first so its escapes (surrogate pairs) come out right."""
    try:
        text = raw.decode() if raw else ""
    except UnicodeDecodeError as e:
        raise bad_request(f"error decoding YAML: {e}") from None
    if text.lstrip().startswith("{"):
        try:
            return json.loads(text)
        except ValueError:
            pass
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise bad_request(f"error decoding YAML: {e}") from None


def gvk_of(body: dict[str, Any]) -> str:
    api_version = str(body.get("apiVersion", ""))
    group, _, version = api_version.rpartition("/")
    return f"{group}/{version}, Kind={body.get('kind', '')}"


def print_manager(e: dict[str, Any]) -> str:
    name = json.dumps(e.get("manager", ""))
    if e.get("subresource"):
        return f'{name} with subresource "{e["subresource"]}"'
    if e.get("operation") == "Update":
        return f"{name} using {e.get('apiVersion', '')}"
    return name


def conflict_error(conflicts: list[tuple[dict[str, Any], fs.Path]]) -> ApiError:
    causes = [
        {
            "reason": "FieldManagerConflict",
            "message": f"conflict with {print_manager(e)}",
            "field": fs.path_text(p),
        }
        for e, p in conflicts
    ]
    if len(conflicts) == 1:
        e, p = conflicts[0]
        message = f"Apply failed with 1 conflict: conflict with {print_manager(e)}: {fs.path_text(p)}"
    else:
        by_manager: dict[str, list[str]] = {}
        for e, p in conflicts:
            by_manager.setdefault(print_manager(e), []).append(fs.path_text(p))
        lines = []
        for mgr in sorted(by_manager):
            lines.append(f"conflicts with {mgr}:")
            lines.extend(f"- {p}" for p in by_manager[mgr])
        message = f"Apply failed with {len(conflicts)} conflicts: " + "\n".join(lines)
    return ApiError(409, "Conflict", message, {"causes": causes})
