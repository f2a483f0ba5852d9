/**
 * Users: CPU and memory per user, the instantaneous value beside the 10-minute average
 * (the hackweek's request), and a table of who uses what now.
 */
import {
  QueryVariableBuilder,
  VariableRefresh,
  VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { HUB_NS, USER_POD_PREFIX, job } from '../rules/selectors';
import { DATASOURCE, IN_ENV, dashboard, graph, grid, toJson } from './panels';

export const UID = 'jupyterhub-users';

/** The user servers picked in the `user` variable. */
const PODS = `${HUB_NS}, pod=~"${USER_POD_PREFIX}(\${user:regex})", container!="", container!="POD"`;
const CPU = `container_cpu_usage_seconds_total{${job('cadvisor')}, ${IN_ENV}, ${PODS}}`;
const MEMORY = `container_memory_working_set_bytes{${job('cadvisor')}, ${IN_ENV}, ${PODS}}`;

const userVariable = new QueryVariableBuilder('user')
  .label('User')
  .datasource(DATASOURCE)
  .query(`label_values(container_memory_working_set_bytes{${job('cadvisor')}, ${IN_ENV}, ${HUB_NS}}, pod)`)
  .regex(`/^${USER_POD_PREFIX}(.+)$/`)
  .multi(true)
  .includeAll(true)
  .allValue('.+')
  .refresh(VariableRefresh.OnTimeRangeChanged)
  .sort(VariableSort.AlphabeticalAsc);

export function users(): Record<string, unknown> {
  return toJson(
    dashboard({
      uid: UID,
      title: 'JupyterHub: users',
      description: 'CPU and memory per user, now and averaged over 10 minutes.',
      help: `
Who is using what? Each graph has one line per user (pick users at the top). The
**left** graphs are **instantaneous** (the last minute): spikes show a cell running now.
The **right** graphs average over **10 minutes**: steady heavy users stand out, brief
spikes do not. CPU is in cores (1 = one full core; a user can burst to their profile's
limit). Memory is the working set: at the profile's limit the kernel is killed for
memory (the table's last column), and the notebook just stops.`,
    })
      .withVariable(userVariable)
      .withPanel(
        graph({
          title: 'CPU per user, now',
          description: 'CPU cores each user server uses, over the last minute.',
          queries: [{ expr: `sum by (pod) (irate(${CPU}[2m]))`, legend: '{{pod}}' }],
          unit: 'short',
        }),
      )
      .withPanel(
        graph({
          title: 'CPU per user, 10-minute average',
          description: 'CPU cores each user server used on average over the last 10 minutes.',
          queries: [{ expr: `sum by (pod) (rate(${CPU}[10m]))`, legend: '{{pod}}' }],
          unit: 'short',
        }),
      )
      .withPanel(
        graph({
          title: 'Memory per user, now',
          description: 'Memory each user server holds now (working set).',
          queries: [{ expr: `sum by (pod) (${MEMORY})`, legend: '{{pod}}' }],
          unit: 'bytes',
        }),
      )
      .withPanel(
        graph({
          title: 'Memory per user, 10-minute average',
          description: 'Memory each user server held on average over the last 10 minutes.',
          queries: [{ expr: `sum by (pod) (avg_over_time(${MEMORY}[10m]))`, legend: '{{pod}}' }],
          unit: 'bytes',
        }),
      )
      .withPanel(
        grid({
          title: 'Who uses what now',
          description:
            'Per user server: CPU now and over 10 minutes, memory now and as a share of its limit, out-of-memory kills in the last hour.',
          queries: [
            { expr: `sum by (pod) (irate(${CPU}[2m]))`, legend: 'CPU now' },
            { expr: `sum by (pod) (rate(${CPU}[10m]))`, legend: 'CPU 10 min' },
            { expr: `sum by (pod) (${MEMORY})`, legend: 'memory' },
            {
              expr: `sum by (pod) (${MEMORY}) / sum by (pod) (kube_pod_container_resource_limits{${job('kubeStateMetrics')}, ${IN_ENV}, ${HUB_NS}, pod=~"${USER_POD_PREFIX}(\${user:regex})", resource="memory"})`,
              legend: 'memory of limit',
            },
            {
              expr: `sum by (pod) (environment_pod:container_oom_events:increase1h{${IN_ENV}, pod=~"${USER_POD_PREFIX}(\${user:regex})"})`,
              legend: 'OOM kills (1 h)',
            },
          ],
          height: 10,
        }),
      ),
  );
}
