"""Template variables, values precedence, release names, state and exit statuses."""

from __future__ import annotations

import re

import pytest

from kts.names import is_valid_object_name
from kts.spawner.contract import ServerObject
from kts.spawner.spawner import _exit_status
from kts.spawner.state import ServerState
from kts.spawner.values import RELEASE_MAX, merge, release_name
from tests.spawner.standalone import make_spawner


async def test_builtin_variables() -> None:
    sp = make_spawner(
        "Alice@x", "gpu", namespace="ns", instance="hub1", cmd=["jupyterhub-singleuser"], args=["--debug"]
    )
    v = await sp.chart_values()
    assert v["unescaped_username"] == v["username"] == "Alice@x"
    assert v["unescaped_servername"] == "gpu"
    assert v["escaped_username"] == "alice-x---" + v["escaped_username"].rsplit("---")[-1]
    assert v["escaped_servername"] == "gpu"
    assert v["escaped_user_server"] == f"{v['escaped_username']}--gpu"
    assert (v["instance"], v["namespace"], v["ip"], v["port"]) == ("hub1", "ns", "0.0.0.0", 8888)
    assert v["env"]["JUPYTERHUB_API_TOKEN"] == "secret-token-value"
    assert v["base_url"] == "/user/Alice@x/gpu/"
    assert v["cmd"] == ["jupyterhub-singleuser"] and v["args"] == ["--debug"]
    assert v["internal_ssl"] == {"enabled": False}
    assert isinstance(v["userid"], int)


async def test_escape_scheme() -> None:
    v = await make_spawner("Bob", slug_scheme="escape").chart_values()
    assert v["escaped_username"] == "-42ob"


async def test_precedence(tmp_path) -> None:
    f1, f2 = tmp_path / "a.yaml", tmp_path / "b.yaml"
    f1.write_text("image: {name: a, tag: '1'}\nport: 1\nkeep: 1\n")
    f2.write_text("image: {tag: '2'}\n")
    sp = make_spawner(
        values_files=[str(f1), str(f2)],
        values={"keep": 2, "image": {"pullPolicy": "Always"}},
        extra_vars={"port": 9999, "extra": True},
    )
    v = await sp.chart_values()
    assert v["image"] == {"name": "a", "tag": "2", "pullPolicy": "Always"}
    assert v["keep"] == 2 and v["port"] == 9999 and v["extra"] is True


async def test_async_extra_vars_sees_spawner() -> None:
    async def extra(spawner):
        return {"who": spawner.user.name, "user_options": {"x": 1}}

    v = await make_spawner("carol", extra_vars=extra).chart_values()
    assert v["who"] == "carol" and v["user_options"] == {"x": 1}


async def test_bad_extra_vars() -> None:
    with pytest.raises(TypeError, match="extra_vars must give a dict"):
        await make_spawner(extra_vars=lambda s: [1]).chart_values()


@pytest.mark.parametrize("user_server", ["alice", "alice--gpu", "x" * 60, "-41lice--gpu", "a.b"])
def test_release_names(user_server: str) -> None:
    name = release_name("jupyter", user_server)
    assert len(name) <= RELEASE_MAX and (is_valid_object_name(name) or "." in name or name[0].isdigit())
    assert name == release_name("jupyter", user_server)
    assert name != release_name("jupyter", user_server + "x")


def test_merge_is_deep_and_copies() -> None:
    base = {"a": {"b": 1, "c": 2}}
    out = merge(base, {"a": {"c": 3}, "d": [1]})
    assert out == {"a": {"b": 1, "c": 3}, "d": [1]} and base == {"a": {"b": 1, "c": 2}}


def test_state_round_trip_keeps_no_secrets() -> None:
    sp = make_spawner()
    ref = ServerObject("v1", "Pod", "jupyter-alice", "ns", "server-stopped")
    sp._state = ServerState(
        namespace="ns", release="r", refs=[ref], connection=ref, running=True, kinds=["v1/Pod"]
    )
    state = sp.get_state()
    assert "secret-token-value" not in repr(state)
    other = make_spawner()
    other.load_state(state)
    assert other._state == sp._state
    other.clear_state()
    assert not other._state.running and other._state.kinds == ["v1/Pod"]


async def test_unknown_state_version_falls_back_to_labels() -> None:
    sp = make_spawner()
    sp.load_state({"kts": {"version": 99}})
    assert sp._state.running and sp._stop_kinds() is None


async def test_poll_without_state_is_stopped() -> None:
    assert await make_spawner().poll() == 0


def _pod(phase: str, state: dict | None = None) -> dict:
    cs = [{"name": "notebook", "state": state or {"running": {}}}]
    return {
        "spec": {"containers": [{"name": "notebook"}]},
        "status": {"phase": phase, "containerStatuses": cs},
    }


@pytest.mark.parametrize(
    ("pod", "code"),
    [
        (_pod("Pending", {"waiting": {"reason": "ContainerCreating"}}), None),
        (_pod("Running"), None),
        (_pod("Running", {"terminated": {"exitCode": 3}}), 3),
        (_pod("Succeeded", {"terminated": {"exitCode": 0}}), 0),
        ({"status": {"phase": "Failed"}}, 1),
    ],
)
def test_exit_status(pod: dict, code: int | None) -> None:
    assert _exit_status(pod) == code


async def test_internal_ssl_files_become_variables(tmp_path) -> None:
    from kts.spawner import charts

    paths = {}
    for key, text in (("keyfile", "KEY"), ("certfile", "CERT"), ("cafile", "CA"), ("hub-ca", "HUB-CA")):
        (tmp_path / key).write_text(text)
        paths[key] = str(tmp_path / key)
    sp = make_spawner()
    sp.internal_ssl = True
    sp.internal_trust_bundles = {"hub-ca": paths.pop("hub-ca")}
    sp.cert_paths = paths
    v = await sp.chart_values()
    assert v["internal_ssl"] == {
        "enabled": True, "key": "KEY", "cert": "CERT", "ca": "CA", "mount_path": "/etc/jupyterhub/ssl",
    }  # fmt: skip
    assert v["env"]["JUPYTERHUB_SSL_CERTFILE"] == "/etc/jupyterhub/ssl/ssl.crt"
    rendered = charts.render(
        charts.load(str(charts.example_chart_path())),
        v,
        release_name="r",
        namespace="ns",
        kube_version=None,
        api_versions=None,
        lookup=None,
    )
    by_kind = {r.body["kind"]: r.body for r in rendered}
    assert by_kind["Secret"]["stringData"]["ssl.crt"] == "CERT"
    mounts = by_kind["Pod"]["spec"]["containers"][0]["volumeMounts"]
    assert {"name": "internal-ssl", "mountPath": "/etc/jupyterhub/ssl", "readOnly": True} in mounts
    # The hub reaches the Pod by the DNS name of a Service named after it, which the certificate holds.
    service = by_kind["Service"]
    assert service["metadata"]["name"] == by_kind["Pod"]["metadata"]["name"] == sp.pod_name
    assert "kubetemplatespawner/connection" not in service["metadata"]["annotations"]
    assert by_kind["Pod"]["metadata"]["annotations"]["kubetemplatespawner/connection"] == "true"


def test_running_servers_from_the_hub_database() -> None:
    from kts.spawner.orphans import running_servers_from_db
    from kts.spawner.ownership import Identity

    running = make_spawner("Dora", "gpu")
    make_spawner("erin", with_server=False)
    found = running_servers_from_db(running.user.db, "jupyter")
    assert Identity("jupyter", "Dora", "gpu").server_id in found
    assert Identity("jupyter", "erin", "").server_id not in found
    assert Identity("other-hub", "Dora", "gpu").server_id not in found


async def test_unreachable_cluster_is_a_spawn_failure(tmp_path) -> None:
    from kts.spawner import SpawnFailed

    sp = make_spawner(kubeconfig=str(tmp_path / "missing-kubeconfig"), in_cluster=False)
    with pytest.raises(SpawnFailed, match="cannot reach Kubernetes") as info:
        await sp.start()
    assert info.value.status_code == 503
    assert await sp.poll() == 0


_TYPED_VALUES = """\
f:
  exp: 1e3
  int: 10
  big: 12345678901
  stamp: 2001-12-14t21:59:43.10-05:00
  date: 2002-12-14
  octal: 0o17
  yes_word: yes
  binary: !!binary aGVsbG8=
  empty:
"""


async def test_values_files_are_decoded_as_helm_decodes_them(tmp_path, chart_factory) -> None:
    """A values file means what it means to Helm: the spawner's decoding is checked against Helm
    decoding the same text as a ``-f`` file, both rendered through the same template by Helm."""
    import helm_python

    from tests.support.oracle import helm_render

    template = "{{- range $k, $v := .Values.f }}\n{{ $k }}: {{ $v }} ({{ typeOf $v }})\n{{- end }}\n"
    chart = chart_factory({"t.yaml": template})
    expected = helm_render(chart, helm_python.values_from_yaml(_TYPED_VALUES))
    assert isinstance(expected, dict), expected
    values_file = tmp_path / "site.yaml"
    values_file.write_text(_TYPED_VALUES)
    values = await make_spawner(values_files=[str(values_file)]).chart_values()
    assert helm_render(chart, {"f": values["f"]}) == expected


async def test_a_broken_values_file_names_the_file(tmp_path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [1, 2\n")
    with pytest.raises(ValueError, match=re.escape(f"values file {bad}: ") + ".*line"):
        await make_spawner(values_files=[str(bad)]).chart_values()
    with pytest.raises(ValueError, match=r"values file .*missing\.yaml"):
        await make_spawner(values_files=[str(tmp_path / "missing.yaml")]).chart_values()


async def test_resource_settings_and_the_raw_environment_are_variables() -> None:
    from_secret = {"valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}}
    environment = {"PLAIN": "x", "FROM": from_secret, "CALLED": lambda spawner: spawner.user.name}
    sp = make_spawner(mem_limit="2G", mem_guarantee="512M", cpu_limit=1.5, cpu_guarantee=1,
                      environment=environment)  # fmt: skip
    v = await sp.chart_values()
    assert (v["mem_limit"], v["mem_guarantee"]) == (str(2 * 1024**3), str(512 * 1024**2))
    assert (v["cpu_limit"], v["cpu_guarantee"]) == ("1.5", "1")
    assert v["environment"] == {"PLAIN": "x", "FROM": from_secret, "CALLED": "alice"}
    bare = await make_spawner().chart_values()
    assert bare["mem_limit"] is None and bare["cpu_guarantee"] is None


async def test_both_slug_schemes_are_variables() -> None:
    """Hubs with users from KubeSpawner <= 6 and 7 reach every user's objects by either scheme,
    computed as KubeSpawner computes them."""
    from kubespawner.slugs import escape_slug, safe_slug

    v = await make_spawner("Bob.B", "gpu").chart_values()
    escaped = v["slugs"]["escape"]
    assert escaped["username"] == escape_slug("Bob.B")
    assert escaped["user_server"] == f"{escaped['username']}--gpu"
    assert v["slugs"]["safe"]["username"] == safe_slug("Bob.B", max_length=48) == v["escaped_username"]
    assert v["slugs"]["safe"]["servername"] == v["slugs"]["escape"]["servername"] == "gpu"


async def test_kubespawner_label_slugs_are_variables() -> None:
    """``slugs.label``: the values KubeSpawner writes in its username and servername labels."""
    from kubespawner.slugs import is_valid_label, safe_slug

    for user, server in [("Bob.B", "gpu"), ("Alice.Smith@example.org", "Lab 1"), ("x" * 70, "")]:
        v = await make_spawner(user, server).chart_values()
        assert v["slugs"]["label"] == {
            "username": safe_slug(user, is_valid=is_valid_label),
            "servername": safe_slug(server, is_valid=is_valid_label),
        }
