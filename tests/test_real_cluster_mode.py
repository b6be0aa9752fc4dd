"""The real-cluster mode (``KTS_TEST_KUBECONFIG``) keeps working although no real cluster is here.

A separate ``kts emulator`` process stands in for the cluster: the tests only get its kubeconfig,
exactly as they would get a real cluster's. A pytest subprocess in that mode collects every engine
and spawner test and runs a subset (``tests.support.real_cluster_probe`` reports what happened).
Checked here: the engine and spawner tests are selected; the ones that need the emulator's
internals are skipped before they start, each with its reason; no test of the mode starts an
emulator of its own; the subset passes against the stand-in and leaves no namespace behind.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
AREAS = ("tests/kube", "tests/spawner")
PROBE = "tests.support.real_cluster_probe"
# What runs against the stand-in: every engine test, the spawner's lifecycle, the hub tests (which
# skip themselves in this mode), one KubeSpawner parity case and real KubeSpawner's own flows.
RUN = [
    "tests/kube/",
    "tests/spawner/test_lifecycle.py::test_start_poll_stop",
    "tests/spawner/test_lifecycle.py::test_pod_failures_are_reported_and_rolled_back",
    "tests/spawner/test_lifecycle.py::test_named_server_and_user_deletion",
    "tests/spawner/test_lifecycle.py::test_leftovers_of_an_earlier_run_are_removed",
    "tests/spawner/test_hub.py",
    "tests/spawner/test_kubespawner_parity.py::test_same_objects_as_kubespawner[z2jh-defaults]",
    "tests/testing/test_kubespawner_client.py",
]
# The stand-in runs no containers: what needs a container's own command to run (and crash, or
# exit) passes only on a real cluster, or on the emulator in its run_pods mode.
NEEDS_RUNNING_CONTAINERS = [
    "tests/spawner/test_lifecycle.py::test_pod_failures_are_reported_and_rolled_back[crash-loop",
    "tests/testing/test_kubespawner_client.py::test_a_server_that_exits",
    "tests/testing/test_kubespawner_client.py::test_a_crashing_server",
]
# Words a skip's reason must contain: it says the test needs the emulator or cannot run in this mode.
REASON_WORDS = ("emulator", "cluster")


@pytest.fixture(scope="module")
def stand_in(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A ``kts emulator`` process; yields its kubeconfig."""
    kubeconfig = tmp_path_factory.mktemp("stand-in") / "kubeconfig"
    kts = Path(sys.executable).with_name("kts")
    argv = (
        [str(kts)]
        if kts.exists()
        else [sys.executable, "-c", "import sys; from kts.cli import main; sys.exit(main())"]
    )
    proc = subprocess.Popen(
        [*argv, "emulator", "--kubeconfig", str(kubeconfig), "--pod-ready-delay", "0.2"],
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while not kubeconfig.exists():
            assert proc.poll() is None, f"kts emulator exited: {proc.stderr.read() if proc.stderr else ''}"
            assert time.monotonic() < deadline, "kts emulator wrote no kubeconfig in 30 s"
            time.sleep(0.05)
        yield kubeconfig
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def report(stand_in: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("report") / "report.json"
    env = {
        **os.environ,
        "KTS_TEST_KUBECONFIG": str(stand_in),
        "KTS_REAL_MODE_REPORT": str(out),
        "KTS_REAL_MODE_RUN": ",".join([*RUN, *("!" + n for n in NEEDS_RUNNING_CONTAINERS)]),
    }
    pytest_argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", PROBE]
    run = subprocess.run(
        [*pytest_argv, *AREAS, "tests/testing/test_kubespawner_client.py"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert out.exists(), (
        f"pytest in real-cluster mode wrote no report:\n{run.stdout[-4000:]}\n{run.stderr[-4000:]}"
    )
    data: dict[str, Any] = json.loads(out.read_text())
    data["exit_status"], data["output"] = run.returncode, run.stdout[-6000:]
    return data


def _modules(area: str) -> set[str]:
    return {str(p.relative_to(ROOT)) for p in (ROOT / area).glob("test_*.py")}


def _in_areas(nodeid: str) -> bool:
    return nodeid.startswith(tuple(a + "/" for a in AREAS))


@pytest.mark.slow
def test_every_engine_and_spawner_module_is_selected(report: dict[str, Any]) -> None:
    collected = report["collected"]
    for area in AREAS:
        modules = _modules(area)
        assert modules, f"no test modules under {area}"
        seen = {n.split("::")[0] for n in collected}
        assert modules <= seen, f"not collected in real-cluster mode: {sorted(modules - seen)}"
    runnable = [n for n, v in collected.items() if _in_areas(n) and v["static_skip"] is None]
    assert len(runnable) >= 0.8 * len([n for n in collected if _in_areas(n)])


@pytest.mark.slow
def test_emulator_only_tests_are_skipped_with_their_reason(report: dict[str, Any]) -> None:
    collected = report["collected"]
    skipped = {n: v["static_skip"] for n, v in collected.items() if v["static_skip"] is not None}
    # the fault-injection tests of the spawner are known by their marker; they must be among the skipped
    assert any("test_lifecycle.py" in n for n in skipped) and any("test_isolation.py" in n for n in skipped)
    for nodeid, reason in skipped.items():
        assert any(w in reason for w in REASON_WORDS), (
            f"{nodeid} is skipped without a clear reason: {reason!r}"
        )
    for nodeid, outcome in report["outcomes"].items():
        if outcome["outcome"] == "skipped":
            assert any(w in outcome["reason"] for w in REASON_WORDS), (nodeid, outcome["reason"])


@pytest.mark.slow
def test_selected_tests_need_nothing_emulator_only(report: dict[str, Any]) -> None:
    collected = report["collected"]
    direct = [
        n
        for n, v in collected.items()
        if _in_areas(n) and v["static_skip"] is None and "kube_emulator" in v["fixtures"]
    ]
    assert direct == [], f"these ask for the emulator itself yet run against a real cluster: {direct}"
    assert report["emulators"] == [], (
        f"tests started an in-process emulator in real-cluster mode: {report['emulators']}"
    )


@pytest.mark.slow
def test_the_subset_passes_against_the_stand_in(report: dict[str, Any], stand_in: Path) -> None:
    outcomes = report["outcomes"]
    failed = {n: o["detail"] for n, o in outcomes.items() if o["outcome"] == "failed"}
    assert not failed, "failed in real-cluster mode:\n" + "\n\n".join(f"{n}\n{d}" for n, d in failed.items())
    assert report["exit_status"] == 0, report["output"]
    ran = [n for n, o in outcomes.items() if o["outcome"] == "passed"]
    for prefix in RUN:
        assert any(n.startswith(prefix) for n in outcomes), f"nothing of {prefix} ran"
    assert any(n.startswith("tests/kube/") for n in ran) and any(n.startswith("tests/spawner/") for n in ran)
    assert any("test_kubespawner_client" in n for n in ran)
    # the fault-injection tests of the engine skip themselves at run time, saying why
    assert any(o["outcome"] == "skipped" and n.startswith("tests/kube/") for n, o in outcomes.items())
    # every test cleaned up after itself: the stand-in holds only its own namespaces
    server = yaml.safe_load(stand_in.read_text())["clusters"][0]["cluster"]["server"]
    import urllib.request

    with urllib.request.urlopen(server + "/api/v1/namespaces", timeout=10) as r:
        items = json.load(r)["items"]
    live = [ns["metadata"]["name"] for ns in items if ns.get("status", {}).get("phase") != "Terminating"]
    assert not [n for n in live if n.startswith("kts-test-")], f"namespaces left behind: {live}"
