"""The example chart: kts renders it exactly as Helm does, it meets the contract, and the copy
shipped in the package is the fixture."""

from __future__ import annotations

import filecmp
from pathlib import Path

import pytest

from kts.spawner import charts
from kts.spawner.contract import Rules, check
from tests.spawner.standalone import make_spawner
from tests.support.oracle import helm_render

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "charts" / "singleuser"


def test_packaged_copy_is_the_fixture() -> None:
    cmp = filecmp.dircmp(FIXTURE, charts.example_chart_path())
    assert not cmp.left_only and not cmp.right_only and not cmp.diff_files
    sub = cmp.subdirs["templates"]
    assert not sub.left_only and not sub.right_only and not sub.diff_files


@pytest.mark.slow
@pytest.mark.parametrize(
    ("user", "server", "values"),
    [
        ("alice", "", {}),
        ("Alice@example.org", "gpu", {"service": {"enabled": True}}),
        ("yes", "", {"storage": {"perUser": True, "storageClassName": "fast"}, "envFromSecret": False}),
        ("{{ .Values }}", "null", {"storage": {"enabled": False}}),
        ("🐧", "", {"image": {"name": "img", "tag": 3.10}}),
    ],
)
async def test_renders_like_helm_and_meets_the_contract(user: str, server: str, values: dict) -> None:
    sp = make_spawner(user, server, namespace="ns", values=values)
    chart_values = await sp.chart_values()
    release = "jupyter-test"
    ours = charts.load(str(FIXTURE)).render(chart_values, release_name=release, namespace="ns")
    theirs = helm_render(FIXTURE, chart_values, release_name=release, namespace="ns")
    assert isinstance(theirs, dict), theirs
    assert ours == theirs
    rendered = charts.render(
        charts.load(str(FIXTURE)), chart_values, release_name=release, namespace="ns",
        kube_version=None, api_versions=None, lookup=None,
    )  # fmt: skip
    names = sp.server_names
    checked = check(rendered, Rules(instance="jupyter", username=names.username, servername=names.servername,
                                    namespace="ns"))  # fmt: skip
    pod = next(b for b in checked.bodies if b["kind"] == "Pod")
    assert pod["metadata"]["annotations"]["hub.jupyter.org/username"] == user
    claim = [v for v in pod["spec"].get("volumes", []) if "persistentVolumeClaim" in v]
    pvcs = [b for b in checked.bodies if b["kind"] == "PersistentVolumeClaim"]
    assert [c["persistentVolumeClaim"]["claimName"] for c in claim] == [p["metadata"]["name"] for p in pvcs]
    expected_kind = "Service" if values.get("service", {}).get("enabled") else "Pod"
    assert checked.connection.kind == expected_kind
