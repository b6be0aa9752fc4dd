"""``helm lint``'s rules for values, templates, dependencies and CRDs (``pkg/chart/v2/lint/rules``).

Templates are rendered as ``helm lint`` renders them: release ``test-release``, ``required``
and ``fail`` logged instead of failing (``LINT_LOG``), offline ``lookup``.
"""

from __future__ import annotations

import copy
import os
import re
from typing import Any

from kts.codec import yaml as codec_yaml
from kts.codec.json import json_kind
from kts.gotemplate.errors import RenderError, internal_cause
from kts.gotemplate.limits import RenderLimits
from kts.gotemplate.strconv import quote
from kts.helm import loader
from kts.helm.chart import ChartModel
from kts.helm.coalesce import coalesce_tables
from kts.helm.dependencies import DependencyError
from kts.helm.errors import ChartLoadError
from kts.helm.funcs import LINT_LOG
from kts.helm.lint import Linter, Severity
from kts.helm.lint_deprecations import LIFECYCLES
from kts.helm.objects import Capabilities, KubeVersion
from kts.helm.render import ReleaseOptions, Renderer
from kts.helm.schema import validate_single
from kts.helm.yamlio import YAMLError, load_values

RELEASE_NAME = "test-release"
_TEMPLATE_EXTENSIONS = (".yaml", ".yml", ".tpl", ".txt")
_SELECTOR_KINDS = ("Deployment", "ReplicaSet", "DaemonSet", "StatefulSet")
_GO_SPACE = " \t\n\v\f\r\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
            "\u2028\u2029\u202f\u205f\u3000"


def lint_values(linter: Linter, overrides: dict[str, Any], skip_schema_validation: bool) -> None:
    """values.yaml parses, and with the user's values over it satisfies values.schema.json."""
    path = os.path.join(linter.chart_dir, "values.yaml")
    if not linter.rule(Severity.INFO, "values.yaml", None if os.path.exists(path) else "file does not exist"):
        return
    linter.rule(Severity.ERROR, "values.yaml", _values_problem(path, overrides, skip_schema_validation))


def _values_problem(path: str, overrides: dict[str, Any], skip_schema_validation: bool) -> str | None:
    try:
        with open(path, "rb") as fh:
            text = fh.read().decode("utf-8", "surrogateescape")
        values = load_values(text, multi_doc=False)
    except OSError as exc:
        return f"unable to parse YAML: read {path}: {(exc.strerror or str(exc)).lower()}"
    except YAMLError as exc:
        return "unable to parse YAML: " + str(exc).replace("map[string]interface {}", "common.Values")
    # Helm lints top-level values only: tables are coalesced, subchart values are not.
    merged = coalesce_tables(copy.deepcopy(overrides), values) or {}
    schema_path = os.path.splitext(path)[0] + ".schema.json"
    try:
        with open(schema_path, "rb") as fh:
            schema = fh.read()
    except OSError:
        return None
    if not schema or skip_schema_validation:
        return None
    return validate_single(merged, schema) or None


def lint_templates(linter: Linter, values: dict[str, Any], namespace: str, kube: KubeVersion | None,
                   skip_schema_validation: bool, limits: RenderLimits) -> None:
    """The chart renders, and every YAML template renders to documents Kubernetes would take."""
    where = "templates/"
    path = os.path.join(linter.chart_dir, "templates")
    if not linter.rule(Severity.WARNING, where, None if os.path.exists(path) else "directory does not exist"):
        return
    if not linter.rule(Severity.ERROR, where, None if os.path.isdir(path) else "not a directory"):
        return
    model = _load(linter, where, limits)
    if model is None:
        return
    rendered = _render(linter, model, values, namespace, kube, skip_schema_validation, limits)
    if rendered is None:
        return
    for template in model.templates:
        name = template.name
        ext = _go_ext(name)
        linter.rule(Severity.ERROR, name, None if ext in _TEMPLATE_EXTENSIONS else
                    f"file extension '{ext}' not valid. Valid extensions are .yaml, .yml, .tpl, or .txt")
        if ext.lower() not in (".yaml", ".yml"):
            continue
        content = rendered.get(f"{model.name}/{name}", "")
        if content.strip(_GO_SPACE) == "":
            continue
        linter.rule(Severity.WARNING, name, _top_indent(content))
        for doc in _documents(linter, name, content):
            if doc is None:
                return
            linter.rule(Severity.WARNING, name, _name_problem(doc))
            linter.rule(Severity.WARNING, name, _deprecation(doc, kube))
            linter.rule(Severity.ERROR, name, _selector_problem(doc, content))
            linter.rule(Severity.ERROR, name, _list_annotation_problem(doc, content))


def _load(linter: Linter, where: str, limits: RenderLimits) -> ChartModel | None:
    try:
        return loader.load(linter.chart_dir, limits)
    except ChartLoadError as exc:
        linter.rule(Severity.ERROR, where, str(exc))
        return None


def _render(linter: Linter, model: ChartModel, values: dict[str, Any], namespace: str,
            kube: KubeVersion | None, skip_schema_validation: bool,
            limits: RenderLimits) -> dict[str, str] | None:
    token = LINT_LOG.set(linter.log)
    try:
        caps = Capabilities(kube.Version if kube else None, [])
        _, rendered = Renderer(model, limits).render_release(
            values, ReleaseOptions(RELEASE_NAME, namespace), caps, None,
            validate_schema=not skip_schema_validation, check_kube_version=False)
    except DependencyError:
        return None  # Helm's lint stops quietly when dependencies cannot be processed
    except RenderError as exc:
        if internal_cause(exc) is not None:
            raise  # a defect in kts, not a finding about the chart
        linter.rule(Severity.ERROR, "templates/", str(exc))
        return None
    finally:
        LINT_LOG.reset(token)
    return rendered


def _go_ext(name: str) -> str:
    """Go's ``filepath.Ext``: from the last dot of the last element."""
    base = name.rsplit("/", 1)[-1]
    dot = base.rfind(".")
    return base[dot:] if dot >= 0 else ""


def _top_indent(content: str) -> str | None:
    for line in content.split("\n"):
        line = line.removesuffix("\r")
        if line.strip(_GO_SPACE) == "":
            continue
        if line.startswith((" ", "\t")):
            return f"document starts with an illegal indent: {quote(line)}, which may cause parsing problems"
        return None
    return None


def _documents(linter: Linter, path: str, content: str) -> list[dict[str, str] | None]:
    """The head of each document (``k8sYamlStruct``); a trailing None after a parse error."""
    out: list[dict[str, str] | None] = []
    try:
        docs = codec_yaml.split_documents(content)
    except codec_yaml.YAMLError as exc:
        # The decoder reports its reader's error as it is, without the codec's context.
        reason = str(exc).removeprefix("error reading yaml document: ")
        linter.rule(Severity.ERROR, path, f"unable to parse YAML: {reason}")
        return [None]
    for text in docs:
        try:
            head = k8s_head(text)
        except YAMLError as exc:
            linter.rule(Severity.ERROR, path, f"unable to parse YAML: {exc}")
            out.append(None)
            return out
        if head is not None:
            out.append(head)
    return out


def k8s_head(text: str) -> dict[str, str] | None:
    """apiVersion, kind, metadata name and namespace of one YAML document, decoded as Helm's
    ``k8sYamlStruct`` is (JSON's case-insensitive keys, scalars as strings); None when empty."""
    value = codec_yaml.unmarshal(text)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _type_error(value, "Go value", "rules.k8sYamlStruct")
    head = {"apiVersion": "", "kind": "", "name": "", "namespace": ""}
    for key, item in value.items():
        lowered = str(key).lower()
        if lowered == "apiversion":
            head["apiVersion"] = _string(item, "k8sYamlStruct.apiVersion", head["apiVersion"])
        elif lowered == "kind":
            head["kind"] = _string(item, "k8sYamlStruct.Kind", head["kind"])
        elif lowered == "metadata" and item is not None:
            if not isinstance(item, dict):
                raise _type_error(item, "Go struct field k8sYamlStruct.Metadata", "rules.k8sYamlMetadata")
            for mkey, mval in item.items():
                field = str(mkey).lower()
                if field in ("name", "namespace"):
                    head[field] = _string(mval, f"k8sYamlMetadata.Metadata.{field.capitalize()}", head[field])
    return head


def _string(value: Any, field: str, current: str) -> str:
    if value is None:
        return current
    if isinstance(value, str):
        return value
    text = loader.scalar_text(value)
    if text is None:
        raise _type_error(value, f"Go struct field {field}", "string")
    return text


def _type_error(value: Any, into: str, gotype: str) -> YAMLError:
    return YAMLError("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal "
                     f"{json_kind(value)} into {into} of type {gotype}")


_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_DNS1035 = re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?")
_SUBDOMAIN_MSG = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
                  "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex "
                  f"used for validation is '{_SUBDOMAIN.pattern}')")
_LABEL_MSG = ("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
              "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex "
              f"used for validation is '{_LABEL.pattern}')")
_DNS1035_MSG = ("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with "
                "an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or "
                f"'abc-123', regex used for validation is '{_DNS1035.pattern}')")
_ANY_NAME_KINDS = ("certificatesigningrequest",)
_PATH_SEGMENT_KINDS = ("role", "clusterrole", "rolebinding", "clusterrolebinding")


def _name_errors(kind: str, name: str) -> list[str]:
    """apimachinery's name validation for the kind (``validateMetadataNameFunc``)."""
    kind = kind.lower()
    if kind in _ANY_NAME_KINDS:
        return []
    if kind in _PATH_SEGMENT_KINDS:
        if name in (".", ".."):
            return [f"may not be '{name}'"]
        return [f"may not contain '{c}'" for c in ("/", "%") if c in name]
    if kind == "service":
        rx, msg, limit = _DNS1035, _DNS1035_MSG, 63
    elif kind == "namespace":
        rx, msg, limit = _LABEL, _LABEL_MSG, 63
    else:
        rx, msg, limit = _SUBDOMAIN, _SUBDOMAIN_MSG, 253
    errors = [f"must be no more than {limit} characters"] if len(name) > limit else []
    if not rx.fullmatch(name):
        errors.append(msg)
    return errors


def _name_problem(head: dict[str, str]) -> str | None:
    name = head["name"]
    errors = [f"metadata.name: Invalid value: {quote(name)}: {e}" for e in _name_errors(head["kind"], name)]
    if not errors:
        return None
    joined = errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]"
    return f"object name does not conform to Kubernetes naming requirements: {quote(name)}: {joined}"


def _deprecation(head: dict[str, str], kube: KubeVersion | None) -> str | None:
    """``validateNoDeprecations``: a built-in kind's version deprecated in the target Kubernetes."""
    api_version, kind = head["apiVersion"], head["kind"]
    if not api_version or not kind:
        return None
    lifecycle = LIFECYCLES.get((api_version.removeprefix("/"), kind))
    if lifecycle is None:
        return None  # not a built-in kind, or one without a deprecation
    deprecated, removed, replacement = lifecycle
    target = kube or Capabilities(None, []).KubeVersion
    current = (int(target.Major), int(target.Minor))
    if deprecated == (0, 0) or (current != (0, 0) and deprecated > current):
        return None
    text = f"{api_version.removeprefix('/')} {kind} is deprecated in v{deprecated[0]}.{deprecated[1]}+"
    if removed != (0, 0):
        text += f", unavailable in v{removed[0]}.{removed[1]}+"
    return text + (f"; use {replacement}" if replacement else "")


def _selector_problem(head: dict[str, str], content: str) -> str | None:
    if head["kind"] in _SELECTOR_KINDS and "matchLabels" not in content and "matchExpressions" not in content:
        return (f"a {head['kind']} must contain matchLabels or matchExpressions, and {quote(head['name'])} "
                "does not")
    return None


def _list_annotation_problem(head: dict[str, str], content: str) -> str | None:
    if head["kind"] != "List":
        return None
    try:
        value = codec_yaml.unmarshal(content)
    except codec_yaml.YAMLError as exc:
        return f"unable to parse YAML: {exc}"
    items = value.get("items") if isinstance(value, dict) else None
    for item in items if isinstance(items, list) else []:
        metadata = item.get("metadata") if isinstance(item, dict) else None
        annotations = metadata.get("annotations") if isinstance(metadata, dict) else None
        if isinstance(annotations, dict) and "helm.sh/resource-policy" in annotations:
            return "annotation 'helm.sh/resource-policy' within List objects are ignored"
    return None


def lint_dependencies(linter: Linter, limits: RenderLimits) -> None:
    """Chart.yaml's dependencies and the charts in ``charts/`` name each other."""
    try:
        model = loader.load(linter.chart_dir, limits)
    except ChartLoadError as exc:
        linter.rule(Severity.ERROR, "", f"unable to load chart\n\t{exc}")
        return
    declared = [d.name for d in model.metadata.dependencies]
    vendored = [c.name for c in model.dependencies]
    undeclared = [n for n in vendored if n not in declared]
    linter.rule(Severity.ERROR, linter.chart_dir,
                _listed("chart metadata is missing these dependencies", undeclared))
    seen: set[str] = set()
    shadowed: list[str] = []
    for dep in model.metadata.dependencies:
        key = dep.alias or dep.name
        if key in seen:
            shadowed.append(key)
        seen.add(key)
    linter.rule(Severity.ERROR, linter.chart_dir,
                _listed("multiple dependencies with name or alias", shadowed))
    missing = [n for n in declared if n not in vendored]
    linter.rule(Severity.WARNING, linter.chart_dir,
                _listed("chart directory is missing these dependencies", missing))


def _listed(what: str, names: list[str]) -> str | None:
    return f"{what}: {','.join(names)}" if names else None


def lint_crds(linter: Linter, limits: RenderLimits) -> None:
    """Files in ``crds/`` (this chart's and its subcharts') are plain CustomResourceDefinitions."""
    path = os.path.join(linter.chart_dir, "crds")
    if not os.path.lexists(path):
        return
    if not linter.rule(Severity.ERROR, "crds/", None if os.path.isdir(path) else "not a directory"):
        return
    model = _load(linter, "crds/", limits)
    if model is None:
        return
    for _owner, f in model.crd_files_recursive():
        for head in _documents(linter, f.name, f.data.decode("utf-8", "surrogateescape")):
            if head is None:
                return
            linter.rule(Severity.ERROR, f.name, None if head["apiVersion"].startswith("apiextensions.k8s.io")
                        else "apiVersion is not in 'apiextensions.k8s.io'")
            linter.rule(Severity.ERROR, f.name, None if head["kind"] == "CustomResourceDefinition"
                        else "object kind is not 'CustomResourceDefinition'")
