"""The Python API: ``render_chart``, ``load_chart(...).render``, live lookup and ``parse_objects``."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

import pytest

import kts
from kts.helm.manifests import parse_objects
from tests.helm.cases import fixture
from tests.support.oracle import HelmFailure, helm_render


def test_render_chart_is_exported_from_kts() -> None:
    assert kts.render_chart(fixture("basic")) == helm_render(fixture("basic"))
    assert kts.load_chart(fixture("basic")).name == "basic"


def test_release_options(chart_factory) -> None:
    chart = chart_factory({"r.yaml": "{{ toJson .Release }}"})
    for kw in ({"release_name": "abc", "namespace": "ns", "revision": 4}, {"is_upgrade": True}):
        assert kts.render_chart(chart, **kw) == helm_render(chart, **kw)


def test_kube_version_and_api_versions(chart_factory) -> None:
    chart = chart_factory({"c.yaml": "{{ .Capabilities.KubeVersion }} {{ .Capabilities.KubeVersion.Minor }} "
                                     "{{ .Capabilities.APIVersions.Has \"x.io/v1\" }}"})
    default = kts.render_chart(chart)["mychart/templates/c.yaml"]
    assert default == helm_render(chart)["mychart/templates/c.yaml"]
    assert default == "v1.36.0 36 false"
    custom = kts.render_chart(chart, kube_version="v1.29.3", api_versions=["x.io/v1"])
    assert custom["mychart/templates/c.yaml"] == "v1.29.3 29 true"


def test_lookup_uses_the_callable(chart_factory) -> None:
    chart = chart_factory({"l.yaml": '{{ (lookup "v1" "Secret" "ns" "s").data.k }}|'
                                     '{{ lookup "v1" "Secret" "ns" "absent" | toJson }}'})
    calls: list[tuple[str, ...]] = []

    def lookup(api_version: str, kind: str, namespace: str, name: str) -> dict[str, Any]:
        calls.append((api_version, kind, namespace, name))
        return {"data": {"k": "v"}} if name == "s" else {}

    loaded = kts.load_chart(chart)
    assert loaded.render(lookup=lookup)["mychart/templates/l.yaml"] == "v|{}"
    assert calls == [("v1", "Secret", "ns", "s"), ("v1", "Secret", "ns", "absent")]
    with pytest.raises(kts.RenderError):
        loaded.render()  # offline lookup gives an empty map, so .data.k is a nil pointer

    def unreachable(*_args: str) -> dict[str, Any]:
        raise OSError("cannot reach the cluster")

    with pytest.raises(kts.RenderError, match="cannot reach the cluster"):
        loaded.render(lookup=unreachable)


def test_renders_do_not_leak_mutations(chart_factory) -> None:
    chart = chart_factory({"a.yaml": '{{ $_ := set .Values.m "added" (len .Values.m) }}'
                                     "{{ toJson .Values.m }}",
                           "b.yaml": "{{ toJson .Values.m }}"}, values="m:\n  x: 1\n")
    loaded = kts.load_chart(chart)
    first = loaded.render()
    assert first == helm_render(chart)
    assert loaded.render() == first
    assert loaded.values == {"m": {"x": 1.0}}


def test_python_values_are_typed_like_json(chart_factory) -> None:
    chart = chart_factory({"t.yaml": "{{ .Values.n }} {{ typeOf .Values.n }} {{ .Values.l }} "
                                     "{{ .Values.t }}"})
    values = {"n": 1000000, "l": (1, 2.5, True, None), "t": {"a": 1}}
    assert kts.render_chart(chart, values) == helm_render(chart, {"n": 1000000, "l": [1, 2.5, True, None],
                                                                  "t": {"a": 1}})


def test_parse_objects_orders_like_helm() -> None:
    rendered = kts.render_chart(fixture("crds-hooks"))
    objects = parse_objects(rendered)
    summary = [(o.object["kind"], o.object["metadata"]["name"], o.hook_events) for o in objects]
    assert summary == [
        ("ServiceAccount", "release-name-sa", ()),
        ("ConfigMap", "release-name-plain", ()),
        ("Gadget", "release-name-gadget", ()),
        ("Widget", "release-name-widget", ()),
        ("Secret", "release-name-pre", ("pre-install",)),
        ("ConfigMap", "release-name-post", ("post-install",)),
        ("Pod", "release-name-test", ("test",)),
        ("Job", "release-name-migrate", ("pre-install", "pre-upgrade")),
    ]
    job = objects[-1]
    assert job.hook_weight == 5
    assert job.hook_delete_policies == ("before-hook-creation", "hook-succeeded")
    assert job.source == "crds-hooks/templates/hooks.yaml"
    assert job.object["spec"]["template"]["spec"]["restartPolicy"] == "Never"
    assert all(o.source.endswith(".yaml") for o in objects)


def test_parse_objects_keeps_integers() -> None:
    objects = parse_objects(kts.render_chart(fixture("basic"), {"replicaCount": 2}))
    deployment = next(o.object for o in objects if o.object["kind"] == "Deployment")
    assert deployment["spec"]["replicas"] == 2
    assert type(deployment["spec"]["replicas"]) is int


def test_invalid_kube_version() -> None:
    with pytest.raises(kts.RenderError, match="invalid kube version 'banana'"):
        kts.render_chart(fixture("basic"), kube_version="banana")


def test_public_names() -> None:
    assert set(kts.__all__) <= set(dir(kts))
    assert {"Chart", "render_objects", "load_chart", "render_chart", "RenderError"} <= set(kts.__all__)
    assert all(hasattr(kts, name) for name in kts.__all__)
    assert isinstance(kts.load_chart(fixture("basic")), kts.Chart)


@pytest.mark.parametrize("template", [
    '{{ fail "a: b: c" }}',
    '{{ required "need x" .Values.x }}',
    '{{ include "t" . }}{{ define "t" }}{{ fail "nested" }}{{ end }}',
    '{{ tpl "{{ fail \\"in tpl\\" }}" . }}',
])
def test_error_message_has_no_helm_markers(template: str, chart_factory) -> None:
    chart = chart_factory({"a.yaml": template})
    with pytest.raises(kts.RenderError) as info:
        kts.render_chart(chart)
    failure = helm_render(chart)
    assert isinstance(failure, HelmFailure)
    assert str(info.value) == failure.message
    assert "HELM_ERR" not in info.value.message
    assert failure.message.endswith(": " + info.value.message)
    assert info.value.template == "mychart/templates/a.yaml"


def test_objects_are_parsed_in_install_order() -> None:
    rendered = kts.render_chart(fixture("crds-hooks"))
    every = [o.object for o in parse_objects(rendered)]
    assert kts.render_objects(fixture("crds-hooks")) == every
    chart = kts.load_chart(fixture("crds-hooks"))
    assert chart.objects() == every
    assert chart.objects(skip_tests=True) == [o for o in every if o["kind"] != "Pod"]
    assert [o["kind"] for o in chart.objects(no_hooks=True)] == ["ServiceAccount", "ConfigMap", "Gadget",
                                                                 "Widget"]
    with_crds = chart.objects(include_crds=True)
    assert [(o["kind"], o["metadata"]["name"]) for o in with_crds[:2]] == [
        ("CustomResourceDefinition", "widgets.example.org"),
        ("CustomResourceDefinition", "gadgets.example.org")]
    assert with_crds[2:] == every


def test_objects_leave_out_notes_and_empty_documents(chart_factory) -> None:
    chart = chart_factory({"NOTES.txt": "Thanks for installing {{ .Release.Name }}\n",
                           "a.yaml": "---\n# only a comment\n---\napiVersion: v1\nkind: ConfigMap\n"
                                     "metadata:\n  name: c\ndata:\n  count: {{ 3 }}\n---\n",
                           "_helpers.tpl": "{{ define \"x\" }}kind: Secret{{ end }}",
                           "empty.yaml": "{{ if false }}kind: Secret{{ end }}"})
    objects = kts.render_objects(chart, release_name="web")
    assert objects == [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"},
                        "data": {"count": 3}}]


def test_kts_helm_face_exports_what_it_documents() -> None:
    import kts.helm

    assert all(hasattr(kts.helm, name) for name in kts.helm.__all__)
    for name in ("Chart", "load_chart", "render_chart", "render_objects", "ValueOptions", "lint_chart"):
        assert name in kts.helm.__all__
    assert kts.Chart is kts.helm.Chart and kts.RenderError is kts.helm.RenderError


def test_error_hierarchy_is_as_documented() -> None:
    """Each line of the tree in kts.helm's docstring names a subclass of the line it hangs from."""
    import kts.helm

    tree = kts.helm.__doc__.split("Errors.", 1)[1]
    parents: list[tuple[int, type]] = []
    seen = 0
    for line in tree.splitlines():
        m = re.match(r"^(\s*(?:[│ ]   )*(?:[├└]── )?)([A-Z]\w+Error)\b", line)
        if not m:
            continue
        depth, cls = len(m.group(1)), getattr(kts.helm, m.group(2))
        while parents and parents[-1][0] >= depth:
            parents.pop()
        if parents:
            assert issubclass(cls, parents[-1][1]), (cls, parents[-1][1])
            assert cls.__bases__[0] is parents[-1][1], (cls, cls.__bases__)
        parents.append((depth, cls))
        seen += 1
    error_names = {n for n in kts.helm.__all__ if n.endswith("Error")}
    assert seen == len(error_names) == 12


def test_cli_and_top_level_use_only_the_face() -> None:
    """kts/cli.py and kts/__init__.py import the renderer through kts.helm alone."""
    root = Path(kts.__file__).parent
    for path in (root / "cli.py", root / "__init__.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert node.module.split(".")[:2] != ["kts", "gotemplate"], (path.name, node.module)
                assert node.module.split(".")[:2] != ["kts", "sprig"], (path.name, node.module)
                assert not node.module.startswith("kts.helm."), (path.name, node.module)
                private = [a.name for a in node.names if a.name.startswith("_") and not a.name.endswith("__")]
                assert not private, (path.name, node.module, private)


def test_value_options_merge_like_helm(tmp_path: Path) -> None:
    import helm_python

    from kts.helm import ValueOptions, ValuesError

    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text("a: {x: 1, y: [1, 2]}\nb: keep\n")
    second.write_text("a: {x: 2}\n---\nc: 3\n")
    (tmp_path / "f.txt").write_text("from a file")
    merged = ValueOptions(value_files=[str(first), str(second)], json_values=['{"j": {"k": 1}}', "a.z=[1,2]"],
                          values=["a.y[1]=5,n=null,t=true"], string_values=["s=007"],
                          file_values=[f"f={tmp_path / 'f.txt'}"], literal_values=["l=a,b"]).merge()
    chart = tmp_path / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 0.1.0\n")
    (chart / "templates" / "v.yaml").write_text("{{ toJson .Values }} {{ typeOf .Values.s }} "
                                                "{{ typeOf .Values.a.x }} {{ typeOf .Values.a.z }}")
    expected = helm_python.Chart.load(str(chart)).render(json.loads(json.dumps(merged)))
    assert kts.load_chart(chart).render(merged, typed_values=True) == expected
    assert merged["s"] == "007" and merged["f"] == "from a file" and merged["l"] == "a,b"
    with pytest.raises(ValuesError, match=r"^failed parsing --set data: key \"a\" has no value$"):
        ValueOptions(values=["a"]).merge()
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [")
    with pytest.raises(ValuesError, match=r"^failed to parse .*bad\.yaml: .*did not find expected node"):
        ValueOptions(value_files=[str(bad)]).merge()


@pytest.mark.parametrize("chart_yaml", [
    "APIVersion: v2\nNAME: mychart\nVersion: 0.1.0\nappversion: '1'\n"
    "Maintainers: [{NAME: a, Email: a@b.io}]\n",
    "apiVersion: v2\nname: mychart\nversion: 1.2.3-01\n",
    "apiVersion: v2\nname: mychart\nversion: 0.1.0\ndependencies:\n- {name: a, version: 1.0.0, alias: x}\n"
    "- {name: b, version: 1.0.0, alias: x}\n",
    # Go decodes keys in sorted order: the first type error is the first key's, nulls are refused later
    "apiVersion: v2\nname: [1]\nversion: 0.1.0\nappVersion: [2]\n",
    "apiVersion: v2\nname: mychart\nversion: 0.1.0\nmaintainers:\n- name: [1]\n  email: [2]\n",
    "apiVersion: v2\nname: mychart\nversion: 0.1.0\nmaintainers:\n- null\nsources: [[1]]\n",
    "apiVersion: v2\nname: mychart\nversion: 0.1.0\ndependencies:\n- {name: [1], alias: [2], version: 1}\n",
    "apiVersion: v2\nname: mychart\nversion: 0.1.0\nannotations: {z: [1], a: {b: 1}}\n",
    "apiVersion: v2\nname: mychart\nversion: 0.1.0\nannotations: {z: 1, a: true, m: x}\n",
    "apiVersion: v2\nname: mychart\nversion: 0.1.0\ndependencies:\n- null\nkeywords: 5\n",
])
def test_chart_yaml_is_read_like_helm(chart_yaml: str, chart_factory) -> None:
    chart = chart_factory({"c.txt": "{{ toJson .Chart }}"}, chart_yaml=chart_yaml)
    try:
        rendered: Any = kts.render_chart(chart)
    except kts.RenderError as exc:
        rendered = str(exc)
    expected = helm_render(chart)
    assert rendered == (expected.message if isinstance(expected, HelmFailure) else expected)
