"""HTTP transport to the API server: kubeconfig/in-cluster auth and TLS, typed errors, retries, watch streams.

kubernetes_asyncio loads the kubeconfig or in-cluster settings (TLS files, tokens, exec plugins); requests
then go through one aiohttp session configured the same way, so every status code and ``Status`` body is
seen and mapped here (the dynamic client of kubernetes_asyncio 36 would hide errors as Status objects).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import random
import ssl
import urllib.parse
import urllib.request
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from kubernetes_asyncio import config as k8s_config
from kubernetes_asyncio.client import Configuration

from kts.kube.errors import Gone, Unavailable, error_from_response
from kts.kube.refs import ObjectRef

log = logging.getLogger(__name__)

Query = list[tuple[str, str]]

_RETRY_STATUS = {429, 500, 502, 503, 504}
_NET_ERRORS = (
    aiohttp.ClientConnectionError,
    aiohttp.ClientPayloadError,
    asyncio.TimeoutError,
    ConnectionError,
)


@dataclass
class RetryPolicy:
    """Exponential backoff with full jitter for idempotent calls."""

    attempts: int = 8
    base: float = 0.05
    cap: float = 2.0
    request_timeout: float = 30.0

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        if retry_after is not None:
            return min(retry_after, self.cap * 4)
        return random.uniform(0, min(self.cap, self.base * 2**attempt))


@dataclass
class Stats:
    """Counts requests sent, by method, so tests and benchmarks can prove what things cost."""

    requests: int = 0
    retries: int = 0
    by_method: dict[str, int] = field(default_factory=dict)

    def count(self, method: str) -> None:
        self.requests += 1
        self.by_method[method] = self.by_method.get(method, 0) + 1


async def load_configuration(
    kubeconfig: str | os.PathLike[str] | None, context: str | None, in_cluster: bool | None
) -> Configuration:
    """Build a client configuration: in-cluster when asked or when no kubeconfig is found inside a pod."""
    cfg = Configuration()
    if kubeconfig is not None:
        kubeconfig = os.path.expanduser(os.fspath(kubeconfig))
    if in_cluster is None:
        in_cluster = (
            kubeconfig is None
            and not os.environ.get("KUBECONFIG")
            and not os.path.exists(os.path.expanduser("~/.kube/config"))
            and bool(os.environ.get("KUBERNETES_SERVICE_HOST"))
        )
    if in_cluster:
        k8s_config.load_incluster_config(client_configuration=cfg)
    else:
        await k8s_config.load_kube_config(config_file=kubeconfig, context=context, client_configuration=cfg)
    return cfg


class Transport:
    """One authenticated HTTP session to one API server, for one event loop."""

    def __init__(
        self,
        cfg: Configuration,
        *,
        retry: RetryPolicy | None = None,
        reload: Callable[[], Awaitable[Configuration]] | None = None,
        max_inflight: int = 64,
    ) -> None:
        self.cfg = cfg
        # Bounds concurrent calls (watches excluded) so a burst queues here instead of overloading
        # the API server into timeouts and retry storms.
        self._inflight = asyncio.Semaphore(max_inflight)
        self.retry = retry or RetryPolicy()
        self.stats = Stats()
        self._reload = reload
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=0, ssl=_ssl_context(cfg)),
            # Proxy settings from the environment are resolved once below, not per request.
            trust_env=False,
            read_bufsize=2**21,  # large objects in watch events
        )
        self.base = cfg.host.rstrip("/")  # type: ignore[union-attr]  # the getter yields None only after host = None
        self._proxy = cfg.proxy or _env_proxy(self.base)

    async def close(self) -> None:
        await self._session.close()

    async def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        headers = {"Accept": "application/json", "User-Agent": "kts/0.1"}
        auth = await self.cfg.auth_settings()
        bearer = auth.get("BearerToken")
        if bearer and bearer.get("value"):
            headers["Authorization"] = bearer["value"]
        elif self.cfg.username or self.cfg.password:
            headers["Authorization"] = self.cfg.get_basic_auth_token()
        if extra:
            headers.update(extra)
        return headers

    def _kwargs(self) -> dict[str, Any]:
        kw: dict[str, Any] = {}
        if self._proxy:
            kw["proxy"] = self._proxy
            if self.cfg.proxy_headers:
                kw["proxy_headers"] = self.cfg.proxy_headers
        if self.cfg.tls_server_name:
            kw["server_hostname"] = self.cfg.tls_server_name
        return kw

    async def request(
        self,
        method: str,
        path: str,
        *,
        query: Query | None = None,
        body: Any = None,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
        ref: ObjectRef | None = None,
        idempotent: bool = True,
        ok_statuses: tuple[int, ...] = (),
        timeout: float | None = None,
    ) -> tuple[int, Any]:
        """Send one call; return ``(status, decoded body)`` for 2xx (and ``ok_statuses``), raise a typed error
        otherwise. Idempotent calls are retried on 429, 5xx (except manifest errors), timeouts and dropped
        connections."""
        attempt = 0
        reloaded = False
        while True:
            try:
                async with self._inflight:
                    status, data, retry_after = await self._once(
                        method, path, query, body, content_type, headers, timeout
                    )
            except (*_NET_ERRORS, aiohttp.ClientError) as exc:
                # A failed connect never reached the server, so even a non-idempotent call may retry.
                safe = idempotent or isinstance(exc, aiohttp.ClientConnectorError)
                if not safe or attempt + 1 >= self.retry.attempts:
                    raise Unavailable(f"{method} {path}: {type(exc).__name__}: {exc}", ref=ref) from exc
                await self._backoff(attempt, None)
                attempt += 1
                continue
            if 200 <= status < 300 or status in ok_statuses:
                return status, data
            err = error_from_response(status, data, ref, fallback=_text_of(data))
            if status == 401 and self._reload and not reloaded:
                reloaded = True
                await self._refresh_credentials()
                continue
            retryable = status in _RETRY_STATUS and type(err) is Unavailable
            # 429 means the server did not process the call: safe to repeat whatever it was.
            safe = idempotent or status == 429
            if not safe or not retryable or attempt + 1 >= self.retry.attempts:
                raise err
            await self._backoff(attempt, retry_after)
            attempt += 1

    async def _backoff(self, attempt: int, retry_after: float | None) -> None:
        self.stats.retries += 1
        await asyncio.sleep(self.retry.delay(attempt, retry_after))

    async def _refresh_credentials(self) -> None:
        assert self._reload is not None
        fresh = await self._reload()
        self.cfg.api_key = fresh.api_key
        self.cfg.refresh_api_key_hook = fresh.refresh_api_key_hook

    async def _once(
        self,
        method: str,
        path: str,
        query: Query | None,
        body: Any,
        content_type: str,
        headers: dict[str, str] | None,
        timeout: float | None,
    ) -> tuple[int, Any, float | None]:
        hdrs = await self._headers(headers)
        data: bytes | None = None
        if body is not None:
            hdrs["Content-Type"] = content_type
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.stats.count(method)
        t = aiohttp.ClientTimeout(total=timeout or self.retry.request_timeout)
        async with self._session.request(
            method,
            self.base + path,
            params=query or None,
            data=data,
            headers=hdrs,
            timeout=t,
            **self._kwargs(),
        ) as resp:
            raw = await resp.read()
            retry_after = _retry_after(resp.headers.get("Retry-After"))
            return resp.status, _decode(raw), retry_after

    async def stream(
        self, path: str, query: Query, *, ref: ObjectRef | None = None, timeout: float | None = None
    ) -> AsyncIterator[dict[str, Any]]:
        """Open a watch and yield its events (``{"type", "object"}``); a 410 (as a status or an ERROR event)
        raises ``Gone``. Ends when the server closes the stream."""
        try:
            async for ev in self._stream(path, query, ref, timeout):
                yield ev
        except (*_NET_ERRORS, aiohttp.ClientError) as exc:
            raise Unavailable(f"watch {path}: {type(exc).__name__}: {exc}", ref=ref) from exc

    async def _stream(
        self, path: str, query: Query, ref: ObjectRef | None, timeout: float | None
    ) -> AsyncIterator[dict[str, Any]]:
        hdrs = await self._headers(None)
        self.stats.count("WATCH")
        t = aiohttp.ClientTimeout(total=timeout, sock_connect=self.retry.request_timeout)
        async with self._session.request(
            "GET", self.base + path, params=query, headers=hdrs, timeout=t, **self._kwargs()
        ) as resp:
            if resp.status != 200:
                data = _decode(await resp.read())
                raise error_from_response(resp.status, data, ref, fallback=_text_of(data))
            buf = b""
            async for chunk in resp.content.iter_any():
                buf += chunk
                while b"\n" in buf:
                    line, buf = buf.split(b"\n", 1)
                    if line.strip():
                        yield _watch_event(line, ref)
            if buf.strip():
                yield _watch_event(buf, ref)


def _ssl_context(cfg: Configuration) -> ssl.SSLContext:
    """TLS as the kubeconfig says: its CA, client certificate, skip-verify and strictness settings."""
    ctx = ssl.create_default_context(cafile=cfg.ssl_ca_cert)
    if cfg.cert_file:
        ctx.load_cert_chain(cfg.cert_file, keyfile=cfg.key_file)
    if not cfg.verify_ssl:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    if getattr(cfg, "disable_strict_ssl_verification", False):
        ctx.verify_flags &= ~ssl.VERIFY_X509_STRICT
    return ctx


def _env_proxy(base: str) -> str | None:
    """The proxy the environment (HTTPS_PROXY, NO_PROXY, ...) chooses for the API server, if any."""
    url = urllib.parse.urlsplit(base)
    if url.hostname and urllib.request.proxy_bypass(url.hostname):
        return None
    return urllib.request.getproxies().get(url.scheme)


def _watch_event(line: bytes, ref: ObjectRef | None) -> dict[str, Any]:
    try:
        ev = json.loads(line)
    except ValueError as exc:
        raise Unavailable(f"undecodable watch event: {line[:200]!r}", ref=ref) from exc
    if ev.get("type") == "ERROR":
        obj = ev.get("object") or {}
        code = int(obj.get("code") or 500)
        if code == 410:
            raise Gone(str(obj.get("message", "resourceVersion too old")), ref=ref, status=410, body=obj)
        raise error_from_response(code, obj, ref)
    return ev


def _decode(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")


def _text_of(data: Any) -> str:
    return data.strip()[:500] if isinstance(data, str) else ""


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


__all__ = ["RetryPolicy", "Stats", "Transport", "load_configuration"]
