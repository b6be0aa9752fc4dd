"""Manifest splitting, sorting and framing against Helm's dry-run install, on generated documents."""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kts.helm.api import load_chart
from kts.helm.errors import ManifestError
from kts.helm.output import TemplateOptions, assemble
from tests.support.oracle import HelmFailure, helm_manifest, write_chart

LONG = os.environ.get("KTS_HYPOTHESIS_PROFILE", "") == "long"
KINDS = ["Deployment", "Service", "ConfigMap", "Zebra", "Aardvark", "Namespace", "Secret", "Job", "",
         "ValidatingWebhookConfiguration", "CustomResourceDefinition", "PodDisruptionBudget"]
SEPARATORS = ["---\n", "\n---\n", "---   \n", "\n\n---\n\n", "--- # c\n", "---\n---\n"]
_counter = itertools.count()


def document(kind: str, name: str, tail: str) -> str:
    head = f"apiVersion: v1\nkind: {kind}\n" if kind else "# just a comment\n"
    return head + f"metadata:\n  name: {name}\n" + tail


documents = st.builds(document, st.sampled_from(KINDS), st.from_regex(r"[a-z]{1,5}", fullmatch=True),
                      st.sampled_from(["", "\n", "\n\n", "data:\n  k: v\n", "  \n"]))
files = st.lists(st.tuples(st.lists(documents, min_size=1, max_size=4),
                           st.lists(st.sampled_from(SEPARATORS), min_size=4, max_size=4),
                           st.sampled_from(["", "\n", "---\n", "\n\n"])), min_size=1, max_size=3)


def stream(chart: Path) -> str:
    rendered = load_chart(chart).render()
    return assemble(load_chart(chart).model, rendered, TemplateOptions())


@settings(max_examples=300 if LONG else 30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files)
def test_generated_manifests_assemble_like_helm(spec: list) -> None:
    templates = {}
    for i, (docs, seps, lead) in enumerate(spec):
        text = lead
        for j, doc in enumerate(docs):
            text += doc + (seps[j] if j < len(docs) - 1 else "")
        templates[f"f{i}.yaml"] = text
    root = Path(tempfile.mkdtemp())
    try:
        chart = write_chart(root / f"c{next(_counter)}" / "mychart", templates)
        release = helm_manifest(chart, {})
        if isinstance(release, HelmFailure):
            with pytest.raises(ManifestError):
                stream(chart)
            return
        assert stream(chart) == release.get("manifest", "").strip() + "\n"
    finally:
        shutil.rmtree(root)


@pytest.mark.parametrize("text", [
    "kind: C\n---apiVersion: v1\n---- x: 1\n",
    "- a\n- b\n",
    "just a string\n",
    "metadata: [1]\n",
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  annotations: {a: {b: c}}\n",
    "\ufeffapiVersion: v1\nkind: Secret\n",
    "kind: [\n",
    "kind: {a: 1}\n",
    "metadata: {name: [1]}\n",
    "metadata: {annotations: [1]}\n",
    "apiVersion: 1.5\nkind: true\nmetadata: {name: 1, annotations: {x: 5}}\n",
])
def test_bad_documents_fail_like_helm(chart_factory, text: str) -> None:
    chart = chart_factory({"t.yaml": text})
    release = helm_manifest(chart, {})
    if isinstance(release, HelmFailure):
        with pytest.raises(ManifestError) as info:
            stream(chart)
        assert str(info.value) == release.message
    else:
        assert stream(chart) == release.get("manifest", "").strip() + "\n"
