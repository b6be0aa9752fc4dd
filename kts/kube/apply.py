"""Server-side apply of a set of manifests in Helm's install order, concurrently within each batch."""

from __future__ import annotations

import asyncio
import copy
import time
from collections.abc import Callable
from typing import Any

from kts.kube.discovery import Discovery, Resource
from kts.kube.errors import Conflict, Invalid, UnknownKind
from kts.kube.refs import ObjectRef
from kts.kube.transport import Transport
from kts.ordering import install_batches

APPLY_CONTENT_TYPE = "application/apply-patch+yaml"
Force = bool | Callable[[dict[str, Any]], bool]
"""Whether to force conflicts: for every object, or decided per object (e.g. only for objects the
caller has verified are its own, so a conflict on any other stays an error)."""
_STRIPPED_META = ("resourceVersion", "managedFields", "uid", "selfLink", "generation", "creationTimestamp")


def crd_kinds(objects: list[dict[str, Any]]) -> set[tuple[str, str]]:
    """(apiVersion, kind) pairs that the CustomResourceDefinitions in a set will serve."""
    out = set()
    for obj in objects:
        if obj.get("kind") != "CustomResourceDefinition":
            continue
        spec = obj.get("spec") or {}
        kind = (spec.get("names") or {}).get("kind")
        for v in spec.get("versions") or []:
            if v.get("served", True) and kind:
                out.add((f"{spec.get('group')}/{v.get('name')}", kind))
        if spec.get("version") and kind:
            out.add((f"{spec.get('group')}/{spec['version']}", kind))
    return out


def apply_body(obj: dict[str, Any], res: Resource, namespace: str) -> dict[str, Any]:
    """The intent to send: a copy with server-owned metadata removed and the namespace settled."""
    body = copy.deepcopy(obj)
    meta = body.setdefault("metadata", {})
    for key in _STRIPPED_META:
        meta.pop(key, None)
    if res.namespaced:
        meta["namespace"] = meta.get("namespace") or namespace
    else:
        meta.pop("namespace", None)
    return body


class Applier:
    """Applies sets of objects; one per client (shares its transport and discovery)."""

    def __init__(self, transport: Transport, discovery: Discovery, *, crd_timeout: float = 60.0) -> None:
        self._t = transport
        self._d = discovery
        self.crd_timeout = crd_timeout

    async def apply(
        self,
        objects: list[dict[str, Any]],
        *,
        namespace: str,
        field_manager: str,
        force: Force = False,
        concurrency: int = 8,
    ) -> list[dict[str, Any]]:
        if not field_manager:
            raise Invalid("fieldManager: Required value: is required for apply patch")
        for obj in objects:
            _check_identity(obj, namespace)
        pending_kinds = crd_kinds(objects)
        # Resolve every kind the server already serves before sending anything, so a manifest with an
        # unknown kind fails the whole set up front instead of leaving it half-applied.
        for obj in objects:
            key = (str(obj.get("apiVersion")), str(obj.get("kind")))
            if key not in pending_kinds:
                await self._d.resolve(*key, ref=ObjectRef.of(obj, namespace))
        results: list[dict[str, Any] | None] = [None] * len(objects)
        sem = asyncio.Semaphore(max(1, concurrency))
        indexed = list(enumerate(objects))
        for batch in install_batches(indexed, kind_of=lambda item: str(item[1].get("kind", ""))):

            async def one(i: int, obj: dict[str, Any]) -> None:
                async with sem:
                    results[i] = await self.apply_one(
                        obj, namespace=namespace, field_manager=field_manager,
                        force=force(obj) if callable(force) else force,
                        wait_for_kind=(str(obj.get("apiVersion")), str(obj.get("kind"))) in pending_kinds,
                    )  # fmt: skip

            outcomes = await asyncio.gather(*(one(i, o) for i, o in batch), return_exceptions=True)
            for outcome in outcomes:
                if isinstance(outcome, BaseException):
                    raise outcome
        return [r for r in results if r is not None]

    async def apply_one(
        self,
        obj: dict[str, Any],
        *,
        namespace: str,
        field_manager: str,
        force: bool = False,
        wait_for_kind: bool = False,
    ) -> dict[str, Any]:
        ref = ObjectRef.of(obj, namespace)
        res = await (self._await_kind(ref) if wait_for_kind else self._d.resolve(ref.api_version, ref.kind))
        body = apply_body(obj, res, namespace)
        ref = ObjectRef.of(body)
        query = [("fieldManager", field_manager), ("fieldValidation", "Strict")]
        if force:
            query.append(("force", "true"))
        path = res.path(body["metadata"].get("namespace"), body["metadata"]["name"])
        for attempt in range(5):
            try:
                _, data = await self._t.request(
                    "PATCH", path, query=query, body=body, content_type=APPLY_CONTENT_TYPE, ref=ref
                )
                return data
            except Conflict as exc:
                # A conflict without field causes is an optimistic-concurrency race: apply again.
                if exc.conflicts or attempt == 4:
                    raise
                await asyncio.sleep(0.05 * 2**attempt)
        raise AssertionError("unreachable")

    async def _await_kind(self, ref: ObjectRef) -> Resource:
        """Wait until a kind defined by a CRD of the same set is served."""
        deadline = time.monotonic() + self.crd_timeout
        delay = 0.05
        while True:
            rmap = await self._d.get()
            found = rmap.lookup(ref.api_version, ref.kind)
            if found is not None:
                return found
            if time.monotonic() >= deadline:
                raise UnknownKind(
                    f'no matches for kind "{ref.kind}" in version "{ref.api_version}" '
                    f"(its CustomResourceDefinition was not served within {self.crd_timeout:g}s)",
                    ref=ref,
                )
            await asyncio.sleep(delay)
            delay = min(delay * 2, 1.0)
            await self._d.get(refresh=True)


def _check_identity(obj: dict[str, Any], namespace: str) -> None:
    if not isinstance(obj, dict) or not obj.get("apiVersion") or not obj.get("kind"):
        raise Invalid(f"object without apiVersion or kind: {str(obj)[:200]}")
    meta = obj.get("metadata")
    if not isinstance(meta, dict) or not meta.get("name"):
        raise Invalid(
            "metadata.name is required for server-side apply (generateName cannot be applied)",
            ref=ObjectRef.of(obj, namespace),
            causes=[("metadata.name", "Required value")],
        )


__all__ = ["APPLY_CONTENT_TYPE", "Applier", "Force", "apply_body", "crd_kinds"]
