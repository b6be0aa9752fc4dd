"""The base install renders charts; the engine, emulator, spawner and demo name the extra they need."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Top-level modules that only the extras install.
EXTRA_MODULES = ("aiohttp", "jupyter_server", "jupyterhub", "jupyterlab", "kubernetes_asyncio", "kubespawner",
                 "tornado", "traitlets")


def _run(code: str, blocked: tuple[str, ...]) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter in which importing any of ``blocked`` fails."""
    prelude = f"import sys\nfor _m in {blocked!r}:\n    sys.modules[_m] = None\n"
    return subprocess.run([sys.executable, "-c", prelude + code], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


_IMPORT = ("try:\n    import {module}\n"
           "except ImportError as exc:\n    print(type(exc).__name__, exc.name, exc)\n")


@pytest.mark.slow
@pytest.mark.parametrize(("module", "blocked", "extra"), [
    ("kts.kube", ("kubernetes_asyncio",), "kube"),
    ("kts.kube", ("aiohttp",), "kube"),
    ("kts.testing", ("aiohttp",), "kube"),
    ("kts.testing.emulator", ("kubernetes_asyncio",), "kube"),
    ("kts.spawner", ("jupyterhub",), "spawner"),
    ("kts.spawner", ("kubespawner",), "spawner"),
    ("kts.spawner", ("kubernetes_asyncio",), "spawner"),
    ("kts.spawner.spawner", ("traitlets",), "spawner"),
])
def test_import_without_extra_names_it(module: str, blocked: tuple[str, ...], extra: str) -> None:
    out = _run(_IMPORT.format(module=module), blocked)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == (
        f"ModuleNotFoundError {blocked[0]} {'.'.join(module.split('.')[:2])} needs {blocked[0]}, "
        f"which is not installed: pip install 'jupyterhub-kts[{extra}]'"
    )


@pytest.mark.slow
def test_kts_defects_are_not_reported_as_missing_extras() -> None:
    out = _run(_IMPORT.format(module="kts.kube"), ("kts.kube.client",))
    assert out.stdout.startswith("ModuleNotFoundError kts.kube.client "), out.stdout + out.stderr
    assert "jupyterhub-kts[" not in out.stdout


@pytest.mark.slow
def test_renderer_needs_no_extra() -> None:
    code = ("import kts\nfrom kts.cli import main\n"
            "assert kts.render_objects('fixtures/charts/basic', release_name='web')\n"
            "sys.exit(main(['template', 'web', 'fixtures/charts/basic']))\n")
    out = _run(code, EXTRA_MODULES)
    assert out.returncode == 0, out.stderr
    assert "# Source: basic/templates/configmap.yaml" in out.stdout
    loaded = _run("import kts.cli, kts.helm.api\nprint(*sys.modules)", ()).stdout.split()
    assert not set(EXTRA_MODULES) & set(loaded)


@pytest.mark.slow
@pytest.mark.parametrize(("command", "blocked", "extra"), [
    ("emulator", ("aiohttp",), "kube"),
    ("emulator", ("kubernetes_asyncio",), "kube"),
    ("demo", ("jupyterhub",), "demo"),
    ("demo", ("jupyter_server",), "demo"),
    ("demo", ("jupyterlab",), "demo"),
])
def test_command_without_extra_says_so(command: str, blocked: tuple[str, ...], extra: str) -> None:
    out = _run(f"from kts.cli import main\nsys.exit(main([{command!r}, '--help']))\n", blocked)
    assert (out.returncode, out.stdout) == (1, "")
    assert out.stderr == (f"Error: kts {command} needs {blocked[0]}, which is not installed: "
                          f"pip install 'jupyterhub-kts[{extra}]'\n")


def test_extras() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    base = {dep.split(">")[0].split("=")[0] for dep in project["dependencies"]}
    assert base == {"pyyaml", "google-re2", "cryptography", "bcrypt", "jsonschema"}
    extras = project["optional-dependencies"]
    assert "jupyterhub-kts[kube]" in extras["spawner"]
    assert "jupyterhub-kts[spawner]" in extras["demo"]
    assert "jupyterhub-kts[demo]" in extras["test"]
    spawners = project["entry-points"]["jupyterhub.spawners"]
    assert spawners == {"kubetemplate": "kts.spawner:KubeTemplateSpawner"}
    assert project["license"] == "BSD-3-Clause"
    assert (ROOT / "LICENSE").read_text().startswith("BSD 3-Clause License")
