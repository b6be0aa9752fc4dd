"""Declared fields of the built-in types charts use most, so a misspelt field fails like on a real
server. Each type maps a field to ``None`` (any value), a type name (an object) or ``[type name]``
(a list of objects). Types not listed here are not checked below their top level."""

from __future__ import annotations

from typing import Any

_ANY = None

_POD_SPEC_FIELDS = (
    "restartPolicy",
    "terminationGracePeriodSeconds",
    "activeDeadlineSeconds",
    "dnsPolicy",
    "nodeSelector",
    "serviceAccountName",
    "serviceAccount",
    "automountServiceAccountToken",
    "nodeName",
    "hostNetwork",
    "hostPID",
    "hostIPC",
    "shareProcessNamespace",
    "securityContext",
    "imagePullSecrets",
    "hostname",
    "subdomain",
    "affinity",
    "schedulerName",
    "tolerations",
    "hostAliases",
    "priorityClassName",
    "priority",
    "dnsConfig",
    "readinessGates",
    "runtimeClassName",
    "enableServiceLinks",
    "preemptionPolicy",
    "overhead",
    "topologySpreadConstraints",
    "setHostnameAsFQDN",
    "os",
    "hostUsers",
    "schedulingGates",
    "resourceClaims",
    "resources",
    "hostnameOverride",
    "ephemeralContainers",
    "volumes",
)
_CONTAINER_FIELDS = (
    "name",
    "image",
    "command",
    "args",
    "workingDir",
    "envFrom",
    "resources",
    "resizePolicy",
    "restartPolicy",
    "restartPolicyRules",
    "volumeDevices",
    "lifecycle",
    "terminationMessagePath",
    "terminationMessagePolicy",
    "imagePullPolicy",
    "securityContext",
    "stdin",
    "stdinOnce",
    "tty",
)

OBJECT_META_FIELDS = (
    "name",
    "generateName",
    "namespace",
    "selfLink",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "labels",
    "annotations",
    "ownerReferences",
    "finalizers",
    "managedFields",
)

TYPES: dict[str, dict[str, Any]] = {
    "ObjectMeta": dict.fromkeys(OBJECT_META_FIELDS),
    "PodTemplateSpec": {"metadata": "ObjectMeta", "spec": "PodSpec"},
    "PodSpec": {
        **dict.fromkeys(_POD_SPEC_FIELDS),
        "containers": ["Container"],
        "initContainers": ["Container"],
    },
    "Container": {
        **dict.fromkeys(_CONTAINER_FIELDS),
        "ports": ["ContainerPort"],
        "env": ["EnvVar"],
        "volumeMounts": ["VolumeMount"],
        "livenessProbe": "Probe",
        "readinessProbe": "Probe",
        "startupProbe": "Probe",
    },
    "ContainerPort": dict.fromkeys(("name", "hostPort", "containerPort", "protocol", "hostIP")),
    "EnvVar": dict.fromkeys(("name", "value", "valueFrom")),
    "VolumeMount": dict.fromkeys(
        ("name", "readOnly", "recursiveReadOnly", "mountPath", "subPath", "mountPropagation", "subPathExpr")
    ),
    "Probe": dict.fromkeys(
        (
            "exec",
            "httpGet",
            "tcpSocket",
            "grpc",
            "initialDelaySeconds",
            "timeoutSeconds",
            "periodSeconds",
            "successThreshold",
            "failureThreshold",
            "terminationGracePeriodSeconds",
        )
    ),
    "DeploymentSpec": {
        **dict.fromkeys(
            (
                "replicas",
                "selector",
                "strategy",
                "minReadySeconds",
                "revisionHistoryLimit",
                "paused",
                "progressDeadlineSeconds",
            )
        ),
        "template": "PodTemplateSpec",
    },
    "StatefulSetSpec": {
        **dict.fromkeys(
            (
                "replicas",
                "selector",
                "volumeClaimTemplates",
                "serviceName",
                "podManagementPolicy",
                "updateStrategy",
                "revisionHistoryLimit",
                "minReadySeconds",
                "persistentVolumeClaimRetentionPolicy",
                "ordinals",
            )
        ),
        "template": "PodTemplateSpec",
    },
    "ReplicaSetSpec": {
        **dict.fromkeys(("replicas", "minReadySeconds", "selector")),
        "template": "PodTemplateSpec",
    },
    "DaemonSetSpec": {
        **dict.fromkeys(("selector", "updateStrategy", "minReadySeconds", "revisionHistoryLimit")),
        "template": "PodTemplateSpec",
    },
    "JobSpec": {
        **dict.fromkeys(
            (
                "parallelism",
                "completions",
                "activeDeadlineSeconds",
                "podFailurePolicy",
                "successPolicy",
                "backoffLimit",
                "backoffLimitPerIndex",
                "maxFailedIndexes",
                "selector",
                "manualSelector",
                "ttlSecondsAfterFinished",
                "completionMode",
                "suspend",
                "podReplacementPolicy",
                "managedBy",
            )
        ),
        "template": "PodTemplateSpec",
    },
    "CronJobSpec": {
        **dict.fromkeys(
            (
                "schedule",
                "timeZone",
                "startingDeadlineSeconds",
                "concurrencyPolicy",
                "suspend",
                "successfulJobsHistoryLimit",
                "failedJobsHistoryLimit",
            )
        ),
        "jobTemplate": "JobTemplateSpec",
    },
    "JobTemplateSpec": {"metadata": "ObjectMeta", "spec": "JobSpec"},
    "ServiceSpec": {
        **dict.fromkeys(
            (
                "selector",
                "clusterIP",
                "clusterIPs",
                "type",
                "externalIPs",
                "sessionAffinity",
                "loadBalancerIP",
                "loadBalancerSourceRanges",
                "externalName",
                "externalTrafficPolicy",
                "healthCheckNodePort",
                "publishNotReadyAddresses",
                "sessionAffinityConfig",
                "ipFamilies",
                "ipFamilyPolicy",
                "allocateLoadBalancerNodePorts",
                "loadBalancerClass",
                "internalTrafficPolicy",
                "trafficDistribution",
            )
        ),
        "ports": ["ServicePort"],
    },
    "ServicePort": dict.fromkeys(("name", "protocol", "appProtocol", "port", "targetPort", "nodePort")),
    "PersistentVolumeClaimSpec": dict.fromkeys(
        (
            "accessModes",
            "selector",
            "resources",
            "volumeName",
            "storageClassName",
            "volumeMode",
            "dataSource",
            "dataSourceRef",
            "volumeAttributesClassName",
        )
    ),
    "IngressSpec": dict.fromkeys(("ingressClassName", "defaultBackend", "tls", "rules")),
}

SPEC_TYPES = {
    "Pod": "PodSpec",
    "Deployment": "DeploymentSpec",
    "StatefulSet": "StatefulSetSpec",
    "ReplicaSet": "ReplicaSetSpec",
    "DaemonSet": "DaemonSetSpec",
    "Job": "JobSpec",
    "CronJob": "CronJobSpec",
    "Service": "ServiceSpec",
    "PersistentVolumeClaim": "PersistentVolumeClaimSpec",
    "Ingress": "IngressSpec",
}


def unknown_nested(kind: str, body: dict[str, Any]) -> list[tuple[str, str]]:
    """Undeclared fields under ``spec`` as (decoder path ``spec.containers[0].imagee``,
    structured-merge-diff path ``.spec.containers[name="app"].imagee``)."""
    spec_type = SPEC_TYPES.get(kind)
    spec = body.get("spec")
    if spec_type is None or not isinstance(spec, dict):
        return []
    return _walk(spec_type, spec, "spec", ".spec")


def _walk(type_name: str, value: dict[str, Any], path: str, smd: str) -> list[tuple[str, str]]:
    fields = TYPES[type_name]
    out: list[tuple[str, str]] = []
    for k, v in value.items():
        if k not in fields:
            out.append((f"{path}.{k}", f"{smd}.{k}"))
            continue
        sub = fields[k]
        if isinstance(sub, str) and isinstance(v, dict):
            out += _walk(sub, v, f"{path}.{k}", f"{smd}.{k}")
        elif isinstance(sub, list) and isinstance(v, list):
            for i, item in enumerate(v):
                if isinstance(item, dict):
                    out += _walk(sub[0], item, f"{path}.{k}[{i}]", f"{smd}.{k}{_item_ref(k, item, i)}")
    return out


def _item_ref(field: str, item: dict[str, Any], index: int) -> str:
    import json

    key = {"ports": "containerPort" if "containerPort" in item else "port", "volumeMounts": "mountPath"}.get(
        field, "name"
    )
    if key in item:
        return f"[{key}={json.dumps(item[key])}]"
    return f"[{index}]"
