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
    terms: list[str] = []
    depth = 0
    cur: list[str] = []
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


LabelMatcher = Callable[[dict[str, str]], bool]


def _label_eq(k: str, v: str) -> LabelMatcher:
    return lambda lb: k in lb and lb[k] == v


def _label_ne(k: str, v: str) -> LabelMatcher:
    return lambda lb: lb.get(k) != v


def _label_in(k: str, vs: set[str]) -> LabelMatcher:
    return lambda lb: k in lb and lb[k] in vs


def _label_notin(k: str, vs: set[str]) -> LabelMatcher:
    return lambda lb: lb.get(k) not in vs


def _label_present(k: str) -> LabelMatcher:
    return lambda lb: k in lb


def _label_absent(k: str) -> LabelMatcher:
    return lambda lb: k not in lb


def parse_label_selector(text: str | None) -> LabelMatcher:
    """Compile a label selector into a predicate over a labels dict; 400 on bad syntax."""
    if not text:
        return lambda labels: True
    preds: list[LabelMatcher] = []
    for term in _split_terms(text):
        m = _CMP_RE.match(term)
        if m:
            key, op, val = m.groups()
            if op == "!=":
                preds.append(_label_ne(key, val))
            else:
                preds.append(_label_eq(key, val))
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
                preds.append(_label_in(key, vals))
            else:
                preds.append(_label_notin(key, vals))
        elif neg:
            preds.append(_label_absent(key))
        else:
            preds.append(_label_present(key))
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


def _field_eq(k: str, v: str) -> Matcher:
    return lambda o: _field_value(o, k) == v


def _field_ne(k: str, v: str) -> Matcher:
    return lambda o: _field_value(o, k) != v


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
            preds.append(_field_ne(key, val))
        else:
            preds.append(_field_eq(key, val))
    return lambda obj: all(p(obj) for p in preds)
