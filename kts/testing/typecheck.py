"""Built-in objects checked against Kubernetes' published definitions, as the API server's
decoders check them: undeclared fields and values of the wrong type.

Two decoders see a body on a real server, and they word the same problem differently:

* a JSON create, update or patch is decoded into the Go type (sigs.k8s.io/json): a wrong type is
  ``json: cannot unmarshal string into Go struct field Container.spec.containers.resources of
  type v1.ResourceRequirements`` (400), an undeclared field is a strict-decoding error or warning
  at ``spec.containers[0].imagee``;
* a server-side apply body is converted to a structured-merge-diff typed value: a wrong type is
  ``.spec.containers[name="app"].resources: expected map, got &{oops}``, an undeclared field
  ``.spec.containers[name="app"].imagee: field not declared in schema``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from kts.testing.kubeschema import INT_OR_STRING, OBJECT_META, QUANTITY, KubeSchemas, ref_name, types_of
from kts.testing.listrules import KEY_DEFAULTS

_QUANTITY = re.compile(r"^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$")
QUANTITY_MESSAGE = (
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
)
_INT_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


@dataclass
class Findings:
    """What the decoders object to in one body, in document order."""

    unknown: list[tuple[str, str]] = field(default_factory=list)  # (decoder path, typed path)
    decode_error: str | None = None  # the Go JSON decoder's first type error
    typed_errors: list[str] = field(default_factory=list)  # structured-merge-diff's errors

    def undeclared(self, path: str, typed: str) -> None:
        self.unknown.append((path, typed))
        self.typed_errors.append(f"{typed}: field not declared in schema")


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _go_repr(value: Any) -> str:
    """Go's %v of a structured-merge-diff unstructured value: ``&{oops}``, ``&{map[a:1]}``."""

    def text(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, dict):
            return "map[" + " ".join(f"{k}:{text(x)}" for k, x in sorted(v.items())) + "]"
        if isinstance(v, list):
            return "[" + " ".join(text(x) for x in v) + "]"
        if v is None:
            return "<nil>"
        return str(v)

    return "&{" + text(value) + "}"


def _go_type_name(definition: str) -> str:
    """``io.k8s.api.core.v1.ResourceRequirements`` -> ``v1.ResourceRequirements``."""
    parts = definition.split(".")
    return ".".join(parts[-2:])


class _Walker:
    def __init__(self, schemas: KubeSchemas) -> None:
        self.schemas = schemas
        self.found = Findings()

    def go_type(self, node: dict[str, Any]) -> str:
        name = ref_name(node)
        if name == QUANTITY:
            return "resource.Quantity"
        if name == INT_OR_STRING:
            return "intstr.IntOrString"
        if name is not None:
            return _go_type_name(name)
        types = types_of(node)
        if "array" in types:
            return "[]" + self.go_type(node.get("items") or {})
        if "object" in types and isinstance(node.get("additionalProperties"), dict):
            return "map[string]" + self.go_type(node["additionalProperties"])
        if "integer" in types:
            return str(node.get("format") or "int64")
        if "number" in types:
            return "float64"
        if "boolean" in types:
            return "bool"
        if "string" in types:
            return "[]uint8" if node.get("format") == "byte" else "string"
        return "interface {}"

    def decode_fail(self, message: str) -> None:
        if self.found.decode_error is None:
            self.found.decode_error = message

    def mismatch(
        self, value: Any, node: dict[str, Any], struct: str, go_path: list[str], typed: str, want: str
    ) -> None:
        where = f"Go struct field {struct}.{'.'.join(go_path)}" if go_path else "Go value"
        kind = _json_kind(value)
        if kind == "number" and want in ("integer",) and not isinstance(value, bool):
            kind = f"number {json.dumps(value)}"
        self.decode_fail(f"json: cannot unmarshal {kind} into {where} of type {self.go_type(node)}")
        smd_want = {
            "object": "map",
            "array": "list",
            "integer": "numeric (int or float)",
            "number": "numeric (int or float)",
            "boolean": "boolean",
            "string": "string",
        }[want]
        self.found.typed_errors.append(f"{typed}: expected {smd_want}, got {_go_repr(value)}")

    def walk(
        self, node: dict[str, Any], value: Any, struct: str, go_path: list[str], path: str, typed: str
    ) -> None:
        if value is None:
            return
        name = ref_name(node)
        if name == INT_OR_STRING:
            if isinstance(value, bool) or not isinstance(value, (int, str)):
                kind = _json_kind(value) if not isinstance(value, float) else f"number {json.dumps(value)}"
                self.decode_fail(f"json: cannot unmarshal {kind} into Go value of type int32")
                if isinstance(value, (dict, list)):
                    self.found.typed_errors.append(f"{typed}: expected scalar, got {_go_repr(value)}")
            return
        if node.get("x-kubernetes-int-or-string"):
            if isinstance(value, bool) or not isinstance(value, (int, str)):
                self.found.typed_errors.append(f"{typed}: expected scalar, got {_go_repr(value)}")
            return
        if name == QUANTITY:
            text = value if isinstance(value, str) else json.dumps(value)
            if isinstance(value, bool) or not _QUANTITY.match(text.strip()):
                self.decode_fail(QUANTITY_MESSAGE)
                if isinstance(value, (dict, list)):
                    self.found.typed_errors.append(f"{typed}: expected scalar, got {_go_repr(value)}")
            return
        target = self.schemas.resolve(node)
        types = types_of(target)
        if target.get("x-kubernetes-preserve-unknown-fields") or not types:
            return
        if "object" in types:
            if not isinstance(value, dict):
                self.mismatch(value, node, struct, go_path, typed, "object")
                return
            props = target.get("properties")
            extra = target.get("additionalProperties")
            if isinstance(props, dict):
                struct_name = _go_type_name(name).split(".")[-1] if name else struct
                for k, v in value.items():
                    sub_path = f"{path}.{k}" if path else k
                    if k in props:
                        self.walk(props[k], v, struct_name, [*go_path, k], sub_path, f"{typed}.{k}")
                    else:
                        self.found.undeclared(sub_path, f"{typed}.{k}")
            elif isinstance(extra, dict):
                for k, v in value.items():
                    self.walk(extra, v, struct, go_path, f"{path}[{k}]", f"{typed}.{k}")
            return
        if "array" in types:
            if not isinstance(value, list):
                self.mismatch(value, node, struct, go_path, typed, "array")
                return
            items = target.get("items") or {}
            keys = _keys(target)
            for i, item in enumerate(value):
                self.walk(items, item, struct, go_path, f"{path}[{i}]", typed + _item_ref(item, i, keys))
            return
        self.scalar(target, node, value, struct, go_path, typed, types)

    def scalar(
        self,
        target: dict[str, Any],
        node: dict[str, Any],
        value: Any,
        struct: str,
        go_path: list[str],
        typed: str,
        types: set[str],
    ) -> None:
        if "string" in types:
            if not isinstance(value, str):
                self.mismatch(value, node, struct, go_path, typed, "string")
        elif "boolean" in types:
            if not isinstance(value, bool):
                self.mismatch(value, node, struct, go_path, typed, "boolean")
        elif "integer" in types:
            if isinstance(value, bool) or not isinstance(value, int):
                self.mismatch(value, node, struct, go_path, typed, "integer")
            else:
                low, high = _INT_RANGES.get(str(target.get("format")), _INT_RANGES["int64"])
                if not low <= value <= high:
                    where = f"Go struct field {struct}.{'.'.join(go_path)}"
                    self.decode_fail(
                        f"json: cannot unmarshal number {value} into {where} of type {self.go_type(node)}"
                    )
        elif "number" in types and (isinstance(value, bool) or not isinstance(value, (int, float))):
            self.mismatch(value, node, struct, go_path, typed, "number")


def _keys(node: dict[str, Any]) -> tuple[str, ...]:
    if node.get("x-kubernetes-list-type") == "map":
        return tuple(node.get("x-kubernetes-list-map-keys") or ())
    if node.get("x-kubernetes-list-type") is None and node.get("x-kubernetes-patch-merge-key"):
        return (node["x-kubernetes-patch-merge-key"],)
    return ()


def _item_ref(item: Any, index: int, keys: tuple[str, ...]) -> str:
    """A list item in a structured-merge-diff path: ``[name="app"]``, or ``[0]``."""
    if keys and isinstance(item, dict):
        values = [(k, item.get(k, KEY_DEFAULTS.get(k))) for k in keys]
        if all(v is not None for _, v in values):
            return "[" + ",".join(f"{k}={json.dumps(v)}" for k, v in values) + "]"
    return f"[{index}]"


def check(
    schemas: KubeSchemas,
    definition: str | None,
    body: dict[str, Any],
    crd_schema: dict[str, Any] | None = None,
) -> Findings:
    """What the decoders find in ``body``, an object of the kind ``definition`` describes
    (``apiVersion`` and ``kind`` included), or of a custom resource whose CRD version has the
    structural schema ``crd_schema`` (its metadata is an ObjectMeta whatever the schema says)."""
    walker = _Walker(schemas)
    if definition is not None:
        root = schemas.defs[definition]
        struct = _go_type_name(definition).split(".")[-1]
    else:
        root = crd_schema or {}
        struct = str(body.get("kind", ""))
        if root.get("x-kubernetes-preserve-unknown-fields") and not root.get("properties"):
            return walker.found
    props = dict(root.get("properties") or {})
    if definition is None:
        props.update(
            apiVersion={"type": "string"},
            kind={"type": "string"},
            metadata={"$ref": "#/$defs/" + OBJECT_META},
        )
    for k, v in body.items():
        if k in props:
            walker.walk(props[k], v, struct, [k], k, f".{k}")
        elif not root.get("x-kubernetes-preserve-unknown-fields"):
            walker.found.undeclared(k, f".{k}")
    return walker.found
