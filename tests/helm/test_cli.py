"""``kts template`` against real Helm's dry-run install manifest (hooks appended as template.go does)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from kts import cli
from kts.helm.manifests import frame, notes_dropped, sort_manifests
from tests.helm.cases import VALUE_SETS, fixture
from tests.support.oracle import HelmFailure, helm_manifest, helm_render

CASES = [(name, i) for name, sets in VALUE_SETS.items() for i in range(len(sets))
         if not name.endswith(".tgz") or i == 0]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def expected_stream(chart: Path, values: dict, release: str = "release-name", namespace: str = "default",
                    skip_tests: bool = False, no_hooks: bool = False) -> str:
    release_obj = helm_manifest(chart, values, release_name=release, namespace=namespace)
    assert not isinstance(release_obj, HelmFailure), release_obj
    text = release_obj["manifest"].strip() + "\n"
    if no_hooks:
        return text
    rendered = helm_render(chart, values, release_name=release, namespace=namespace)
    assert isinstance(rendered, dict)
    hooks, _ = sort_manifests(notes_dropped(rendered))
    for h in hooks:
        if skip_tests and "test" in h.events:
            continue
        text += frame(h.path, h.content)
    return text


@pytest.mark.slow
@pytest.mark.parametrize(("chart", "index"), CASES, ids=[f"{c}-{i}" for c, i in CASES])
def test_template_stream_matches_helm(chart: str, index: int, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    values = VALUE_SETS[chart][index]
    vfile = tmp_path / "values.json"
    vfile.write_text(json.dumps(values))
    code, out, err = run(["template", str(fixture(chart)), "-f", str(vfile)], capsys)
    assert (code, err) == (0, "")
    assert out == expected_stream(fixture(chart), values)


def test_name_namespace_and_hook_flags(capsys: pytest.CaptureFixture[str]) -> None:
    chart = fixture("crds-hooks")
    code, out, _ = run(["template", "myrel", str(chart), "-n", "team", "--skip-tests"], capsys)
    assert code == 0
    assert out == expected_stream(chart, {}, release="myrel", namespace="team", skip_tests=True)
    code, out, _ = run(["template", str(chart), "--no-hooks"], capsys)
    assert out == expected_stream(chart, {}, no_hooks=True)


def test_hooks_follow_manifests_in_install_order(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["template", str(fixture("crds-hooks"))], capsys)
    assert code == 0
    hook_part = out[out.index("# Source: crds-hooks/templates/hooks.yaml"):]
    kinds = [line.split(": ")[1] for line in hook_part.splitlines() if line.startswith("kind: ")]
    assert kinds == ["Secret", "ConfigMap", "Pod", "Job"]
    assert "unknown-hook" not in out


def test_include_crds_puts_crds_first(capsys: pytest.CaptureFixture[str]) -> None:
    chart = fixture("crds-hooks")
    code, out, _ = run(["template", str(chart), "--include-crds", "--skip-crds"], capsys)
    assert code == 0
    crds = (chart / "crds/widgets.yaml").read_text(), (chart / "charts/withcrd/crds/gadgets.yml").read_text()
    prefix = (f"---\n# Source: crds-hooks/crds/widgets.yaml\n{crds[0]}\n"
              f"---\n# Source: crds-hooks/charts/withcrd/crds/gadgets.yml\n{crds[1]}\n")
    assert out == prefix + expected_stream(chart, {})


def test_set_flags_apply_in_helm_order(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    chart = fixture("basic")
    (tmp_path / "greeting.txt").write_text("from a file\n")
    argv = ["template", str(chart), "--set", "replicaCount=5,config.big=1000000",
            "--set-string", "config.count=007", "--set-json", 'service={"port":8443}',
            "--set-file", f"config.greeting={tmp_path / 'greeting.txt'}",
            "--set-literal", "nameOverride=lit,eral", "--set", "image.tag=v1"]
    code, out, err = run(argv, capsys)
    assert (code, err) == (0, "")
    assert "replicas: 5\n" in out
    assert 'big: "1000000"' in out  # --set numbers are int64, not float64
    assert 'count: "007"' in out
    assert "port: 8443" in out
    assert "greeting: \"from a file\\n\"" in out
    assert "app.kubernetes.io/name: lit,eral" in out


def test_values_from_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("replicaCount: 9\n"))
    code, out, _ = run(["template", str(fixture("basic")), "-f", "-"], capsys)
    assert code == 0
    assert out == expected_stream(fixture("basic"), {"replicaCount": 9})


def test_show_only_filters_documents(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["template", str(fixture("kinds")), "-s", "templates/b.yaml"], capsys)
    assert code == 0
    assert out.count("# Source: kinds/templates/b.yaml") == 4
    assert "all.yaml" not in out
    code, _, err = run(["template", str(fixture("kinds")), "-s", "templates/none.yaml"], capsys)
    assert code == 1
    assert err == "Error: could not find template templates/none.yaml in chart\n"


def test_output_dir_writes_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_dir = tmp_path / "out"
    code, out, _ = run(["template", "rel", str(fixture("basic")), "--output-dir", str(out_dir),
                        "--release-name"], capsys)
    assert code == 0
    written = out_dir / "rel" / "basic" / "templates" / "service.yaml"
    assert f"wrote {written}\n" in out
    assert written.read_text().startswith("---\n# Source: basic/templates/service.yaml\napiVersion: v1\n")


def test_kube_and_api_versions(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["template", str(fixture("builtins")), "--kube-version", "1.31.2-gke.100",
                        "-a", "example.org/v1,other/v2", "--is-upgrade"], capsys)
    assert code == 0
    assert "|v1.31.2-gke.100|1|31" in out
    assert "gitVersion: v1.31.2-gke.100" in out
    assert 'hasCustom: "true"' in out
    assert "release: \"release-name|default|false|true|1\"" in out
    code, _, err = run(["template", str(fixture("builtins")), "--kube-version", "1.19.0"], capsys)
    assert code == 1
    assert err.startswith("Error: chart requires kubeVersion: >=1.20.0-0 which is incompatible with "
                          "Kubernetes v1.19.0")


def test_errors_go_to_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["template", str(tmp_path / "missing")], capsys)
    assert (code, out) == (1, "")
    assert err == f'Error: path "{tmp_path / "missing"}" not found\n'
    code, _, err = run(["template", "Bad_Name", str(fixture("basic"))], capsys)
    assert code == 1
    assert err.startswith('Error: release name check failed: release name "Bad_Name": invalid release name')
    code, _, err = run(["template", str(fixture("basic")), "--set", "a[x]=1"], capsys)
    assert err == ('Error: failed parsing --set data: error parsing index: strconv.Atoi: parsing "x": '
                   "invalid syntax\n")


def test_name_template_and_generate_name(capsys: pytest.CaptureFixture[str]) -> None:
    name_template = '{{ "abc" | upper | lower }}-x'
    code, out, _ = run(["template", str(fixture("basic")), "--name-template", name_template], capsys)
    assert code == 0
    assert out == expected_stream(fixture("basic"), {}, release="abc-x")
    # helm template presets the release name, so --generate-name leaves "release-name".
    code, out, _ = run(["template", str(fixture("basic")), "--generate-name"], capsys)
    assert out == expected_stream(fixture("basic"), {})
    code, _, err = run(["template", "n", str(fixture("basic")), "--generate-name"], capsys)
    assert (code, err) == (1, "Error: cannot set --generate-name and also specify a name\n")


def test_kube_version_mismatch_suggests_debug(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["template", str(fixture("builtins")), "--kube-version", "v1.19.4-gke.7"], capsys)
    assert code == 1
    assert err == ("Error: chart requires kubeVersion: >=1.20.0-0 which is incompatible with Kubernetes "
                   "v1.19.4-gke.7\n\nUse --debug flag to render out invalid YAML\n")


def test_subcommands_dispatch_lazily(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys
    import types

    seen: list[tuple[str, list[str]]] = []
    for module_name in ("kts.testing.cli", "kts.demo"):
        module = types.ModuleType(module_name)
        module.main = lambda argv, _n=module_name: seen.append((_n, list(argv))) or 0  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, module_name, module)
    assert cli.main(["emulator", "serve", "--port", "1"]) == 0
    assert cli.main(["demo"]) == 0
    assert seen == [("kts.testing.cli", ["serve", "--port", "1"]), ("kts.demo", [])]


def test_unknown_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["bogus"]) == 1
    assert capsys.readouterr().err == 'Error: unknown command "bogus" for "kts"\n'


def test_disabled_subchart_crds_are_left_out(chart_factory, capsys: pytest.CaptureFixture[str]) -> None:
    chart = chart_factory(
        {"cm.yaml": "kind: ConfigMap\napiVersion: v1\nmetadata:\n  name: c\n"},
        chart_yaml=("apiVersion: v2\nname: mychart\nversion: 0.1.0\ndependencies:\n"
                    "- name: sub\n  version: 0.1.0\n  condition: sub.enabled\n"),
        files={"charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
               "charts/sub/crds/thing.yaml": "kind: CustomResourceDefinition\n"})
    code, out, _ = run(["template", str(chart), "--include-crds"], capsys)
    assert code == 0
    assert "# Source: mychart/charts/sub/crds/thing.yaml\nkind: CustomResourceDefinition\n" in out
    code, out, _ = run(["template", str(chart), "--include-crds", "--set", "sub.enabled=false"], capsys)
    assert code == 0
    assert "thing.yaml" not in out
    assert out == expected_stream(chart, {"sub": {"enabled": False}})


def test_help_and_version(capsys: pytest.CaptureFixture[str]) -> None:
    import kts

    code, out, _ = run(["--help"], capsys)
    assert code == 0
    for command in ("template", "emulator", "demo", "help"):
        assert any(line.split()[:1] == [command] and len(line.split()) > 1 for line in out.splitlines())
    assert run(["--version"], capsys) == (0, f"kts {kts.__version__}\n", "")
    code, out, err = run(["help", "template"], capsys)
    assert (code, err) == (0, "")
    assert out.startswith("usage: kts template [NAME] CHART [flags]\n")
    assert run(["template", "--help"], capsys)[1] == out
    parser = cli._template_parser()
    undocumented = [a.option_strings for a in parser._actions
                    if a.option_strings and not (a.help and a.help.strip())
                    and not a.dest.startswith(("refused_", "ignored_"))]
    assert undocumented == []
    for flag in [*cli._REFUSED, *cli._IGNORED]:
        assert flag in out  # listed in the help even though kts refuses or ignores it


@pytest.mark.parametrize(("argv", "message"), [
    (["--x"], "unknown flag: --x"),
    (["--x=1"], "unknown flag: --x"),
    (["--include"], "unknown flag: --include"),  # not an abbreviation of --include-crds
    (["--show"], "unknown flag: --show"),
    (["-z"], "unknown shorthand flag: 'z' in -z"),
    (["--set"], "flag needs an argument: --set"),
    (["--include-crds=maybe"], 'invalid argument "maybe" for "--include-crds" flag: '
                               'strconv.ParseBool: parsing "maybe": invalid syntax'),
    (["--dry-run=none"], 'invalid dry-run value ("none"). Must be "server" or "client"'),
    (["--dry-run=x"], 'invalid dry-run value ("x"). Must be "none", "server", or "client"'),
])
def test_flag_errors_read_like_helm(argv: list[str], message: str,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["template", str(fixture("basic")), *argv], capsys) == (1, "", f"Error: {message}\n")


def test_unknown_top_level_flag(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--x"], capsys) == (1, "", "Error: unknown flag: --x\n")


@pytest.mark.parametrize("argv", [
    ["--dependency-update"], ["--dry-run=server"], ["--validate"], ["--repo", "https://charts.example"],
    ["--version", "1.2.3"], ["--devel"], ["--post-renderer", "kustomize"], ["--enable-dns"],
    ["-f", "https://example.org/values.yaml"], ["--set-file", "a=http://example.org/a.txt"],
])
def test_flags_kts_cannot_honour_are_refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["template", str(fixture("basic")), *argv], capsys)
    assert (code, out) == (1, "")
    assert err.startswith("Error: ") and err.count("\n") == 1
    assert "kts" in err and "Traceback" not in err
    if argv[0] == "--dependency-update":
        assert "charts/" in err


@pytest.mark.parametrize("ref", ["oci://registry.example/charts/web", "https://example.org/web-1.0.0.tgz",
                                 "bitnami/nginx"])
def test_remote_chart_references_are_refused(ref: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["template", ref], capsys)
    assert (code, out) == (1, "")
    assert ref in err and "helm pull" in err


def test_flags_without_effect_offline_are_accepted(capsys: pytest.CaptureFixture[str]) -> None:
    chart = fixture("basic")
    argv = ["template", "--dry-run", str(chart), "--dry-run=client", "--wait", "--timeout", "5m",
            "-l", "a=b", "--kube-context=ctx", "--create-namespace", "--include-crds=false",
            "--no-hooks=true", "--set=replicaCount=2", "--atomic"]
    code, out, err = run(argv, capsys)
    assert (code, err) == (0, "")
    assert out == expected_stream(chart, {"replicaCount": 2}, no_hooks=True)


def test_flag_values_may_start_with_a_dash(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["template", str(fixture("basic")), "--name-template", "-x"], capsys)
    assert (code, err) == (1, 'Error: release name check failed: release name "-x": invalid release name, '
                              f"must match regex {cli._RELEASE_NAME_RE} and the length must not be longer "
                              "than 53\n")
    code, out, _ = run(["template", str(fixture("basic")), "-n", "-ns"], capsys)
    assert (code, out) == (0, expected_stream(fixture("basic"), {}, namespace="-ns"))


def test_output_dir_under_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    code, _, err = run(["template", str(fixture("basic")), "--output-dir", str(blocker / "out")], capsys)
    assert code == 1
    assert err.startswith("Error: mkdir ") and err.endswith(": not a directory\n")


def test_interrupt_exits_quietly(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def interrupted(*_args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "run_template", interrupted)
    assert run(["template", str(fixture("basic"))], capsys) == (130, "", "")


def test_malformed_schema_is_an_error_not_a_crash(chart_factory, capsys: pytest.CaptureFixture[str]) -> None:
    chart = chart_factory({"a.yaml": "a: {{ .Values.a }}\n"}, values="a: 1\n",
                          files={"values.schema.json": '{"type": '})
    code, out, err = run(["template", str(chart)], capsys)
    assert (code, out) == (1, "")
    failure = helm_manifest(chart, {})
    assert isinstance(failure, HelmFailure)
    assert err == f"Error: {failure.message}\n"
