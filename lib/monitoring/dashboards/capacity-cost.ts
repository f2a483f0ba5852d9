/**
 * Capacity and cost: nodes per pool over time, node-hours over the chosen range (what AWS
 * bills), and user nodes running with nobody on them.
 */
import { IN_ENV, dashboard, graph, grid, toJson } from './panels';

export const UID = 'jupyterhub-capacity-cost';

export function capacityCost(): Record<string, unknown> {
  return toJson(
    dashboard({
      uid: UID,
      title: 'JupyterHub: capacity and cost',
      description: 'Nodes per pool, node-hours, idle user nodes.',
      help: `
What are we paying for? AWS bills nodes by the hour: **node-hours** over the time range
you pick (top right; try "Last 7 days") multiplied by each pool's hourly price is the
compute bill. **Idle user nodes** run with no user server on them: placeholders keep
some on purpose during events; overnight they are waste (lower the placeholders or check
why the autoscaler keeps them; runbook: "Idle user nodes"). Users per node shows how
well servers are packed.`,
    })
      .withPanel(
        graph({
          title: 'Nodes per pool',
          description: 'Nodes running in each pool.',
          queries: [{ expr: `environment_pool:kube_node_labels:count{${IN_ENV}}`, legend: '{{pool}}' }],
        }),
      )
      .withPanel(
        graph({
          title: 'Idle user nodes per pool',
          description: 'User and GPU nodes with no user server on them (placeholders do not count).',
          queries: [
            { expr: `environment_pool:jupyterhub_idle_user_nodes:count{${IN_ENV}}`, legend: '{{pool}}' },
          ],
        }),
      )
      .withPanel(
        grid({
          title: 'Node-hours per pool over the time range',
          description: 'Average nodes in each pool over the chosen range times its hours: what AWS bills.',
          queries: [
            {
              expr: `avg_over_time(environment_pool:kube_node_labels:count{${IN_ENV}}[$__range]) * $__range_s / 3600`,
              legend: 'node-hours',
            },
          ],
          span: 12,
        }),
      )
      .withPanel(
        grid({
          title: 'Idle user nodes now',
          description: 'Each user or GPU node with no user server on it, and its pool.',
          queries: [
            { expr: `environment_node_pool:jupyterhub_idle_user_node:max{${IN_ENV}}`, legend: 'idle' },
          ],
          span: 12,
        }),
      )
      .withPanel(
        graph({
          title: 'User servers per user node',
          description: 'Running user servers divided by user and GPU nodes: how well servers are packed.',
          queries: [
            {
              expr: `environment:jupyterhub_user_pods_running:sum{${IN_ENV}} / scalar(sum(environment_pool:kube_node_labels:count{${IN_ENV}, pool!="core"}))`,
              legend: 'servers per node',
            },
          ],
          span: 24,
        }),
      ),
  );
}
