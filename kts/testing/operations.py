"""API semantics on top of the store: create, read, update, patch, server-side apply and delete,
with metadata bookkeeping (uid, resourceVersion, generation, managedFields) and validation."""

from __future__ import annotations

import builtins
import copy
import json
import random
import uuid
from collections.abc import Callable
from typing import Any

from kts.testing import fieldsets as fs
from kts.testing import managedfields as mf
from kts.testing import validation
from kts.testing.clock import now
from kts.testing.errors import (
    ApiError,
    already_exists,
    bad_request,
    invalid,
    modified_conflict,
    not_found,
    success_status,
)
from kts.testing.patches import json_merge_patch, json_patch, strategic_merge_patch
from kts.testing.resources import Registry, ResourceType
from kts.testing.selectors import parse_field_selector, parse_label_selector
from kts.testing.store import Key, Store, obj_key
from kts.testing.writes import Result, WriteOptions

__all__ = ["Api", "Result", "WriteOptions", "now", "random_suffix"]

APPLY = "application/apply-patch+yaml"
_CA_DESCRIPTION = (
    "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such "
    "as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions "
    "of Kubernetes clusters."
)
_EMULATOR_CA = "-----BEGIN CERTIFICATE-----\nemulator\n-----END CERTIFICATE-----\n"
_RETURN_DELETED_OBJECT = {
    "pods",
    "services",
    "serviceaccounts",
    "persistentvolumeclaims",
    "persistentvolumes",
    "storageclasses",
    "namespaces",
    "nodes",
    "customresourcedefinitions",
}
MERGE = "application/merge-patch+json"
STRATEGIC = "application/strategic-merge-patch+json"
JSONPATCH = "application/json-patch+json"

_NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789"


_GENERATION_PLURALS = {
    "deployments",
    "statefulsets",
    "replicasets",
    "daemonsets",
    "jobs",
    "cronjobs",
    "ingresses",
    "networkpolicies",
    "poddisruptionbudgets",
    "customresourcedefinitions",
    "pods",
}


def has_generation(rt: ResourceType) -> bool:
    """Kinds whose registry strategy maintains metadata.generation (all custom resources do)."""
    return not rt.builtin or rt.plural in _GENERATION_PLURALS


def random_suffix(n: int = 5) -> str:
    return "".join(random.choice(_NAME_CHARS) for _ in range(n))


class Api:
    """One emulated apiserver's object semantics; the HTTP layer and the control plane call it."""

    def __init__(self, store: Store, registry: Registry) -> None:
        self.store = store
        self.registry = registry
        self._next_ip = 1
        self._next_node_port = 30000
        self.cluster_ip_prefix: str | None = None  # e.g. "127.9.255." to serve services on loopback

    def allocate_cluster_ip(self) -> str:
        n = self._next_ip
        self._next_ip += 1
        if self.cluster_ip_prefix:
            return f"{self.cluster_ip_prefix}{(n - 1) % 254 + 1}"
        return f"10.96.{n // 250}.{n % 250 + 1}"

    def allocate_node_port(self) -> int:
        port = self._next_node_port
        self._next_node_port += 1
        return port

    # -- reads -------------------------------------------------------------------------------

    def get(self, rt: ResourceType, namespace: str, name: str) -> dict[str, Any]:
        obj = self.store.get(obj_key(rt, namespace, name))
        if obj is None:
            raise not_found(rt.group, rt.plural, name)
        return self._view(rt, obj)

    def list(
        self,
        rt: ResourceType,
        namespace: str | None,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> list[dict[str, Any]]:
        lsel = parse_label_selector(label_selector)
        fsel = parse_field_selector(field_selector, rt.kind)
        ns = namespace if rt.namespaced else None
        return [
            self._view(rt, o)
            for o in self.store.items(rt.group, rt.plural, ns)
            if lsel(o["metadata"].get("labels") or {}) and fsel(o)
        ]

    def _view(self, rt: ResourceType, obj: dict[str, Any]) -> dict[str, Any]:
        out = copy.deepcopy(obj)
        out["apiVersion"] = rt.api_version
        return out

    def matcher(
        self, rt: ResourceType, label_selector: str | None, field_selector: str | None
    ) -> Callable[[dict[str, Any]], bool]:
        """A predicate for watch events, with the same selector rules as ``list``."""
        lsel = parse_label_selector(label_selector)
        fsel = parse_field_selector(field_selector, rt.kind)
        return lambda o: lsel(o["metadata"].get("labels") or {}) and fsel(o)

    # -- helpers -----------------------------------------------------------------------------

    def _check_namespace(self, rt: ResourceType, namespace: str, creating: bool, name: str = "") -> None:
        if not rt.namespaced:
            return
        ns_type = self.registry.lookup("", "v1", "namespaces")
        assert ns_type is not None
        ns = self.store.get(obj_key(ns_type, "", namespace))
        if ns is None:
            raise not_found("", "namespaces", namespace)
        if creating and ns["metadata"].get("deletionTimestamp"):
            raise ApiError(
                403,
                "Forbidden",
                f'{rt.plural}{"." + rt.group if rt.group else ""} "{name}" is forbidden: unable to create '
                f"new content in namespace {namespace} because it is being terminated",
                {"name": name, "kind": rt.plural},
            )

    def _check_body_type(self, rt: ResourceType, body: dict[str, Any]) -> None:
        api_version = body.get("apiVersion")
        kind = body.get("kind")
        if api_version and api_version != rt.api_version:
            raise bad_request(
                f"the API version in the data ({api_version}) does not match the expected API "
                f"version ({rt.api_version})"
            )
        if kind and kind != rt.kind:
            raise bad_request(f"the kind in the data ({kind}) does not match the expected kind ({rt.kind})")

    def _unknown_fields(self, rt: ResourceType, body: dict[str, Any], opts: WriteOptions) -> tuple[str, ...]:
        """A decoded body's undeclared fields: refused (Strict), dropped with warnings (Warn) or
        dropped silently (Ignore); a value of the wrong type is refused first, as the decoder does."""
        error = validation.decode_error(rt, body)
        if error is not None:
            raise error
        unknown = validation.unknown_fields(rt, body)
        if not unknown:
            return ()
        if opts.validation == "Strict":
            if len(unknown) == 1:
                raise bad_request(f'strict decoding error: unknown field "{unknown[0]}"')
            raise bad_request("strict decoding error: " + ", ".join(f'unknown field "{u}"' for u in unknown))
        validation.drop_fields(body, unknown)
        if opts.validation == "Ignore":
            return ()
        return tuple(f'unknown field "{u}"' for u in unknown)

    def _bump_generation(self, rt: ResourceType, old: dict[str, Any], new: dict[str, Any]) -> None:
        def spec_of(o: dict[str, Any]) -> dict[str, Any]:
            return {k: v for k, v in o.items() if k not in ("metadata", "status", "apiVersion", "kind")}

        if not has_generation(rt):
            new["metadata"].pop("generation", None)
            return
        gen = int(old["metadata"].get("generation", 1))
        if spec_of(old) != spec_of(new):
            gen += 1
        new["metadata"]["generation"] = gen

    def _finish_write(
        self,
        rt: ResourceType,
        key: Key,
        old: dict[str, Any],
        new: dict[str, Any],
        opts: WriteOptions,
        warnings: tuple[str, ...] = (),
    ) -> Result:
        """Persist an update unless it changes nothing; a deleting object whose finalizers are
        all gone is removed."""
        meta = new["metadata"]
        for field in (
            "uid",
            "creationTimestamp",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
            "namespace",
            "name",
        ):
            if field in old["metadata"]:
                meta[field] = old["metadata"][field]
            else:
                meta.pop(field, None)
        if opts.subresource == "status":
            status = new.get("status")
            new = {k: copy.deepcopy(v) for k, v in old.items() if k != "status"}
            new["metadata"]["managedFields"] = meta.get("managedFields", [])
            if status is not None:
                new["status"] = status
            meta = new["metadata"]
        elif rt.status_subresource:
            if "status" in old:
                new["status"] = copy.deepcopy(old["status"])
            else:
                new.pop("status", None)
        validation.apply_defaults(rt, new)
        if rt.builtin and rt.kind == "Service":
            old_spec, new_spec = old.get("spec") or {}, new.setdefault("spec", {})
            for field in ("clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy", "internalTrafficPolicy"):
                if field in old_spec and field not in new_spec:
                    new_spec[field] = old_spec[field]
        self._bump_generation(rt, old, new)
        new["kind"] = rt.kind
        new["apiVersion"] = old.get("apiVersion", rt.api_version)
        meta["resourceVersion"] = old["metadata"]["resourceVersion"]
        if _same(old, new):
            return Result(200, self._view(rt, old), warnings)
        validation.validate(rt, new, self, old)
        if opts.dry_run:
            return Result(200, self._view(rt, new), warnings)
        if (
            meta.get("deletionTimestamp")
            and not meta.get("finalizers")
            and not self._deferred_removal(rt, new)
        ):
            removed = self.store.remove(key)
            assert removed is not None
            return Result(200, self._view(rt, removed), warnings)
        self.store.put(key, new, "MODIFIED")
        return Result(200, self._view(rt, new), warnings)

    def _deferred_removal(self, rt: ResourceType, obj: dict[str, Any]) -> bool:
        """Pods (until their containers stop) and namespaces (until emptied) outlive finalizers."""
        if rt.group == "" and rt.plural == "namespaces":
            return True
        if rt.group == "" and rt.plural == "pods":
            return (
                obj["metadata"].get("annotations", {}).get("kts-emulator/terminated") != "true"
                and obj["metadata"].get("deletionGracePeriodSeconds", 0) != 0
            )
        return False

    # -- create ------------------------------------------------------------------------------

    def create(self, rt: ResourceType, namespace: str, body: Any, opts: WriteOptions) -> Result:
        if not isinstance(body, dict):
            raise bad_request("the body of the request was in an unknown format")
        body = copy.deepcopy(body)
        self._check_body_type(rt, body)
        warnings = self._unknown_fields(rt, body, opts)
        meta = body.setdefault("metadata", {})
        if not isinstance(meta, dict):
            raise bad_request("metadata must be an object")
        if rt.namespaced:
            body_ns = meta.get("namespace")
            if body_ns and body_ns != namespace:
                raise bad_request(
                    "the namespace of the provided object does not match the namespace sent on the request"
                )
            meta["namespace"] = namespace
        else:
            meta.pop("namespace", None)
        if not meta.get("name") and meta.get("generateName"):
            meta["name"] = meta["generateName"] + random_suffix()
        name = meta.get("name") or ""
        if not name:
            raise invalid(
                rt.kind,
                rt.group,
                "",
                [
                    {
                        "reason": "FieldValueRequired",
                        "message": "Required value: name or generateName is required",
                        "field": "metadata.name",
                    }
                ],
            )
        validation.check_name(rt, name)
        self._check_namespace(rt, namespace, creating=True, name=name)
        key = obj_key(rt, namespace, name)
        if self.store.get(key) is not None:
            raise already_exists(rt.group, rt.plural, name)
        obj = self._new_object(rt, body)
        if opts.subresource == "":
            mf.record_update(rt, None, obj, opts)
        return self._insert(rt, key, obj, opts, warnings)

    def _new_object(self, rt: ResourceType, body: dict[str, Any]) -> dict[str, Any]:
        obj: dict[str, Any] = {"apiVersion": rt.api_version, "kind": rt.kind}
        obj.update(body)
        obj["apiVersion"], obj["kind"] = rt.api_version, rt.kind
        meta = obj["metadata"]
        for field in ("resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink"):
            meta.pop(field, None)
        meta["uid"] = str(uuid.uuid4())
        meta["creationTimestamp"] = now()
        meta.pop("generation", None)
        if has_generation(rt):
            meta["generation"] = 1
        meta.pop("managedFields", None)
        if rt.status_subresource:
            obj.pop("status", None)
        validation.apply_defaults(rt, obj)
        return obj

    def _insert(
        self,
        rt: ResourceType,
        key: Key,
        obj: dict[str, Any],
        opts: WriteOptions,
        warnings: tuple[str, ...] = (),
    ) -> Result:
        validation.validate(rt, obj, self)
        validation.on_create(rt, obj, self)
        if opts.dry_run:
            obj["metadata"]["resourceVersion"] = ""
            return Result(201, self._view(rt, obj), warnings)
        self.store.put(key, obj, "ADDED")
        if rt.builtin and rt.plural == "namespaces":
            # the service account controller's "default" account, present before any pod can ask for it
            sa = self.registry.lookup("", "v1", "serviceaccounts")
            assert sa is not None
            self.create(
                sa,
                obj["metadata"]["name"],
                {"metadata": {"name": "default"}},
                WriteOptions(manager="kube-controller-manager"),
            )
            # and the root CA bundle every namespace gets
            cm = self.registry.lookup("", "v1", "configmaps")
            assert cm is not None
            self.create(
                cm,
                obj["metadata"]["name"],
                {
                    "metadata": {
                        "name": "kube-root-ca.crt",
                        "annotations": {"kubernetes.io/description": _CA_DESCRIPTION},
                    },
                    "data": {"ca.crt": _EMULATOR_CA},
                },
                WriteOptions(manager="kube-controller-manager"),
            )
        return Result(201, self._view(rt, obj), warnings)

    # -- update ------------------------------------------------------------------------------

    def replace(self, rt: ResourceType, namespace: str, name: str, body: Any, opts: WriteOptions) -> Result:
        if not isinstance(body, dict):
            raise bad_request("the body of the request was in an unknown format")
        body = copy.deepcopy(body)
        self._check_body_type(rt, body)
        warnings = self._unknown_fields(rt, body, opts)
        meta = body.setdefault("metadata", {})
        if meta.get("name") and meta["name"] != name:
            raise bad_request(
                "the name of the object ({}) does not match the name on the URL ({})".format(
                    meta["name"], name
                )
            )
        meta["name"] = name
        if rt.namespaced:
            if meta.get("namespace") and meta["namespace"] != namespace:
                raise bad_request(
                    "the namespace of the provided object does not match the namespace sent on the request"
                )
            meta["namespace"] = namespace
        self._check_namespace(rt, namespace, creating=False)
        key = obj_key(rt, namespace, name)
        old = self.store.get(key)
        if old is None:
            raise not_found(rt.group, rt.plural, name)
        rv = meta.get("resourceVersion")
        if rv and rv != old["metadata"]["resourceVersion"]:
            raise modified_conflict(rt.group, rt.plural, name)
        if meta.get("uid") and meta["uid"] != old["metadata"]["uid"]:
            raise ApiError(
                409,
                "Conflict",
                f"Operation cannot be fulfilled on {rt.plural}{'.' + rt.group if rt.group else ''} "
                f'"{name}": Precondition failed: UID in precondition: {meta["uid"]}, UID in object '
                f"meta: {old['metadata']['uid']}",
                {"name": name, "kind": rt.plural},
            )
        new = copy.deepcopy(body)
        mf.record_update(rt, old, new, opts)
        return self._finish_write(rt, key, old, new, opts, warnings)

    # -- patch -------------------------------------------------------------------------------

    def patch(
        self,
        rt: ResourceType,
        namespace: str,
        name: str,
        raw: bytes,
        content_type: str,
        opts: WriteOptions,
        force: bool | None,
    ) -> Result:
        ctype = content_type.split(";")[0].strip().lower()
        if ctype == APPLY:
            return self.apply(rt, namespace, name, raw, opts, bool(force))
        if force is not None:
            raise invalid(
                "PatchOptions",
                "meta.k8s.io",
                "",
                [
                    {
                        "reason": "FieldValueForbidden",
                        "field": "force",
                        "message": "Forbidden: may not be specified for non-apply patch",
                    }
                ],
            )
        if ctype not in (MERGE, STRATEGIC, JSONPATCH):
            raise ApiError(
                415,
                "UnsupportedMediaType",
                f"the body of the request was in an unknown format - "
                f"accepted media types include: {JSONPATCH}, {MERGE}, {APPLY}, {STRATEGIC}",
            )
        try:
            patch = json.loads(raw or b"null")
        except ValueError as e:
            raise bad_request(f"error decoding patch: {e}") from None
        self._check_namespace(rt, namespace, creating=False)
        key = obj_key(rt, namespace, name)
        old = self.store.get(key)
        if old is None:
            raise not_found(rt.group, rt.plural, name)
        current = self._view(rt, old)
        if ctype == MERGE:
            new = json_merge_patch(current, patch)
        elif ctype == STRATEGIC:
            if not rt.builtin:
                raise ApiError(
                    415, "UnsupportedMediaType", "strategic merge patch is not supported for custom resources"
                )
            new = strategic_merge_patch(current, patch, rt.merge_rules)
        else:
            new = json_patch(current, patch)
        if not isinstance(new, dict):
            raise bad_request("patched object is not an object")
        new.setdefault("metadata", {})
        warnings = self._unknown_fields(rt, new, opts)
        rv = (patch.get("metadata") or {}).get("resourceVersion") if isinstance(patch, dict) else None
        if rv and rv != old["metadata"]["resourceVersion"]:
            raise modified_conflict(rt.group, rt.plural, name)
        mf.record_update(rt, old, new, opts)
        return self._finish_write(rt, key, old, new, opts, warnings)

    # -- server-side apply -------------------------------------------------------------------

    def apply(
        self, rt: ResourceType, namespace: str, name: str, raw: bytes, opts: WriteOptions, force: bool
    ) -> Result:
        if not opts.manager:
            raise invalid(
                "PatchOptions",
                "meta.k8s.io",
                "",
                [
                    {
                        "reason": "FieldValueRequired",
                        "field": "fieldManager",
                        "message": "Required value: is required for apply patch",
                    }
                ],
            )
        body = mf.decode_apply_body(raw)
        if not isinstance(body, dict):
            raise bad_request("error decoding YAML: the apply patch must be an object")
        body = fs.strip_nulls(body)
        meta = body.get("metadata")
        if not isinstance(meta, dict):
            meta = body["metadata"] = {}
        if "managedFields" in meta:
            raise bad_request("metadata.managedFields must be nil")
        if body.get("kind") != rt.kind:
            raise bad_request(f"invalid object type: {mf.gvk_of(body)}")
        if body.get("apiVersion") != rt.api_version:
            raise bad_request(
                f"Incorrect version specified in apply patch. Specified patch version: "
                f"{body.get('apiVersion', '')}, expected: {rt.api_version}"
            )
        if meta.get("name", name) != name:
            raise bad_request(
                f"the name of the object ({meta.get('name')}) does not match the name on the URL ({name})"
            )
        if rt.namespaced:
            if meta.get("namespace") and meta["namespace"] != namespace:
                raise bad_request(
                    "the namespace of the provided object does not match the namespace sent on the request"
                )
            meta["namespace"] = namespace
        else:
            meta.pop("namespace", None)
        meta["name"] = name
        errors = validation.typed_errors(rt, body)
        if errors:
            # structured-merge-diff's conversion error, which the real server answers with a 500
            text = errors[0] if len(errors) == 1 else "errors:\n  " + "\n  ".join(errors)
            message = f"failed to create typed patch object ({rt.gvk_text()}): {text}"
            raise ApiError(500, "InternalError", message)
        unknown = validation.unknown_fields(rt, body)
        if unknown:
            if opts.validation == "Strict":
                raise bad_request(
                    "strict decoding error: " + ", ".join(f'unknown field "{u}"' for u in unknown)
                )
            validation.drop_fields(body, unknown)
        warnings = tuple(f'unknown field "{u}"' for u in unknown) if opts.validation == "Warn" else ()
        self._check_namespace(rt, namespace, creating=False)
        key = obj_key(rt, namespace, name)
        old = self.store.get(key)
        if old is None:
            if opts.subresource:
                raise not_found(rt.group, rt.plural, name)
            if meta.get("uid"):
                raise ApiError(
                    409,
                    "Conflict",
                    f"uid mismatch: the provided object specified uid {meta['uid']}, "
                    "and no existing object was found",
                )
            self._check_namespace(rt, namespace, creating=True, name=name)
            validation.check_name(rt, name)
            intent = fs.tracked_content(body, opts.subresource, rt.status_subresource)
            obj = self._new_object(rt, copy.deepcopy(body))
            # an applier owns what it applied, even nothing: its entry is kept with an empty set
            paths = fs.field_set(intent, rt.merge_rules)
            obj["metadata"]["managedFields"] = [mf.apply_entry(rt, opts, paths)]
            return self._insert(rt, key, obj, opts, warnings)
        if meta.get("resourceVersion") and meta["resourceVersion"] != old["metadata"]["resourceVersion"]:
            raise modified_conflict(rt.group, rt.plural, name)
        if meta.get("uid") and meta["uid"] != old["metadata"]["uid"]:
            raise ApiError(
                409,
                "Conflict",
                f"uid mismatch: the provided object specified uid {meta['uid']}, "
                f"and the existing object has uid {old['metadata']['uid']}",
            )
        new = mf.merge_apply(rt, old, body, opts, force)
        return self._finish_write(rt, key, old, new, opts, warnings)

    # -- delete ------------------------------------------------------------------------------

    def delete(self, rt: ResourceType, namespace: str, name: str, options: dict[str, Any]) -> Result:
        key = obj_key(rt, namespace, name)
        obj = self.store.get(key)
        if obj is None:
            raise not_found(rt.group, rt.plural, name)
        pre = options.get("preconditions") or {}
        if pre.get("uid") and pre["uid"] != obj["metadata"]["uid"]:
            raise ApiError(
                409,
                "Conflict",
                f'Operation cannot be fulfilled on {rt.plural} "{name}": Precondition '
                f"failed: UID in precondition: {pre['uid']}, UID in object meta: "
                f"{obj['metadata']['uid']}",
                {"name": name, "kind": rt.plural},
            )
        if pre.get("resourceVersion") and pre["resourceVersion"] != obj["metadata"]["resourceVersion"]:
            raise modified_conflict(rt.group, rt.plural, name)
        policy = options.get("propagationPolicy")
        if policy is None and options.get("orphanDependents") is not None:
            policy = "Orphan" if options["orphanDependents"] else "Background"
        if policy not in (None, "Foreground", "Background", "Orphan"):
            raise invalid(
                "DeleteOptions",
                "meta.k8s.io",
                "",
                [
                    {
                        "reason": "FieldValueNotSupported",
                        "field": "propagationPolicy",
                        "message": f'Unsupported value: "{policy}": supported values: "Foreground", '
                        '"Background", "Orphan", "nil"',
                    }
                ],
            )
        grace = options.get("gracePeriodSeconds")
        if options.get("dryRun"):
            return Result(200, self._view(rt, obj))
        new = copy.deepcopy(obj)
        meta = new["metadata"]
        finalizers = list(meta.get("finalizers") or [])
        if policy == "Foreground" and "foregroundDeletion" not in finalizers:
            finalizers.append("foregroundDeletion")
        if policy == "Orphan" and "orphan" not in finalizers:
            finalizers.append("orphan")
        if policy in ("Foreground", "Background"):
            finalizers = [f for f in finalizers if f != "orphan" or policy != "Background"]
        is_pod = rt.group == "" and rt.plural == "pods"
        is_ns = rt.group == "" and rt.plural == "namespaces"
        graceful = False
        if is_pod:
            if grace is None:
                grace = int((obj.get("spec") or {}).get("terminationGracePeriodSeconds", 30))
            scheduled = bool((obj.get("spec") or {}).get("nodeName"))
            phase = (obj.get("status") or {}).get("phase")
            graceful = int(grace) > 0 and scheduled and phase not in ("Succeeded", "Failed")
        if is_ns:
            new.setdefault("status", {})["phase"] = "Terminating"
        if finalizers or graceful or is_ns:
            already = bool(meta.get("deletionTimestamp"))
            meta["finalizers"] = finalizers
            if not finalizers:
                meta.pop("finalizers", None)
            if not already:
                meta["deletionTimestamp"] = now(float(grace or 0) if graceful else 0.0)
            if graceful:
                meta["deletionGracePeriodSeconds"] = int(grace or 0)
            elif is_pod:
                meta["deletionGracePeriodSeconds"] = 0
            if _same(obj, new):
                return Result(200, self._view(rt, obj))
            if meta.get("generation") is not None and not already:
                meta["generation"] = int(meta["generation"]) + 1
            if is_pod and not graceful and not finalizers:
                removed = self.store.remove(key)
                assert removed is not None
                return Result(200, self._view(rt, removed))
            self.store.put(key, new, "MODIFIED")
            code = 202 if policy == "Foreground" else 200
            return Result(code, self._view(rt, new))
        removed = self.store.remove(key)
        assert removed is not None
        return Result(200, self._deleted_response(rt, removed))

    def _deleted_response(self, rt: ResourceType, removed: dict[str, Any]) -> dict[str, Any]:
        """Most registries answer an immediate delete with a Success Status; a few return the object."""
        if rt.builtin and rt.plural in _RETURN_DELETED_OBJECT:
            return self._view(rt, removed)
        details: dict[str, Any] = {"name": removed["metadata"]["name"]}
        if rt.group:
            details["group"] = rt.group
        details["kind"] = rt.plural
        details["uid"] = removed["metadata"]["uid"]
        return success_status(details)

    def delete_collection(
        self,
        rt: ResourceType,
        namespace: str | None,
        label_selector: str | None,
        field_selector: str | None,
        options: dict[str, Any],
    ) -> builtins.list[dict[str, Any]]:
        victims = self.list(rt, namespace, label_selector, field_selector)
        out = []
        for v in victims:
            try:
                res = self.delete(rt, v["metadata"].get("namespace", ""), v["metadata"]["name"], options)
                out.append(v if res.obj.get("kind") == "Status" else res.obj)
            except ApiError as e:
                if e.code != 404:
                    raise
        return out

    def force_remove(self, rt: ResourceType, namespace: str, name: str) -> None:
        """Remove an object at once (the control plane's last step of a deletion)."""
        self.store.remove(obj_key(rt, namespace, name))

    def system_update(
        self, rt: ResourceType, obj: dict[str, Any], manager: str = "", subresource: str = "status"
    ) -> dict[str, Any] | None:
        """A control-plane write (status, annotations, ownerRefs) that bypasses request validation."""
        meta = obj["metadata"]
        key = obj_key(rt, meta.get("namespace", ""), meta["name"])
        old = self.store.get(key)
        if old is None:
            return None
        new = copy.deepcopy(obj)
        if manager:
            mf.record_update(rt, old, new, WriteOptions(manager=manager, subresource=subresource))
        for field in ("uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds"):
            if field in old["metadata"]:
                new["metadata"][field] = old["metadata"][field]
        new["metadata"]["resourceVersion"] = old["metadata"]["resourceVersion"]
        if "generation" in old["metadata"]:
            new["metadata"]["generation"] = old["metadata"]["generation"]
        else:
            new["metadata"].pop("generation", None)
        new["apiVersion"] = old.get("apiVersion", rt.api_version)
        if _same(old, new):
            return old
        if (
            new["metadata"].get("deletionTimestamp")
            and not new["metadata"].get("finalizers")
            and not self._deferred_removal(rt, new)
        ):
            self.store.remove(key)
            return None
        self.store.put(key, new, "MODIFIED")
        return new


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Equal apart from managedFields timestamps."""

    def norm(o: dict[str, Any]) -> dict[str, Any]:
        o = dict(o)
        meta = dict(o.get("metadata") or {})
        meta["managedFields"] = [
            {k: v for k, v in e.items() if k != "time"} for e in meta.get("managedFields") or []
        ]
        if not meta["managedFields"]:
            del meta["managedFields"]
        o["metadata"] = meta
        return o

    return norm(a) == norm(b)
