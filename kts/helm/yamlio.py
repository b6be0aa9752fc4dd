"""YAML input for charts (values files, Chart.yaml, manifests), decoded as sigs.k8s.io/yaml does.

A thin layer over ``kts.codec.yaml``: Helm's shapes (a values file is a map, its documents
merge); failures are the codec's ``YAMLError``, with Go's text.
"""

from __future__ import annotations

from typing import Any

from kts.codec import yaml as codec_yaml
from kts.codec.json import json_kind
from kts.codec.yaml import YAMLError, merge_maps

__all__ = ["YAMLError", "load_document", "load_values", "merge_maps"]


def load_values(text: str, *, multi_doc: bool = True) -> dict[str, Any]:
    """Decode a values file into a ``map[string]interface {}``; Helm v4 merges its documents."""
    result = codec_yaml.load_values(text, multi_doc=multi_doc)
    if result is None:
        return {}
    if not isinstance(result, dict):
        raise YAMLError("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal "
                        f"{json_kind(result)} into Go value of type map[string]interface {{}}")
    return result


def load_document(text: str) -> Any:
    """Decode one YAML document into generic Go values (Chart.yaml, manifests)."""
    return codec_yaml.unmarshal(text)
