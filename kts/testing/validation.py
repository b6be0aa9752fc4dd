"""Per-kind defaulting and validation, close enough to the real apiserver for engine tests:
names, unknown fields, required fields, selector/template agreement, data types."""

from __future__ import annotations

import base64
import re
from typing import TYPE_CHECKING, Any

from kts.testing import crdschema, rules, typecheck
from kts.testing.errors import ApiError, bad_request, invalid
from kts.testing.kubeschema import OBJECT_META
from kts.testing.listrules import SchemaRules

if TYPE_CHECKING:
    from kts.testing.operations import Api
    from kts.testing.resources import ResourceType

_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
    "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
    "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
_LABEL_MSG = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
    "start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for "
    "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)
_SERVICE_MSG = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
    "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', "
    "regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
)



def check_name(rt: ResourceType, name: str) -> None:
    if rt.group == "" and rt.plural == "services":
        ok, msg, limit = re.match(r"^[a-z]([-a-z0-9]*[a-z0-9])?$", name) is not None, _SERVICE_MSG, 63
    elif rt.group == "" and rt.plural == "namespaces":
        ok, msg, limit = _LABEL.match(name) is not None, _LABEL_MSG, 63
    else:
        ok, msg, limit = _SUBDOMAIN.match(name) is not None, _SUBDOMAIN_MSG, 253
    if len(name) > limit:
        ok, msg = False, f"must be no more than {limit} characters"
    if not ok:
        raise invalid(
            rt.kind,
            rt.group,
            name,
            [
                {
                    "reason": "FieldValueInvalid",
                    "message": f'Invalid value: "{name}": {msg}',
                    "field": "metadata.name",
                }
            ],
        )


def _schema_unknown(schema: dict[str, Any] | None, value: Any, path: str) -> list[str]:
    if not isinstance(schema, dict) or schema.get("x-kubernetes-preserve-unknown-fields"):
        return []
    if isinstance(value, dict):
        props = schema.get("properties")
        if props is None:
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict):
                return [u for k, v in value.items() for u in _schema_unknown(extra, v, f"{path}.{k}")]
            return []
        out = []
        for k, v in value.items():
            sub = f"{path}.{k}" if path else k
            if k not in props:
                out.append(sub)
            else:
                out.extend(_schema_unknown(props[k], v, sub))
        return out
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [u for i, v in enumerate(value) for u in _schema_unknown(schema["items"], v, f"{path}[{i}]")]
    return []


def builtin_findings(rt: ResourceType, body: dict[str, Any]) -> typecheck.Findings | None:
    """The decoders' findings for a built-in kind's body (None for a kind without a definition)."""
    rules = rt.merge_rules
    if not rt.builtin or not isinstance(rules, SchemaRules) or rules.definition is None:
        return None
    return typecheck.check(rules.schemas, rules.definition, body)


def typed_findings(rt: ResourceType, body: dict[str, Any]) -> typecheck.Findings | None:
    """structured-merge-diff's view of a body: the built-in definition, or a custom resource's
    structural schema."""
    if rt.builtin:
        return builtin_findings(rt, body)
    rules = rt.merge_rules
    if not rt.schema or not isinstance(rules, SchemaRules):
        return None
    return typecheck.check(rules.schemas, None, body, rt.schema)


def decode_error(rt: ResourceType, body: dict[str, Any]) -> ApiError | None:
    """400 for a value of the wrong type, worded as the Go JSON decoder words it (custom
    resources decode into unstructured objects: their types are checked by validation)."""
    found = builtin_findings(rt, body)
    if found is None or found.decode_error is None:
        return None
    return bad_request(
        f'{rt.kind} in version "{rt.version}" cannot be handled as a {rt.kind}: {found.decode_error}'
    )


def _meta_unknown(rt: ResourceType, meta: dict[str, Any]) -> list[str]:
    schemas = rt.merge_rules.schemas if isinstance(rt.merge_rules, SchemaRules) else None
    if schemas is None:
        return []
    return [f"metadata.{u}" for u in _schema_unknown(schemas.resolve_definition(OBJECT_META), meta, "")]


def unknown_fields(rt: ResourceType, body: dict[str, Any]) -> list[str]:
    """Dotted paths of fields the kind does not declare: Kubernetes' published definition for a
    built-in kind, the structural schema (and ObjectMeta) for a custom resource."""
    found = builtin_findings(rt, body)
    if found is not None:
        return [path for path, _ in found.unknown]
    out: list[str] = []
    meta = body.get("metadata")
    if isinstance(meta, dict):
        out.extend(_meta_unknown(rt, meta))
    if rt.schema:
        rest = {k: v for k, v in body.items() if k not in ("apiVersion", "kind", "metadata")}
        out.extend(_schema_unknown(rt.schema, rest, ""))
    return out


def typed_errors(rt: ResourceType, body: dict[str, Any]) -> list[str]:
    """structured-merge-diff's errors converting a built-in kind's apply body to a typed value:
    undeclared fields and values of the wrong type."""
    found = typed_findings(rt, body)
    return found.typed_errors if found is not None else []


def drop_fields(body: dict[str, Any], paths: list[str]) -> None:
    for path in paths:
        parts = re.split(r"\.(?![^\[]*\])", path)
        cur: Any = body
        for part in parts[:-1]:
            m = re.match(r"^(.*?)\[(\d+)\]$", part)
            if m:
                cur = cur.get(m.group(1), [])[int(m.group(2))]
            else:
                cur = cur.get(part, {})
        if isinstance(cur, dict):
            cur.pop(parts[-1], None)


def _image_pull_policy(image: str) -> str:
    tail = image.rsplit("/", 1)[-1]
    if "@" in tail:
        return "IfNotPresent"
    if ":" not in tail or tail.endswith(":latest"):
        return "Always"
    return "IfNotPresent"


def _default_pod_spec(spec: dict[str, Any]) -> None:
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("schedulerName", "default-scheduler")
    spec.setdefault("terminationGracePeriodSeconds", 30)
    spec.setdefault("securityContext", {})
    for c in (spec.get("containers") or []) + (spec.get("initContainers") or []):
        if not isinstance(c, dict):
            continue
        if isinstance(c.get("image"), str):
            c.setdefault("imagePullPolicy", _image_pull_policy(c["image"]))
        c.setdefault("terminationMessagePath", "/dev/termination-log")
        c.setdefault("terminationMessagePolicy", "File")
        c.setdefault("resources", {})
        for port in c.get("ports") or []:
            if isinstance(port, dict):
                port.setdefault("protocol", "TCP")


def _qos_class(spec: dict[str, Any]) -> str:
    resources = [
        c.get("resources") or {}
        for c in (spec.get("containers") or []) + (spec.get("initContainers") or [])
        if isinstance(c, dict)
    ]
    if not any(r.get("requests") or r.get("limits") for r in resources):
        return "BestEffort"
    guaranteed = all(
        {k: (r.get("limits") or {}).get(k) for k in ("cpu", "memory")}
        == {k: (r.get("requests") or {}).get(k, (r.get("limits") or {}).get(k)) for k in ("cpu", "memory")}
        and all((r.get("limits") or {}).get(k) for k in ("cpu", "memory"))
        for r in resources
    )
    return "Guaranteed" if guaranteed else "Burstable"


def _custom_content(obj: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if k not in ("apiVersion", "kind", "metadata")}


def apply_defaults(rt: ResourceType, obj: dict[str, Any]) -> None:
    """Fill what the real defaulters fill (only missing values, so it is safe on every write);
    custom resources get their structural schema's defaults."""
    if not rt.builtin:
        if rt.schema:
            content = _custom_content(obj)
            crdschema.apply_defaults(rt.schema, content)
            obj.update(content)
        return
    kind = rt.kind
    spec = obj.get("spec")
    if kind == "Namespace":
        obj.setdefault("spec", {}).setdefault("finalizers", ["kubernetes"])
        obj.setdefault("status", {}).setdefault("phase", "Active")
        obj["metadata"].setdefault("labels", {})["kubernetes.io/metadata.name"] = obj["metadata"]["name"]
    elif kind == "Pod" and isinstance(spec, dict):
        _default_pod_spec(spec)
        if not spec.get("serviceAccountName"):
            spec["serviceAccountName"] = spec.get("serviceAccount") or "default"
        spec.setdefault("serviceAccount", spec["serviceAccountName"])
        status = obj.setdefault("status", {})
        status.setdefault("phase", "Pending")
        status.setdefault("qosClass", _qos_class(spec))
    elif kind in ("Deployment", "StatefulSet", "ReplicaSet", "DaemonSet", "Job") and isinstance(spec, dict):
        if kind != "Job" and kind != "DaemonSet":
            spec.setdefault("replicas", 1)
        if kind == "Deployment":
            spec.setdefault(
                "strategy",
                {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}},
            )
            spec.setdefault("revisionHistoryLimit", 10)
            spec.setdefault("progressDeadlineSeconds", 600)
        if kind == "StatefulSet":
            spec.setdefault("podManagementPolicy", "OrderedReady")
            spec.setdefault("updateStrategy", {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}})
            spec.setdefault("revisionHistoryLimit", 10)
        if kind == "Job":
            spec.setdefault("parallelism", 1)
            spec.setdefault("completions", 1)
            spec.setdefault("backoffLimit", 6)
            spec.setdefault("completionMode", "NonIndexed")
            spec.setdefault("suspend", False)
            uid = obj["metadata"].get("uid", "")
            if uid and not spec.get("manualSelector"):
                labels = {
                    "batch.kubernetes.io/controller-uid": uid,
                    "controller-uid": uid,
                    "batch.kubernetes.io/job-name": obj["metadata"]["name"],
                    "job-name": obj["metadata"]["name"],
                }
                spec.setdefault("selector", {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}})
                tmeta = spec.setdefault("template", {}).setdefault("metadata", {})
                tmeta.setdefault("labels", {}).update(labels)
        template = spec.get("template")
        if isinstance(template, dict) and isinstance(template.get("spec"), dict):
            _default_pod_spec(template["spec"])
            if kind == "Job":
                template["spec"]["restartPolicy"] = template["spec"].get("restartPolicy") or "Never"
    elif kind == "Service" and isinstance(spec, dict):
        spec.setdefault("type", "ClusterIP")
        spec.setdefault("sessionAffinity", "None")
        for port in spec.get("ports") or []:
            if isinstance(port, dict):
                port.setdefault("protocol", "TCP")
                if "port" in port:
                    port.setdefault("targetPort", port["port"])
    elif kind == "Secret":
        obj.setdefault("type", "Opaque")
        string_data = obj.pop("stringData", None)
        if isinstance(string_data, dict):
            data = obj.setdefault("data", {})
            for k, v in string_data.items():
                data[k] = base64.b64encode(str(v).encode()).decode()
    elif kind == "PersistentVolumeClaim" and isinstance(spec, dict):
        spec.setdefault("volumeMode", "Filesystem")
        obj.setdefault("status", {}).setdefault("phase", "Pending")
    elif kind == "ServiceAccount":
        pass
    elif kind == "PriorityClass":
        obj.setdefault("preemptionPolicy", "PreemptLowerPriority")
    elif kind == "HorizontalPodAutoscaler" and isinstance(spec, dict):
        spec.setdefault("minReplicas", 1)


def _required(rt: ResourceType, name: str, field: str) -> ApiError:
    return invalid(
        rt.kind,
        rt.group,
        name,
        [{"reason": "FieldValueRequired", "message": "Required value", "field": field}],
    )


def _selector_matches(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    for k, v in (selector.get("matchLabels") or {}).items():
        if labels.get(k) != v:
            return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and labels.get(key) in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def _go_map(labels: dict[str, str]) -> str:
    return "map[string]string{" + ", ".join(f'"{k}":"{v}"' for k, v in sorted(labels.items())) + "}"


def _check_containers(rt: ResourceType, name: str, spec: Any, prefix: str) -> None:
    if not isinstance(spec, dict) or not spec.get("containers"):
        raise _required(rt, name, f"{prefix}.containers")
    for i, c in enumerate(spec["containers"]):
        if not isinstance(c, dict) or not c.get("name"):
            raise _required(rt, name, f"{prefix}.containers[{i}].name")
        if not c.get("image"):
            raise _required(rt, name, f"{prefix}.containers[{i}].image")


def validate(rt: ResourceType, obj: dict[str, Any], api: Api, old: dict[str, Any] | None = None) -> None:
    name = obj["metadata"]["name"]
    if rt.builtin and rt.kind == "Secret":
        rules.check_secret_data(obj)
    spec = obj.get("spec")
    if not rt.builtin:
        if rt.schema:
            rules.raise_if(rt, name, crdschema.validate(rt.schema, _custom_content(obj)))
    elif rt.kind == "Pod":
        _check_containers(rt, name, spec, "spec")
    elif rt.kind in ("Deployment", "StatefulSet", "ReplicaSet", "DaemonSet"):
        if not isinstance(spec, dict) or not isinstance(spec.get("selector"), dict):
            raise _required(rt, name, "spec.selector")
        template = spec.get("template") or {}
        labels = (template.get("metadata") or {}).get("labels") or {}
        if not _selector_matches(spec["selector"], labels) or not spec["selector"]:
            raise invalid(
                rt.kind,
                rt.group,
                name,
                [
                    {
                        "reason": "FieldValueInvalid",
                        "field": "spec.template.metadata.labels",
                        "message": f"Invalid value: {_go_map(labels)}: "
                        "`selector` does not match template `labels`",
                    }
                ],
            )
        _check_containers(rt, name, template.get("spec"), "spec.template.spec")
    elif rt.kind == "Job":
        _check_containers(rt, name, (spec or {}).get("template", {}).get("spec"), "spec.template.spec")
    elif rt.kind == "Service" and isinstance(spec, dict):
        if spec.get("type") != "ExternalName" and not spec.get("ports") and spec.get("clusterIP") != "None":
            raise _required(rt, name, "spec.ports")
    elif rt.kind == "CustomResourceDefinition":
        s = spec or {}
        expected = f"{(s.get('names') or {}).get('plural', '')}.{s.get('group', '')}"
        if name != expected:
            raise invalid(
                rt.kind,
                rt.group,
                name,
                [
                    {
                        "reason": "FieldValueInvalid",
                        "field": "metadata.name",
                        "message": f'Invalid value: "{name}": must be spec.names.plural+"."+spec.group',
                    }
                ],
            )
    rules.raise_if(rt, name, rules.field_causes(rt, obj) + (rules.update_causes(rt, old, obj) if old else []))


def on_create(rt: ResourceType, obj: dict[str, Any], api: Api) -> None:
    """Admission and allocations the apiserver does synchronously at create time."""
    if rt.kind == "Pod" and rt.builtin:
        ns = obj["metadata"]["namespace"]
        sa_name = (obj.get("spec") or {}).get("serviceAccountName") or "default"
        sa_rt = api.registry.lookup("", "v1", "serviceaccounts")
        assert sa_rt is not None
        if api.store.get((sa_rt.group, sa_rt.plural, ns, sa_name)) is None:
            raise ApiError(
                403,
                "Forbidden",
                f'pods "{obj["metadata"]["name"]}" is forbidden: error looking up '
                f'service account {ns}/{sa_name}: serviceaccount "{sa_name}" not found',
                {"name": obj["metadata"]["name"], "kind": "pods"},
            )
    if rt.kind == "CustomResourceDefinition" and rt.builtin:
        finalizers = obj["metadata"].setdefault("finalizers", [])
        if "customresourcecleanup.apiextensions.k8s.io" not in finalizers:
            finalizers.append("customresourcecleanup.apiextensions.k8s.io")
    if rt.kind == "Service" and rt.builtin:
        spec = obj.setdefault("spec", {})
        if spec.get("type") != "ExternalName" and not spec.get("clusterIP"):
            ip = api.allocate_cluster_ip()
            spec["clusterIP"] = ip
            spec["clusterIPs"] = [ip]
        elif spec.get("clusterIP") and not spec.get("clusterIPs"):
            spec["clusterIPs"] = [spec["clusterIP"]]
        spec.setdefault("ipFamilies", ["IPv4"])
        spec.setdefault("ipFamilyPolicy", "SingleStack")
        spec.setdefault("internalTrafficPolicy", "Cluster")
        if spec.get("type") in ("NodePort", "LoadBalancer"):
            for port in spec.get("ports") or []:
                if isinstance(port, dict) and "nodePort" not in port:
                    port["nodePort"] = api.allocate_node_port()
            spec.setdefault("externalTrafficPolicy", "Cluster")
        obj.setdefault("status", {"loadBalancer": {}})
