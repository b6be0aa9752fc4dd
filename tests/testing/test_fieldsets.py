"""Field sets: FieldsV1 encoding round-trips and merge/removal helpers, with list semantics read
from Kubernetes' published schemas."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kts.testing import fieldsets as fs
from kts.testing.listrules import NO_SCHEMA, Rules
from kts.testing.resources import Registry


def _rules(group: str, plural: str) -> Rules:
    rt = Registry().lookup(group, "v1", plural)
    assert rt is not None
    return rt.merge_rules


POD = _rules("", "pods")

names = st.text(alphabet="abcxyz", min_size=1, max_size=3)
leaf = st.one_of(st.integers(), st.text(max_size=3), st.booleans())
objects = st.recursive(
    leaf,
    lambda children: st.one_of(
        st.dictionaries(names, children, max_size=3),
        st.lists(
            st.fixed_dictionaries({"name": names, "value": children}),
            max_size=3,
            unique_by=lambda d: d["name"],
        ),
    ),
    max_leaves=12,
)


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(st.dictionaries(names, objects, max_size=4))
def test_fieldsv1_round_trip(obj: dict[str, Any]) -> None:
    doc = {"spec": {"containers": [{"name": "app", "env": obj.get("a") or []}], "extra": obj}}
    paths = fs.field_set(doc, POD)
    assert fs.from_fieldsv1(fs.to_fieldsv1(paths)) == paths
    for p in paths:
        assert not fs.is_missing(fs.get_at(doc, p))


def test_keyed_items_and_path_text() -> None:
    doc = {"spec": {"containers": [{"name": "app", "image": "x", "ports": [{"containerPort": 80}]}]}}
    paths = fs.field_set(doc, POD)
    item = (("f", "spec"), ("f", "containers"), ("k", '{"name":"app"}'))
    assert item in paths
    # ports are keyed by containerPort and protocol, the protocol defaulted as the schema says
    port = (*item, ("f", "ports"), ("k", '{"containerPort":80,"protocol":"TCP"}'), ("f", "containerPort"))
    assert port in paths
    assert (
        fs.path_text(port)
        == '.spec.containers[name="app"].ports[containerPort=80,protocol="TCP"].containerPort'
    )
    assert fs.to_fieldsv1(paths)["f:spec"]["f:containers"]['k:{"name":"app"}']["."] == {}
    # without a schema every list is atomic
    assert (("f", "spec"), ("f", "containers")) in fs.field_set(doc, NO_SCHEMA)


def test_sets_and_atomic_maps_follow_the_schema() -> None:
    meta = {"metadata": {"finalizers": ["a", "b"]}}
    paths = fs.field_set(meta, POD)
    assert paths == {
        (("f", "metadata"), ("f", "finalizers"), ("v", '"a"')),
        (("f", "metadata"), ("f", "finalizers"), ("v", '"b"')),
    }
    assert fs.to_fieldsv1(paths) == {"f:metadata": {"f:finalizers": {'v:"a"': {}, 'v:"b"': {}}}}
    assert fs.merge(meta, {"metadata": {"finalizers": ["c", "a"]}}, POD) == {
        "metadata": {"finalizers": ["a", "b", "c"]}
    }
    deployments = _rules("apps", "deployments")
    spec = {"spec": {"selector": {"matchLabels": {"app": "x"}}, "template": {"spec": {"containers": []}}}}
    assert (("f", "spec"), ("f", "selector")) in fs.field_set(spec, deployments)
    merged = fs.merge(spec, {"spec": {"selector": {"matchLabels": {"app": "y"}}}}, deployments)
    assert merged["spec"]["selector"] == {"matchLabels": {"app": "y"}}
    # args is an atomic list
    doc = {"spec": {"containers": [{"name": "a", "args": ["x"]}]}}
    item = (("f", "spec"), ("f", "containers"), ("k", '{"name":"a"}'))
    assert (*item, ("f", "args")) in fs.field_set(doc, POD)


def test_merge_and_remove() -> None:
    live = {
        "spec": {"containers": [{"name": "a", "image": "1"}, {"name": "b", "image": "2"}]},
        "data": {"x": "1"},
    }
    applied = {"spec": {"containers": [{"name": "b", "image": "3"}]}, "data": {"y": "2"}}
    merged = fs.merge(live, applied, POD)
    assert merged == {
        "spec": {"containers": [{"name": "a", "image": "1"}, {"name": "b", "image": "3"}]},
        "data": {"x": "1", "y": "2"},
    }
    fs.remove_at(merged, (("f", "spec"), ("f", "containers"), ("k", '{"name":"a"}')))
    fs.remove_at(merged, (("f", "data"), ("f", "x")))
    fs.remove_at(merged, (("f", "data"), ("f", "y")))
    assert merged == {"spec": {"containers": [{"name": "b", "image": "3"}]}}
