"""Request bodies in Kubernetes' protobuf encoding (``application/vnd.kubernetes.protobuf``).

kubectl's typed commands (``create configmap|secret|namespace|serviceaccount``, ``auth can-i``)
send protobuf. A body is the magic ``k8s\\x00`` and a ``runtime.Unknown`` envelope whose ``raw`` is
the object's message. Field numbers are the wire contract of k8s.io/api's ``generated.proto``;
only the kinds below are described, and another kind's body is refused with 415 (as the real
server refuses protobuf for kinds it has no protobuf codec for: custom resources).
"""

from __future__ import annotations

import base64
import datetime
from typing import Any

from kts.testing.errors import ApiError

MEDIA_TYPE = "application/vnd.kubernetes.protobuf"
_MAGIC = b"k8s\x00"

# A field is (json name, kind). Kinds: "string", "bytes" (base64 in JSON), "int", "int0" / "bool0"
# (a value the Go struct always carries, dropped when zero as JSON's omitempty drops it), "bool",
# "map" / "map-bytes" (map<string, ...>), "strings" (repeated string), "intstr" (IntOrString), a
# message name, or ("list", message name).
Kind = str | tuple[str, str]
Message = dict[int, tuple[str, Kind]]

MESSAGES: dict[str, Message] = {
    "TypeMeta": {1: ("apiVersion", "string"), 2: ("kind", "string")},
    "Unknown": {
        1: ("typeMeta", "TypeMeta"),
        2: ("raw", "raw"),
        3: ("contentEncoding", "string"),
        4: ("contentType", "string"),
    },
    "Time": {1: ("seconds", "int"), 2: ("nanos", "int")},
    "ObjectMeta": {
        1: ("name", "string"),
        2: ("generateName", "string"),
        3: ("namespace", "string"),
        4: ("selfLink", "string"),
        5: ("uid", "string"),
        6: ("resourceVersion", "string"),
        7: ("generation", "int0"),
        8: ("creationTimestamp", "Time"),
        9: ("deletionTimestamp", "Time"),
        10: ("deletionGracePeriodSeconds", "int"),
        11: ("labels", "map"),
        12: ("annotations", "map"),
        13: ("ownerReferences", ("list", "OwnerReference")),
        14: ("finalizers", "strings"),
    },
    "OwnerReference": {
        1: ("kind", "string"),
        3: ("name", "string"),
        4: ("uid", "string"),
        5: ("apiVersion", "string"),
        6: ("controller", "bool"),
        7: ("blockOwnerDeletion", "bool"),
    },
    "ObjectReference": {
        1: ("kind", "string"),
        2: ("namespace", "string"),
        3: ("name", "string"),
        4: ("uid", "string"),
        5: ("apiVersion", "string"),
        6: ("resourceVersion", "string"),
        7: ("fieldPath", "string"),
    },
    "LocalObjectReference": {1: ("name", "string")},
    "ConfigMap": {
        1: ("metadata", "ObjectMeta"),
        2: ("data", "map"),
        3: ("binaryData", "map-bytes"),
        4: ("immutable", "bool"),
    },
    "Secret": {
        1: ("metadata", "ObjectMeta"),
        2: ("data", "map-bytes"),
        3: ("type", "string"),
        4: ("stringData", "map"),
        5: ("immutable", "bool"),
    },
    "Namespace": {
        1: ("metadata", "ObjectMeta"),
        2: ("spec", "NamespaceSpec"),
        3: ("status", "NamespaceStatus"),
    },
    "NamespaceSpec": {1: ("finalizers", "strings")},
    "NamespaceStatus": {1: ("phase", "string")},
    "ServiceAccount": {
        1: ("metadata", "ObjectMeta"),
        2: ("secrets", ("list", "ObjectReference")),
        3: ("imagePullSecrets", ("list", "LocalObjectReference")),
        4: ("automountServiceAccountToken", "bool"),
    },
    "Deployment": {1: ("metadata", "ObjectMeta"), 2: ("spec", "DeploymentSpec")},
    "DeploymentSpec": {
        1: ("replicas", "int"),
        2: ("selector", "LabelSelector"),
        3: ("template", "PodTemplateSpec"),
        4: ("strategy", "DeploymentStrategy"),
        5: ("minReadySeconds", "int0"),
        6: ("revisionHistoryLimit", "int"),
        7: ("paused", "bool0"),
        9: ("progressDeadlineSeconds", "int"),
    },
    "DeploymentStrategy": {1: ("type", "string")},
    "Job": {1: ("metadata", "ObjectMeta"), 2: ("spec", "JobSpec")},
    "JobSpec": {
        1: ("parallelism", "int"),
        2: ("completions", "int"),
        3: ("activeDeadlineSeconds", "int"),
        4: ("selector", "LabelSelector"),
        5: ("manualSelector", "bool"),
        6: ("template", "PodTemplateSpec"),
        7: ("backoffLimit", "int"),
        8: ("ttlSecondsAfterFinished", "int"),
        9: ("completionMode", "string"),
        10: ("suspend", "bool"),
    },
    "LabelSelector": {
        1: ("matchLabels", "map"),
        2: ("matchExpressions", ("list", "LabelSelectorRequirement")),
    },
    "LabelSelectorRequirement": {1: ("key", "string"), 2: ("operator", "string"), 3: ("values", "strings")},
    "PodTemplateSpec": {1: ("metadata", "ObjectMeta"), 2: ("spec", "PodSpec")},
    "PodSpec": {
        2: ("containers", ("list", "Container")),
        3: ("restartPolicy", "string"),
        4: ("terminationGracePeriodSeconds", "int"),
        6: ("dnsPolicy", "string"),
        7: ("nodeSelector", "map"),
        8: ("serviceAccountName", "string"),
        10: ("nodeName", "string"),
        11: ("hostNetwork", "bool0"),
        12: ("hostPID", "bool0"),
        13: ("hostIPC", "bool0"),
        16: ("hostname", "string"),
        17: ("subdomain", "string"),
        19: ("schedulerName", "string"),
        20: ("initContainers", ("list", "Container")),
        24: ("priorityClassName", "string"),
    },
    "Container": {
        1: ("name", "string"),
        2: ("image", "string"),
        3: ("command", "strings"),
        4: ("args", "strings"),
        5: ("workingDir", "string"),
        6: ("ports", ("list", "ContainerPort")),
        7: ("env", ("list", "EnvVar")),
        13: ("terminationMessagePath", "string"),
        14: ("imagePullPolicy", "string"),
        16: ("stdin", "bool0"),
        17: ("stdinOnce", "bool0"),
        18: ("tty", "bool0"),
        20: ("terminationMessagePolicy", "string"),
    },
    "ContainerPort": {
        1: ("name", "string"),
        2: ("hostPort", "int0"),
        3: ("containerPort", "int"),
        4: ("protocol", "string"),
        5: ("hostIP", "string"),
    },
    "EnvVar": {1: ("name", "string"), 2: ("value", "string")},
    "Service": {1: ("metadata", "ObjectMeta"), 2: ("spec", "ServiceSpec")},
    "ServiceSpec": {
        1: ("ports", ("list", "ServicePort")),
        2: ("selector", "map"),
        3: ("clusterIP", "string"),
        4: ("type", "string"),
        5: ("externalIPs", "strings"),
        7: ("sessionAffinity", "string"),
        10: ("externalName", "string"),
    },
    "ServicePort": {
        1: ("name", "string"),
        2: ("protocol", "string"),
        3: ("port", "int"),
        4: ("targetPort", "intstr"),
        5: ("nodePort", "int0"),
    },
    "IntOrString": {1: ("type", "int"), 2: ("intVal", "int"), 3: ("strVal", "string")},
    "SelfSubjectAccessReview": {1: ("metadata", "ObjectMeta"), 2: ("spec", "SelfSubjectAccessReviewSpec")},
    "SelfSubjectAccessReviewSpec": {
        1: ("resourceAttributes", "ResourceAttributes"),
        2: ("nonResourceAttributes", "NonResourceAttributes"),
    },
    "ResourceAttributes": {
        1: ("namespace", "string"),
        2: ("verb", "string"),
        3: ("group", "string"),
        4: ("version", "string"),
        5: ("resource", "string"),
        6: ("subresource", "string"),
        7: ("name", "string"),
    },
    "NonResourceAttributes": {1: ("path", "string"), 2: ("verb", "string")},
    "SelfSubjectRulesReview": {1: ("metadata", "ObjectMeta"), 2: ("spec", "SelfSubjectRulesReviewSpec")},
    "SelfSubjectRulesReviewSpec": {1: ("namespace", "string")},
}

# Kinds whose protobuf body the emulator decodes, by (apiVersion, kind).
TOP_LEVEL = {
    ("v1", "ConfigMap"),
    ("v1", "Secret"),
    ("v1", "Namespace"),
    ("v1", "ServiceAccount"),
    ("v1", "Service"),
    ("apps/v1", "Deployment"),
    ("batch/v1", "Job"),
    ("authorization.k8s.io/v1", "SelfSubjectAccessReview"),
    ("authorization.k8s.io/v1", "SelfSubjectRulesReview"),
}


def _unsupported() -> ApiError:
    return ApiError(
        415,
        "UnsupportedMediaType",
        f"the body of the request was in an unknown format - accepted media types include: "
        f"application/json, application/yaml (the emulator decodes {MEDIA_TYPE} only for "
        + ", ".join(sorted(k for _, k in TOP_LEVEL))
        + ")",
    )


def _malformed(why: str) -> ApiError:
    return ApiError(400, "BadRequest", f"the body of the request could not be decoded as protobuf: {why}")


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    out = shift = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise _malformed("truncated varint")
        b = data[pos]
        pos += 1
        out |= (b & 0x7F) << shift
        if not b & 0x80:
            return out, pos
        shift += 7


def _fields(data: bytes) -> list[tuple[int, int | bytes]]:
    """The wire fields of one message: (number, varint value or length-delimited bytes)."""
    out: list[tuple[int, int | bytes]] = []
    pos = 0
    while pos < len(data):
        tag, pos = _varint(data, pos)
        number, wire = tag >> 3, tag & 7
        if wire == 0:
            value, pos = _varint(data, pos)
            out.append((number, value))
        elif wire == 2:
            size, pos = _varint(data, pos)
            if pos + size > len(data):
                raise _malformed("truncated field")
            out.append((number, data[pos : pos + size]))
            pos += size
        elif wire in (1, 5):
            pos += 8 if wire == 1 else 4
        else:
            raise _malformed(f"unsupported wire type {wire}")
    return out


def _signed(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


def _time(msg: dict[str, Any]) -> str | None:
    if not msg.get("seconds"):
        return None
    stamp = datetime.datetime.fromtimestamp(msg["seconds"], datetime.UTC)
    return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")


def decode_message(name: str, data: bytes) -> dict[str, Any]:
    """One message as its JSON object (empty strings, messages and zero ints left out, as
    ``omitempty`` leaves them out of the JSON encoding)."""
    spec = MESSAGES[name]
    out: dict[str, Any] = {}
    for number, value in _fields(data):
        if number not in spec:
            continue
        field, kind = spec[number]
        if isinstance(kind, tuple):
            if not isinstance(value, bytes):
                raise _malformed(f"{name}.{field} is not a message")
            out.setdefault(field, []).append(decode_message(kind[1], value))
        elif kind in ("int", "int0", "bool", "bool0"):
            if not isinstance(value, int):
                raise _malformed(f"{name}.{field} is not a number")
            out[field] = bool(value) if kind.startswith("bool") else _signed(value)
        elif not isinstance(value, bytes):
            raise _malformed(f"{name}.{field} is not length-delimited")
        elif kind in ("string", "raw"):
            out[field] = value if kind == "raw" else value.decode("utf-8", "replace")
        elif kind == "bytes":
            out[field] = base64.b64encode(value).decode()
        elif kind == "strings":
            out.setdefault(field, []).append(value.decode("utf-8", "replace"))
        elif kind in ("map", "map-bytes"):
            entry = dict(_fields(value))
            key, item = entry.get(1, b""), entry.get(2, b"")
            if not isinstance(key, bytes) or not isinstance(item, bytes):
                raise _malformed(f"{name}.{field} has a malformed entry")
            text = base64.b64encode(item).decode() if kind == "map-bytes" else item.decode("utf-8", "replace")
            out.setdefault(field, {})[key.decode("utf-8", "replace")] = text
        elif kind == "intstr":
            parts = decode_message("IntOrString", value)
            out[field] = parts.get("strVal", "") if parts.get("type") == 1 else parts.get("intVal", 0)
        elif kind == "Time":
            stamp = _time(decode_message("Time", value))
            if stamp is not None:
                out[field] = stamp
        else:
            out[field] = decode_message(kind, value)
    for field, kind in spec.values():
        if out.get(field) in ("", {}) or (kind in ("int0", "bool0") and not out.get(field, True)):
            out.pop(field, None)
    return out


def decode(body: bytes) -> dict[str, Any]:
    """A protobuf request body as the JSON object it encodes."""
    if not body.startswith(_MAGIC):
        raise _malformed("missing the k8s protobuf prefix")
    envelope = decode_message("Unknown", body[len(_MAGIC) :])
    meta = envelope.get("typeMeta") or {}
    api_version, kind = meta.get("apiVersion", ""), meta.get("kind", "")
    if (api_version, kind) not in TOP_LEVEL:
        raise _unsupported()
    raw = envelope.get("raw", b"")
    obj = decode_message(kind, raw if isinstance(raw, bytes) else b"")
    return {"apiVersion": api_version, "kind": kind, **obj}
