{{/*
Names are fixed, not derived from the release: the controller expects the ServiceAccounts ambit-controller and
ambit-node-agent in its root namespace (their SPIFFE identities), and agents and waypoints find it at
ambit-controller.<namespace>.svc. One mesh per cluster.
*/}}
{{- define "ambit.controllerName" -}}ambit-controller{{- end }}
{{- define "ambit.nodeAgentName" -}}ambit-node-agent{{- end }}
{{- define "ambit.caSecretName" -}}{{ .Values.ca.existingSecret | default "ambit-ca" }}{{- end }}
{{- define "ambit.controllerHost" -}}{{ include "ambit.controllerName" . }}.{{ .Release.Namespace }}.svc{{- end }}

{{/* Labels on every object; a component's objects add its selector labels. */}}
{{- define "ambit.labels" -}}
app.kubernetes.io/part-of: ambit
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end }}

{{/* Selector label of one component (names are fixed, one mesh per cluster); call with (dict "name" "ambit-controller"). */}}
{{- define "ambit.selectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
{{- end }}

{{/* registry/repository:tag of one image; call with (dict "root" $ "image" .Values.controller.image). */}}
{{- define "ambit.image" -}}
{{- $tag := .image.tag | default .root.Values.image.tag | default .root.Chart.AppVersion -}}
{{ .root.Values.image.registry }}/{{ .image.repository }}:{{ $tag }}
{{- end }}

{{/* The projected token every mesh client presents to the controller's CA (audience tokenAudience). */}}
{{- define "ambit.tokenVolume" -}}
- name: ambit-token
  projected:
    sources:
      - serviceAccountToken:
          audience: {{ .Values.tokenAudience }}
          expirationSeconds: 43200
          path: token
{{- end }}

{{/* JDK_JAVA_OPTIONS when the values override the image's JVM options. */}}
{{- define "ambit.javaOptionsEnv" -}}
{{- if . }}
- name: JDK_JAVA_OPTIONS
  value: {{ . | quote }}
{{- end }}
{{- end }}

{{/* Pod annotations for annotation-based scraping, if enabled; call with (dict "root" $ "port" 15020). */}}
{{- define "ambit.scrapeAnnotations" -}}
{{- if .root.Values.monitoring.scrapeAnnotations }}
annotations:
  prometheus.io/scrape: "true"
  prometheus.io/port: {{ .port | quote }}
  prometheus.io/path: /metrics
{{- end }}
{{- end }}
