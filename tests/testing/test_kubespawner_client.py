"""Real KubeSpawner, with its own clients, reflectors and watches, starts, polls and stops servers
on the emulator exactly as its authors expect a cluster to behave.

KubeSpawner is a client nobody here wrote: where the emulator's pods, events, watches or deletions
differ from a real API server's, KubeSpawner's start hangs, its poll misreports or its stop times
out. Nothing of kts's engine is involved. The tests use only the cluster's API (through the
``kube_env`` fixture), so they also run against a real cluster with ``KTS_TEST_KUBECONFIG``: the
image that cannot be pulled is on a registry under ``.invalid``, a domain that never resolves
(the emulator knows it too), and the servers that exit or crash are python processes the
emulator's ``run_pods`` mode runs as a cluster would run the image.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from jupyterhub.objects import Hub
from kubernetes_asyncio import client as k8s
from kubernetes_asyncio.client.exceptions import ApiException
from kubespawner import KubeSpawner
from kubespawner import clients as kubespawner_clients
from traitlets.config import Config

from kts.testing.pytest_plugin import KubeEnv
from tests.spawner.standalone import make_spawner
from tests.support.kubespawner_clients import close_shared_clients

MISSING_IMAGE = "registry.invalid/kts-tests/never-pulled:1"
# A notebook server stand-in the emulator's run_pods mode (and any cluster with a python image)
# runs: it listens on the notebook port, and optionally exits after a while. "0.0.0.0" is the
# pod's own address (the emulator puts the pod IP in its place).
PYTHON_IMAGE = "python:3.12-slim"
SERVE = (
    "import socket, sys, time\n"
    "s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
    "s.bind(('0.0.0.0', 8888)); s.listen()\n"
    "time.sleep(float(sys.argv[1]))\n"
)


def _config(env: KubeEnv, **traits: Any) -> Config:
    c = Config()
    c.KubeSpawner.namespace = env.namespace
    c.KubeSpawner.start_timeout = 60 if env.real else 10
    c.KubeSpawner.k8s_api_request_retry_timeout = 30
    c.KubeSpawner.events_enabled = True
    if env.emulator is not None:
        # KubeSpawner loads its kubeconfig once per process (lru_cache); each emulator has its own port
        c.KubeSpawner.k8s_api_host = env.emulator.url
    for key, value in traits.items():
        c.KubeSpawner[key] = value
    return c


@pytest.fixture
async def kubespawner(
    kube_env: KubeEnv, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Callable[..., KubeSpawner]]:
    """A factory of real KubeSpawners for the test cluster, loading its kubeconfig as usual."""
    import kubernetes_asyncio.config.kube_config as kube_config

    monkeypatch.setattr(kube_config, "KUBE_CONFIG_DEFAULT_LOCATION", str(kube_env.kubeconfig))
    # load_config is cached per host: a later emulator may reuse an earlier one's port after another
    # emulator's configuration replaced it, so every test loads afresh.
    kubespawner_clients.load_config.cache_clear()

    def make(user: str = "alice", server: str = "", **traits: Any) -> KubeSpawner:
        traits.setdefault("image", PYTHON_IMAGE)
        traits.setdefault("cmd", ["python", "-c", SERVE, "86400"])  # runs where the image runs
        sp = make_spawner(user, server, spawner_class=KubeSpawner, traits=_config(kube_env, **traits),
                          hub=Hub(ip="hub", port=8081))  # fmt: skip
        return sp  # type: ignore[no-any-return]

    try:
        yield make
    finally:
        kubespawner_clients.load_config.cache_clear()
        await KubeSpawner._stop_all_reflectors()
        await close_shared_clients()


async def _core(env: KubeEnv) -> k8s.CoreV1Api:
    return k8s.CoreV1Api(await env.api_client())


async def _read(read: Callable[..., Awaitable[Any]], *args: Any) -> Any:
    try:
        return await read(*args)
    except ApiException as e:
        if e.status == 404:
            return None
        raise


async def _eventually(check: Callable[[], Awaitable[bool]], what: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} after {timeout} s")
        await asyncio.sleep(0.05)


async def _start_with_progress(sp: KubeSpawner) -> tuple[asyncio.Future[Any], list[dict[str, Any]]]:
    """Start ``sp`` as the hub does: ``start()`` and, alongside, ``progress()`` until it is done."""
    future = sp.start()
    seen: list[dict[str, Any]] = []
    async for event in sp.progress():
        seen.append(event)
    return future, seen


def _pod_events(progress: list[dict[str, Any]], pod_name: str) -> list[dict[str, Any]]:
    raw = [e["raw_event"] for e in progress if "raw_event" in e]
    assert all(e["involvedObject"]["name"] == pod_name for e in raw)
    return raw


@pytest.mark.slow
async def test_start_poll_stop_and_delete_forever(
    kube_env: KubeEnv, kubespawner: Callable[..., KubeSpawner]
) -> None:
    sp = kubespawner(
        "Dana.Lee@example.org",
        storage_pvc_ensure=True,
        pvc_name_template="claim-{user_server}",
        storage_capacity="1Gi",
        storage_access_modes=["ReadWriteOnce"],
        volumes=[{"name": "home", "persistentVolumeClaim": {"claimName": "{pvc_name}"}}],
        volume_mounts=[{"name": "home", "mountPath": "/home/jovyan"}],
    )
    core = await _core(kube_env)
    future, progress = await _start_with_progress(sp)
    url = await asyncio.wait_for(future, 120)

    pod = await core.read_namespaced_pod(sp.pod_name, kube_env.namespace)
    assert pod.status.phase == "Running"
    assert all(c.ready for c in pod.status.container_statuses)
    assert url == f"http://{pod.status.pod_ip}:8888"
    assert sp.pod_id == pod.metadata.uid
    pvc = await core.read_namespaced_persistent_volume_claim(sp.pvc_name, kube_env.namespace)
    assert pvc.metadata.labels["component"] == "singleuser-storage"

    # progress() reported the pod's own events, the scheduler's first, with a rising bar
    events = _pod_events(progress, sp.pod_name)
    assert events, f"progress() yielded no pod events: {progress}"
    assert events[0]["reason"] == "Scheduled"
    assert f"{kube_env.namespace}/{sp.pod_name}" in events[0]["message"]
    # each message is stamped with the event's time (lastTimestamp, or eventTime for new-style events)
    assert all(not e["message"].startswith("None ") for e in progress if "raw_event" in e), progress
    bars = [e["progress"] for e in progress if "progress" in e]
    assert bars == sorted(bars) and all(0 < b < 100 for b in bars)

    # the hub records where the server listens; poll() then finds the pod where the hub expects it
    sp.server.ip, sp.server.port = pod.status.pod_ip, 8888
    assert await sp.poll() is None
    assert await sp.poll() is None  # still running: polling changes nothing
    assert (sp.server.ip, sp.server.port) == (pod.status.pod_ip, 8888)

    await asyncio.wait_for(sp.stop(), 60)
    assert await _read(core.read_namespaced_pod, sp.pod_name, kube_env.namespace) is None
    assert await sp.poll() == 1  # KubeSpawner's answer for a pod that is gone
    # stopping keeps the user's volume ...
    assert await _read(core.read_namespaced_persistent_volume_claim, sp.pvc_name, kube_env.namespace)

    # ... deleting the user removes it
    await asyncio.wait_for(sp.delete_forever(), 60)

    async def pvc_gone() -> bool:
        pvc = await _read(core.read_namespaced_persistent_volume_claim, sp.pvc_name, kube_env.namespace)
        return pvc is None

    await _eventually(pvc_gone, f"PVC {sp.pvc_name} still exists after delete_forever")


@pytest.mark.slow
async def test_a_restarted_spawner_finds_its_running_server(
    kube_env: KubeEnv, kubespawner: Callable[..., KubeSpawner]
) -> None:
    """A hub restart: a new spawner with the saved state polls the pod through a fresh reflector."""
    first = kubespawner("erin", "lab", storage_pvc_ensure=False)
    await asyncio.wait_for(first.start(), 120)
    state = first.get_state()
    await KubeSpawner._stop_all_reflectors()

    again = kubespawner("erin", "lab", storage_pvc_ensure=False)
    again.load_state(state)
    assert again.pod_name == first.pod_name
    assert await again.poll() is None
    await asyncio.wait_for(again.stop(now=True), 60)
    assert await again.poll() == 1


@pytest.mark.slow
@pytest.mark.kube_emulator(run_pods=True)
async def test_a_server_that_exits_is_reported_with_its_exit_code(
    kube_env: KubeEnv, kubespawner: Callable[..., KubeSpawner]
) -> None:
    """The notebook container ends cleanly while the server runs: poll() returns its exit code
    (KubeSpawner reads it from the container's terminated state) and deletes the pod."""
    sp = kubespawner("frank", storage_pvc_ensure=False,
                     cmd=["python", "-c", SERVE, "4"])  # fmt: skip
    await asyncio.wait_for(sp.start(), 120)
    assert await sp.poll() is None
    core = await _core(kube_env)

    async def exited() -> bool:
        pod = await _read(core.read_namespaced_pod, sp.pod_name, kube_env.namespace)
        return pod is not None and pod.status.phase == "Succeeded"

    await _eventually(exited, "the server's pod did not succeed", timeout=60)

    async def reflected() -> bool:
        pod = sp.pod_reflector.pods.get(f"{kube_env.namespace}/{sp.pod_name}")
        return pod is not None and pod["status"]["phase"] == "Succeeded"

    await _eventually(reflected, "KubeSpawner's reflector did not see the pod succeed")
    assert await sp.poll() == 0
    assert await _read(core.read_namespaced_pod, sp.pod_name, kube_env.namespace) is None


async def _start_fails(sp: KubeSpawner) -> tuple[BaseException, list[dict[str, Any]]]:
    future, progress = await _start_with_progress(sp)
    with pytest.raises(TimeoutError) as info:
        await asyncio.wait_for(future, sp.start_timeout + 30)
    return info.value, progress


@pytest.mark.slow
async def test_an_image_that_cannot_be_pulled_fails_the_start(
    kube_env: KubeEnv, kubespawner: Callable[..., KubeSpawner]
) -> None:
    timeout = 3 if kube_env.emulator else 8  # a cluster fails the pull within seconds
    sp = kubespawner("grace", storage_pvc_ensure=False, image=MISSING_IMAGE, start_timeout=timeout)
    error, progress = await _start_fails(sp)
    assert f"pod {kube_env.namespace}/{sp.pod_name} did not start in {sp.start_timeout} seconds" in str(error)
    reasons = [(e["type"], e["reason"]) for e in _pod_events(progress, sp.pod_name)]
    assert ("Normal", "Scheduled") in reasons
    assert ("Warning", "Failed") in reasons
    failed = [e["message"] for e in _pod_events(progress, sp.pod_name) if e["reason"] == "Failed"]
    assert any(MISSING_IMAGE in m for m in failed), failed
    assert any("[Warning]" in e["message"] for e in progress if "raw_event" in e)
    core = await _core(kube_env)
    pod = await core.read_namespaced_pod(sp.pod_name, kube_env.namespace)
    waiting = pod.status.container_statuses[0].state.waiting
    assert waiting is not None and waiting.reason in ("ErrImagePull", "ImagePullBackOff")
    # the hub stops a server whose start failed: the pod goes
    await asyncio.wait_for(sp.stop(now=True), 60)
    assert await _read(core.read_namespaced_pod, sp.pod_name, kube_env.namespace) is None


@pytest.mark.slow
@pytest.mark.kube_emulator(run_pods=True)
async def test_a_crashing_server_fails_the_start(
    kube_env: KubeEnv, kubespawner: Callable[..., KubeSpawner]
) -> None:
    """The notebook process exits with an error before it listens: the kubelet restarts it
    (KubeSpawner's restartPolicy is OnFailure), the pod never becomes ready, start() times out."""
    sp = kubespawner("heidi", storage_pvc_ensure=False,
                     cmd=["python", "-c", "import sys; sys.exit(3)"],
                     start_timeout=4 if kube_env.emulator else 60)  # fmt: skip
    _, progress = await _start_fails(sp)
    reasons = [e["reason"] for e in _pod_events(progress, sp.pod_name)]
    assert "BackOff" in reasons, reasons
    core = await _core(kube_env)
    pod = await core.read_namespaced_pod(sp.pod_name, kube_env.namespace)
    status = pod.status.container_statuses[0]
    assert pod.spec.restart_policy == "OnFailure"
    assert status.restart_count >= 1 and not status.ready
    assert status.last_state.terminated.exit_code == 3
    assert await sp.poll() is None  # restarting is not stopped: KubeSpawner waits for the hub's stop
    await asyncio.wait_for(sp.stop(now=True), 60)
    assert await _read(core.read_namespaced_pod, sp.pod_name, kube_env.namespace) is None
