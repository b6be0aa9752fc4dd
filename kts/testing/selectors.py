"""Label and field selectors with the apiserver's syntax (``a=b,c!=d,e in (x,y),!f``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from kts.testing.errors import bad_request

Matcher = Callable[[dict[str, Any]], bool]

_SET_RE = re.compile(r"^\s*(!?)\s*([A-Za-z0-9_./-]+)\s*(?:(notin|in)\s*\(([^)]*)\))?\s*$")
_CMP_RE = re.compile(r"^\s*([A-Za-z0-9_./-]+)\s*(==|!=|=)\s*([A-Za-z0-9_.-]*)\s*$")


def _split_terms(text: str) -> list[str]:
    """Split on commas outside parentheses."""
    terms, depth, cur = [], 0, []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            terms.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    terms.append("".join(cur))
    return [t for t in terms if t.strip()]


def parse_label_selector(text: str | None) -> Callable[[dict[str, str]], bool]:
    """Compile a label selector into a predicate over a labels dict; 400 on bad syntax."""
    if not text:
        return lambda labels: True
    preds: list[Callable[[dict[str, str]], bool]] = []
    for term in _split_terms(text):
        m = _CMP_RE.match(term)
        if m:
            key, op, val = m.groups()
            if op == "!=":
                preds.append(lambda lb, k=key, v=val: lb.get(k) != v)
            else:
                preds.append(lambda lb, k=key, v=val: k in lb and lb[k] == v)
            continue
        m = _SET_RE.match(term)
        if not m:
            raise bad_request(
                f"unable to parse requirement: found '{term.strip()}', expected: in, notin, =, ==, !=, gt, lt"
            )
        neg, key, op, values = m.groups()
        if op:
            if neg:
                raise bad_request(f"unable to parse requirement: {term.strip()}")
            vals = {v.strip() for v in values.split(",") if v.strip()}
            if op == "in":
                preds.append(lambda lb, k=key, vs=vals: k in lb and lb[k] in vs)
            else:
                preds.append(lambda lb, k=key, vs=vals: lb.get(k) not in vs)
        elif neg:
            preds.append(lambda lb, k=key: k not in lb)
        else:
            preds.append(lambda lb, k=key: k in lb)
    return lambda labels: all(p(labels) for p in preds)


def _field_value(obj: dict[str, Any], path: str) -> str | None:
    cur: Any = obj
    for part in path.split("."):
        if not isinstance(cur, dict):
            return None
        cur = cur.get(part)
    if cur is None:
        return ""
    if isinstance(cur, bool):
        return "true" if cur else "false"
    return str(cur)


_SUPPORTED_FIELDS_COMMON = ("metadata.name", "metadata.namespace")
_EXTRA_FIELDS = {
    "Event": (
        "involvedObject.kind",
        "involvedObject.namespace",
        "involvedObject.name",
        "involvedObject.uid",
        "involvedObject.apiVersion",
        "involvedObject.resourceVersion",
        "involvedObject.fieldPath",
        "reason",
        "reportingComponent",
        "source",
        "type",
    ),
    "Pod": (
        "status.phase",
        "spec.nodeName",
        "spec.restartPolicy",
        "spec.schedulerName",
        "spec.serviceAccountName",
        "status.podIP",
        "status.nominatedNodeName",
    ),
    "Secret": ("type",),
    "Namespace": ("status.phase",),
    "Node": ("spec.unschedulable",),
    "ReplicaSet": ("status.replicas",),
    "Job": ("status.successful",),
    "PersistentVolumeClaim": (),
}


def parse_field_selector(text: str | None, kind: str) -> Matcher:
    """Compile a field selector (``=``, ``==``, ``!=`` only) for one kind; 400 for unsupported fields."""
    if not text:
        return lambda obj: True
    preds: list[Matcher] = []
    allowed = _SUPPORTED_FIELDS_COMMON + _EXTRA_FIELDS.get(kind, ())
    for term in _split_terms(text):
        m = re.match(r"^\s*([A-Za-z0-9_.]+)\s*(==|!=|=)\s*(.*?)\s*$", term)
        if not m:
            raise bad_request(f"invalid selector: '{text}'; can't understand '{term}'")
        key, op, val = m.groups()
        if key not in allowed:
            raise bad_request(
                f'"{key}" is not a known field selector: only "metadata.name", "metadata.namespace"'
            )
        if key == "source" and kind == "Event":
            key = "source.component"
        if op == "!=":
            preds.append(lambda o, k=key, v=val: _field_value(o, k) != v)
        else:
            preds.append(lambda o, k=key, v=val: _field_value(o, k) == v)
    return lambda obj: all(p(obj) for p in preds)
