"""``kts lint`` and ``kts.helm.lint_chart`` against real Helm's lint (helm-python-sdk's ``lint``)."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from typing import Any

import helm_python
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kts import cli
from kts.helm import Severity, lint_chart
from tests.helm.test_scaffold import FEATURES as SCAFFOLD_FEATURES

ROOT = Path(__file__).resolve().parent.parent.parent
LINT_FIXTURES = sorted(p for p in (ROOT / "fixtures" / "lint").iterdir() if p.is_dir())
CHART_FIXTURES = sorted((ROOT / "fixtures" / "charts").iterdir())
_SCHEMA_LINES = re.compile(r"(?:^- at .*\n)+", re.M)
_SCRATCH = re.compile(r"/[^\s]*/helm-lint[^/]*/")


def _stable(text: str) -> str:
    # Helm's schema validator reports sibling properties in Go map order, which varies run to run,
    # and an archive is unpacked into a fresh temporary directory.
    text = _SCRATCH.sub("SCRATCH/", text)
    return _SCHEMA_LINES.sub(lambda m: "".join(sorted(m.group(0).splitlines(keepends=True))), text)


def helm_lint(path: Path, **kw: Any) -> tuple[list[tuple[int, str, str]], list[str], int]:
    report = helm_python.lint(str(path), namespace="default", **kw)
    messages = [(m["severity"], _stable(m["path"]), _stable(m["error"])) for m in report["messages"]]
    return messages, [_stable(e) for e in report["errors"]], report["total_charts_linted"]


def kts_lint(path: Path, **kw: Any) -> tuple[list[tuple[int, str, str]], list[str], int]:
    from kts.helm.render import json_values

    values = kw.pop("values", None)  # typed as the SDK passes them to Helm: JSON, numbers float64
    result = lint_chart(path, json_values(values) if values else None, namespace="default", **kw)
    messages = [(int(m.severity), _stable(m.path), _stable(m.text)) for m in result.messages]
    return messages, [_stable(e) for e in result.errors], int(result.linted)


@pytest.mark.slow
@pytest.mark.parametrize("strict", [False, True], ids=["default", "strict"])
@pytest.mark.parametrize("chart", LINT_FIXTURES + CHART_FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_lint_matches_helm(chart: Path, strict: bool) -> None:
    assert kts_lint(chart, strict=strict) == helm_lint(chart, strict=strict)


@pytest.mark.parametrize(("chart", "values"), [
    ("values-schema", {"replicas": 3, "image": {"tag": "v1"}}),
    ("required-fail", {"image": "web", "enabled": True}),
    ("render-error", {"missing": {"name": "Found"}}),
])
def test_user_values_take_part(chart: str, values: dict[str, Any]) -> None:
    path = ROOT / "fixtures" / "lint" / chart
    assert kts_lint(path, values=values) == helm_lint(path, values=values)
    assert kts_lint(path, values=values) != kts_lint(path)


def test_kube_version_and_skip_schema_validation() -> None:
    path = ROOT / "fixtures" / "lint" / "values-schema"
    assert kts_lint(path, skip_schema_validation=True) == helm_lint(path, skip_schema_validation=True)
    kube = ROOT / "fixtures" / "lint" / "kube-version"
    assert kts_lint(kube, kube_version="v1.19.0") == helm_lint(kube, kube_version="v1.19.0")


def _chart_yaml_with(tmp_path: Path, body: str) -> Path:
    chart = tmp_path / "c"
    (chart / "templates").mkdir(parents=True, exist_ok=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: c\n" + body)
    (chart / "values.yaml").write_text("")
    return chart


EMAILS = ["ada@example.com", "Ada@Example.COM", "a.b+c@ex-ample.co.uk", "ada@localhost", "ada@@example.com",
          "ada example@x.com", "ada@ex_ample.com", "ada@example.c0m", "ada@example.com.", "ada.@example.com",
          "é@exämple.com", "a@b.c"]
URLS = ["https://example.com", "http://example.com/path?q=1#f", "example.com", "ftp://example.com",
        "https://localhost", "https://example.com:8080/x", "example.com:8080", "mailto:ada@example.com",
        "https://exa mple.com", "https://1.2.3.4/", "www", "https://user:pw@example.com",
        "HTTPS://EXAMPLE.COM", "https://ex_ample.com"]
REQUEST_URLS = ["https://example.com", "example.com", "mailto:x", "/just/a/path", "http://",
                "https://exa mple.com/", "https://example.com/a b", "https://ex%zzample.com", "https://ex:port/",
                "git+ssh://git@github.com/x", "https://[::1]:80/", "1http://x", ":x"]
VERSIONS = ["0.0.0", "0.0.0-0", "1.2.3-rc.1+b.5", "01.2.3", "v1.2.3", "1.2", "1.2.3.4", "x", "", "1.2.3-01",
            "1.2.3-0a", "1.2.3+01", "99999999999999999999.0.0"]


@pytest.mark.parametrize("email", EMAILS)
def test_maintainer_emails(email: str, tmp_path: Path) -> None:
    chart = _chart_yaml_with(tmp_path, f"version: 0.1.0\nmaintainers:\n- name: a\n"
                                       f"  email: {json.dumps(email)}\n")
    assert kts_lint(chart) == helm_lint(chart)


@pytest.mark.parametrize("url", URLS)
def test_maintainer_urls(url: str, tmp_path: Path) -> None:
    chart = _chart_yaml_with(tmp_path, f"version: 0.1.0\nmaintainers:\n- name: a\n  url: {json.dumps(url)}\n")
    assert kts_lint(chart) == helm_lint(chart)


@pytest.mark.parametrize("url", REQUEST_URLS)
def test_icon_and_source_urls(url: str, tmp_path: Path) -> None:
    chart = _chart_yaml_with(tmp_path, f"version: 0.1.0\nicon: {json.dumps(url)}\n"
                                       f"sources: [{json.dumps(url)}]\n")
    assert kts_lint(chart) == helm_lint(chart)


@pytest.mark.parametrize("version", VERSIONS)
def test_versions(version: str, tmp_path: Path) -> None:
    chart = _chart_yaml_with(tmp_path, f"version: {json.dumps(version)}\n")
    assert kts_lint(chart) == helm_lint(chart)


def test_archive_is_linted_like_its_directory() -> None:
    archive = ROOT / "fixtures" / "charts" / "packed-0.2.0.tgz"
    assert lint_chart(archive).linted
    assert kts_lint(archive) == helm_lint(archive)


def test_cli_output_reads_like_helm(capsys: pytest.CaptureFixture[str]) -> None:
    clean, names, missing = (str(ROOT / "fixtures" / "lint" / n) for n in ("clean", "names", "absent"))
    assert cli.main(["lint", clean]) == 0
    out, err = capsys.readouterr()
    assert (out, err) == (f"==> Linting {clean}\n\n1 chart(s) linted, 0 chart(s) failed\n", "")
    assert cli.main(["lint", clean, "--quiet"]) == 0
    assert capsys.readouterr() == ("", "")
    assert cli.main(["lint", names, "--strict", missing]) == 1
    out, err = capsys.readouterr()
    expected = [f"==> Linting {names}", *(str(m) for m in lint_chart(names).messages), "",
                f"==> Linting {missing}",
                f"Error unable to check Chart.yaml file in chart: stat {missing}/Chart.yaml: no such file or "
                "directory", "", ""]
    assert out == "\n".join(expected)
    assert err == "Error: 2 chart(s) linted, 2 chart(s) failed\n"


def test_cli_logs_required_and_fail_and_takes_values(capsys: pytest.CaptureFixture[str]) -> None:
    chart = str(ROOT / "fixtures" / "lint" / "required-fail")
    assert cli.main(["lint", chart]) == 0
    out, err = capsys.readouterr()
    assert "[WARNING] templates/cm.yaml" in out
    assert err == ('level=WARN msg="missing required value" message="image.name is required"\n'
                   'level=WARN msg="missing required values" message="an empty string is refused too"\n'
                   'level=INFO msg="funcMap fail" message="enable me"\n')
    assert cli.main(["lint", chart, "--set", "image=web,enabled=true", "--quiet"]) == 0
    assert capsys.readouterr() == ("", 'level=WARN msg="missing required values" '
                                       'message="an empty string is refused too"\n')


def test_cli_with_subcharts(capsys: pytest.CaptureFixture[str]) -> None:
    chart = ROOT / "fixtures" / "lint" / "deps"
    assert cli.main(["lint", str(chart), "--with-subcharts"]) == 1  # deps does not declare stray
    out, err = capsys.readouterr()
    linted = [line.removeprefix("==> Linting ") for line in out.splitlines() if line.startswith("==> ")]
    assert linted == [str(chart), str(chart / "charts" / "present"), str(chart / "charts" / "stray")]
    assert err == "Error: 3 chart(s) linted, 1 chart(s) failed\n"


@pytest.mark.parametrize(("argv", "message"), [
    (["lint"], '"kts lint" requires at least 1 argument'),
    (["lint", "x", "--kube-version", "nope"],
     "invalid kube version 'nope': could not parse \"nope\" as version"),
    (["lint", "x", "--set-json", "a=nojson"], "failed parsing --set-json data a=nojson"),
    (["lint", "x", "--bogus"], "unknown flag: --bogus"),
])
def test_cli_errors(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(argv) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.startswith(f"Error: {message}") and "Traceback" not in err


def test_lint_never_raises_on_findings() -> None:
    result = lint_chart(ROOT / "fixtures" / "lint" / "chartfile-yaml")
    assert result.failed and all(m.severity == Severity.ERROR for m in result.messages if "YAML" in m.text)


def _candidate_kinds() -> list[tuple[str, str]]:
    """Every built-in kind of Kubernetes 1.25-1.37 (kubernetes-validate's schemas) and of kts's table."""
    import kubernetes_validate

    from kts.helm.lint_deprecations import LIFECYCLES

    found = set(LIFECYCLES)
    for definitions in Path(kubernetes_validate.__file__).parent.glob("kubernetes-json-schema/*-local/"
                                                                      "_definitions.json"):
        for schema in json.loads(definitions.read_text())["$defs"].values():
            for gvk in schema.get("x-kubernetes-group-version-kind", []):
                group_version = f"{gvk['group']}/{gvk['version']}" if gvk["group"] else gvk["version"]
                found.add((group_version, gvk["kind"]))
    return sorted(found)


@pytest.mark.slow
@pytest.mark.parametrize("kube_version", [None, "v1.16.0", "v1.22.0", "v1.29.3", "v1.40.0"])
def test_deprecated_api_versions(kube_version: str | None, tmp_path: Path) -> None:
    chart = _chart_yaml_with(tmp_path, "version: 0.1.0\nicon: https://example.com/i.png\n")
    docs = [f"apiVersion: {av}\nkind: {kind}\nmetadata:\n  name: x\n"
            "spec:\n  selector:\n    matchLabels: {}\n" for av, kind in _candidate_kinds()]
    (chart / "templates" / "all.yaml").write_text("---\n".join(docs))
    kw = {"kube_version": kube_version} if kube_version else {}
    expected = helm_lint(chart, **kw)
    assert any("is deprecated in" in text for _, _, text in expected[0])
    assert kts_lint(chart, **kw) == expected


def test_with_subcharts_walks_in_go_order(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Directories and archives interleave by name, depth first, as filepath.Walk visits them."""
    top = tmp_path / "top"
    for rel in ("", "charts/a", "charts/a/charts/nested", "charts/c"):
        (top / rel).mkdir(parents=True, exist_ok=True)
        (top / rel / "Chart.yaml").write_text(f"apiVersion: v2\nname: {(top / rel).name}\nversion: 0.1.0\n")
    (top / "charts" / "b.tgz").write_bytes((ROOT / "fixtures" / "charts" / "packed-0.2.0.tgz").read_bytes())
    cli.main(["lint", str(top), "--with-subcharts"])
    out, _ = capsys.readouterr()
    linted = [line.removeprefix("==> Linting ") for line in out.splitlines() if line.startswith("==> ")]
    assert linted == [str(top / p) if p else str(top) for p in
                      ("", "charts/a", "charts/a/charts/nested", "charts/b.tgz", "charts/c")]


def test_cli_accepts_helm_global_flags_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    clean = str(ROOT / "fixtures" / "lint" / "clean")
    assert cli.main(["lint", clean, "--kubeconfig", "/nowhere", "--kube-context=x", "--qps", "5"]) == 0
    assert capsys.readouterr().out.endswith("1 chart(s) linted, 0 chart(s) failed\n")
    assert cli.main(["help", "lint"]) == 0
    assert "--with-subcharts" in capsys.readouterr().out


@pytest.mark.parametrize("data", [b"", b"garbage", b"not a gzip stream at all", "gzip-not-tar", "missing"])
def test_unusable_archives_are_reported_like_helm(data: bytes | str, tmp_path: Path) -> None:
    import gzip

    archive = tmp_path / "chart.tgz"
    if data == "gzip-not-tar":
        archive.write_bytes(gzip.compress(b"just text, not a tar archive\n" * 40))
    elif data != "missing":
        assert isinstance(data, bytes)
        archive.write_bytes(data)
    assert kts_lint(archive) == helm_lint(archive)
    assert not lint_chart(archive).linted


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(data=st.data())
def test_mutated_charts_are_linted_never_crash(data: st.DataObject) -> None:
    """Whatever a chart's files hold, lint reports findings, never raises (an engine defect would)."""
    from tests.helm.test_chart_fuzz import ALPHABET, CHART, MUTABLE, _write

    files = {k: v.encode() for k, v in CHART.items()}
    name = data.draw(st.sampled_from([*MUTABLE, "templates/cm.yaml"]))
    raw = bytearray(files[name])
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(raw)))
        raw[at:at + data.draw(st.integers(0, 3))] = data.draw(ALPHABET)
    files[name] = bytes(raw)
    with tempfile.TemporaryDirectory() as tmp:
        result = lint_chart(_write(Path(tmp), files))
    assert result.linted
    assert all(isinstance(m.severity, Severity) and m.text for m in result.messages)


@pytest.mark.slow
@pytest.mark.parametrize("index", range(len(SCAFFOLD_FEATURES)))
def test_helm_create_scaffold(index: int, tmp_path: Path) -> None:
    helm_python.Chart.create("scaffold", str(tmp_path))
    chart = tmp_path / "scaffold"
    values = SCAFFOLD_FEATURES[index]
    for strict in (False, True):
        assert kts_lint(chart, values=values, strict=strict) == helm_lint(chart, values=values, strict=strict)


def test_cli_namespace_reaches_the_release(monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    names = ROOT / "fixtures" / "lint" / "names"
    monkeypatch.setenv("HELM_NAMESPACE", "from-env")
    cli.main(["lint", str(names), "-n", "team"])
    assert '"TEST-RELEASE.team"' in capsys.readouterr().out
    cli.main(["lint", str(names)])
    assert '"TEST-RELEASE.from-env"' in capsys.readouterr().out
    assert kts_lint(names) == helm_lint(names)
