/**
 * Notebook health: servers running and waiting, the placeholders that make starts fast,
 * nodes per pool and what the autoscaler is doing. The stress-test guide's first
 * dashboard.
 */
import { IN_ENV, dashboard, graph, single, toJson } from './panels';

export const UID = 'jupyterhub-notebook-health';

export function notebookHealth(): Record<string, unknown> {
  return toJson(
    dashboard({
      uid: UID,
      title: 'JupyterHub: notebook health',
      description: 'User servers running and pending, placeholders, nodes per pool, autoscaler activity.',
      help: `
Are users getting their servers? **Running servers** should follow the number of people
working. **Pending** servers wait for room: while **placeholders** are running, a new
server takes a placeholder's seat at once; when none are left, new servers wait for the
autoscaler to add a node (3-5 minutes; GPU nodes longer). **The hub's count and
Kubernetes' count** of servers should match: a gap that stays means the hub thinks
servers are running that are gone (runbook: "Server thinks it is running"). Stuck
containers and out-of-memory kills at the bottom explain servers that fail or stop.`,
    })
      .withPanel(
        single({
          title: 'Servers running',
          description: 'User servers the hub counts as running.',
          queries: [{ expr: `environment:jupyterhub_running_servers:max{${IN_ENV}}` }],
        }),
      )
      .withPanel(
        single({
          title: 'Servers pending',
          description: 'User server pods waiting for a node, a volume or an image.',
          queries: [{ expr: `environment:jupyterhub_user_pods_pending:sum{${IN_ENV}}` }],
          thresholds: [
            [null, 'green'],
            [1, 'orange'],
          ],
        }),
      )
      .withPanel(
        single({
          title: 'Placeholders ready',
          description:
            'Placeholder seats held on running nodes; a new server takes one at once. 0: the next users wait for a node.',
          queries: [
            { expr: `environment_phase:jupyterhub_user_placeholders:sum{${IN_ENV}, phase="Running"}` },
          ],
          thresholds: [
            [null, 'red'],
            [1, 'green'],
          ],
        }),
      )
      .withPanel(
        single({
          title: 'Users active in the last 24 h',
          description: 'Users the hub saw active in the last 24 hours.',
          queries: [{ expr: `environment_period:jupyterhub_active_users:max{${IN_ENV}, period="24h"}` }],
        }),
      )
      .withPanel(
        graph({
          title: "Servers: the hub's count and Kubernetes' count",
          description:
            'Running servers as the hub counts them and running server pods as Kubernetes counts them. They should match; a lasting gap means stale servers.',
          queries: [
            { expr: `environment:jupyterhub_running_servers:max{${IN_ENV}}`, legend: 'hub: running servers' },
            {
              expr: `environment:jupyterhub_user_pods_running:sum{${IN_ENV}}`,
              legend: 'Kubernetes: running pods',
            },
            {
              expr: `environment:jupyterhub_user_pods_pending:sum{${IN_ENV}}`,
              legend: 'Kubernetes: pending pods',
            },
          ],
        }),
      )
      .withPanel(
        graph({
          title: 'Placeholders',
          description: 'Placeholder pods holding seats (running) and waiting for a node (pending).',
          queries: [
            { expr: `environment_phase:jupyterhub_user_placeholders:sum{${IN_ENV}}`, legend: '{{phase}}' },
          ],
        }),
      )
      .withPanel(
        graph({
          title: 'Nodes per pool',
          description:
            'Nodes in each pool. User and GPU pools grow when servers need room and shrink when they are empty.',
          queries: [{ expr: `environment_pool:kube_node_labels:count{${IN_ENV}}`, legend: '{{pool}}' }],
        }),
      )
      .withPanel(
        graph({
          title: 'Autoscaler activity',
          description:
            'Pods the autoscaler is finding room for, and nodes it added and removed in the last hour.',
          queries: [
            {
              expr: `environment:cluster_autoscaler_unschedulable_pods_count:max{${IN_ENV}}`,
              legend: 'pods waiting for room',
            },
            {
              expr: `environment_direction:cluster_autoscaler_scaled_nodes:increase1h{${IN_ENV}}`,
              legend: 'nodes scaled {{direction}} (1 h)',
            },
          ],
        }),
      )
      .withPanel(
        graph({
          title: 'Users',
          description: 'Users the hub knows, and those active in the last 24 hours and 7 days.',
          queries: [
            { expr: `environment:jupyterhub_total_users:max{${IN_ENV}}`, legend: 'known' },
            {
              expr: `environment_period:jupyterhub_active_users:max{${IN_ENV}}`,
              legend: 'active {{period}}',
            },
          ],
        }),
      )
      .withPanel(
        graph({
          title: 'Trouble: stuck containers and out-of-memory kills',
          description:
            'Containers stuck pulling their image or crash-looping, by reason; out-of-memory kills in user servers in the last 10 minutes.',
          queries: [
            {
              expr: `environment_reason:kube_pod_container_status_waiting_reason:sum{${IN_ENV}}`,
              legend: 'stuck: {{reason}}',
            },
            { expr: `environment:container_oom_events:increase10m{${IN_ENV}}`, legend: 'OOM kills (10 min)' },
          ],
        }),
      ),
  );
}
