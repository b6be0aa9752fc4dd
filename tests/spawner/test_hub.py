"""End to end: a real JupyterHub process spawns real jupyterhub-singleuser servers as emulator pods.

Requests go through the hub's REST API and its proxy, as a browser's would.
"""

from __future__ import annotations

import asyncio
import base64
import os
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from kts.demo import DEMO_CONFIG, objects_of
from kts.spawner import charts
from kts.spawner.errors import html_message
from kts.spawner.hubprocess import HubProcess
from kts.testing.emulator import Emulator
from tests.spawner.browser import Browser, forms_of, text_of

pytestmark = [
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.skipif(
        bool(os.environ.get("KTS_TEST_KUBECONFIG")),
        reason="a hub outside the cluster cannot reach pods; the in-process spawner tests cover the cluster",
    ),
]


# erin's server cannot start: its log says why.
BROKEN_SERVER = """
def _break_erin(spawner):
    if spawner.user.name == "erin":
        spawner.args = [*spawner.args, "--ServerApp.port=not-a-port"]

c.KubeTemplateSpawner.pre_spawn_hook = _break_erin
"""

# KubeSpawner's profile form: the default profile overlays chart values; the other offers images
# whose choices carry chart values and a kubespawner_override.
PROFILES = """
c.KubeSpawner.profile_list = [
    {"display_name": "Standard server", "slug": "standard", "default": True,
     "values": {"resources": {"requests": {"memory": "512M"}}}},
    {"display_name": "Data science server", "slug": "datascience",
     "kubespawner_override": {"environment": {"KTS_PROFILE": "datascience"}},
     "profile_options": {"image": {"display_name": "Image", "choices": {
         "minimal": {"display_name": "Minimal", "default": True,
                     "values": {"image": {"name": "quay.io/jupyter/minimal-notebook", "tag": "2025-06-02"}}},
         "scipy": {"display_name": "SciPy",
                   "values": {"image": {"name": "quay.io/jupyter/scipy-notebook", "tag": "2025-06-02"}},
                   "kubespawner_override": {"environment": {"KTS_IMAGE": "scipy"}}},
     }}}},
]
"""


class HubEnv:
    def __init__(self, hub: HubProcess, emu: Emulator) -> None:
        self.hub, self.emu = hub, emu

    def server_stopped_left(self, user: str, server: str | None = None) -> list[tuple[str, str, str]]:
        return [o for o in objects_of(self.emu, user, server) if o[2] == "server-stopped"]

    async def spawn(
        self, user: str, server: str = "", options: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Start a server through the REST API (with ``options``, the user_options, as the body)."""
        await self.hub.api("POST", f"/users/{user}", None)
        path = f"/users/{user}/servers/{server}" if server else f"/users/{user}/server"
        status, body = await self.hub.api("POST", path, options)
        events = await self.follow(user, server)
        assert status in (201, 202) or events[-1].get("failed"), (status, body)
        return events

    async def follow(self, user: str, server: str = "") -> list[dict[str, Any]]:
        events = []
        async for event in self.hub.progress(user, server):
            events.append({**event, "received": time.monotonic()})
        return events

    def pod(self, user: str) -> dict[str, Any]:
        pod = self.emu.get("v1", "Pod", f"jupyter-{user}", "default")
        assert pod is not None, objects_of(self.emu, user)
        return pod

    def server_env(self, user: str) -> dict[str, str]:
        """The environment the example chart put in the server's Secret."""
        secret = self.emu.get("v1", "Secret", f"jupyter-{user}", "default")
        assert secret is not None, objects_of(self.emu, user)
        return {k: base64.b64decode(v).decode() for k, v in (secret.get("data") or {}).items()}

    async def delete_user(self, user: str) -> None:
        status, body = await self.hub.api("DELETE", f"/users/{user}")
        assert status == 204, (status, body)
        for _ in range(100):
            if not objects_of(self.emu, user):
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"{user}'s objects are left: {objects_of(self.emu, user)}")

    async def stop(self, user: str, server: str = "", *, remove: bool = False) -> None:
        path = f"/users/{user}/servers/{server}" if server else f"/users/{user}/server"
        status, body = await self.hub.api("DELETE", path, {"remove": True} if remove else None)
        assert status in (202, 204), (status, body)
        for _ in range(200):
            _, model = await self.hub.api("GET", f"/users/{user}")
            if not ((model or {}).get("servers") or {}).get(server):
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"{user}/{server} did not stop")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def env(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[HubEnv]:
    workdir: Path = tmp_path_factory.mktemp("hub")
    async with Emulator(run_pods=True, pod_ready_delay=0.02) as emu:
        assert emu.kubeconfig_path is not None
        hub = HubProcess(
            workdir, str(emu.kubeconfig_path), extra_config=DEMO_CONFIG + BROKEN_SERVER + PROFILES,
            spawner_config={
                "image_pull_grace": 0.5, "start_timeout": 40, "chart": str(charts.example_chart_path()),
            },
        )  # fmt: skip
        await hub.start()
        try:
            yield HubEnv(hub, emu)
        finally:
            await hub.stop()
            if emu.runner is not None:
                await emu.runner.stop_all()


@pytest.mark.slow
async def test_spawn_use_restart_hub_stop(env: HubEnv) -> None:
    events = await env.spawn("bob")
    messages = [e.get("message", "") for e in events]
    assert events[-1].get("ready"), messages
    assert any(m.startswith("Rendering") for m in messages)
    assert any(m.startswith("[Normal] Pod jupyter-bob") for m in messages), messages
    # The proxy streams the events as they happen rather than all at once when the server is up.
    assert events[-1]["received"] - events[0]["received"] > 0.5, events
    assert sorted(objects_of(env.emu, "bob")) == [
        ("PersistentVolumeClaim", "jupyter-bob", "server-deleted"),
        ("Pod", "jupyter-bob", "server-stopped"),
        ("Secret", "jupyter-bob", "server-stopped"),
    ]
    status, data = await env.hub.request("GET", "/user/bob/api/status")
    assert status == 200 and "started" in data
    # A person lands in JupyterLab.
    headers = {"Authorization": f"token {env.hub.token}"}
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{env.hub.url}/user/bob/", headers=headers, allow_redirects=False) as resp,
    ):
        assert resp.status == 302 and resp.headers["Location"].startswith("/user/bob/lab"), resp.headers
    status, page = await env.hub.request("GET", "/user/bob/lab")
    assert status == 200 and "jupyter-config-data" in page and "JupyterLab" in page, page[:300]
    # The hub restarts; the server keeps running and the new hub finds it from its stored state.
    await env.hub.stop()
    await env.hub.start()
    _, model = await env.hub.api("GET", "/users/bob")
    assert model["servers"][""]["ready"], model
    status, _ = await env.hub.request("GET", "/user/bob/api/contents/")
    assert status == 200
    await env.stop("bob")
    assert env.server_stopped_left("bob") == []
    assert objects_of(env.emu, "bob") == [("PersistentVolumeClaim", "jupyter-bob", "server-deleted")]


@pytest.mark.slow
async def test_named_server_through_a_service_then_removed(env: HubEnv) -> None:
    events = await env.spawn("bob", "svc")
    assert events[-1].get("ready"), events
    assert ("Service", "jupyter-bob--svc", "server-stopped") in objects_of(env.emu, "bob", "svc")
    status, _ = await env.hub.request("GET", "/user/bob/svc/api/status")
    assert status == 200
    await env.stop("bob", "svc", remove=True)
    for _ in range(100):
        if not objects_of(env.emu, "bob", "svc"):
            break
        await asyncio.sleep(0.05)
    assert objects_of(env.emu, "bob", "svc") == []
    assert objects_of(env.emu, "bob") == [("PersistentVolumeClaim", "jupyter-bob", "server-deleted")]


@pytest.mark.slow
async def test_user_deletion_removes_everything(env: HubEnv) -> None:
    status, _ = await env.hub.api("DELETE", "/users/bob")
    assert status == 204
    for _ in range(100):
        if not objects_of(env.emu, "bob"):
            break
        await asyncio.sleep(0.05)
    assert objects_of(env.emu, "bob") == []


@pytest.mark.slow
async def test_image_pull_failure_reaches_the_user(env: HubEnv) -> None:
    env.emu.fail_pods("image-pull", name="jupyter-dave")
    events = await env.spawn("dave")
    assert events[-1].get("failed"), events
    assert "cannot pull image" in events[-1]["message"]
    assert any("[Warning]" in e.get("message", "") for e in events)
    for _ in range(100):
        if not env.server_stopped_left("dave"):
            break
        await asyncio.sleep(0.05)
    assert env.server_stopped_left("dave") == []
    _, model = await env.hub.api("GET", "/users/dave")
    assert not model["servers"]


@pytest.mark.slow
async def test_a_failing_server_shows_the_end_of_its_log(env: HubEnv) -> None:
    events = await env.spawn("erin")
    assert events[-1].get("failed"), events
    message = events[-1]["message"]
    assert "CrashLoopBackOff" in message and "jupyter-erin" in message, message
    assert "expected an int, not the str 'not-a-port'" in message, message
    # The spawn page shows the HTML form: escaped, its line breaks kept.
    assert events[-1]["html_message"] == html_message(message)
    await env.hub.api("DELETE", "/users/erin")


@pytest.mark.slow
async def test_a_profile_chosen_in_the_spawn_form(env: HubEnv) -> None:
    browser = Browser(env.hub.url)
    try:
        await browser.log_in("carol")
        status, page, _ = await browser.get("/hub/spawn/carol")
        assert status == 200, page[:300]
        # KubeSpawner's own template renders the profiles.
        shown = text_of(page)
        assert "Standard server" in shown and "Data science server" in shown, shown
        (form,) = [f for f in forms_of(page) if "profile" in f.radios]
        assert form.radios["profile"] == ["standard", "datascience"] and form.checked["profile"] == "standard"
        assert form.selects["profile-option-datascience--image"] == ["minimal", "scipy"]
        fields = form.submission({"profile": "datascience", "profile-option-datascience--image": "scipy"})
        status, page, location = await browser.submit("/hub/spawn/carol", form, fields)
        assert status == 302 and location.startswith("/hub/spawn-pending/carol"), (status, page[:300])
        events = await env.follow("carol")
        assert events[-1].get("ready"), events
        # The choice's chart values set the image, its kubespawner_override and the profile's the environment.
        image = env.pod("carol")["spec"]["containers"][0]["image"]
        assert image == "quay.io/jupyter/scipy-notebook:2025-06-02", image
        server_env = env.server_env("carol")
        chosen = (server_env.get("KTS_PROFILE"), server_env.get("KTS_IMAGE"))
        assert chosen == ("datascience", "scipy"), server_env
        # The hub remembers the options for the next visit, as for any spawner.
        _, model = await env.hub.api("GET", "/users/carol")
        assert model["servers"][""]["user_options"] == {"profile": "datascience", "image": "scipy"}, model
    finally:
        await browser.close()
    await env.delete_user("carol")


@pytest.mark.slow
async def test_a_choice_the_form_does_not_offer_is_refused_with_nothing_applied(env: HubEnv) -> None:
    browser = Browser(env.hub.url)
    try:
        await browser.log_in("grace")
        _, page, _ = await browser.get("/hub/spawn/grace")
        (form,) = [f for f in forms_of(page) if "profile" in f.radios]
        fields = form.submission(
            {"profile": "datascience", "profile-option-datascience--image": "gpu"}, unchecked=True
        )
        status, page, location = await browser.submit("/hub/spawn/grace", form, fields)
        assert status == 302 and location.startswith("/hub/spawn-pending/grace"), (status, page[:300])
        events = await env.follow("grace")
        assert events[-1].get("failed") and "has no choice 'gpu'" in events[-1]["message"], events
        status, page, _ = await browser.get(location)
        shown = text_of(page)
        assert status == 400, (status, shown)
        assert "option image has no choice 'gpu' (choices: minimal, scipy)" in shown, shown
    finally:
        await browser.close()
    assert objects_of(env.emu, "grace") == []
    _, model = await env.hub.api("GET", "/users/grace")
    assert not model["servers"], model
    await env.delete_user("grace")


@pytest.mark.slow
async def test_a_profile_chosen_through_the_rest_api(env: HubEnv) -> None:
    events = await env.spawn("frank", options={"profile": "datascience", "image": "minimal"})
    assert events[-1].get("ready"), events
    image = env.pod("frank")["spec"]["containers"][0]["image"]
    assert image == "quay.io/jupyter/minimal-notebook:2025-06-02", image
    server_env = env.server_env("frank")
    assert server_env.get("KTS_PROFILE") == "datascience" and "KTS_IMAGE" not in server_env, server_env
    # No options: the default profile, whose chart values set the memory request.
    await env.delete_user("frank")
    events = await env.spawn("frank")
    assert events[-1].get("ready"), events
    container = env.pod("frank")["spec"]["containers"][0]
    assert container["resources"]["requests"]["memory"] == "512M", container
    assert "KTS_PROFILE" not in env.server_env("frank")
    await env.delete_user("frank")
