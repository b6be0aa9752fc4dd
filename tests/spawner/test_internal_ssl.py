"""internal_ssl with the default chart, against KubeSpawner itself and a real TLS handshake.

JupyterHub's own machinery makes the certificates (``JupyterHub.init_internal_ssl`` for the CAs,
``Spawner.create_certs`` for the server's pair from ``ssl_alt_names``). Real KubeSpawner starts
the server first; its Pod, Secret, Service and URL are the expected ones. Then the certificate kts
put in the cluster must let the hub's own client TLS context reach the URL's host.
"""

from __future__ import annotations

import asyncio
import base64
import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from jupyterhub.utils import make_ssl_context
from kubespawner import KubeSpawner

from kts.kube import KubeClient
from kts.spawner import KubeTemplateSpawner, SpawnFailed
from kts.spawner.contract import INSTANCE_LABEL, SERVERNAME_LABEL, USERNAME_LABEL
from kts.spawner.ownership import SERVER_ID_LABEL
from tests.spawner.conftest import KubeTarget
from tests.spawner.test_kubespawner_parity import (
    TOKEN,
    Case,
    Created,
    _as_kubespawner_would,
    _gone,
    _read,
    _server_fields_dropped,
    assert_same,
    assert_same_pod,
    kubespawner_env,  # noqa: F401 - fixture
    spawner_for,
)

TLS_FILES = {"ssl.key", "ssl.crt", "notebooks-ca_trust.crt"}


@dataclass
class HubCerts:
    """The CAs and trust bundles a hub with internal_ssl has, and its own client pair."""

    location: str
    trust_bundles: dict[str, str]
    hub_key: str
    hub_cert: str
    hub_ca: str


@pytest.fixture
async def hub_certs(tmp_path: Path) -> AsyncIterator[HubCerts]:
    from jupyterhub.app import JupyterHub
    from jupyterhub.httpclient import JupyterHubHTTPClient

    app = JupyterHub(internal_ssl=True, internal_certs_location=str(tmp_path / "certs"))
    app.init_internal_ssl()
    try:
        yield HubCerts(
            app.internal_certs_location, dict(app.internal_trust_bundles),
            app.internal_ssl_key, app.internal_ssl_cert, app.internal_ssl_ca,
        )  # fmt: skip
    finally:
        JupyterHubHTTPClient.clear_instance()


def with_ssl(sp: Any, certs: HubCerts, cert_paths: dict[str, str] | None = None) -> Any:
    """``sp`` as JupyterHub prepares a spawner when internal_ssl is on (cert_paths from a first
    spawner are reused, so both spawners' Secrets hold the same pair)."""
    sp.internal_ssl = True
    sp.internal_trust_bundles = certs.trust_bundles
    sp.internal_certs_location = certs.location
    if cert_paths is not None:
        sp.cert_paths = cert_paths
    return sp


async def prepared(sp: Any) -> Any:
    sp.cert_paths = await sp.move_certs(await sp.create_certs())
    return sp


@dataclass
class Started:
    url: str
    pod: dict[str, Any]
    secret: dict[str, Any] | None
    service: dict[str, Any] | None
    pvc: dict[str, Any] | None


async def _started(kube: KubeTarget, sp: Any) -> Started:
    url = await asyncio.wait_for(sp.start(), 60)
    async with await KubeClient.connect(kubeconfig=kube.kubeconfig) as client:
        pod = await _read(client, "Pod", sp.pod_name, kube.namespace)
        secret = await _read(client, "Secret", sp.secret_name, kube.namespace)
        service = await _read(client, "Service", sp.pod_name, kube.namespace)
        pvc = await _read(client, "PersistentVolumeClaim", sp.pvc_name, kube.namespace)
        await sp.stop(now=True)
        for kind, obj in (("Secret", secret), ("Service", service), ("PersistentVolumeClaim", pvc)):
            if obj is not None and type(sp) is KubeSpawner:  # kts deletes its own by lifecycle
                await _gone(client, kind, obj["metadata"]["name"], kube.namespace)
    assert pod is not None
    return Started(str(url), pod, secret, service, pvc)


def _service_as_kubespawner_would(ours: dict[str, Any], theirs: dict[str, Any], sp: Any) -> dict[str, Any]:
    names = sp.server_names
    out = _as_kubespawner_would(ours, theirs, {
        INSTANCE_LABEL: sp.instance, USERNAME_LABEL: names.username, SERVERNAME_LABEL: names.servername,
    })  # fmt: skip
    selector = out["spec"]["selector"]
    assert selector[SERVER_ID_LABEL] == sp.identity.server_id, "the Service selects by identity"
    their_selector = theirs["spec"]["selector"]
    out["spec"]["selector"] = {
        k: their_selector.get(k, v)
        for k, v in selector.items()
        if k in their_selector or k not in (SERVER_ID_LABEL, INSTANCE_LABEL)
    }
    for obj in (out, theirs):
        for key in ("clusterIP", "clusterIPs"):
            obj["spec"].pop(key, None)
    theirs["metadata"].pop("ownerReferences", None)
    return out


CASES = [
    Case("ssl-default"),
    Case("ssl-named-escaped", user="Ann.Lee@example.org", server="gpu"),
    Case(
        "ssl-mount-path",
        {"secret_mount_path": "/srv/tls/", "storage_pvc_ensure": False, "volumes": [], "volume_mounts": []},
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
async def test_same_objects_and_url_as_kubespawner(
    kubespawner_env: KubeTarget, hub_certs: HubCerts, case: Case  # noqa: F811
) -> None:
    kube = kubespawner_env
    theirs_sp = await prepared(with_ssl(spawner_for(kube, case, KubeSpawner), hub_certs))
    ours_sp = with_ssl(spawner_for(kube, case, KubeTemplateSpawner), hub_certs, theirs_sp.cert_paths)
    assert ours_sp.ssl_alt_names == theirs_sp.ssl_alt_names
    theirs = await _started(kube, theirs_sp)
    ours = await _started(kube, ours_sp)

    assert ours.url == theirs.url and ours.url.startswith("https://")
    assert_same_pod(Created(ours.pod, ours.pvc, ours.secret, ours_sp), theirs.pod)

    assert theirs.secret is not None and ours.secret is not None
    data = dict(ours.secret["data"])
    token_keys = {k for k, v in data.items() if base64.b64decode(v).decode() == TOKEN}
    assert token_keys == {"JUPYTERHUB_API_TOKEN", "JPY_API_TOKEN"} and set(data) - token_keys == TLS_FILES
    ours.secret["data"] = {k: v for k, v in data.items() if k not in token_keys}
    names = ours_sp.server_names
    contract = {INSTANCE_LABEL: ours_sp.instance, USERNAME_LABEL: names.username,
                SERVERNAME_LABEL: names.servername}  # fmt: skip
    their_secret = _server_fields_dropped(theirs.secret)
    their_secret["metadata"].pop("ownerReferences", None)
    assert_same(_as_kubespawner_would(ours.secret, theirs.secret, contract), their_secret)

    assert theirs.service is not None and ours.service is not None
    their_service = _server_fields_dropped(theirs.service)
    assert_same(_service_as_kubespawner_would(ours.service, their_service, ours_sp), their_service)


@pytest.mark.slow
async def test_services_enabled_connects_by_dns_name(kubespawner_env: KubeTarget) -> None:  # noqa: F811
    kube = kubespawner_env
    case = Case("services", {"services_enabled": True})
    theirs = await _started(kube, spawner_for(kube, case, KubeSpawner))
    ours_sp = spawner_for(kube, case, KubeTemplateSpawner)
    ours = await _started(kube, ours_sp)
    assert ours.url == theirs.url == f"http://{ours_sp.dns_name}:8888"
    assert ours.secret is not None and "ssl.crt" not in ours.secret["data"]
    assert theirs.service is not None and ours.service is not None
    their_service = _server_fields_dropped(theirs.service)
    assert_same(_service_as_kubespawner_would(ours.service, their_service, ours_sp), their_service)


async def _handshake(certs: dict[str, bytes], tmp: Path, client: ssl.SSLContext, host: str) -> bytes:
    """Serve TLS with the Secret's files as the notebook server does (client certificates
    required, checked against the Secret's trust bundle); connect as the hub, checking ``host``."""
    for name, content in certs.items():
        (tmp / name).write_bytes(content)
    server_ctx = make_ssl_context(
        str(tmp / "ssl.key"), str(tmp / "ssl.crt"), cafile=str(tmp / "notebooks-ca_trust.crt"),
        purpose=ssl.Purpose.CLIENT_AUTH,
    )  # fmt: skip

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"ok")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0, ssl=server_ctx)
    port = server.sockets[0].getsockname()[1]
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=client, server_hostname=host)
        data = await reader.read(2)
        writer.close()
        return data
    finally:
        server.close()
        await server.wait_closed()


@pytest.mark.slow
async def test_the_hub_reaches_the_url_over_tls(
    kube: KubeTarget, hub_certs: HubCerts, tmp_path: Path
) -> None:
    """The certificate kts stored in the cluster names the URL's host and chains to the CA the
    hub trusts; the notebook side accepts the hub's client certificate."""
    sp = await prepared(with_ssl(spawner_for(kube, Case("tls"), KubeTemplateSpawner), hub_certs))
    url = await asyncio.wait_for(sp.start(), 60)
    async with await KubeClient.connect(kubeconfig=kube.kubeconfig) as client:
        secret = await _read(client, "Secret", sp.secret_name, kube.namespace)
        pod = await _read(client, "Pod", sp.pod_name, kube.namespace)
    await sp.stop(now=True)
    assert secret is not None and pod is not None
    files = {k: base64.b64decode(v) for k, v in secret["data"].items() if k in TLS_FILES}
    hub_client = make_ssl_context(hub_certs.hub_key, hub_certs.hub_cert, cafile=hub_certs.hub_ca)
    host = urlparse(url).hostname
    assert host == sp.dns_name
    assert await _handshake(files, tmp_path, hub_client, host) == b"ok"
    # The same check refuses a name the certificate lacks, such as the pod's IP.
    with pytest.raises(ssl.SSLCertVerificationError):
        await _handshake(files, tmp_path, hub_client, pod["status"]["podIP"])


@pytest.mark.slow
async def test_a_host_the_certificate_lacks_is_refused_before_applying(
    kube: KubeTarget, hub_certs: HubCerts
) -> None:
    case = Case("tls-mismatch", {"ssl_alt_names": ["DNS:elsewhere.example.org"]})
    sp = await prepared(with_ssl(spawner_for(kube, case, KubeTemplateSpawner), hub_certs))
    with pytest.raises(SpawnFailed) as info:
        await sp.start()
    message = str(info.value)
    assert f"as {sp.dns_name}" in message and "DNS:elsewhere.example.org" in message, message
    assert "ssl_alt_names" in message
    async with await KubeClient.connect(kubeconfig=kube.kubeconfig) as client:
        for kind in ("Pod", "Secret", "Service"):
            assert await _read(client, kind, sp.pod_name, kube.namespace) is None, kind
