"""The HTTP layer: routes Kubernetes REST paths to the API semantics, streams watches, applies
fault injection and records every request."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import yaml
from aiohttp import web

from kts.testing import authz, discovery, protobuf, tables, tokens
from kts.testing.errors import ApiError, bad_request, invalid, modified_conflict, status_body
from kts.testing.faults import Faults, RequestRecord
from kts.testing.openapi import OpenAPI
from kts.testing.operations import Api, WriteOptions
from kts.testing.resources import Registry, ResourceType
from kts.testing.store import Store, Watcher

if TYPE_CHECKING:
    from kts.testing.disruption import Disruption

_BOOL_FALSE = ("0", "false")
_LOG_LIMIT = 100_000
_SCALABLE = ("deployments", "statefulsets", "replicasets")
CLIENT_GONE = 499  # the request log's status for a request whose client hung up before the answer


def query_bool(value: str | None) -> bool | None:
    """apimachinery's query boolean: only 0/false (any case) are false; empty is true."""
    if value is None:
        return None
    return value.lower() not in _BOOL_FALSE


def accepts_json(accept: str) -> bool:
    """Whether an Accept header admits a JSON answer (no header admits anything)."""
    if not accept.strip():
        return True
    types = [part.split(";")[0].strip().lower() for part in accept.split(",")]
    return any(t in ("application/json", "application/*", "*/*") for t in types)


class Server:
    """Owns the aiohttp application for one emulator."""

    def __init__(
        self, store: Store, registry: Registry, api: Api, faults: Faults, bookmark_interval: float = 1.0
    ) -> None:
        self.store = store
        self.registry = registry
        self.api = api
        self.faults = faults
        self.log: list[RequestRecord] = []
        self.request_total = 0
        self.bookmark_interval = bookmark_interval
        self.url = ""
        self.app = web.Application(middlewares=[self._middleware], client_max_size=64 * 1024 * 1024)
        self.app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._streams: set[web.StreamResponse] = set()
        self.openapi = OpenAPI(registry)
        self.pod_logs: Callable[[dict[str, Any]], str] | None = None
        self.disruption: Disruption | None = None  # the control plane's, for pods/eviction

    # -- plumbing ----------------------------------------------------------------------------

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        body = await request.read() if request.can_read_body else b""
        record = RequestRecord(
            request.method, request.path, dict(request.query), request.headers.get("Content-Type", ""), body
        )
        self.log.append(record)
        self.request_total += 1
        if len(self.log) > _LOG_LIMIT:  # a long-running emulator keeps the newest half
            del self.log[: _LOG_LIMIT // 2]
        delay = self.faults.latency(request.method, request.path)
        if delay:
            await asyncio.sleep(delay)
        rule = self.faults.take_failure(request.method, request.path)
        if rule is not None:
            record.status = rule.status
            return web.json_response(rule.body, status=rule.status)
        try:
            resp = await handler(request)
        except ApiError as e:
            resp = web.json_response(e.body(), status=e.code)
        except web.HTTPException:
            raise
        except ConnectionResetError:
            # the client hung up: answer nobody, quietly (aiohttp logs what a handler raises)
            record.status = CLIENT_GONE
            return web.Response(status=CLIENT_GONE)
        except Exception as e:  # an emulator bug: answer like an apiserver panic, keep serving
            logging.getLogger(__name__).exception("emulator error on %s %s", request.method, request.path)
            resp = web.json_response(
                status_body(500, "InternalError", f"Internal error occurred: {e!r}"), status=500
            )
        record.status = resp.status
        return resp

    @staticmethod
    def _json(obj: Any, status: int = 200, warnings: tuple[str, ...] = ()) -> web.Response:
        resp = web.Response(text=json.dumps(obj), status=status, content_type="application/json")
        for w in warnings:
            resp.headers.add("Warning", '299 - "' + w.replace('"', '\\"') + '"')
        return resp

    # -- routing -----------------------------------------------------------------------------

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        parts = [p for p in request.path.split("/") if p]
        if not parts:
            return self._json(
                {"paths": ["/api", "/api/v1", "/apis", "/healthz", "/livez", "/readyz", "/version"]}
            )
        if parts[0] in ("healthz", "livez", "readyz"):
            return web.Response(text="ok")
        if parts == ["version"]:
            return self._json(discovery.version_info(self.registry.schemas.version))
        accept = request.headers.get("Accept", "")
        if parts[0] == "api":
            if len(parts) == 1:
                if (v := discovery.wants_aggregated(accept)) is not None:
                    return self._aggregated(discovery.aggregated(self.registry, True, v), v)
                return self._json(discovery.api_versions(request.host))
            if parts[1] != "v1":
                raise ApiError(404, "NotFound", "the server could not find the requested resource")
            if len(parts) == 2:
                return self._json(discovery.resource_list(self.registry, "", "v1"))
            return await self._resource(request, "", "v1", parts[2:])
        if parts[0] == "apis":
            if len(parts) == 1:
                if (v := discovery.wants_aggregated(accept)) is not None:
                    return self._aggregated(discovery.aggregated(self.registry, False, v), v)
                return self._json(discovery.group_list(self.registry))
            if len(parts) == 2:
                doc = discovery.group(self.registry, parts[1])
                if doc is None:
                    raise ApiError(404, "NotFound", "the server could not find the requested resource")
                return self._json(doc)
            if len(parts) == 3:
                doc = discovery.resource_list(self.registry, parts[1], parts[2])
                if doc is None:
                    raise ApiError(404, "NotFound", "the server could not find the requested resource")
                return self._json(doc)
            return await self._resource(request, parts[1], parts[2], parts[3:])
        if parts[0] == "openapi":
            return self._openapi(parts[1:], request.headers.get("Accept", ""))
        raise ApiError(404, "NotFound", "the server could not find the requested resource")

    def _openapi(self, parts: list[str], accept: str) -> web.Response:
        """OpenAPI documents in JSON; a client that accepts only protobuf gets 406, as from the
        real server's OpenAPI handler for a format it cannot produce."""
        if not accepts_json(accept):
            return web.Response(status=406)
        if parts == ["v2"]:
            body: bytes | None = self.openapi.v2_document()
        elif parts == ["v3"]:
            body = json.dumps(self.openapi.v3_index()).encode()
        elif len(parts) > 1 and parts[0] == "v3":
            body = self.openapi.v3_document("/".join(parts[1:]))
        else:
            body = None
        if body is None:
            raise ApiError(404, "NotFound", "the server could not find the requested resource")
        return web.Response(body=body, content_type="application/json")

    @staticmethod
    def _aggregated(doc: dict[str, Any], version: str) -> web.Response:
        resp = web.Response(text=json.dumps(doc), status=200)
        resp.headers["Content-Type"] = (
            f"application/json;g=apidiscovery.k8s.io;v={version};as=APIGroupDiscoveryList"
        )
        return resp

    def _lookup(self, group: str, version: str, plural: str) -> ResourceType:
        rt = self.registry.lookup(group, version, plural)
        if rt is None:
            raise ApiError(404, "NotFound", "the server could not find the requested resource")
        return rt

    async def _resource(
        self, request: web.Request, group: str, version: str, rest: list[str]
    ) -> web.StreamResponse:
        namespace: str | None = None
        if rest[0] == "namespaces" and len(rest) >= 3 and rest[2] not in ("status", "finalize"):
            namespace = rest[1]
            rest = rest[2:]
        plural = rest[0]
        name = rest[1] if len(rest) > 1 else None
        sub = rest[2] if len(rest) > 2 else ""
        if len(rest) > 3:
            raise ApiError(404, "NotFound", "the server could not find the requested resource")
        rt = self._lookup(group, version, plural)
        if rt.namespaced and name is not None and namespace is None:
            raise ApiError(404, "NotFound", "the server could not find the requested resource")
        if not rt.namespaced and namespace is not None:
            raise ApiError(404, "NotFound", "the server could not find the requested resource")
        if sub == "log" and rt.builtin and rt.plural == "pods" and name and request.method == "GET":
            return self._pod_log(rt, namespace or "", name, request.query.get("container"))
        if sub == "scale" and rt.builtin and rt.plural in _SCALABLE and name:
            return await self._scale(request, rt, namespace or "", name)
        if sub == "eviction" and rt.builtin and rt.plural == "pods" and name and self.disruption is not None:
            if request.method != "POST":
                raise ApiError(
                    405, "MethodNotAllowed", "the server does not allow this method on the requested resource"
                )
            return self._json(self.disruption.evict(namespace or "", name, await self._body(request)), 201)
        if sub == "token" and rt.builtin and rt.plural == "serviceaccounts" and name:
            if request.method != "POST":
                raise ApiError(
                    405, "MethodNotAllowed", "the server does not allow this method on the requested resource"
                )
            account = self.api.get(rt, namespace or "", name)
            return self._json(tokens.token_request(account, await self._body(request)), 201)
        if (
            sub
            and (sub != "status" or not rt.status_subresource)
            and not (sub == "finalize" and rt.plural == "namespaces")
        ):
            raise ApiError(404, "NotFound", "the server could not find the requested resource")
        sub = "status" if sub == "finalize" else sub
        method = request.method
        if rt.group == authz.GROUP and rt.plural in authz.PLURALS:
            if method != "POST" or name is not None:
                raise ApiError(
                    405, "MethodNotAllowed", "the server does not allow this method on the requested resource"
                )
            return self._json(authz.review(rt.plural, await self._body(request)), 201)
        q = request.query
        ns = namespace or ""
        if name is None:
            if method == "GET":
                if query_bool(q.get("watch")):
                    return await self._watch(request, rt, namespace)
                return self._list(rt, namespace, q, tables.wants_table(request.headers.get("Accept", "")))
            if method == "POST" and (not rt.namespaced or namespace is not None):
                res = self.api.create(rt, ns, await self._body(request), self._write_opts(request))
                return self._json(res.obj, res.code, res.warnings)
            if (
                method == "DELETE"
                and "deletecollection" in rt.verbs
                and (namespace is not None or not rt.namespaced)
            ):
                opts = await self._delete_opts(request)
                items = self.api.delete_collection(
                    rt, namespace, q.get("labelSelector"), q.get("fieldSelector"), opts
                )
                return self._json(self._list_doc(rt, items))
            raise ApiError(
                405, "MethodNotAllowed", "the server does not allow this method on the requested resource"
            )
        if method == "GET":
            obj = self.api.get(rt, ns, name)
            if tables.wants_table(request.headers.get("Accept", "")):
                meta = {"resourceVersion": obj["metadata"].get("resourceVersion", "")}
                return self._json(tables.table(rt, [obj], meta, q.get("includeObject", "Metadata")))
            return self._json(obj)
        if method == "PUT":
            res = self.api.replace(rt, ns, name, await self._body(request), self._write_opts(request, sub))
            return self._json(res.obj, res.code, res.warnings)
        if method == "PATCH":
            raw = await request.read()
            res = self.api.patch(
                rt,
                ns,
                name,
                raw,
                request.headers.get("Content-Type", ""),
                self._write_opts(request, sub),
                query_bool(q.get("force")),
            )
            return self._json(res.obj, res.code, res.warnings)
        if method == "DELETE" and not sub:
            res = self.api.delete(rt, ns, name, await self._delete_opts(request))
            return self._json(res.obj, res.code)
        raise ApiError(
            405, "MethodNotAllowed", "the server does not allow this method on the requested resource"
        )

    def _pod_log(self, rt: ResourceType, namespace: str, name: str, container: str | None) -> web.Response:
        pod = self.api.get(rt, namespace, name)
        containers = [c.get("name", "") for c in (pod.get("spec") or {}).get("containers") or []]
        if container is None and len(containers) > 1:
            raise bad_request(
                f"a container name must be specified for pod {name}, choose one of: [{' '.join(containers)}]"
            )
        cname = container or (containers[0] if containers else "")
        if cname not in containers:
            raise bad_request(f"container {cname} is not valid for pod {name}")
        for cs in (pod.get("status") or {}).get("containerStatuses") or []:
            waiting = (cs.get("state") or {}).get("waiting")
            if cs.get("name") == cname and waiting and not cs.get("lastState"):
                raise bad_request(
                    f'container "{cname}" in pod "{name}" is waiting to start: '
                    f"{waiting.get('reason', 'ContainerCreating')}"
                )
        if not (pod.get("status") or {}).get("containerStatuses"):
            raise bad_request(f'container "{cname}" in pod "{name}" is waiting to start: ContainerCreating')
        text = self.pod_logs(pod) if self.pod_logs is not None else ""
        return web.Response(text=text, content_type="text/plain")

    async def _scale(self, request: web.Request, rt: ResourceType, namespace: str, name: str) -> web.Response:
        if request.method in ("PUT", "PATCH"):
            current = self.api.get(rt, namespace, name)
            replicas: Any = (current.get("spec") or {}).get("replicas", 1)
            if request.method == "PUT":
                body = await self._body(request)  # JSON, YAML or kubectl's protobuf
                if not isinstance(body, dict):
                    raise bad_request("invalid Scale body")
                given = (body.get("metadata") or {}).get("resourceVersion")
                if given and given != current["metadata"].get("resourceVersion"):
                    raise modified_conflict(rt.group, rt.plural, name)
                # ScaleSpec.replicas is omitempty: a Scale to zero carries no replicas at all
                replicas = (body.get("spec") or {}).get("replicas", 0)
            else:
                try:
                    body = json.loads(await request.read() or b"{}")
                except ValueError:
                    raise bad_request("invalid Scale body") from None
                if isinstance(body, list):
                    raise ApiError(415, "UnsupportedMediaType", "json patch on scale is not supported")
                replicas = ((body or {}).get("spec") or {}).get("replicas", replicas)
            if not isinstance(replicas, int) or isinstance(replicas, bool) or replicas < 0:
                raise invalid(
                    "Scale",
                    "autoscaling",
                    name,
                    [
                        {
                            "reason": "FieldValueInvalid",
                            "message": f"Invalid value: {json.dumps(replicas)}: must be greater than or "
                            "equal to 0",
                            "field": "spec.replicas",
                        }
                    ],
                )
            patch = json.dumps({"spec": {"replicas": replicas}}).encode()
            self.api.patch(
                rt, namespace, name, patch, "application/merge-patch+json", self._write_opts(request), None
            )
        elif request.method != "GET":
            raise ApiError(
                405, "MethodNotAllowed", "the server does not allow this method on the requested resource"
            )
        obj = self.api.get(rt, namespace, name)
        meta = obj["metadata"]
        selector = ((obj.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}
        return self._json(
            {
                "kind": "Scale",
                "apiVersion": "autoscaling/v1",
                "metadata": {
                    k: meta[k]
                    for k in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
                    if k in meta
                },
                "spec": {"replicas": (obj.get("spec") or {}).get("replicas", 0)},
                "status": {
                    "replicas": (obj.get("status") or {}).get("replicas", 0),
                    "selector": ",".join(f"{k}={v}" for k, v in sorted(selector.items())),
                },
            }
        )

    async def _body(self, request: web.Request) -> Any:
        """A create or update body in any encoding the real server reads: JSON, YAML or (for the
        kinds kubectl's typed commands send) protobuf."""
        raw = await request.read()
        media = request.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if media == protobuf.MEDIA_TYPE:
            return protobuf.decode(raw)
        if media == "application/yaml":
            try:
                return yaml.safe_load(raw.decode() if raw else "null")
            except (yaml.YAMLError, UnicodeDecodeError) as e:
                raise bad_request(f"couldn't get version/kind; yaml parse error: {e}") from None
        if media not in ("", "application/json", "*/*"):
            raise ApiError(
                415,
                "UnsupportedMediaType",
                f'the body of the request was in an unknown format - accepted media types include: '
                f"application/json, application/yaml, {protobuf.MEDIA_TYPE}",
            )
        try:
            return json.loads(raw or b"null")
        except ValueError as e:
            raise bad_request(f"couldn't get version/kind; json parse error: {e}") from None

    def _write_opts(self, request: web.Request, sub: str = "") -> WriteOptions:
        q = request.query
        manager = q.get("fieldManager")
        if manager is None and "apply-patch" not in request.headers.get("Content-Type", ""):
            manager = request.headers.get("User-Agent", "unknown").split("/")[0] or "unknown"
        dry_run = q.getall("dryRun", [])
        if dry_run and dry_run != ["All"]:
            raise ApiError(
                422, "Invalid", f'Invalid dry run: Unsupported value: "{dry_run[0]}": supported values: "All"'
            )
        validation = q.get("fieldValidation") or "Warn"
        if validation not in ("Ignore", "Warn", "Strict"):
            raise bad_request(f"fieldValidation parameter unsupported: {validation}")
        return WriteOptions(
            manager=manager or "", dry_run=bool(dry_run), validation=validation, subresource=sub
        )

    async def _delete_opts(self, request: web.Request) -> dict[str, Any]:
        opts: dict[str, Any] = {}
        raw = await request.read()
        media = request.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if raw and media == protobuf.MEDIA_TYPE:  # kubectl's typed deletes (drain) send protobuf
            opts.update({k: v for k, v in protobuf.decode(raw).items() if k not in ("apiVersion", "kind")})
        elif raw:
            try:
                body = json.loads(raw)
            except ValueError:
                raise bad_request("invalid DeleteOptions body") from None
            if isinstance(body, dict):
                opts.update(body)
        q = request.query
        if "propagationPolicy" in q:
            opts["propagationPolicy"] = q["propagationPolicy"]
        if "gracePeriodSeconds" in q:
            opts["gracePeriodSeconds"] = int(q["gracePeriodSeconds"])
        if "orphanDependents" in q:
            opts["orphanDependents"] = query_bool(q["orphanDependents"])
        if q.getall("dryRun", []):
            opts["dryRun"] = ["All"]
        return opts

    # -- list / watch ------------------------------------------------------------------------

    def _list_doc(
        self, rt: ResourceType, items: list[dict[str, Any]], meta: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        if rt.builtin:
            items = [{k: v for k, v in i.items() if k not in ("apiVersion", "kind")} for i in items]
        return {
            "kind": f"{rt.kind}List",
            "apiVersion": rt.api_version,
            "metadata": meta or {"resourceVersion": str(self.store.rv)},
            "items": items,
        }

    def _list(self, rt: ResourceType, namespace: str | None, q: Any, as_table: bool = False) -> web.Response:
        items = self.api.list(rt, namespace, q.get("labelSelector"), q.get("fieldSelector"))
        meta: dict[str, Any] = {"resourceVersion": str(self.store.rv)}
        limit = int(q.get("limit") or 0)
        offset = 0
        if q.get("continue"):
            try:
                token = json.loads(base64.urlsafe_b64decode(q["continue"]))
                offset, meta["resourceVersion"] = int(token["o"]), token["rv"]
            except (ValueError, KeyError):
                raise bad_request("continue key is not valid: invalid token") from None
        items = items[offset:]
        if limit and len(items) > limit:
            token = {"o": offset + limit, "rv": meta["resourceVersion"]}
            meta["continue"] = base64.urlsafe_b64encode(json.dumps(token).encode()).decode()
            meta["remainingItemCount"] = len(items) - limit
            items = items[:limit]
        if as_table:
            return self._json(tables.table(rt, items, meta, q.get("includeObject", "Metadata")))
        return self._json(self._list_doc(rt, items, meta))

    async def _watch(
        self, request: web.Request, rt: ResourceType, namespace: str | None
    ) -> web.StreamResponse:
        q = request.query
        match = self.api.matcher(rt, q.get("labelSelector"), q.get("fieldSelector"))
        rv_text = q.get("resourceVersion") or ""
        bookmarks = bool(query_bool(q.get("allowWatchBookmarks")))
        initial = bool(query_bool(q.get("sendInitialEvents")))
        timeout = float(q["timeoutSeconds"]) if q.get("timeoutSeconds") else None
        ns = namespace if rt.namespaced else None
        resp = web.StreamResponse(
            status=200, headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"}
        )
        await resp.prepare(request)  # a client gone already ends the request here, before any watcher
        watcher = Watcher(rt.group, rt.plural, ns, match)
        self.store.add_watcher(watcher)
        self._streams.add(resp)
        seen: set[tuple[str, str]] = set()
        last_rv = self.store.rv
        as_table = tables.wants_table(request.headers.get("Accept", ""))
        include = q.get("includeObject", "Metadata")
        sent_columns = False

        async def send(event_type: str, obj: dict[str, Any]) -> None:
            nonlocal sent_columns
            if as_table and event_type != "BOOKMARK" and obj.get("kind") != "Status":
                meta = {"resourceVersion": obj["metadata"].get("resourceVersion", "")}
                obj = tables.table(rt, [obj], meta, include)
                if sent_columns:  # column definitions come with the first event only
                    obj["columnDefinitions"] = []
                sent_columns = True
            await resp.write(json.dumps({"type": event_type, "object": obj}).encode() + b"\n")

        def view(obj: dict[str, Any]) -> dict[str, Any]:
            out = dict(obj)
            out["apiVersion"] = rt.api_version
            out["kind"] = rt.kind
            return out

        def ident(obj: dict[str, Any]) -> tuple[str, str]:
            return (obj["metadata"].get("namespace", ""), obj["metadata"]["name"])

        async def bookmark(rv: int, initial_end: bool = False) -> None:
            meta: dict[str, Any] = {"resourceVersion": str(rv)}
            if initial_end:
                meta["annotations"] = {"k8s.io/initial-events-end": "true"}
            await send("BOOKMARK", {"kind": rt.kind, "apiVersion": rt.api_version, "metadata": meta})

        async def deliver(ev_type: str, obj: dict[str, Any]) -> None:
            key = ident(obj)
            if ev_type == "DELETED":
                if key in seen or match(obj):
                    seen.discard(key)
                    await send("DELETED", view(obj))
                return
            if match(obj):
                event_type = "MODIFIED" if key in seen else "ADDED"
                seen.add(key)
                await send(event_type, view(obj))
            elif key in seen:
                seen.discard(key)
                await send("DELETED", view(obj))

        try:
            if rv_text in ("", "0") or initial:
                for obj in self.store.items(rt.group, rt.plural, ns):
                    if match(obj):
                        seen.add(ident(obj))
                        await send("ADDED", view(obj))
                if initial and bookmarks:
                    await bookmark(last_rv, initial_end=True)
            else:
                try:
                    start = int(rv_text)
                except ValueError:
                    raise bad_request(f'invalid resource version "{rv_text}"') from None
                replay = self.store.events_since(start, rt.group, rt.plural)
                if replay is None:
                    await send(
                        "ERROR",
                        status_body(
                            410,
                            "Expired",
                            f"too old resource version: {start} ({self.store.compacted_rv + 1})",
                        ),
                    )
                    return resp
                first_seen: dict[tuple[str, str], str] = {}
                for ev in replay:
                    first_seen.setdefault(ident(ev.obj), ev.type)
                for obj in self.store.items(rt.group, rt.plural, ns):
                    if first_seen.get(ident(obj), "MODIFIED") != "ADDED" and (
                        ident(obj) in first_seen or match(obj)
                    ):
                        seen.add(ident(obj))
                for key, first in first_seen.items():
                    if first != "ADDED":
                        seen.add(key)
                for ev in replay:
                    if ns is None or ev.obj["metadata"].get("namespace", "") == ns:
                        await deliver(ev.type, ev.obj)
                while not watcher.queue.empty():
                    ev = watcher.queue.get_nowait()
                    if ev is None or ev.rv <= (replay[-1].rv if replay else start):
                        continue
                    await deliver(ev.type, ev.obj)
            deadline = time.monotonic() + timeout if timeout else None
            while True:
                wait = self.bookmark_interval if bookmarks else None
                if deadline is not None:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        break
                    wait = left if wait is None else min(wait, left)
                try:
                    ev = await asyncio.wait_for(watcher.queue.get(), wait)
                except TimeoutError:
                    if bookmarks:
                        await bookmark(self.store.rv)
                    continue
                if ev is None:
                    break
                if ev.rv <= last_rv and rv_text in ("", "0"):
                    continue
                await deliver(ev.type, ev.obj)
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            self.store.drop_watcher(watcher)
            self._streams.discard(resp)
        with contextlib.suppress(ConnectionResetError, RuntimeError):
            await resp.write_eof()
        return resp
