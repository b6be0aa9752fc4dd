"""The simulated scheduler and kubelet: pod IPs, readiness, failure modes and their events."""

from __future__ import annotations

from typing import Any

import pytest

from kts.testing import Emulator
from tests.testing.conftest import Http

PODS = "/api/v1/namespaces/t/pods"


def pod(name: str, image: str = "app:1", **meta: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, **meta},
        "spec": {"containers": [{"name": "app", "image": image}]},
    }


def status_of(emu: Emulator, name: str) -> dict[str, Any]:
    return (emu.get("v1", "Pod", name, "t") or {}).get("status", {})


def condition(st: dict[str, Any], type_: str) -> dict[str, Any]:
    return next((c for c in st.get("conditions") or [] if c["type"] == type_), {})


def reasons(emu: Emulator, name: str) -> list[str]:
    return [
        e["reason"]
        for e in sorted(emu.events_for(name, "t"), key=lambda e: e["metadata"]["creationTimestamp"])
    ]


async def test_pod_becomes_ready_with_distinct_loopback_ips(
    kube_emulator: Emulator, http: Http, ns: str
) -> None:
    status, created = await http.post(PODS, pod("a"))
    assert status == 201 and created["status"]["phase"] == "Pending"
    await http.post(PODS, pod("b"))
    await kube_emulator.wait_for(
        lambda: all(condition(status_of(kube_emulator, n), "Ready").get("status") == "True" for n in "ab")
    )
    a, b = status_of(kube_emulator, "a"), status_of(kube_emulator, "b")
    assert a["phase"] == "Running"
    assert a["podIP"].startswith("127.") and a["podIP"] != b["podIP"]
    assert a["containerStatuses"][0]["state"]["running"]["startedAt"]
    assert kube_emulator.get("v1", "Pod", "a", "t")["spec"]["nodeName"] == "kts-node"
    got = set(reasons(kube_emulator, "a"))
    assert {"Scheduled", "Pulled", "Created", "Started"} <= got
    import socket

    with socket.socket() as s:
        s.bind((a["podIP"], 0))


async def test_image_pull_failure(kube_emulator: Emulator, http: Http, ns: str) -> None:
    kube_emulator.fail_pods("image-pull", image="bad:tag")
    await http.post(PODS, pod("p", image="bad:tag"))
    await kube_emulator.wait_for(
        lambda: (
            status_of(kube_emulator, "p")
            .get("containerStatuses", [{}])[0]
            .get("state", {})
            .get("waiting", {})
            .get("reason")
            == "ImagePullBackOff"
        )
    )
    st = status_of(kube_emulator, "p")
    assert st["phase"] == "Pending"
    assert condition(st, "Ready")["status"] == "False"
    events = kube_emulator.events_for("p", "t")
    messages = [e["message"] for e in events if e["reason"] == "Failed"]
    assert "Error: ErrImagePull" in messages and "Error: ImagePullBackOff" in messages
    assert any(m.startswith('Failed to pull image "bad:tag"') for m in messages)
    assert all(e["type"] == "Warning" for e in events if e["reason"] == "Failed")
    assert {"Pulling", "BackOff"} <= {e["reason"] for e in events}


async def test_images_from_an_unresolvable_registry_never_pull(
    kube_emulator: Emulator, http: Http, ns: str
) -> None:
    """No failure injected: the .invalid domain never resolves, so the kubelet cannot pull from it
    (any container of the pod; the others start, and the pod stays Pending without it)."""
    missing = "registry.invalid:5000/team/tool:2"
    body = pod("p")
    body["spec"]["containers"].append({"name": "tool", "image": missing})
    await http.post(PODS, body)
    await http.post(PODS, pod("fine", image="quay.io/app/app:1"))

    def waiting(name: str) -> list[str]:
        return [
            (s.get("state") or {}).get("waiting", {}).get("reason", "")
            for s in status_of(kube_emulator, name).get("containerStatuses") or []
        ]

    await kube_emulator.wait_for(lambda: "ImagePullBackOff" in waiting("p"))
    assert waiting("p") == ["", "ImagePullBackOff"]
    st = status_of(kube_emulator, "p")
    assert st["phase"] == "Pending" and condition(st, "Ready")["status"] == "False"
    assert [s["ready"] for s in st["containerStatuses"]] == [True, False]
    assert "running" in st["containerStatuses"][0]["state"]
    failed = [e for e in kube_emulator.events_for("p", "t") if e["reason"] == "Failed"]
    pull = next(e for e in failed if e["message"].startswith("Failed to pull image"))
    assert pull["message"].startswith(f'Failed to pull image "{missing}": ')
    assert 'Head "https://registry.invalid:5000/v2/team/tool/manifests/2"' in pull["message"]
    assert pull["message"].endswith("dial tcp: lookup registry.invalid: no such host")
    assert pull["involvedObject"]["fieldPath"] == "spec.containers{tool}"
    await kube_emulator.wait_for(lambda: status_of(kube_emulator, "fine").get("phase") == "Running")


async def test_crash_loop(kube_emulator: Emulator, http: Http, ns: str) -> None:
    await http.post(PODS, pod("p", annotations={"kts-emulator/fail": "crash-loop"}))
    await kube_emulator.wait_for(
        lambda: status_of(kube_emulator, "p").get("containerStatuses", [{}])[0].get("restartCount", 0) >= 2
    )
    cs = status_of(kube_emulator, "p")["containerStatuses"][0]
    assert cs["state"]["waiting"]["reason"] == "CrashLoopBackOff"
    assert cs["lastState"]["terminated"]["exitCode"] == 1
    assert cs["lastState"]["terminated"]["reason"] == "Error"
    assert status_of(kube_emulator, "p")["phase"] == "Running"
    backoff = [e for e in kube_emulator.events_for("p", "t") if e["reason"] == "BackOff"]
    assert backoff and backoff[0]["message"].startswith(
        "Back-off restarting failed container app in pod p_t("
    )


async def test_unschedulable(kube_emulator: Emulator, http: Http, ns: str) -> None:
    kube_emulator.fail_pods("unschedulable", labels={"big": "yes"})
    await http.post(PODS, pod("p", labels={"big": "yes"}))
    await kube_emulator.wait_for(
        lambda: condition(status_of(kube_emulator, "p"), "PodScheduled").get("reason")
    )
    cond = condition(status_of(kube_emulator, "p"), "PodScheduled")
    assert cond["status"] == "False" and cond["reason"] == "Unschedulable"
    assert cond["message"].startswith("0/3 nodes are available: 3 Insufficient memory.")
    ev = [e for e in kube_emulator.events_for("p", "t") if e["reason"] == "FailedScheduling"]
    assert ev and ev[0]["type"] == "Warning" and ev[0]["source"]["component"] == "default-scheduler"
    assert "podIP" not in status_of(kube_emulator, "p")


async def test_container_exit(kube_emulator: Emulator, http: Http, ns: str) -> None:
    kube_emulator.fail_pods("exit", name="p*", exit_code=3)
    body = pod("p1")
    body["spec"]["restartPolicy"] = "Never"
    await http.post(PODS, body)
    await kube_emulator.wait_for(lambda: status_of(kube_emulator, "p1").get("phase") == "Failed")
    term = status_of(kube_emulator, "p1")["containerStatuses"][0]["state"]["terminated"]
    assert term["exitCode"] == 3 and term["reason"] == "Error"


async def test_missing_claim_blocks_scheduling(kube_emulator: Emulator, http: Http, ns: str) -> None:
    body = pod("p")
    body["spec"]["volumes"] = [{"name": "data", "persistentVolumeClaim": {"claimName": "data"}}]
    await http.post(PODS, body)
    await kube_emulator.wait_for(
        lambda: condition(status_of(kube_emulator, "p"), "PodScheduled").get("reason")
    )
    assert (
        'persistentvolumeclaim "data" not found'
        in condition(status_of(kube_emulator, "p"), "PodScheduled")["message"]
    )
    await http.post(
        "/api/v1/namespaces/t/persistentvolumeclaims",
        {
            "apiVersion": "v1",
            "kind": "PersistentVolumeClaim",
            "metadata": {"name": "data"},
            "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}},
        },
    )
    await kube_emulator.wait_for(lambda: status_of(kube_emulator, "p").get("phase") == "Running", timeout=5)


async def test_pod_validation(http: Http, ns: str) -> None:
    status, err = await http.post(
        PODS,
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "p"},
            "spec": {"containers": [{"name": "app"}]},
        },
    )
    assert status == 422
    assert err["message"] == 'Pod "p" is invalid: spec.containers[0].image: Required value'
    assert err["details"]["causes"] == [
        {"reason": "FieldValueRequired", "message": "Required value", "field": "spec.containers[0].image"}
    ]
    status, err = await http.post(PODS, pod("Bad_Name"))
    assert status == 422 and err["details"]["causes"][0]["field"] == "metadata.name"


async def test_missing_config_blocks_start_until_created(
    kube_emulator: Emulator, http: Http, ns: str
) -> None:
    body = pod("env")
    body["spec"]["containers"][0]["env"] = [
        {"name": "X", "valueFrom": {"secretKeyRef": {"name": "creds", "key": "token"}}}
    ]
    await http.post(PODS, body)
    vol = pod("vol")
    vol["spec"]["volumes"] = [{"name": "cfg", "configMap": {"name": "settings"}}]
    await http.post(PODS, vol)

    def waiting(name: str) -> str | None:
        cs = status_of(kube_emulator, name).get("containerStatuses") or [{}]
        return cs[0].get("state", {}).get("waiting", {}).get("reason")

    await kube_emulator.wait_for(lambda: waiting("env") == "CreateContainerConfigError")
    failed = [e for e in kube_emulator.events_for("env", "t") if e["reason"] == "Failed"]
    assert failed[0]["message"] == 'Error: secret "creds" not found'
    await kube_emulator.wait_for(
        lambda: any(e["reason"] == "FailedMount" for e in kube_emulator.events_for("vol", "t"))
    )
    mount = next(e for e in kube_emulator.events_for("vol", "t") if e["reason"] == "FailedMount")
    assert mount["message"] == 'MountVolume.SetUp failed for volume "cfg" : configmap "settings" not found'
    assert waiting("vol") == "ContainerCreating"
    await http.post(
        "/api/v1/namespaces/t/secrets", {"metadata": {"name": "creds"}, "stringData": {"token": "x"}}
    )
    await http.post("/api/v1/namespaces/t/configmaps", {"metadata": {"name": "settings"}})
    await kube_emulator.wait_for(
        lambda: all(
            condition(status_of(kube_emulator, n), "Ready").get("status") == "True" for n in ("env", "vol")
        )
    )


async def test_missing_service_account_is_forbidden(http: Http, ns: str) -> None:
    body = pod("p")
    body["spec"]["serviceAccountName"] = "robot"
    status, err = await http.post(PODS, body)
    assert status == 403
    assert err["message"] == (
        'pods "p" is forbidden: error looking up service account t/robot: serviceaccount "robot" not found'
    )
    status, _ = await http.post(PODS, pod("q"))
    assert status == 201


async def test_event_and_phase_field_selectors(kube_emulator: Emulator, http: Http, ns: str) -> None:
    await http.post(PODS, pod("a"))
    kube_emulator.fail_pods("unschedulable", name="b")
    await http.post(PODS, pod("b"))
    await kube_emulator.wait_for(
        lambda: (
            status_of(kube_emulator, "a").get("phase") == "Running"
            and condition(status_of(kube_emulator, "b"), "PodScheduled").get("reason")
        )
    )
    _, running = await http.get(PODS, fieldSelector="status.phase=Running")
    assert [p["metadata"]["name"] for p in running["items"]] == ["a"]
    _, pending = await http.get("/api/v1/pods", fieldSelector="status.phase!=Running,metadata.namespace=t")
    assert [p["metadata"]["name"] for p in pending["items"]] == ["b"]
    _, events = await http.get(
        "/api/v1/namespaces/t/events", fieldSelector="involvedObject.kind=Pod,involvedObject.name=b"
    )
    assert {e["reason"] for e in events["items"]} == {"FailedScheduling"}
    _, warnings = await http.get("/api/v1/namespaces/t/events", fieldSelector="type=Warning")
    assert all(e["type"] == "Warning" for e in warnings["items"]) and warnings["items"]


async def test_requests_beyond_the_node_are_unschedulable(
    kube_emulator: Emulator, http: Http, ns: str
) -> None:
    huge = pod("huge")
    huge["spec"]["containers"][0]["resources"] = {"requests": {"memory": "900Ti"}}
    await http.post(PODS, huge)
    await kube_emulator.wait_for(
        lambda: condition(status_of(kube_emulator, "huge"), "PodScheduled").get("reason")
    )
    assert condition(status_of(kube_emulator, "huge"), "PodScheduled")["message"].startswith(
        "0/1 nodes are available: 1 Insufficient memory."
    )
    first, second = pod("first"), pod("second")
    for p in (first, second):
        p["spec"]["containers"][0]["resources"] = {"requests": {"cpu": "5000m"}}
    await http.post(PODS, first)
    await kube_emulator.wait_for(lambda: status_of(kube_emulator, "first").get("phase") == "Running")
    await http.post(PODS, second)
    await kube_emulator.wait_for(
        lambda: condition(status_of(kube_emulator, "second"), "PodScheduled").get("reason") == "Unschedulable"
    )
    assert "1 Insufficient cpu." in condition(status_of(kube_emulator, "second"), "PodScheduled")["message"]
    await http.delete(f"{PODS}/first", gracePeriodSeconds=0)
    await kube_emulator.wait_for(lambda: status_of(kube_emulator, "second").get("phase") == "Running")


def test_quantities() -> None:
    from decimal import Decimal

    from kts.testing.quantity import parse_quantity

    assert parse_quantity("500m") == Decimal("0.5")
    assert parse_quantity("512Mi") == 512 * 2**20
    assert parse_quantity("1G") == 10**9
    assert parse_quantity("1e3") == 1000
    assert parse_quantity(2) == 2
    assert parse_quantity("lots") is None


async def test_not_ready(kube_emulator: Emulator, http: Http, ns: str) -> None:
    kube_emulator.fail_pods("not-ready", name="p")
    await http.post(PODS, pod("p"))

    def unhealthy() -> list[dict[str, Any]]:
        return [e for e in kube_emulator.events_for("p", "t") if e["reason"] == "Unhealthy"]

    await kube_emulator.wait_for(lambda: unhealthy() and unhealthy()[0]["count"] >= 2)
    st = status_of(kube_emulator, "p")
    assert st["phase"] == "Running" and condition(st, "Ready")["status"] == "False"
    assert st["containerStatuses"][0]["state"]["running"]
    assert unhealthy()[0]["message"] == "Readiness probe failed: HTTP probe failed with statuscode: 503"


@pytest.mark.slow
async def test_a_pass_steps_only_the_pods_that_changed(
    kube_emulator: Emulator, http: Http, ns: str, monkeypatch: Any
) -> None:
    """The kubelet simulation's work follows what changed, not how many pods there are."""
    names = [f"p{i}" for i in range(30)]
    for name in names:
        await http.post(PODS, pod(name))
    await kube_emulator.wait_for(
        lambda: all(condition(status_of(kube_emulator, n), "Ready").get("status") == "True" for n in names)
    )
    await kube_emulator.settle()
    sim = kube_emulator.control_plane.pods  # type: ignore[union-attr]
    stepped: list[str] = []
    real_step = sim._step

    def counting(pod: dict[str, Any], state: Any, now: float) -> float | None:
        stepped.append(pod["metadata"]["name"])
        return real_step(pod, state, now)

    monkeypatch.setattr(sim, "_step", counting)
    status, _ = await http.patch(f"{PODS}/p7", {"metadata": {"labels": {"touched": "yes"}}})
    assert status == 200
    await kube_emulator.settle()
    assert set(stepped) == {"p7"}
