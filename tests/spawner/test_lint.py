"""``kts lint --spawner``: a chart rendered for hostile sample servers and every profile, before any
cluster is involved, with each contract violation and shared object reported."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kts.cli import main
from kts.spawner import charts
from kts.spawner.lint import SAMPLE_SERVERS, lint_spawner_chart


def _copy_example(tmp_path: Path) -> Path:
    chart = tmp_path / "chart"
    shutil.copytree(charts.example_chart_path(), chart)
    return chart


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


@pytest.mark.slow
@pytest.mark.parametrize("chart", [charts.default_chart_path(), charts.example_chart_path()],
                         ids=["kubespawner", "example"])
def test_the_shipped_charts_pass(chart: Path) -> None:
    result = lint_spawner_chart(str(chart))
    assert result.findings == []
    assert result.rendered == len(SAMPLE_SERVERS)


@pytest.mark.slow
def test_an_object_every_server_shares_is_reported(tmp_path: Path) -> None:
    chart = _copy_example(tmp_path)
    _replace(chart / "templates" / "secret.yaml", '{{ include "singleuser.name" . }}', "shared-env")
    result = lint_spawner_chart(str(chart))
    assert result.failed
    texts = [f.text for f in result.findings]
    assert len(texts) == len(SAMPLE_SERVERS) - 1  # every server after the first
    assert all("Secret" in t and "shared-env" in t and 'user "alice", server ""' in t for t in texts)


@pytest.mark.slow
def test_a_name_the_chart_does_not_escape_is_refused(tmp_path: Path) -> None:
    chart = _copy_example(tmp_path)
    _replace(chart / "templates" / "_helpers.tpl",
             "hub.jupyter.org/username: {{ .Values.escaped_username | quote }}",
             "hub.jupyter.org/username: {{ .Values.username | quote }}")
    result = lint_spawner_chart(str(chart))
    refused = {f.text.split(":")[0] for f in result.findings}
    assert 'user "alice", server ""' not in refused
    assert 'user "bob.smith@example.com", server ""' in refused
    assert any("hub.jupyter.org/username" in f.text for f in result.findings)


def test_profiles_and_their_choices_are_rendered(tmp_path: Path) -> None:
    chart = _copy_example(tmp_path)
    (chart / "templates" / "check.yaml").write_text(
        '{{- if eq (.Values.size | toString) "huge" }}{{ fail "huge does not fit" }}{{ end }}\n')
    config = tmp_path / "jupyterhub_config.py"
    config.write_text(
        "c.KubeSpawner.profile_list = [\n"
        "  {'display_name': 'Small', 'slug': 'small', 'values': {'size': 'small'}},\n"
        "  {'display_name': 'Sized', 'slug': 'sized', 'profile_options': {'size': {\n"
        "     'display_name': 'Size', 'choices': {\n"
        "        'medium': {'display_name': 'Medium', 'values': {'size': 'medium'}},\n"
        "        'huge': {'display_name': 'Huge', 'values': {'size': 'huge'}}}}}},\n"
        "]\n")
    result = lint_spawner_chart(str(chart), config_file=str(config), samples=(("alice", ""),))
    # the server as it is, each profile, each choice of the one option
    assert result.rendered + len(result.findings) == 1 + 2 + 2
    assert len(result.findings) == 1
    prefix, _, cause = result.findings[0].text.partition(": ")
    assert prefix == 'user "alice", server "", options profile="sized", size="huge"'
    assert "huge does not fit" in cause


@pytest.mark.slow
def test_the_cli_reports_and_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    chart = _copy_example(tmp_path)
    _replace(chart / "templates" / "secret.yaml", '{{ include "singleuser.name" . }}', "shared-env")
    assert main(["lint", "--spawner", str(chart)]) == 1
    out, err = capsys.readouterr()
    assert f"==> Checking {chart} against KubeTemplateSpawner's contract" in out
    assert "[ERROR] Secret default/shared-env is rendered for" in out
    assert "Error: 1 chart(s) linted, 1 chart(s) failed" in err
    assert main(["lint", "--spawner", str(charts.example_chart_path())]) == 0
    assert main(["lint", "--hub-config", str(tmp_path / "missing.py"), str(chart)]) == 1
    assert "missing.py: no such file or directory" in capsys.readouterr().err


@pytest.mark.slow
def test_values_flags_reach_the_spawner_chart(tmp_path: Path) -> None:
    chart = _copy_example(tmp_path)
    (chart / "templates" / "check.yaml").write_text('{{- $_ := required "team is required" .Values.team }}\n')
    failing = lint_spawner_chart(str(chart), samples=(("alice", ""),))
    assert [f.severity for f in failing.findings] == ["ERROR"]
    assert "team is required" in failing.findings[0].text
    passing = lint_spawner_chart(str(chart), values={"team": "a"}, samples=(("alice", ""),))
    assert passing.findings == [] and passing.rendered == 1
