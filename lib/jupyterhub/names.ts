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

/**
 * The user the smoke test of `npm run event -- up` creates, starts, stops and removes
 * again. Reserved: no person of the hub may be called this.
 */
export const SMOKE_TEST_USER = 'hub-smoke-test';

/**
 * JupyterHub service of the organiser's tools (`npm run event`): reads users and servers,
 * stops servers before a teardown, and runs the smoke test as {@link SMOKE_TEST_USER}.
 */
export const EVENT_OPERATOR_SERVICE = 'event-operator';

/** Key of the operator service's token in {@link HUB_SECRET} (the chart generates it). */
export const EVENT_OPERATOR_TOKEN_SECRET_KEY = `hub.services.${EVENT_OPERATOR_SERVICE}.apiToken`;

/**
 * The operator service's scopes: list and read every user and server, start and stop
 * servers; create, use and delete the smoke-test user alone (filtered scopes), nothing of
 * anybody else's beyond that.
 */
export const EVENT_OPERATOR_SCOPES: readonly string[] = [
  'list:users',
  'read:users',
  'read:servers',
  'servers',
  `admin:users!user=${SMOKE_TEST_USER}`,
  `access:servers!user=${SMOKE_TEST_USER}`,
];

/** The Kubernetes Secret holding the OAuth client secret, and its key. */
export const CLIENT_SECRET_NAME = 'hub-oauth-client';
export const CLIENT_SECRET_KEY = 'client-secret';

/** The user scheduler's service account (the chart's name). */
export const USER_SCHEDULER_SERVICE_ACCOUNT = 'user-scheduler';

/** Where the single-user image mounts home, and the shared folder inside it. */
export const HOME_MOUNT_PATH = '/home/jovyan';
export const SHARED_MOUNT_PATH = `${HOME_MOUNT_PATH}/shared`;
export const SHARED_READWRITE_MOUNT_PATH = `${HOME_MOUNT_PATH}/shared-readwrite`;

/**
 * Pod label naming the profile a server was started with: the monitoring rules group
 * start times by it (kube-state-metrics exports it when allowlisted).
 */
export const PROFILE_LABEL = 'hub.jupyter.org/profile';
