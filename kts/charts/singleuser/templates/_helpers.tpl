{{/* The server's object name: unique per instance, user and server. */}}
{{- define "singleuser.name" -}}
{{- printf "%s-%s" .Values.instance .Values.escaped_user_server | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The home volume's name: per user or per server. */}}
{{- define "singleuser.claimName" -}}
{{- if .Values.storage.perUser -}}
{{- printf "%s-%s" .Values.instance .Values.escaped_username | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- include "singleuser.name" . -}}
{{- end -}}
{{- end -}}

{{/* Labels every object of this user carries. */}}
{{- define "singleuser.userLabels" -}}
app.kubernetes.io/name: jupyterhub
app.kubernetes.io/managed-by: kubetemplatespawner
app.kubernetes.io/instance: {{ .Values.instance | quote }}
hub.jupyter.org/username: {{ .Values.escaped_username | quote }}
{{- end -}}

{{/* Labels of objects that belong to one server. */}}
{{- define "singleuser.serverLabels" -}}
{{ include "singleuser.userLabels" . }}
hub.jupyter.org/servername: {{ .Values.escaped_servername | quote }}
{{- end -}}

{{/* Selects this server's pod (for the Service). Escaped names can be shared by two users:
the server's identity, which kts stamps on every object it applies, cannot. */}}
{{- define "singleuser.selector" -}}
app.kubernetes.io/instance: {{ .Values.instance | quote }}
app.kubernetes.io/component: singleuser-server
hub.jupyter.org/username: {{ .Values.escaped_username | quote }}
hub.jupyter.org/servername: {{ .Values.escaped_servername | quote }}
kubetemplatespawner/server-id: {{ .Values.server_id | quote }}
{{- end -}}
