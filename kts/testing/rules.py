"""Field rules the real apiserver enforces that deployers trip over: label and annotation syntax,
config keys, sizes, container names, and fields that are immutable after creation."""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

from kts.testing.errors import ApiError, invalid
from kts.testing.resources import ResourceType

_NAME_PART = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_CONFIG_KEY = re.compile(r"^[-._a-zA-Z0-9]+$")

_NAME_PART_MSG = (
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
    "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
)
_LABEL_VALUE_MSG = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must "
    "start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used "
    "for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)
_PREFIX_MSG = (
    "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
    "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
_CONFIG_KEY_MSG = (
    "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or "
    "'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"
)
_DNS_LABEL_MSG = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start "
    "and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)

Cause = dict[str, str]


def _bad(field: str, value: Any, msg: str) -> Cause:
    return {
        "reason": "FieldValueInvalid",
        "message": f"Invalid value: {json.dumps(value)}: {msg}",
        "field": field,
    }


def qualified_name_errors(key: str) -> list[str]:
    """Problems with a label or annotation key (``[prefix/]name``)."""
    prefix, _, name = key.rpartition("/")
    out = []
    if key.count("/") > 1:
        return [
            "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and "
            "end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used "
            "for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain "
            "prefix and '/' (e.g. 'example.com/MyName')"
        ]
    if "/" in key:
        if not prefix:
            out.append("prefix part must be non-empty")
        elif len(prefix) > 253:
            out.append("prefix part must be no more than 253 characters")
        elif not _SUBDOMAIN.match(prefix):
            out.append(_PREFIX_MSG)
    if not name:
        out.append("name part must be non-empty")
    elif len(name) > 63:
        out.append("name part must be no more than 63 characters")
    elif not _NAME_PART.match(name):
        out.append(_NAME_PART_MSG)
    return out


def _meta_causes(meta: dict[str, Any], path: str) -> list[Cause]:
    causes: list[Cause] = []
    labels = meta.get("labels") or {}
    for k, v in labels.items() if isinstance(labels, dict) else ():
        for msg in qualified_name_errors(k):
            causes.append(_bad(f"{path}.labels", k, msg))
        if not isinstance(v, str):
            continue
        if len(v) > 63:
            causes.append(_bad(f"{path}.labels", v, "must be no more than 63 characters"))
        elif not _LABEL_VALUE.match(v):
            causes.append(_bad(f"{path}.labels", v, _LABEL_VALUE_MSG))
    annotations = meta.get("annotations") or {}
    for k in annotations if isinstance(annotations, dict) else ():
        for msg in qualified_name_errors(k):
            causes.append(_bad(f"{path}.annotations", k, msg))
    if isinstance(annotations, dict):
        size = sum(len(k) + len(str(v)) for k, v in annotations.items())
        if size > 256 * 1024:
            causes.append(
                {
                    "reason": "FieldValueTooLong",
                    "field": f"{path}.annotations",
                    "message": "Too long: may not be more than 262144 bytes",
                }
            )
    return causes


def _pod_spec_causes(spec: Any, path: str) -> list[Cause]:
    causes: list[Cause] = []
    if not isinstance(spec, dict):
        return causes
    for list_name in ("initContainers", "containers"):
        for i, c in enumerate(spec.get(list_name) or []):
            if not isinstance(c, dict):
                continue
            name = c.get("name")
            if isinstance(name, str) and name and not _DNS_LABEL.match(name):
                causes.append(_bad(f"{path}.{list_name}[{i}].name", name, _DNS_LABEL_MSG))
            for j, port in enumerate(c.get("ports") or []):
                pname = port.get("name") if isinstance(port, dict) else None
                if isinstance(pname, str) and len(pname) > 15:
                    causes.append(
                        _bad(
                            f"{path}.{list_name}[{i}].ports[{j}].name",
                            pname,
                            "must be no more than 15 characters",
                        )
                    )
    return causes


def field_causes(rt: ResourceType, obj: dict[str, Any]) -> list[Cause]:
    """Syntax problems in one object (on create and update)."""
    causes = _meta_causes(obj.get("metadata") or {}, "metadata")
    if not rt.builtin:
        return causes
    spec = obj.get("spec")
    if rt.kind in ("ConfigMap", "Secret"):
        size = 0
        for field in ("data", "binaryData"):
            for k, v in (obj.get(field) or {}).items():
                if not _CONFIG_KEY.match(k):
                    causes.append(_bad(f"{field}[{k}]", k, _CONFIG_KEY_MSG))
                size += len(k) + len(v) if isinstance(v, str) else 0
        if size > 1024 * 1024:
            causes.append(
                {
                    "reason": "FieldValueTooLong",
                    "field": "data" if rt.kind == "Secret" else "",
                    "message": "Too long: must have at most 1048576 bytes",
                }
            )
    if rt.kind == "Pod":
        causes += _pod_spec_causes(spec, "spec")
    elif isinstance(spec, dict) and isinstance(spec.get("template"), dict):
        template = spec["template"]
        causes += _meta_causes(template.get("metadata") or {}, "spec.template.metadata")
        causes += _pod_spec_causes(template.get("spec"), "spec.template.spec")
    return causes


def check_secret_data(obj: dict[str, Any]) -> None:
    """Secret data must be base64 (a decoding error, 400, like the real JSON decoder)."""
    for v in (obj.get("data") or {}).values():
        if not isinstance(v, str):
            continue
        try:
            base64.b64decode(v, validate=True)
        except (binascii.Error, ValueError):
            raise ApiError(
                400,
                "BadRequest",
                'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 0',
            ) from None


def _immutable(field: str, value: Any) -> Cause:
    return {
        "reason": "FieldValueInvalid",
        "field": field,
        "message": f"Invalid value: {json.dumps(value)}: field is immutable",
    }


def update_causes(rt: ResourceType, old: dict[str, Any], new: dict[str, Any]) -> list[Cause]:
    """Changes the real apiserver refuses on update."""
    if not rt.builtin:
        return []
    kind = rt.kind
    o, n = old.get("spec") or {}, new.get("spec") or {}
    causes: list[Cause] = []
    if kind in ("Deployment", "ReplicaSet", "DaemonSet", "StatefulSet") and o.get("selector") != n.get(
        "selector"
    ):
        causes.append(_immutable("spec.selector", n.get("selector")))
    if kind == "StatefulSet":
        mutable = {
            "replicas",
            "ordinals",
            "template",
            "updateStrategy",
            "revisionHistoryLimit",
            "persistentVolumeClaimRetentionPolicy",
            "minReadySeconds",
            "selector",
        }
        if {k: v for k, v in o.items() if k not in mutable} != {
            k: v for k, v in n.items() if k not in mutable
        }:
            causes.append(
                {
                    "reason": "FieldValueForbidden",
                    "field": "spec",
                    "message": "Forbidden: updates to statefulset spec for fields other than 'replicas', "
                    "'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', "
                    "'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
                }
            )
    if kind == "Job":
        if o.get("template") != n.get("template"):
            causes.append(_immutable("spec.template", n.get("template")))
        if o.get("selector") != n.get("selector"):
            causes.append(_immutable("spec.selector", n.get("selector")))
        if o.get("completions") != n.get("completions"):
            causes.append(_immutable("spec.completions", n.get("completions")))
    if kind == "PersistentVolumeClaim":
        strip = ("resources", "volumeAttributesClassName", "volumeName")
        if {k: v for k, v in o.items() if k not in strip} != {k: v for k, v in n.items() if k not in strip}:
            causes.append(
                {
                    "reason": "FieldValueForbidden",
                    "field": "spec",
                    "message": "Forbidden: spec is immutable after creation except resources.requests "
                    "and volumeAttributesClassName for bound claims",
                }
            )
    if kind == "Service" and o.get("clusterIP") and n.get("clusterIP") not in (None, o.get("clusterIP")):
        causes.append(
            {
                "reason": "FieldValueInvalid",
                "field": "spec.clusterIPs[0]",
                "message": f'Invalid value: []string{{"{n.get("clusterIP")}"}}: may not change once set',
            }
        )
    if kind in ("ConfigMap", "Secret") and old.get("immutable"):
        for field in ("data", "binaryData") if kind == "ConfigMap" else ("data",):
            if old.get(field) != new.get(field):
                causes.append(
                    {
                        "reason": "FieldValueForbidden",
                        "field": field,
                        "message": "Forbidden: field is immutable when `immutable` is set",
                    }
                )
        if not new.get("immutable"):
            causes.append(
                {
                    "reason": "FieldValueForbidden",
                    "field": "immutable",
                    "message": "Forbidden: field is immutable when `immutable` is set",
                }
            )
    if kind == "Pod":
        strip_keys = (
            "activeDeadlineSeconds",
            "tolerations",
            "terminationGracePeriodSeconds",
            "schedulingGates",
            "nodeName",
        )

        def shape(spec: dict[str, Any]) -> Any:
            spec = {k: v for k, v in spec.items() if k not in strip_keys}
            spec["containers"] = [
                {k: v for k, v in c.items() if k != "image"}
                for c in spec.get("containers") or []
                if isinstance(c, dict)
            ]
            spec["initContainers"] = [
                {k: v for k, v in c.items() if k != "image"}
                for c in spec.get("initContainers") or []
                if isinstance(c, dict)
            ]
            return spec

        if shape(o) != shape(n):
            causes.append(
                {
                    "reason": "FieldValueForbidden",
                    "field": "spec",
                    "message": "Forbidden: pod updates may not change fields other than "
                    "`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,"
                    "`spec.tolerations` (only additions to existing tolerations),"
                    "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously "
                    "negative)",
                }
            )
    return causes


def raise_if(rt: ResourceType, name: str, causes: list[Cause]) -> None:
    if causes:
        raise invalid(rt.kind, rt.group, name, causes)
