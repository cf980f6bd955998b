{{/*
Labels of every object: the two the Kustomize manifests carry, then Helm's own.
  include "mirrorgate.labels" (dict "ctx" $ "name" "mirrorgate-webhook")
"name" is app.kubernetes.io/name; leave it out for objects shared by the components.
*/}}
{{- define "mirrorgate.labels" -}}
{{- with .name }}
app.kubernetes.io/name: {{ . }}
{{- end }}
app.kubernetes.io/part-of: mirrorgate
{{ include "mirrorgate.helmLabels" .ctx }}
{{- end }}

{{/* The labels Helm's conventions add; the Kustomize manifests have none of them. */}}
{{- define "mirrorgate.helmLabels" -}}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end }}

{{/* The image of a component: include "mirrorgate.image" (dict "ctx" $ "name" "mirrorgate-webhook") */}}
{{- define "mirrorgate.image" -}}
{{ .ctx.Values.image.registry }}/{{ .name }}:{{ .ctx.Values.image.tag | default .ctx.Chart.AppVersion }}
{{- end }}

{{- define "mirrorgate.imagePullSecrets" -}}
{{- with .Values.image.pullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/* The webhook's serving certificate Secret, written by its PKI or by cert-manager. */}}
{{- define "mirrorgate.webhook.tlsSecret" -}}
mirrorgate-webhook-tls
{{- end }}

{{- define "mirrorgate.certManager" -}}
{{- if eq .Values.tls.mode "cert-manager" }}true{{ end }}
{{- end }}

{{/* Settings that cannot be told apart by the schema alone. */}}
{{- define "mirrorgate.validate" -}}
{{- if and .Values.nodeAgent.enabled (eq .Values.nodeAgent.namespace .Release.Namespace) }}
{{- fail (printf "nodeAgent.namespace must differ from the release namespace %q: the agent runs as root with hostPath mounts, which needs a namespace of Pod Security \"privileged\"; keep the default mirrorgate-node or name another one" .Release.Namespace) }}
{{- end }}
{{- end }}

{{/* In a Pod spec: the node's network (values hostNetwork). */}}
{{- define "mirrorgate.hostNetwork" -}}
{{- if .Values.hostNetwork.enabled }}
hostNetwork: true
{{- end }}
{{- end }}
