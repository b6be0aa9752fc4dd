"""Profile ``values:`` and ``chart:`` overlays: merged in the documented order, validated before
anything is rendered, and deploying another chart for the profile that names one."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from traitlets.config import Config

from kts.kube import KubeClient
from kts.spawner import SpawnFailed, charts
from tests.spawner.conftest import KubeTarget
from tests.spawner.standalone import make_spawner

PROFILES: list[dict[str, Any]] = [
    {
        "display_name": "Plain",
        "slug": "plain",
        "default": True,
        "values": {"site": {"tier": "plain", "keep": "profile"}},
    },
    {
        "display_name": "Lab",
        "slug": "lab",
        "chart": str(charts.example_chart_path()),
        "values": {"service": {"enabled": True}, "site": {"tier": "lab", "keep": "profile"}},
        "kubespawner_override": {"mem_limit": "2G"},
        "profile_options": {
            "size": {
                "display_name": "Size",
                "choices": {
                    "s": {"display_name": "S", "values": {"resources": {"limits": {"memory": "1Gi"}}}},
                    "l": {
                        "display_name": "L",
                        "default": True,
                        "values": {"resources": {"limits": {"memory": "8Gi"}}, "site": {"tier": "lab-l"}},
                    },
                },
            },
            "image": {
                "display_name": "Image",
                "choices": {"base": {"display_name": "Base", "values": {"image": {"tag": "base"}}}},
                "unlisted_choice": {
                    "enabled": True,
                    "validation_regex": "^[a-z0-9.-]+$",
                    "values": {"image": {"tag": "{value}"}, "site": {"tier": "custom-{value}"}},
                },
            },
        },
    },
]


def spawner(kube: KubeTarget | None = None, options: dict[str, Any] | None = None, **traits: Any) -> Any:
    c = Config()
    c.KubeSpawner.profile_list = copy.deepcopy(PROFILES)
    c.KubeTemplateSpawner.values = {"site": {"tier": "configured", "base": "configured"}}
    for key, value in traits.items():
        c.KubeTemplateSpawner[key] = value
    if kube is not None:
        c.KubeTemplateSpawner.kubeconfig = kube.kubeconfig
        c.KubeTemplateSpawner.namespace = kube.namespace
    sp = make_spawner(traits=c)
    sp.user_options = options or {}
    return sp


async def values_for(options: dict[str, Any]) -> dict[str, Any]:
    sp = spawner(options=options)
    await sp.load_user_options()
    return dict(await sp.chart_values())


async def test_the_default_profile_overlays_the_configured_values() -> None:
    v = await values_for({})
    assert v["site"] == {"tier": "plain", "keep": "profile", "base": "configured"}


async def test_choices_merge_over_the_profile_in_option_order() -> None:
    v = await values_for({"profile": "lab", "size": "s", "image": "base"})
    assert v["site"] == {"tier": "lab", "keep": "profile", "base": "configured"}
    assert v["resources"]["limits"]["memory"] == "1Gi" and v["image"]["tag"] == "base"
    assert v["service"] == {"enabled": True}
    # The default choice's overlay applies when no choice is given, and the later wins.
    v = await values_for({"profile": "lab"})
    assert v["site"]["tier"] == "lab-l" and v["resources"]["limits"]["memory"] == "8Gi"


async def test_an_unlisted_choice_is_data_in_its_values() -> None:
    v = await values_for({"profile": "lab", "image--unlisted-choice": "2025.1"})
    assert v["image"]["tag"] == "2025.1" and v["site"]["tier"] == "custom-2025.1"


async def test_builtins_and_extra_vars_still_win() -> None:
    sp = spawner(options={"profile": "lab"}, extra_vars={"site": {"tier": "extra"}})
    sp.profile_list[1]["values"]["namespace"] = "elsewhere"
    await sp.load_user_options()
    v = await sp.chart_values()
    assert v["service"] == {"enabled": True}  # the overlay is there...
    assert v["site"] == {"tier": "extra"} and v["namespace"] == sp.namespace  # ...below them


@pytest.mark.slow
@pytest.mark.parametrize(
    "options, message",
    [
        ({"profile": "lab", "size": "xxl"}, "profile lab: option size has no choice 'xxl' (choices: s, l)"),
        ({"size": "xxl", "profile": "lab", "image": "nope"}, "option size has no choice 'xxl'"),
        ({"profile": "lab", "image--unlisted-choice": "Bad Tag"}, "failed validation regex"),
        ({"profile": "nope"}, "No such profile: nope"),
    ],
    ids=["unknown-choice", "first-bad-option", "unlisted-failing-regex", "unknown-profile"],
)
async def test_a_bad_choice_fails_with_400_before_rendering(
    kube: KubeTarget, options: dict[str, Any], message: str
) -> None:
    rendered: list[Any] = []
    sp = spawner(kube, options, post_render_hook=lambda s, objs: rendered.append(objs))
    with pytest.raises(SpawnFailed) as info:
        await sp.start()
    assert info.value.status_code == 400 and message in str(info.value), str(info.value)
    assert rendered == []
    async with await KubeClient.connect(kubeconfig=kube.kubeconfig) as client:
        assert await client.list("v1", "Pod", kube.namespace) == []


@pytest.mark.slow
async def test_a_profile_chart_deploys_more_than_the_pod(kube: KubeTarget) -> None:
    sp = spawner(kube, {"profile": "lab", "size": "s"})
    await sp.start()
    kinds = sorted(f"{r.kind}/{r.name}" for r in sp._state.refs)
    assert sp._state.connection.kind == "Service"
    await sp.stop(now=True)
    assert kinds == ["PersistentVolumeClaim/jupyter-alice", "Pod/jupyter-alice", "Secret/jupyter-alice",
                     "Service/jupyter-alice"]  # fmt: skip
    # The default profile names no chart: the configured (default) chart, which has no Service.
    sp.clear_state()
    sp.user_options = {}
    await sp.start()
    assert sp._state.connection.kind == "Pod"
    assert not [r for r in sp._state.refs if r.kind == "Service"]
    await sp.stop(now=True)


async def test_the_options_form_shows_profiles_with_overlays() -> None:
    sp = spawner()
    form = await sp.get_options_form()
    assert "Lab" in form and "profile-option-lab--size" in form
