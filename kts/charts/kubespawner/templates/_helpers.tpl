{{/* The contract's labels of this user's objects, with KubeSpawner's label slugs (the values
KubeSpawner's own objects carry, so selectors written for KubeSpawner select these too). They are
set on every object, so the whole set uses one value, as the contract requires. */}}
{{- define "kubespawner.userLabels" -}}
{{- dict "app.kubernetes.io/instance" (toString .Values.instance) "hub.jupyter.org/username" (toString .Values.slugs.label.username) | toJson -}}
{{- end -}}

{{- define "kubespawner.serverLabels" -}}
{{- $labels := include "kubespawner.userLabels" . | fromJson -}}
{{- $_ := set $labels "hub.jupyter.org/servername" (toString .Values.slugs.label.servername) -}}
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
