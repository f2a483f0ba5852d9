/**
 * The hub's service levels: is it up, how fast does it answer, how fast and how reliably
 * does it start servers, how hard is it working against its limits. The runbook's SLI
 * table, from JupyterHub 5.5's own metrics (jupyterhub/metrics.py), the proxy's, and
 * kube-state-metrics for limits and restarts.
 */
import { SCRAPE_JOBS } from '../scrape-jobs';
import { ENV, HUB_CONTAINER, HUB_NS, LONG_HANDLERS, job } from './selectors';
import { RecordingRule, RuleGroup } from './types';

const HUB_JOBS = `job=~"${SCRAPE_JOBS.hub}|${SCRAPE_JOBS.proxy}"`;

/** Window of the spawn SLIs: spawns are rare events, five minutes hold too few. */
export const SPAWN_WINDOW = '30m';

const apiLatency = (q: number): RecordingRule => ({
  record: `${ENV}:jupyterhub_request_duration_seconds:p${Math.round(q * 100)}_rate5m`,
  question: `How long does the hub take to answer ${q * 100}% of its requests (excluding server starts, stops and progress streams, which it holds open)?`,
  expr: `histogram_quantile(${q}, sum by (${ENV}, le) (rate(jupyterhub_request_duration_seconds_bucket{${job('hub')}, ${LONG_HANDLERS}}[5m])))`,
});

const spawnLatency = (q: number): RecordingRule => ({
  record: `${ENV}:jupyterhub_server_spawn_duration_seconds:p${Math.round(q * 100)}_rate${SPAWN_WINDOW}`,
  question: `How long did ${q * 100}% of the servers that started successfully take to start, over the last ${SPAWN_WINDOW}?`,
  expr: `histogram_quantile(${q}, sum by (${ENV}, le) (rate(jupyterhub_server_spawn_duration_seconds_bucket{${job('hub')}, status="success"}[${SPAWN_WINDOW}])))`,
});

/**
 * Spawn failures: every status but success, so that a status a later JupyterHub adds
 * still counts; throttled is left out because a 429 is the hub protecting itself and the
 * client retries (the incident's action item: rejected launches are not failed launches).
 */
export const SPAWN_FAILURE = 'status!="success", status!="throttled"';

const hubLimit = (resource: 'cpu' | 'memory') =>
  `sum by (${ENV}) (kube_pod_container_resource_limits{${job('kubeStateMetrics')}, ${HUB_NS}, ${HUB_CONTAINER}, resource="${resource}"})`;

export const HUB_RECORDING: RuleGroup = {
  name: 'jupyterhub-sli.rules',
  rules: [
    {
      record: `${ENV}_job:up:min`,
      question: 'Are the hub and the proxy answering their scrapes (1) or is any of them down (0)?',
      expr: `min by (${ENV}, job) (up{${HUB_JOBS}})`,
    },
    {
      record: `${ENV}_code:jupyterhub_request_duration_seconds_count:rate5m`,
      question: 'How many requests per second does the hub answer, by HTTP status code?',
      expr: `sum by (${ENV}, code) (rate(jupyterhub_request_duration_seconds_count{${job('hub')}}[5m]))`,
    },
    {
      record: `${ENV}:jupyterhub_request_errors:ratio_rate5m`,
      question: 'What fraction of the hub requests fail with a server error (5xx)?',
      // `or ... * 0`: no 5xx series at all reads as 0, not as no data.
      expr: `(sum by (${ENV}) (rate(jupyterhub_request_duration_seconds_count{${job('hub')}, code=~"5.."}[5m])) or sum by (${ENV}) (rate(jupyterhub_request_duration_seconds_count{${job('hub')}}[5m])) * 0) / sum by (${ENV}) (rate(jupyterhub_request_duration_seconds_count{${job('hub')}}[5m]))`,
    },
    apiLatency(0.5),
    apiLatency(0.95),
    apiLatency(0.99),
    {
      record: `${ENV}_status:requests_proxy:rate5m`,
      question: 'How many requests per second does the proxy route to hub and servers, by HTTP status code?',
      expr: `sum by (${ENV}, status) (rate(requests_proxy{${job('proxy')}}[5m]))`,
    },
    spawnLatency(0.5),
    spawnLatency(0.95),
    spawnLatency(0.99),
    {
      record: `${ENV}:jupyterhub_server_spawn_success:ratio_rate${SPAWN_WINDOW}`,
      question: `Of the server starts the hub accepted over the last ${SPAWN_WINDOW}, what fraction succeeded (throttled requests are not failures)?`,
      expr: `sum by (${ENV}) (rate(jupyterhub_server_spawn_duration_seconds_count{${job('hub')}, status="success"}[${SPAWN_WINDOW}])) / sum by (${ENV}) (rate(jupyterhub_server_spawn_duration_seconds_count{${job('hub')}, status!="throttled"}[${SPAWN_WINDOW}]))`,
    },
    {
      record: `${ENV}_status:jupyterhub_server_spawn_failures:increase${SPAWN_WINDOW}`,
      question: `How many server starts failed over the last ${SPAWN_WINDOW}, by why (every status but success and throttled)?`,
      expr: `sum by (${ENV}, status) (increase(jupyterhub_server_spawn_duration_seconds_count{${job('hub')}, ${SPAWN_FAILURE}}[${SPAWN_WINDOW}]))`,
    },
    {
      record: `${ENV}_status:jupyterhub_server_spawn_duration_seconds_count:increase${SPAWN_WINDOW}`,
      question: `How many server starts did the hub see over the last ${SPAWN_WINDOW}, by outcome (throttled included)?`,
      expr: `sum by (${ENV}, status) (increase(jupyterhub_server_spawn_duration_seconds_count{${job('hub')}}[${SPAWN_WINDOW}]))`,
    },
    {
      record: `${ENV}:jupyterhub_process_cpu_seconds:rate5m`,
      question: 'How many CPU cores is the hub process using?',
      expr: `sum by (${ENV}) (rate(process_cpu_seconds_total{${job('hub')}}[5m]))`,
    },
    {
      record: `${ENV}:jupyterhub_process_resident_memory_bytes:sum`,
      question: 'How much memory is the hub process using?',
      expr: `sum by (${ENV}) (process_resident_memory_bytes{${job('hub')}})`,
    },
    {
      record: `${ENV}:jupyterhub_cpu_usage:ratio_limit`,
      question: "What fraction of its CPU limit is the hub using (the incident's 70% line)?",
      expr: `${ENV}:jupyterhub_process_cpu_seconds:rate5m / ${hubLimit('cpu')}`,
    },
    {
      record: `${ENV}:jupyterhub_memory_usage:ratio_limit`,
      question: 'What fraction of its memory limit is the hub using (at 100% it is OOM-killed)?',
      expr: `${ENV}:jupyterhub_process_resident_memory_bytes:sum / ${hubLimit('memory')}`,
    },
    {
      record: `${ENV}_container:kube_pod_container_status_restarts:increase1h`,
      question: 'How often did the hub and proxy containers restart in the last hour?',
      expr: `sum by (${ENV}, container) (increase(kube_pod_container_status_restarts_total{${job('kubeStateMetrics')}, ${HUB_NS}, container=~"hub|chp"}[1h]))`,
    },
  ],
};

const down = (which: 'hub' | 'proxy'): string => {
  const sel = job(which);
  // Down when scraped and failing, or when the target vanished (a deleted pod leaves
  // service discovery, so its `up` goes stale instead of 0).
  return `(max by (${ENV}) (up{${sel}}) == 0) or (group by (${ENV}) (max_over_time(up{${sel}}[1h])) unless group by (${ENV}) (up{${sel}}))`;
};

export const HUB_ALERTS: RuleGroup = {
  name: 'jupyterhub.alerts',
  rules: [
    {
      alert: 'JupyterHubDown',
      question: 'Is the hub unreachable, so nobody can log in or start a server?',
      expr: down('hub'),
      for: '2m',
      severity: 'critical',
      summary: 'JupyterHub in {{ $labels.environment }} is down: nobody can log in or start a server.',
      description:
        'The hub has not answered its metrics scrape for 2 minutes, or its pod is gone. Running servers keep working through the proxy, but logins and starts fail.',
      runbookSection: 'hub-down',
    },
    {
      alert: 'JupyterHubProxyDown',
      question: 'Is the proxy unreachable, so nobody can reach the hub or their server?',
      expr: down('proxy'),
      for: '2m',
      severity: 'critical',
      summary: 'The proxy in {{ $labels.environment }} is down: users cannot reach the hub or their servers.',
      description:
        'configurable-http-proxy has not answered its metrics scrape for 2 minutes, or its pod is gone. Every user request goes through it.',
      runbookSection: 'proxy-down',
    },
    {
      alert: 'JupyterHubSpawnFailures',
      question: `Did two or more server starts fail within ${SPAWN_WINDOW}?`,
      // increase() extrapolates to the window's edges: two failures read as about 2, one
      // as about 1, so the line sits between them.
      expr: `sum by (${ENV}) (${ENV}_status:jupyterhub_server_spawn_failures:increase${SPAWN_WINDOW}) > 1.5`,
      for: '1m',
      severity: 'critical',
      summary:
        'Servers are failing to start in {{ $labels.environment }}: {{ $value | printf "%.0f" }} failures in the last 30 minutes.',
      description:
        'Users pressed Start and got an error. Throttled starts (the hub asking them to retry) are not counted. The failures by reason are in environment_status:jupyterhub_server_spawn_failures:increase30m.',
      runbookSection: 'spawn-failures',
    },
    {
      alert: 'JupyterHubSpawnLatencyHigh',
      question: 'Are users waiting more than 3 minutes for their server to start?',
      expr: `${ENV}:jupyterhub_server_spawn_duration_seconds:p95_rate${SPAWN_WINDOW} > 180`,
      for: '10m',
      severity: 'warning',
      summary:
        'Servers take long to start in {{ $labels.environment }}: 95% start within {{ $value | humanizeDuration }}.',
      description:
        'Starts are slower than 3 minutes. Usually the placeholders are used up and users wait for new nodes, or images are being pulled.',
      runbookSection: 'slow-spawns',
    },
    {
      alert: 'JupyterHubCpuHigh',
      question: 'Is the hub using more than 70% of its CPU limit (the incident report asked for this alert)?',
      expr: `${ENV}:jupyterhub_cpu_usage:ratio_limit > 0.7`,
      for: '10m',
      severity: 'warning',
      summary:
        'The hub in {{ $labels.environment }} is busy: {{ $value | humanizePercentage }} of its CPU limit.',
      description:
        'A hub near its CPU limit answers slowly and then times out; in the Binder incident it locked up. Look at request rate and which handlers are slow.',
      runbookSection: 'hub-cpu-high',
    },
    {
      alert: 'JupyterHubMemoryHigh',
      question: 'Is the hub near its memory limit, where it would be OOM-killed?',
      expr: `${ENV}:jupyterhub_memory_usage:ratio_limit > 0.9`,
      for: '10m',
      severity: 'warning',
      summary:
        'The hub in {{ $labels.environment }} uses {{ $value | humanizePercentage }} of its memory limit and may be restarted.',
      description: 'At 100% Kubernetes kills the hub; logins and starts fail until it is back.',
      runbookSection: 'hub-memory-high',
    },
    {
      alert: 'JupyterHubRestarting',
      question: 'Did the hub container restart in the last 30 minutes?',
      expr: `sum by (${ENV}) (increase(kube_pod_container_status_restarts_total{${job('kubeStateMetrics')}, ${HUB_NS}, ${HUB_CONTAINER}}[30m])) >= 1`,
      for: '1m',
      severity: 'warning',
      summary:
        'The hub in {{ $labels.environment }} restarted: users may have seen errors for a minute or two.',
      description:
        'The hub exits after too many consecutive failed starts, when it runs out of memory, or when its liveness probe fails.',
      runbookSection: 'hub-restarting',
    },
  ],
};
