"""Chart loading: file routing, .helmignore, hidden templates, archives, v1 charts, .Files scoping."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from kts.helm import loader
from kts.helm.api import load_chart
from kts.helm.ignore import Rules
from tests.helm.cases import fixture
from tests.support.oracle import helm_render

LISTING = '{{ range $p, $_ := .Files }}{{ $p }}\n{{ end }}'


def test_files_routing_and_helmignore(chart_factory) -> None:
    chart = chart_factory(
        {"list.txt": LISTING, ".hidden.yaml": "hidden: true", "sub/deep.yaml": "deep: {{ .Template.Name }}",
         "NOTES.txt": "notes {{ .Release.Name }}"},
        values="a: 1\n",
        files={".helmignore": "*.log\nbuild/\n/top.txt\n", "README.md": "r", "app.log": "x",
               "keep.log": "k", "build/out.txt": "o", "top.txt": "t", "nested/top.txt": "n",
               "crds/c.yaml": "kind: CustomResourceDefinition", "values.schema.json": "{}",
               "Chart.lock": "dependencies: []\n", "charts/.skipped/Chart.yaml": "junk",
               "charts/_skipped.tgz": "junk", "charts/x.prov": "prov"})
    expected = helm_render(chart, {})
    assert load_chart(chart).render() == expected
    assert "mychart/templates/.hidden.yaml" not in expected


def test_rules_match_like_helm() -> None:
    rules = Rules("*.txt\ndir/\n/rooted\nsub/*.md\n# comment\n")
    assert rules.ignore("a.txt", False)
    assert rules.ignore("x/a.txt", False)
    assert rules.ignore("dir", True)
    assert not rules.ignore("dir", False)
    assert rules.ignore("rooted", False)
    assert not rules.ignore("x/rooted", False)
    assert rules.ignore("sub/a.md", False)
    assert not rules.ignore("other/sub/a.md", False)
    assert rules.ignore("templates/.hidden", False)
    assert not rules.ignore(".", True)
    # Helm's negation ignores everything the pattern does not match.
    negated = Rules("!keep.txt", defaults=False)
    assert negated.ignore("other.txt", False)
    assert not negated.ignore("keep.txt", False)


def test_archive_root_chart_matches_directory(tmp_path: Path) -> None:
    archive = fixture("packed-0.2.0.tgz")
    rendered = load_chart(archive).render()
    assert rendered == helm_render(archive)
    # The archive's .helmignore is not applied when reading an archive: README.md is present.
    assert "README.md" in rendered["packed/templates/cm.yaml"]


def test_archive_with_nested_archive(tmp_path: Path) -> None:
    inner = io.BytesIO()
    with tarfile.open(fileobj=inner, mode="w:gz") as tar:
        for name, text in {"dep/Chart.yaml": "apiVersion: v2\nname: dep\nversion: 0.3.0\n",
                           "dep/templates/t.yaml": "dep: {{ .Values.v }}\n",
                           "dep/values.yaml": "v: 1\n"}.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    outer = io.BytesIO()
    with tarfile.open(fileobj=outer, mode="w:gz") as tar:
        for name, data in {"top/Chart.yaml": b"apiVersion: v2\nname: top\nversion: 1.0.0\n",
                           "top/values.yaml": b"\xef\xbb\xbfdep:\n  v: 2\n",
                           "top/charts/dep-0.3.0.tgz": inner.getvalue()}.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    path = tmp_path / "top-1.0.0.tgz"
    path.write_bytes(outer.getvalue())
    assert load_chart(path).render() == helm_render(path) == {"top/charts/dep/templates/t.yaml": "dep: 2\n"}


def test_v1_chart_with_requirements() -> None:
    chart = loader.load(fixture("legacy-v1"))
    assert chart.metadata.api_version == "v1"
    assert [d.alias for d in chart.metadata.dependencies] == ["cache"]
    assert any(f.name == "requirements.yaml" for f in chart.files)


def test_subchart_files_are_scoped() -> None:
    rendered = load_chart(fixture("files")).render()
    sub = rendered["files/charts/sub/templates/cm.yaml"]
    assert 'own: "sub data\\n"' in sub
    assert 'parent: ""' in sub


@pytest.mark.parametrize("values_yaml", ["a: 1\n---\nb: 2\n", "---\na: {x: 1}\n---\na: {y: 2}\n...\n",
                                         "# only a comment\n", "", "a: [1]\n---\na: [2]\n"])
def test_multi_document_values(chart_factory, values_yaml: str) -> None:
    chart = chart_factory({"v.yaml": "{{ toJson .Values }}"}, values=values_yaml)
    assert load_chart(chart).render() == helm_render(chart)


def test_symlinked_files_are_followed_and_loops_refused(chart_factory, tmp_path: Path) -> None:
    chart = chart_factory({"t.yaml": LISTING})
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "data.txt").write_text("d")
    (chart / "linked").symlink_to(tmp_path / "shared")
    assert load_chart(chart).render() == helm_render(chart)
    (chart / "linked" / "loop").symlink_to(chart)
    with pytest.raises(loader.ChartLoadError, match="symbolic link loop"):
        load_chart(chart)
