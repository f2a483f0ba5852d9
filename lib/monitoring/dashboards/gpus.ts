/**
 * GPUs: who holds each GPU, how busy each is and how much of its memory it uses, and
 * whether anyone is waiting for one.
 */
import { HUB_NS, USER_POD, job } from '../rules/selectors';
import { IN_ENV, dashboard, graph, grid, single, toJson } from './panels';

export const UID = 'jupyterhub-gpus';

const DCGM = `${job('dcgmExporter')}, ${IN_ENV}, ${HUB_NS}, ${USER_POD}`;

export function gpus(): Record<string, unknown> {
  return toJson(
    dashboard({
      uid: UID,
      title: 'JupyterHub: GPUs',
      description: 'Who holds each GPU, utilisation and memory per user, users waiting for a GPU.',
      help: `
Who has the GPUs, and are they using them? The **table** lists every GPU held by a user
server: the user, the node, and how busy the GPU was over 30 minutes. A GPU held for hours
near 0% can be given back (stop the server from the admin page after asking). **Waiting
for a GPU** above 0 means someone cannot start: every GPU is held, or the GPU pool is at
its maximum. GPU pools scale from zero, so a first GPU server waits for a node to boot.`,
    })
      .withPanel(
        single({
          title: 'GPUs held',
          description: 'GPUs held by running user servers.',
          queries: [{ expr: `environment:jupyterhub_gpus_held:sum{${IN_ENV}}` }],
        }),
      )
      .withPanel(
        single({
          title: 'GPUs on running nodes',
          description: 'GPUs the running nodes offer.',
          queries: [{ expr: `environment:kube_node_status_allocatable_gpus:sum{${IN_ENV}}` }],
        }),
      )
      .withPanel(
        single({
          title: 'GPU servers running',
          description: 'Running user servers holding at least one GPU.',
          queries: [{ expr: `environment:jupyterhub_gpu_servers_running:count{${IN_ENV}}` }],
        }),
      )
      .withPanel(
        single({
          title: 'Waiting for a GPU',
          description: 'GPUs asked for by servers that have not started yet.',
          queries: [{ expr: `environment:jupyterhub_gpus_requested_pending:sum{${IN_ENV}}` }],
          thresholds: [
            [null, 'green'],
            [1, 'red'],
          ],
        }),
      )
      .withPanel(
        grid({
          title: 'Who holds each GPU',
          description:
            'Each running user server holding GPUs: user, node, GPUs held, and how busy they were over 30 minutes.',
          queries: [
            { expr: `environment_node_pod_user:jupyterhub_gpus_held:sum{${IN_ENV}}`, legend: 'GPUs' },
            { expr: `environment_pod:dcgm_fi_dev_gpu_util:avg30m{${IN_ENV}}`, legend: 'busy % (30 min)' },
          ],
        }),
      )
      .withPanel(
        graph({
          title: 'GPU utilisation per user',
          description: 'How busy each user server’s GPU is (percent of time the GPU is computing).',
          queries: [{ expr: `avg by (pod) (DCGM_FI_DEV_GPU_UTIL{${DCGM}})`, legend: '{{pod}}' }],
          unit: 'percent',
        }),
      )
      .withPanel(
        graph({
          title: 'GPU memory per user',
          description: 'GPU memory each user server holds.',
          queries: [{ expr: `sum by (pod) (DCGM_FI_DEV_FB_USED{${DCGM}}) * 2^20`, legend: '{{pod}}' }],
          unit: 'bytes',
        }),
      ),
  );
}
