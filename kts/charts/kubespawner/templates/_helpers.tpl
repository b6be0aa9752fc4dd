{{/* The contract's labels of this user's objects. They replace KubeSpawner's values of the same
keys, so stop and deletion find the objects by the names kts escapes. */}}
{{- define "kubespawner.userLabels" -}}
{{- dict "app.kubernetes.io/instance" (toString .Values.instance) "hub.jupyter.org/username" (toString .Values.escaped_username) | toJson -}}
{{- end -}}

{{- define "kubespawner.serverLabels" -}}
{{- $labels := include "kubespawner.userLabels" . | fromJson -}}
{{- $_ := set $labels "hub.jupyter.org/servername" (toString .Values.escaped_servername) -}}
{{- $labels | toJson -}}
{{- end -}}

{{/* `metadata` of a KubeSpawner object with the contract's labels (JSON of `labels`) and the
lifecycle annotation added; everything KubeSpawner set is kept. */}}
{{- define "kubespawner.metadata" -}}
{{- $meta := deepCopy (.object.metadata | default dict) -}}
{{- $labels := merge (.labels | fromJson) ($meta.labels | default dict) -}}
{{- $annotations := deepCopy ($meta.annotations | default dict) -}}
{{- $_ := set $annotations .root.Values.kubespawner.lifecycle_annotation .lifecycle -}}
{{- $_ := set $meta "labels" $labels -}}
{{- $_ := set $meta "annotations" $annotations -}}
{{- $_ := set $meta "namespace" (toString .root.Values.namespace) -}}
{{- $meta | toJson -}}
{{- end -}}
