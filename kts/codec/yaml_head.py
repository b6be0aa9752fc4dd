"""Helm's ``SimpleHead`` parse of a rendered manifest: ``sigs.k8s.io/yaml.Unmarshal`` into a struct.

Decoding into a struct differs from decoding into ``interface{}``: sigs.k8s.io/yaml first turns
numbers and bools aimed at string fields into strings (floats with 32-bit precision), fields
match case-insensitively, and type mismatches produce Go's ``Go struct field`` messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kts.codec import stackless
from kts.codec.gofloat import format_g
from kts.codec.json import json_kind
from kts.codec.stackless import Step
from kts.codec.yaml_load import GoYAMLError, Key, decode_first_document

_META_TYPE = ('struct { Name string "json:\\"name\\""; Annotations map[string]string '
              '"json:\\"annotations\\"" }')


@dataclass
class SimpleHead:
    """``util.SimpleHead``: what Helm reads from each manifest document."""

    version: str = ""
    kind: str = ""
    name: str = ""
    annotations: dict[str, str] | None = None
    has_metadata: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def _keys_to_strings(value: Any) -> Any:
    return stackless.run(_keys_step, value)


def _keys_step(value: Any) -> Step[Any]:
    from kts.codec.yaml import _key_string

    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            name = _key_string(k, v) if isinstance(k, Key) else k
            out[name] = (yield v) if isinstance(v, (dict, list)) else v
        return out
    if isinstance(value, list):
        items: list[Any] = []
        for v in value:
            items.append((yield v) if isinstance(v, (dict, list)) else v)
        return items
    return value


def _coerce_str(value: Any) -> Any:
    """sigs.k8s.io/yaml: a YAML number or bool headed for a Go string field becomes its text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_g(value, 32)
    return value


def _match(obj: dict[str, Any], name: str) -> list[str]:
    """JSON keys that fill field ``name``, in the order Go's decoder meets them (sorted)."""
    return sorted(k for k in obj if k == name or k.casefold() == name.casefold())


def load_manifest_head(text: str) -> SimpleHead:
    """Parse a manifest document as Helm's ``yaml.Unmarshal(doc, &SimpleHead{})`` does.

    Raises ``kts.codec.yaml.YAMLError`` with Go's message (Helm prefixes
    ``YAML parse error on <path>: ``).
    """
    from kts.codec.yaml import YAMLError, json_trip_error

    try:
        raw = decode_first_document(text)
    except GoYAMLError as exc:
        raise YAMLError("error converting YAML to JSON: " + str(exc), exc.line) from None
    value = _keys_to_strings(raw)
    if isinstance(value, dict):
        for key in list(value):
            low = key.casefold()
            if low in ("apiversion", "kind"):
                value[key] = _coerce_str(value[key])
            elif low == "metadata" and isinstance(value[key], dict):
                meta = value[key]
                for mk in list(meta):
                    if mk.casefold() == "name":
                        meta[mk] = _coerce_str(meta[mk])
                    elif mk.casefold() == "annotations" and isinstance(meta[mk], dict):
                        meta[mk] = {k: _coerce_str(v) for k, v in meta[mk].items()}
    problem = json_trip_error(value)
    if problem is not None:
        raise YAMLError(problem)

    def fail(kind: str, where: str) -> YAMLError:
        return YAMLError("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal "
                         f"{kind} into {where}")

    head = SimpleHead()
    if value is None:
        return head
    if not isinstance(value, dict):
        raise fail(json_kind(value), "Go value of type util.SimpleHead")
    errors: list[YAMLError] = []
    for key in sorted(value):
        v = value[key]
        low = key.casefold()
        if low in ("apiversion", "kind"):
            field_name = "apiVersion" if low == "apiversion" else "kind"
            if v is None:
                continue
            if not isinstance(v, str):
                errors.append(fail(json_kind(v), f"Go struct field SimpleHead.{field_name} of type string"))
                continue
            if low == "apiversion":
                head.version = v
            else:
                head.kind = v
        elif low == "metadata":
            if v is None:
                continue
            if not isinstance(v, dict):
                errors.append(fail(json_kind(v), f"Go struct field SimpleHead.metadata of type {_META_TYPE}"))
                continue
            head.has_metadata = True
            for mk in sorted(v):
                mv = v[mk]
                if mk.casefold() == "name":
                    if mv is None:
                        continue
                    if not isinstance(mv, str):
                        errors.append(fail(json_kind(mv), "Go struct field .metadata.name of type string"))
                        continue
                    head.name = mv
                elif mk.casefold() == "annotations":
                    if mv is None:
                        continue
                    if not isinstance(mv, dict):
                        errors.append(fail(json_kind(mv), "Go struct field .metadata.annotations of type "
                                                      "map[string]string"))
                        continue
                    annotations = dict(head.annotations or {})
                    for ak in sorted(mv):
                        av = mv[ak]
                        if av is None:
                            annotations[ak] = ""
                        elif isinstance(av, str):
                            annotations[ak] = av
                        else:
                            errors.append(fail(json_kind(av), "Go struct field .metadata.annotations of type "
                                                          "string"))
                    head.annotations = annotations
        else:
            head.extra[key] = v
    if errors:
        raise errors[0]
    return head


__all__ = ["SimpleHead", "load_manifest_head"]
