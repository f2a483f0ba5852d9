/**
 * Hub golden signals: is the hub up, how much traffic, how many errors, how slow, how
 * saturated. The stress-test guide's second dashboard, from the recorded SLIs.
 */
import { SCRAPE_JOBS } from '../scrape-jobs';
import { ENV, LONG_HANDLERS } from '../rules/selectors';
import { IN_ENV, dashboard, graph, single, toJson } from './panels';

export const UID = 'jupyterhub-golden-signals';

export function hubGoldenSignals(): Record<string, unknown> {
  const hub = `job="${SCRAPE_JOBS.hub}", ${IN_ENV}`;
  return toJson(
    dashboard({
      uid: UID,
      title: 'JupyterHub: hub golden signals',
      description: 'Traffic, errors, latency and saturation of the hub and its proxy.',
      help: `
Is the hub healthy? The top row answers at a glance: hub and proxy **up** (1) or down
(0), the share of server starts that succeeded in the last 30 minutes, and the hub's CPU
against its limit (alerts above 70%). Below: **traffic** (requests a second by status
code), **errors** (5xx share), **latency** (how long the hub takes to answer half, 95%
and 99% of requests; starting a server is shown separately) and **saturation** (CPU,
memory, event-loop lag). During a load test expect traffic and latency to rise with the
number of servers, and some 429s: that is the hub throttling starts, not an error.`,
    })
      .withPanel(
        single({
          title: 'Hub up',
          description: 'Does the hub answer its metrics scrape (1) or not (0)?',
          queries: [{ expr: `environment_job:up:min{job="${SCRAPE_JOBS.hub}", ${IN_ENV}}` }],
          thresholds: [
            [null, 'red'],
            [1, 'green'],
          ],
        }),
      )
      .withPanel(
        single({
          title: 'Proxy up',
          description: 'Does the proxy answer its metrics scrape (1) or not (0)?',
          queries: [{ expr: `environment_job:up:min{job="${SCRAPE_JOBS.proxy}", ${IN_ENV}}` }],
          thresholds: [
            [null, 'red'],
            [1, 'green'],
          ],
        }),
      )
      .withPanel(
        single({
          title: 'Server starts that succeeded (30 min)',
          description:
            'Of the starts the hub accepted in the last 30 minutes, the share that succeeded (throttled ones excluded).',
          queries: [{ expr: `environment:jupyterhub_server_spawn_success:ratio_rate30m{${IN_ENV}}` }],
          unit: 'percentunit',
          thresholds: [
            [null, 'red'],
            [0.9, 'orange'],
            [0.99, 'green'],
          ],
        }),
      )
      .withPanel(
        single({
          title: 'Hub CPU of its limit',
          description: "The hub's CPU use over its limit; the alert fires above 70% for 10 minutes.",
          queries: [{ expr: `environment:jupyterhub_cpu_usage:ratio_limit{${IN_ENV}}` }],
          unit: 'percentunit',
          thresholds: [
            [null, 'green'],
            [0.7, 'red'],
          ],
        }),
      )
      .withPanel(
        graph({
          title: 'Traffic: hub requests by status code',
          description:
            'Requests a second the hub answered, by HTTP status. 429 is the hub throttling starts.',
          queries: [
            {
              expr: `environment_code:jupyterhub_request_duration_seconds_count:rate5m{${IN_ENV}}`,
              legend: '{{code}}',
            },
          ],
          unit: 'reqps',
        }),
      )
      .withPanel(
        graph({
          title: 'Errors: share of hub requests failing (5xx)',
          description: 'The share of hub requests answered with a server error.',
          queries: [
            { expr: `environment:jupyterhub_request_errors:ratio_rate5m{${IN_ENV}}`, legend: '5xx share' },
          ],
          unit: 'percentunit',
        }),
      )
      .withPanel(
        graph({
          title: 'Latency: hub API (p50, p95, p99)',
          description:
            'How long the hub takes to answer half, 95% and 99% of its requests. Server starts and stops, which the hub holds open, are left out.',
          queries: [50, 95, 99].map((p) => ({
            expr: `environment:jupyterhub_request_duration_seconds:p${p}_rate5m{${IN_ENV}}`,
            legend: `p${p}`,
          })),
          unit: 's',
        }),
      )
      .withPanel(
        graph({
          title: 'Latency: slowest handlers (p95)',
          description:
            'The five request handlers with the slowest 95th percentile: where the hub spends its time.',
          queries: [
            {
              expr: `topk(5, histogram_quantile(0.95, sum by (handler, le) (rate(jupyterhub_request_duration_seconds_bucket{${hub}, ${LONG_HANDLERS}}[5m]))))`,
              legend: '{{handler}}',
            },
          ],
          unit: 's',
        }),
      )
      .withPanel(
        graph({
          title: 'Server start time (p50, p95, p99, 30 min)',
          description:
            'How long successful server starts took over the last 30 minutes. The alert fires when p95 passes 3 minutes.',
          queries: [50, 95, 99].map((p) => ({
            expr: `environment:jupyterhub_server_spawn_duration_seconds:p${p}_rate30m{${IN_ENV}}`,
            legend: `p${p}`,
          })),
          unit: 's',
        }),
      )
      .withPanel(
        graph({
          title: 'Server starts by outcome (30 min)',
          description:
            'Starts in the last 30 minutes by outcome: success, failure, throttled (asked to retry), and others.',
          queries: [
            {
              expr: `environment_status:jupyterhub_server_spawn_duration_seconds_count:increase30m{${IN_ENV}}`,
              legend: '{{status}}',
            },
          ],
        }),
      )
      .withPanel(
        graph({
          title: 'Proxy requests by status code',
          description:
            'Requests a second the proxy routed to the hub and to servers, by HTTP status. 503s appear while the hub restarts.',
          queries: [{ expr: `environment_status:requests_proxy:rate5m{${IN_ENV}}`, legend: '{{status}}' }],
          unit: 'reqps',
        }),
      )
      .withPanel(
        graph({
          title: 'Saturation: hub CPU and memory',
          description:
            'CPU cores and memory the hub process uses. Memory stays high after a purge: the hub caches users it has seen.',
          queries: [
            { expr: `environment:jupyterhub_process_cpu_seconds:rate5m{${IN_ENV}}`, legend: 'CPU cores' },
            {
              expr: `environment:jupyterhub_process_resident_memory_bytes:sum{${IN_ENV}} / 2^30`,
              legend: 'memory GiB',
            },
          ],
        }),
      )
      .withPanel(
        graph({
          title: 'Saturation: event-loop lag (p99)',
          description:
            "How late the hub's event loop runs its ticks: when it is busy, every request waits. Above a second users notice.",
          queries: [
            {
              expr: `histogram_quantile(0.99, sum by (${ENV}, le) (rate(jupyterhub_event_loop_interval_seconds_bucket{${hub}}[5m])))`,
              legend: 'p99 interval',
            },
          ],
          unit: 's',
          span: 24,
        }),
      ),
  );
}
