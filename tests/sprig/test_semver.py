"""Sprig semver functions (Masterminds/semver v3 rules) compared with real Helm."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kts.sprig import semver
from tests.sprig.sprig_oracle import compare, go_print, helm_eval

FUNCS = dict(semver.FUNCS)

VERSIONS = ["1.2.3", "v1.2.3", "1.2", "1", "01.2.3", "1.2.3-rc.1+meta", "1.2.3-0", "1.2.3-alpha",
            "1.2.3-alpha.10", "1.2.3-alpha.9", "1.2.3+meta", "1.30.2-eks-1", "1.21.3-gke.100", "0.0.0",
            "0.2.3", "0.0.3", "2.0.0", "1.3.0", "1.2.4", "v1.21.0-beta.0", "1.2.3-01", "1.2.3-a..b",
            "1.2.3+", "1.2.3+a_b", "x", "", "1.2.3.4", "99999999999999999999.0.0",
            "1.2.3-99999999999999999999",
            " 1.2.3", "V1.2.3", "1.2.3-rc.1", "1.2.3-rc.1.2", "1.2.3-RC.1", "1.2.3--", "1.0.0-x.7.z.92"]

CONSTRAINTS = [
    ">=1.2.3", ">1.2", "<2", "<=1.2", "=1.2.3", "1.2.3", "!=1.2.3", "!=1.2.x", "!=1.x", "~1.2.3", "~1.2",
    "~1",
    "~0", "~>1.2", "^1.2.3", "^0.2.3", "^0.0.3", "^0.0", "^0", "^1.x", "1.2.x", "1.x", "*", "x", "1.1 - 1.3",
    "1.1.1 - 1.3.0", ">=1.20", ">=1.20-0", ">= 1.2, < 2.0", ">=1.2 <1.3", ">1.0 || <0.5", "1.x || 2.x",
    ">=1.2.3-alpha", "<1.2.3-beta", ">=0.0.0-0", "bad constraint", "", ">=1.2.3 ||", "=>1.2", "=<1.3", "~*",
    "^*", ">1.x", "<=1.x", ">=v1.2", ">= 1.2.3-0 <2.0.0-0", "1.2.3-rc.1", "==1.2", ">=01.2", ">=1.2.3-01",
    "> 1", "1.2 - 1.x", ">1.2.x", "^1.2.3-alpha", "~1.2.3-beta.2", "!=1.2.3-alpha", ">=1.30.0-0",
    "<1.2.3+meta", ">=1.2,<=1.4,!=1.3.1",
]


def exprs() -> list[str]:
    out = [f"semver {json.dumps(v)}" for v in VERSIONS]
    versions = ["1.2.3", "1.2.4", "1.3.0", "2.0.0", "0.2.5", "0.0.3", "1.2.3-alpha", "1.2.3-beta.2",
                "1.21.3-gke.100", "1.30.2-eks-1", "0.5.0", "1.1.5", "1.3.0-rc.1", "v1.2.3"]
    out += [f"semverCompare {json.dumps(c)} {json.dumps(v)}" for c in CONSTRAINTS for v in versions]
    out += [f'semverCompare ">=1.0" {json.dumps(v)}' for v in VERSIONS]
    return out


@pytest.mark.slow
def test_semver_matches_helm(tmp_path):
    assert compare(tmp_path, FUNCS, exprs()) == []


METHOD_EXPRS = [
    (".Major", lambda v: v.Major()), (".Minor", lambda v: v.Minor()), (".Patch", lambda v: v.Patch()),
    (".Prerelease", lambda v: v.Prerelease()), (".Metadata", lambda v: v.Metadata()),
    (".Original", lambda v: v.Original()), (".String", lambda v: v.String()),
    (".IncPatch", lambda v: v.IncPatch()), (".IncMinor", lambda v: v.IncMinor()),
    (".IncMajor", lambda v: v.IncMajor()), (".IncMajor.Major", lambda v: v.IncMajor().Major()),
    ('.Compare (semver "1.2.3")', lambda v: v.Compare(semver.new_version("1.2.3"))),
    ('.LessThan (semver "1.2.3")', lambda v: v.LessThan(semver.new_version("1.2.3"))),
    ('.GreaterThan (semver "1.2.3-rc.2")', lambda v: v.GreaterThan(semver.new_version("1.2.3-rc.2"))),
    ('.Equal (semver "1.2.3+other")', lambda v: v.Equal(semver.new_version("1.2.3+other"))),
    ('.LessThanEqual (semver "v1.2.3")', lambda v: v.LessThanEqual(semver.new_version("v1.2.3"))),
    ('.GreaterThanEqual (semver "2")', lambda v: v.GreaterThanEqual(semver.new_version("2"))),
    ('.SetPrerelease "beta.1"', lambda v: v.SetPrerelease("beta.1")),
    ('.SetMetadata "build.5"', lambda v: v.SetMetadata("build.5")),
]


def test_version_methods_match_helm(tmp_path):
    versions = ["v1.2.3-rc.1+meta", "1.2.3", "0.0.1-alpha", "2"]
    texts, want = [], []
    for ver in versions:
        for expr, fn in METHOD_EXPRS:
            texts.append(f'{{{{ (semver {json.dumps(ver)}){expr} }}}}')
            want.append(go_print(fn(semver.new_version(ver))))
    assert helm_eval(tmp_path, texts) == want


def test_value_versions_lack_pointer_methods():
    value = semver.new_version("v1.2.3").IncMajor()
    assert value.go_type == "semver.Version" and "Original" not in value.go_methods
    assert value.original == "v2.0.0"


_EXAMPLES = 100 if os.environ.get("KTS_HYPOTHESIS_PROFILE") == "long" else 10
_num = st.sampled_from(["0", "1", "2", "3", "10", "x", "*"])
_pre = st.sampled_from(["", "-0", "-alpha", "-alpha.1", "-beta.2", "-rc.1", "-1"])
_op = st.sampled_from(["", "=", "!=", ">", "<", ">=", "<=", "~", "^", "~>"])


@st.composite
def _constraint(draw):
    parts = [draw(_num) for _ in range(draw(st.integers(1, 3)))]
    return draw(_op) + ".".join(parts) + draw(_pre)


@settings(max_examples=_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(cons=st.lists(_constraint(), min_size=1, max_size=3), join=st.sampled_from([" ", ", ", " || "]),
       versions=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(0, 3), _pre),
                         min_size=1, max_size=6))
def test_random_constraints_match_helm(cons, join, versions):
    c = join.join(cons)
    exprs = [f"semverCompare {json.dumps(c)} \"{a}.{b}.{p}{pre}\"" for a, b, p, pre in versions]
    with tempfile.TemporaryDirectory() as d:
        assert compare(Path(d), FUNCS, exprs) == []


TEMPLATE_LINES = [
    '{{ $v := semver "v1.2.3-rc.1+build" }}{{ $v }} {{ $v.Major }} {{ $v.Minor }}'
    ' {{ $v.Patch }} {{ $v.Prerelease }} {{ $v.Metadata }} {{ $v.Original }}',
    '{{ $v := semver "1.2.3" }}{{ $v.IncMajor }} {{ $v.IncMinor }}'
    ' {{ $v.IncPatch }} {{ typeOf $v.IncMajor }}',
    '{{ $v := semver "1.2.3" }}{{ $v.Compare (semver "1.2.4") }} {{ $v.LessThan (semver "2") }}'
    ' {{ $v.Equal (semver "1.2.3+x") }} {{ $v.GreaterThan (semver "1.2.3-0") }}',
    '{{ semver "1.2.3" | toJson }} {{ (semver "1.2.3").IncMajor | toJson }}'
    ' {{ eq (semver "1.2.3").Major 1 }}',
    '{{ if semverCompare ">=1.20-0" "v1.21.3-gke.100" }}new{{ else }}old{{ end }}',
    '{{ semverCompare "^1.2" "1.9.9" }} {{ semverCompare "~1.2" "1.3.0" }}'
    ' {{ semverCompare "1.1 - 1.3" "1.3.9" }}',
    '{{ kindOf (semver "1.0") }} {{ (semver "1.2.3").SetPrerelease "beta" }}',
    '{{ semver "bad" }}',
    '{{ semverCompare "bad constraint" "1.0.0" }}',
    '{{ semverCompare ">1" "x" }}',
    '{{ (semver "1.2.3").IncMajor.Original }}',
    '{{ (semver "1.2.3").SetMetadata "a..b" }}',
]


def test_semver_in_templates_match_helm(tmp_path):
    from tests.sprig.sprig_oracle import template_mismatches

    assert template_mismatches(tmp_path, TEMPLATE_LINES) == []
