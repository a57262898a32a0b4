{{- define "fleetpulse.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "fleetpulse.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Selector labels of one component: pass (dict "root" $ "component" "api") */}}
{{- define "fleetpulse.selectorLabels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "fleetpulse.image" -}}
{{- printf "%s:%s" .repository (default .root.Chart.AppVersion .root.Values.image.tag) -}}
{{- end -}}

{{- define "fleetpulse.configSecretName" -}}
{{- default (printf "%s-config" (include "fleetpulse.fullname" .)) .Values.existingConfigSecret -}}
{{- end -}}

{{- define "fleetpulse.apiHeadless" -}}
{{- printf "%s-api-headless" (include "fleetpulse.fullname" .) -}}
{{- end -}}

{{/* Volumes every fleetpulse container needs with a read-only root filesystem: the JVM's and RocksDB's /tmp. */}}
{{- define "fleetpulse.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: 256Mi
{{- end -}}

{{/* The collector's mounted Secrets, volume name -> Secret name (mounted at /etc/fleetpulse/<volume name>). */}}
{{- define "fleetpulse.collectorSecrets" -}}
{{- with .Values.collector.tls.secret }}
tls: {{ . }}
{{- end }}
{{- with .Values.collector.tls.clientCaSecret }}
client-ca: {{ . }}
{{- end }}
{{- with .Values.collector.deviceTokensSecret }}
device-tokens: {{ . }}
{{- end }}
{{- end -}}
