{{- define "model-api.name" -}}
{{ .Release.Name }}-model-api
{{- end }}

{{- define "model-api.labels" -}}
app.kubernetes.io/name: model-api
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}
