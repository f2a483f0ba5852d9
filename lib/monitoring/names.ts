/**
 * Names and addresses the monitoring cluster and the hubs' metrics agents must agree on:
 * the namespace and releases on the central side, the receiver's port and path, the users
 * of its basic authentication. Defined once; the wiring checks compare what each side
 * really configures (lib/monitoring/wiring-checks.ts).
 */

/** Namespace of the central Prometheus, Alertmanager and Grafana. */
export const MONITORING_NAMESPACE = 'monitoring';

/** Helm release names on the central side. */
export const CENTRAL_PROMETHEUS_RELEASE = 'prometheus';
export const GRAFANA_RELEASE = 'grafana';

/** Release of the metrics agent in each reporting hub cluster (in the hub's namespace, next to its token). */
export const AGENT_RELEASE = 'metrics-agent';
/** Release of the DCGM exporter in each reporting hub cluster with GPU pools. */
export const DCGM_EXPORTER_RELEASE = 'dcgm-exporter';
/** DCGM exporter's metrics port (the chart's service port). */
export const DCGM_EXPORTER_PORT = 9400;

/** The port Prometheus listens on in its pod. */
export const PROMETHEUS_PORT = 9090;
/** The LoadBalancer Service in front of the central Prometheus: the remote-write receiver. */
export const RECEIVER_SERVICE = 'remote-write-receiver';
/** The port the receiver's NLB listens on, with TLS. */
export const RECEIVER_PORT = 443;
/** Prometheus's remote-write receiver path. */
export const REMOTE_WRITE_PATH = '/api/v1/write';

/** The basic-auth user Grafana (and the central Prometheus's self-scrape) reads with. */
export const GRAFANA_READER_USER = 'grafana';

/** The Secret with the central Prometheus's web config (bcrypt hashes of every user). */
export const WEB_CONFIG_SECRET = 'prometheus-web-config';
export const WEB_CONFIG_KEY = 'web.yml';
export const WEB_CONFIG_MOUNT = '/etc/prometheus-web';
/** The Secret holding the reader user's password, for Grafana's datasource and the self-scrape. */
export const READER_SECRET = 'prometheus-reader';
/** Secret keys holding a plain password. */
export const PASSWORD_KEY = 'password';
/** The Secret in each hub cluster holding its agent's remote-write password. */
export const AGENT_CREDENTIALS_SECRET = 'metrics-agent-remote-write';

/** The Secret holding Alertmanager's Slack webhook URL, and where Alertmanager mounts it. */
export const SLACK_WEBHOOK_SECRET = 'alertmanager-slack-webhook';
export const SLACK_WEBHOOK_KEY = 'url';
export const SLACK_WEBHOOK_MOUNT = '/etc/alertmanager-secrets';

/** Grafana's OAuth client secret and where Grafana mounts it. */
export const GRAFANA_OAUTH_SECRET = 'grafana-oauth-client';
export const GRAFANA_OAUTH_KEY = 'client-secret';
export const GRAFANA_OAUTH_MOUNT = '/etc/grafana-oauth';

/** Grafana's service account, which assumes the read-only CloudWatch role. */
export const GRAFANA_SERVICE_ACCOUNT = 'grafana';

/** The URL agents write to, given the receiver's DNS name. */
export function receiverUrl(host: string): string {
  return `https://${host}${RECEIVER_PORT === 443 ? '' : `:${RECEIVER_PORT}`}${REMOTE_WRITE_PATH}`;
}

/** The Secrets Manager secret holding `user`'s credentials (`{"password", "bcrypt"}`). */
export function credentialsSecretName(prefix: string, user: string): string {
  return `${prefix}/${user}`;
}

/** uid of the CloudWatch datasource Grafana is provisioned with; dashboards' CloudWatch panels name it. */
export const CLOUDWATCH_DATASOURCE_UID = 'cloudwatch';
