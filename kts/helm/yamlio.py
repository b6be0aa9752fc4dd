"""YAML input for charts (values files, Chart.yaml, manifests), decoded as sigs.k8s.io/yaml does.

A thin layer over ``kts.codec.yaml`` that turns its errors into one type with Go's text.
"""

from __future__ import annotations

from typing import Any

from kts.codec import yaml as codec_yaml
from kts.codec.json import json_kind


class YAMLError(ValueError):
    """Text that sigs.k8s.io/yaml rejects; ``str()`` is Go's wording."""


def load_values(text: str, *, multi_doc: bool = True) -> dict[str, Any]:
    """Decode a values file into a ``map[string]interface {}``; Helm v4 merges its documents."""
    try:
        result = codec_yaml.load_values(text, multi_doc=multi_doc)
    except codec_yaml.YAMLError as exc:
        raise YAMLError(str(exc)) from exc
    if result is None:
        return {}
    if not isinstance(result, dict):
        raise YAMLError("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal "
                        f"{json_kind(result)} into Go value of type map[string]interface {{}}")
    return result


def load_document(text: str) -> Any:
    """Decode one YAML document into generic Go values (Chart.yaml, manifests)."""
    try:
        return codec_yaml.unmarshal(text)
    except codec_yaml.YAMLError as exc:
        raise YAMLError(str(exc)) from exc


def merge_maps(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Helm's loader ``MergeMaps``: b wins, nested maps merge recursively."""
    out = dict(a)
    for key, value in b.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge_maps(out[key], value)
        else:
            out[key] = value
    return out


