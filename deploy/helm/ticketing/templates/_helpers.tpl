{{/* Names and labels. */}}
{{- define "ticketing.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "ticketing.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/part-of: ticketing
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
{{- end -}}

{{/* Selector labels of one service; call with (dict "root" $ "name" $name). */}}
{{- define "ticketing.selectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{- define "ticketing.serviceName" -}}
{{- printf "%s-%s" (include "ticketing.fullname" .root) .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "ticketing.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "ticketing.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "ticketing.image" -}}
{{- $img := .root.Values.image -}}
{{- $repo := printf "%s/%s" $img.repositoryPrefix .name -}}
{{- if $img.registry -}}{{- $repo = printf "%s/%s" (trimSuffix "/" $img.registry) $repo -}}{{- end -}}
{{- $tag := (.svc | default dict).imageTag | default $img.tag | default .root.Chart.AppVersion -}}
{{- printf "%s:%s" $repo $tag -}}
{{- end -}}

{{/* An env entry from a Secret reference {name, key}; nothing when the name is empty. */}}
{{- define "ticketing.secretEnv" -}}
{{- if .ref.name }}
- name: {{ .env }}
  valueFrom:
    secretKeyRef:
      name: {{ .ref.name | quote }}
      key: {{ .ref.key | quote }}
{{- end }}
{{- end -}}

{{/*
The environment of one service: config, then connection URLs (from the named Secrets, or from
an in-chart dependency's generated password via $(VAR) expansion), then service specifics. The
web front end gets, after the common four, only its own: API routes, CSRF secret, Stripe.
Call with (dict "root" $ "name" $name "svc" $svc).
*/}}
{{- define "ticketing.env" -}}
{{- $v := .root.Values -}}
{{- $rel := .root.Release.Name -}}
{{- $ns := .root.Release.Namespace -}}
- name: TICKETING_PROFILE
  value: {{ $v.profile | quote }}
- name: HOST
  value: "0.0.0.0"
- name: PORT
  value: {{ .svc.port | quote }}
- name: LOG_LEVEL
  value: {{ $v.config.logLevel | quote }}
{{- with $v.telemetry }}
{{- if .otlpEndpoint }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ .otlpEndpoint | quote }}
- name: OTEL_EXPORTER_OTLP_PROTOCOL
  value: {{ .otlpProtocol | quote }}
- name: OTEL_TRACES_SAMPLER
  value: {{ .sampler | quote }}
- name: OTEL_TRACES_SAMPLER_ARG
  value: {{ .samplerArg | quote }}
{{- end }}
{{- end }}
{{- if eq .name "web" }}
{{- /* The web front end owns no data: it gets no server URLs or credentials, only the API. */}}
{{- $routes := dict }}
{{- range $name, $api := include "ticketing.apiServices" .root | fromYaml }}
{{- $_ := set $routes $api.path (printf "http://%s:%d" (include "ticketing.serviceName" (dict "root" $.root "name" $name)) (int $api.port)) }}
{{- end }}
- name: API_ROUTES
  value: {{ $routes | toJson | quote }}
{{- include "ticketing.secretEnv" (dict "env" "CSRF_SECRET" "ref" $v.secrets.webCsrfSecret) }}
{{- if $v.config.stripePublishableKey }}
- name: STRIPE_PUBLISHABLE_KEY
  value: {{ $v.config.stripePublishableKey | quote }}
{{- end }}
{{- if $v.config.stripeApiBase }}
- name: STRIPE_API_BASE
  value: {{ $v.config.stripeApiBase | quote }}
{{- end }}
{{- else }}
- name: EVENT_EXCHANGE
  value: {{ $v.config.eventExchange | quote }}
- name: MONGODB_DATABASE_PREFIX
  value: {{ $v.config.mongodbDatabasePrefix | quote }}
- name: SESSION_TTL_SECONDS
  value: {{ $v.config.sessionTtlSeconds | quote }}
{{- if $v.mongodb.enabled }}
- name: MONGODB_PASSWORD
  valueFrom:
    secretKeyRef: {name: {{ printf "%s-mongodb" $rel | quote }}, key: mongodb-root-password}
- name: MONGODB_URL
  value: {{ printf "mongodb://%s:$(MONGODB_PASSWORD)@%s-mongodb-headless.%s.svc:27017/?replicaSet=rs0&authSource=admin" $v.mongodb.auth.rootUser $rel $ns | quote }}
{{- else }}
{{- include "ticketing.secretEnv" (dict "env" "MONGODB_URL" "ref" $v.secrets.mongodbUrl) }}
{{- end }}
{{- if $v.rabbitmq.enabled }}
- name: RABBITMQ_PASSWORD
  valueFrom:
    secretKeyRef: {name: {{ printf "%s-rabbitmq" $rel | quote }}, key: rabbitmq-password}
- name: RABBITMQ_URL
  value: {{ printf "amqp://%s:$(RABBITMQ_PASSWORD)@%s-rabbitmq.%s.svc:5672/" $v.rabbitmq.auth.username $rel $ns | quote }}
{{- else }}
{{- include "ticketing.secretEnv" (dict "env" "RABBITMQ_URL" "ref" $v.secrets.rabbitmqUrl) }}
{{- end }}
{{- if $v.redis.enabled }}
- name: REDIS_PASSWORD
  valueFrom:
    secretKeyRef: {name: {{ printf "%s-redis" $rel | quote }}, key: redis-password}
- name: REDIS_URL
  value: {{ printf "redis://:$(REDIS_PASSWORD)@%s-redis-master.%s.svc:6379/0" $rel $ns | quote }}
{{- else }}
{{- include "ticketing.secretEnv" (dict "env" "REDIS_URL" "ref" $v.secrets.redisUrl) }}
{{- end }}
{{- if $v.ory.enabled }}
- name: KRATOS_PUBLIC_URL
  value: {{ $v.ory.kratosPublicUrl | default (printf "http://%s-kratos-public.%s.svc" $rel $ns) | quote }}
- name: KRATOS_ADMIN_URL
  value: {{ $v.ory.kratosAdminUrl | default (printf "http://%s-kratos-admin.%s.svc" $rel $ns) | quote }}
- name: KETO_READ_URL
  value: {{ $v.ory.ketoReadUrl | default (printf "http://%s-keto-read.%s.svc" $rel $ns) | quote }}
- name: KETO_WRITE_URL
  value: {{ $v.ory.ketoWriteUrl | default (printf "http://%s-keto-write.%s.svc" $rel $ns) | quote }}
{{- include "ticketing.secretEnv" (dict "env" "ORY_KRATOS_API_KEY" "ref" $v.secrets.oryKratosApiKey) }}
{{- include "ticketing.secretEnv" (dict "env" "ORY_KETO_API_KEY" "ref" $v.secrets.oryKetoApiKey) }}
{{- if eq .name "auth" }}
{{- include "ticketing.secretEnv" (dict "env" "KRATOS_WEBHOOK_SECRET" "ref" $v.secrets.kratosWebhookSecret) }}
{{- end }}
{{- end }}
{{- if eq .name "auth" }}
- name: REQUIRE_VERIFIED_EMAIL
  value: {{ $v.config.requireVerifiedEmail | quote }}
{{- end }}
{{- if eq .name "tickets" }}
- name: TICKET_PRICE_CAP
  value: {{ $v.config.ticketPriceCap | quote }}
{{- include "ticketing.secretEnv" (dict "env" "TICKET_CODE_KEYS" "ref" $v.secrets.ticketCodeKeys) }}
{{- end }}
{{- if eq .name "orders" }}
- name: ORDER_EXPIRATION_SECONDS
  value: {{ $v.config.orderExpirationSeconds | quote }}
{{- end }}
{{- if eq .name "payments" }}
{{- include "ticketing.secretEnv" (dict "env" "STRIPE_API_KEY" "ref" $v.secrets.stripeApiKey) }}
{{- if $v.config.stripeApiBase }}
- name: STRIPE_API_BASE
  value: {{ $v.config.stripeApiBase | quote }}
{{- end }}
{{- end }}
{{- if eq .name "moderation" }}
{{- if $v.config.moderationClassifierUrl }}
- name: MODERATION_CLASSIFIER_URL
  value: {{ $v.config.moderationClassifierUrl | quote }}
{{- end }}
{{- include "ticketing.secretEnv" (dict "env" "MODERATION_CLASSIFIER_API_KEY" "ref" $v.secrets.moderationClassifierApiKey) }}
{{- end }}
{{- end }}
{{- range $k, $val := $v.config.extraEnv }}
- name: {{ $k }}
  value: {{ $val | quote }}
{{- end }}
{{- range $k, $val := .svc.env }}
- name: {{ $k }}
  value: {{ $val | quote }}
{{- end }}
{{- end -}}

{{/*
The routed API services (YAML, name -> {path, port}): enabled, with an ingressPath of /api or
under it. The web front end calls them (API_ROUTES, its NetworkPolicy egress kind `api`).
*/}}
{{- define "ticketing.apiServices" -}}
{{- range $name, $svc := .Values.services }}
{{- if and $svc.enabled (or (eq $svc.ingressPath "/api") (hasPrefix "/api/" $svc.ingressPath)) }}
{{ $name }}: {path: {{ $svc.ingressPath | quote }}, port: {{ int $svc.port }}}
{{- end }}
{{- end }}
{{- end -}}

{{/* NetworkPolicy ports (a YAML list) from a list of TCP port numbers. */}}
{{- define "ticketing.tcpPorts" -}}
{{- range . }}
- port: {{ int . }}
  protocol: TCP
{{- end }}
{{- end -}}

{{/* A NetworkPolicy peer (YAML): the pods of a subchart or service of this release; call with (list $ "name"). */}}
{{- define "ticketing.podsOf" -}}
podSelector:
  matchLabels:
    app.kubernetes.io/name: {{ index . 1 }}
    app.kubernetes.io/instance: {{ (index . 0).Release.Name }}
{{- end -}}

{{/* An egress rule (YAML) to an external server: {to, ports} from networkPolicy.external. */}}
{{- define "ticketing.externalRule" -}}
{{- with .to }}
to:
  {{- toYaml . | nindent 2 }}
{{- end }}
ports:
  {{- include "ticketing.tcpPorts" .ports | nindent 2 }}
{{- end -}}
