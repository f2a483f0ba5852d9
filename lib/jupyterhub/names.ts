/**
 * Names the JupyterHub release gives Kubernetes objects that other parts of the stack
 * refer to. The chart names objects without a release prefix (fullnameOverride '').
 */

/** Helm release name of the hub. */
export const JUPYTERHUB_RELEASE = 'jupyterhub';

/** The LoadBalancer Service in front of the proxy: the NLB the hub's DNS name points at. */
export const PROXY_PUBLIC_SERVICE = 'proxy-public';

/** The chart-managed Secret holding generated tokens, among them the metrics scraper's. */
export const HUB_SECRET = 'hub';

/** JupyterHub service whose API token may read /hub/metrics and nothing else. */
export const METRICS_SERVICE = 'prometheus-scraper';

/** Key of the metrics service's token in {@link HUB_SECRET}. */
export const METRICS_TOKEN_SECRET_KEY = `hub.services.${METRICS_SERVICE}.apiToken`;

/** The Kubernetes Secret holding the OAuth client secret, and its key. */
export const CLIENT_SECRET_NAME = 'hub-oauth-client';
export const CLIENT_SECRET_KEY = 'client-secret';

/** The user scheduler's service account and leader-election lease (the chart's names). */
export const USER_SCHEDULER_SERVICE_ACCOUNT = 'user-scheduler';
export const USER_SCHEDULER_LOCK = 'user-scheduler-lock';

/** Where the single-user image mounts home, and the shared folder inside it. */
export const HOME_MOUNT_PATH = '/home/jovyan';
export const SHARED_MOUNT_PATH = `${HOME_MOUNT_PATH}/shared`;
export const SHARED_READWRITE_MOUNT_PATH = `${HOME_MOUNT_PATH}/shared-readwrite`;

/**
 * Pod label naming the profile a server was started with: the monitoring rules group
 * start times by it (kube-state-metrics exports it when allowlisted).
 */
export const PROFILE_LABEL = 'hub.jupyter.org/profile';
