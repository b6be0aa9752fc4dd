"""``/openapi/v2`` and ``/openapi/v3``: the served kinds' paths and Kubernetes' published schemas.

kubectl reads these to decide whether the server validates fields itself (the ``fieldValidation``
query parameter on each kind's PATCH operation, in the v3 group-version documents) and to explain
fields (``kubectl explain`` reads the v3 document of the kind's group-version). Built-in kinds take
their schemas from :mod:`kts.testing.kubeschema`; custom resources from their CRD's
``openAPIV3Schema``, as the real server publishes them.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
from typing import Any

from kts.testing.kubeschema import (
    INT_OR_STRING,
    OBJECT_META,
    QUANTITY,
    KubeSchemas,
    ref_name,
    schemas_for,
    types_of,
)
from kts.testing.resources import Registry, ResourceType

_META = "io.k8s.apimachinery.pkg.apis.meta.v1."
_PATH_META = (_META + "Status", _META + "DeleteOptions", _META + "Patch", _META + "WatchEvent")
_PATCH_TYPES = (
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
    "application/apply-patch+yaml",
)
_KEEP = ("description", "format", "required", "enum", "default", "minimum", "maximum", "pattern")
_WRITE_PARAMS = (
    ("dryRun", "When present, indicates that modifications should not be persisted."),
    ("fieldManager", "fieldManager is a name associated with the actor or entity that is making changes."),
    (
        "fieldValidation",
        "fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) "
        "containing unknown or duplicate fields. Valid values are: Ignore, Warn (the default), Strict.",
    ),
)


def convert(node: dict[str, Any], prefix: str, v3: bool) -> dict[str, Any]:
    """A JSON Schema node of kubernetes-validate as the OpenAPI node the API server publishes."""
    name = ref_name(node)
    if name is not None:
        target = {"$ref": prefix + name}
        rest = {k: v for k, v in node.items() if k != "$ref"}
        if not rest:
            return target
        return {**rest, "allOf": [target]} if v3 else {**target, **rest}
    out: dict[str, Any] = {k: copy.deepcopy(node[k]) for k in _KEEP if k in node}
    out.update({k: copy.deepcopy(v) for k, v in node.items() if k.startswith("x-kubernetes-")})
    types = types_of(node)
    if types:
        out["type"] = sorted(types)[0]
    if isinstance(node.get("properties"), dict):
        out["properties"] = {k: convert(v, prefix, v3) for k, v in node["properties"].items()}
    if isinstance(node.get("items"), dict):
        out["items"] = convert(node["items"], prefix, v3)
    if isinstance(node.get("additionalProperties"), dict):
        out["additionalProperties"] = convert(node["additionalProperties"], prefix, v3)
    return out


def _definition(schemas: KubeSchemas, name: str, prefix: str, v3: bool) -> dict[str, Any]:
    node = schemas.defs[name]
    if name == INT_OR_STRING:
        return {"description": node.get("description", ""), "type": "string", "format": "int-or-string"}
    if name == QUANTITY:
        return {"description": node.get("description", ""), "type": "string"}
    out = convert(node, prefix, v3)
    if node.get("x-kubernetes-group-version-kind"):
        # kubernetes-validate pins apiVersion and kind with enums; the server's schema does not
        for field in ("apiVersion", "kind"):
            out.get("properties", {}).get(field, {}).pop("enum", None)
    return out


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        out = [n] if (n := ref_name(node)) else []
        for v in node.values():
            out += _refs(v)
        return out
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def _closure(schemas: KubeSchemas, roots: list[str]) -> list[str]:
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        name = stack.pop()
        if name in seen or name not in schemas.defs:
            continue
        seen.add(name)
        stack.extend(_refs(schemas.defs[name]))
    return sorted(seen)


def gv_path(rt: ResourceType) -> str:
    return f"apis/{rt.group}/{rt.version}" if rt.group else f"api/{rt.version}"


def crd_schema_name(rt: ResourceType) -> str:
    """The component name the server gives a custom resource: ``com.example.v1.Widget``."""
    return ".".join([*reversed(rt.group.split(".")), rt.version, rt.kind])


def _custom_schema(rt: ResourceType, prefix: str) -> dict[str, Any]:
    schema: dict[str, Any] = copy.deepcopy(rt.schema) if rt.schema else {"type": "object"}
    if not rt.schema:
        schema["x-kubernetes-preserve-unknown-fields"] = True
    props: dict[str, Any] = schema.setdefault("properties", {})
    props.setdefault("apiVersion", {"type": "string", "description": "The versioned schema of the object."})
    props.setdefault("kind", {"type": "string", "description": "The REST resource this object represents."})
    meta_ref = {"$ref": prefix + OBJECT_META}
    props["metadata"] = {"description": "Standard object's metadata.", "allOf": [meta_ref]}
    gvk = {"group": rt.group, "kind": rt.kind, "version": rt.version}
    schema["x-kubernetes-group-version-kind"] = [gvk]
    return schema


def _param(name: str, where: str, v3: bool, description: str, kind: str = "string") -> dict[str, Any]:
    out: dict[str, Any] = {"name": name, "in": where, "description": description, "uniqueItems": True}
    if where == "path":
        out["required"] = True
    if v3:
        out["schema"] = {"type": kind}
    else:
        out["type"] = kind
    return out


def _operation(
    rt: ResourceType, action: str, verb: str, v3: bool, prefix: str, schema_ref: str, body: bool
) -> dict[str, Any]:
    params = []
    if action in ("post", "put", "patch"):
        params = [_param(n, "query", v3, d) for n, d in _WRITE_PARAMS]
        if action == "patch":
            params.append(_param("force", "query", v3, "Force is going to force Apply requests.", "boolean"))
    ok: dict[str, Any] = {"description": "OK"}
    if v3:
        ok["content"] = {"application/json": {"schema": {"$ref": schema_ref}}}
    else:
        ok["schema"] = {"$ref": schema_ref}
    op: dict[str, Any] = {
        "description": f"{verb} {rt.kind}",
        "operationId": f"{verb}{rt.kind}",
        "parameters": params,
        "responses": {"200": ok, "401": {"description": "Unauthorized"}},
        "x-kubernetes-action": action,
        "x-kubernetes-group-version-kind": {"group": rt.group, "kind": rt.kind, "version": rt.version},
    }
    if body:
        body_ref = prefix + _META + "Patch" if action == "patch" else schema_ref
        types: tuple[str, ...] = _PATCH_TYPES if action == "patch" else ("*/*",)
        if not rt.builtin:
            types = tuple(t for t in types if "strategic" not in t)
        if v3:
            content = {t: {"schema": {"$ref": body_ref}} for t in types}
            op["requestBody"] = {"content": content, "required": True}
        else:
            op["parameters"] = [
                {"name": "body", "in": "body", "required": True, "schema": {"$ref": body_ref}},
                *params,
            ]
            if action == "patch":
                op["consumes"] = list(types)
    return op


def resource_paths(rt: ResourceType, v3: bool, prefix: str, schema_ref: str) -> dict[str, Any]:
    """The paths and operations a kind is served on, each tagged with its group-version-kind."""
    base = "/" + gv_path(rt)
    coll = f"{base}/namespaces/{{namespace}}/{rt.plural}" if rt.namespaced else f"{base}/{rt.plural}"
    item = coll + "/{name}"
    verbs = set(rt.verbs)
    status = prefix + _META + "Status"
    wanted = (
        ("list", coll, "get", "list", "list", schema_ref + "List", False),
        ("create", coll, "post", "post", "create", schema_ref, True),
        ("deletecollection", coll, "delete", "deletecollection", "deletecollection", status, False),
        ("get", item, "get", "get", "read", schema_ref, False),
        ("update", item, "put", "put", "replace", schema_ref, True),
        ("patch", item, "patch", "patch", "patch", schema_ref, True),
        ("delete", item, "delete", "delete", "delete", status, False),
    )
    paths: dict[str, Any] = {}
    for need, path, method, action, verb, ref, body in wanted:
        if need in verbs:
            paths.setdefault(path, {})[method] = _operation(rt, action, verb, v3, prefix, ref, body)
    if rt.status_subresource:
        sub = paths.setdefault(item + "/status", {})
        sub["get"] = _operation(rt, "get", "readStatus", v3, prefix, schema_ref, False)
        sub["put"] = _operation(rt, "put", "replaceStatus", v3, prefix, schema_ref, True)
        sub["patch"] = _operation(rt, "patch", "patchStatus", v3, prefix, schema_ref, True)
    for path, ops in paths.items():
        params = [_param("pretty", "query", v3, "If 'true', then the output is pretty printed.")]
        if "{name}" in path:
            params.append(_param("name", "path", v3, "name of the resource"))
        if "{namespace}" in path:
            params.append(_param("namespace", "path", v3, "object name and auth scope"))
        ops["parameters"] = params
    return paths


class OpenAPI:
    """Builds (and caches) the OpenAPI documents of one emulator's registry."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self._cache: dict[Any, bytes] = {}

    @property
    def schemas(self) -> KubeSchemas:
        return self.registry.schemas

    def _info(self) -> dict[str, str]:
        return {"title": "Kubernetes", "version": f"v{self.schemas.version}.0"}

    def _group_versions(self) -> dict[str, list[ResourceType]]:
        out: dict[str, list[ResourceType]] = {}
        for rt in self.registry.all():
            if rt.builtin and self.schemas.kind_definition(rt.group, rt.version, rt.kind) is None:
                continue
            out.setdefault(gv_path(rt), []).append(rt)
        return out

    @staticmethod
    def _fingerprint(types: list[ResourceType]) -> tuple[Any, ...]:
        return tuple(
            (t.group, t.version, t.plural, t.builtin, _schema_text(t))
            for t in types
        )

    def _schema_name(self, rt: ResourceType) -> str:
        if rt.builtin:
            name = self.schemas.kind_definition(rt.group, rt.version, rt.kind)
            assert name is not None
            return name
        return crd_schema_name(rt)

    def v3_document(self, path: str) -> bytes | None:
        types = self._group_versions().get(path)
        if types is None:
            return None
        key = ("v3", path, self._fingerprint(types))
        if key not in self._cache:
            self._cache[key] = json.dumps(self._build_v3(types), separators=(",", ":")).encode()
        return self._cache[key]

    def _build_v3(self, types: list[ResourceType]) -> dict[str, Any]:
        prefix = "#/components/schemas/"
        roots: list[str] = list(_PATH_META)
        components: dict[str, Any] = {}
        paths: dict[str, Any] = {}
        for rt in types:
            name = self._schema_name(rt)
            if rt.builtin:
                roots += [name, name + "List"]
            else:
                roots.append(OBJECT_META)
                components[name] = _custom_schema(rt, prefix)
                components[name + "List"] = {
                    "type": "object",
                    "properties": {"items": {"type": "array", "items": {"$ref": prefix + name}}},
                }
            paths.update(resource_paths(rt, True, prefix, prefix + name))
        for name in _closure(self.schemas, roots):
            components[name] = _definition(self.schemas, name, prefix, True)
        return {
            "openapi": "3.0.0",
            "info": self._info(),
            "paths": paths,
            "components": {"schemas": dict(sorted(components.items()))},
        }

    def v3_index(self) -> dict[str, Any]:
        paths = {}
        for path in self._group_versions():
            digest = hashlib.sha512(self.v3_document(path) or b"").hexdigest()[:128].upper()
            paths[path] = {"serverRelativeURL": f"/openapi/v3/{path}?hash={digest}"}
        return {"paths": paths}

    def v2_document(self) -> bytes:
        groups = self._group_versions()
        key = ("v2", tuple((p, self._fingerprint(t)) for p, t in groups.items()))
        if key not in self._cache:
            self._cache = {k: v for k, v in self._cache.items() if k[0] != "v2"}
            self._cache[key] = json.dumps(self._build_v2(groups), separators=(",", ":")).encode()
        return self._cache[key]

    def _build_v2(self, groups: dict[str, list[ResourceType]]) -> dict[str, Any]:
        prefix = "#/definitions/"
        out = dict(_v2_builtin_definitions(self.schemas.version))
        paths: dict[str, Any] = {}
        for types in groups.values():
            for rt in types:
                name = self._schema_name(rt)
                if not rt.builtin:
                    out[name] = _custom_schema(rt, prefix)
                    _single_allof_to_ref(out[name])
                paths.update(resource_paths(rt, False, prefix, prefix + name))
        return {"swagger": "2.0", "info": self._info(), "paths": paths, "definitions": out}


def _schema_text(rt: ResourceType) -> str:
    return json.dumps(rt.schema, sort_keys=True) if rt.schema else ""


@functools.cache
def _v2_builtin_definitions(version: str) -> dict[str, Any]:
    schemas = schemas_for(version)
    return {name: _definition(schemas, name, "#/definitions/", False) for name in sorted(schemas.defs)}


def _single_allof_to_ref(node: Any) -> None:
    """A CRD's schema as v2 publishes it: single-element allOf references become plain ones."""
    if isinstance(node, dict):
        all_of = node.get("allOf")
        if isinstance(all_of, list) and len(all_of) == 1 and "$ref" in all_of[0]:
            del node["allOf"]
            node["$ref"] = all_of[0]["$ref"]
        for v in node.values():
            _single_allof_to_ref(v)
    elif isinstance(node, list):
        for v in node:
            _single_allof_to_ref(v)
