/**
 * Storage: EFS traffic and its I/O limit, how much home and shared hold, volumes and
 * node disks filling up.
 */
import { job } from '../rules/selectors';
import { HUB_NAMESPACE } from '../../hub-storage';
import { EFS_IO_LIMIT_METRIC } from '../efs-io-limit-alarm';
import { IN_ENV, dashboard, graph, grid, single, toJson } from './panels';

export const UID = 'jupyterhub-storage';

/** EFS's PercentIOLimit, in CloudWatch only (General Purpose file systems report it). */
const EFS_IO_LIMIT = {
  ...EFS_IO_LIMIT_METRIC,
  statistic: 'Average',
  perDimension: 'FileSystemId',
  periodSeconds: 60,
} as const;

export function storage(): Record<string, unknown> {
  return toJson(
    dashboard({
      uid: UID,
      title: 'JupyterHub: storage',
      description: 'EFS throughput and I/O limit, home and shared usage, volumes and node disks.',
      help: `
Are files fast and is anything filling up? Homes and the shared folder live on **EFS**,
which has no size limit but a limit on operations a second: the **I/O limit** graph
(100% = everyone's files get slow; read from CloudWatch, one line per file system, and
alarmed on there) and the **traffic** from the nodes show how hard it
works; a tutorial that makes everyone read the same files shows up here. **Volumes**
(the hub's database, any per-user EBS volume) and **node disks** (images and scratch
space) do fill up: the alert fires at 90%.`,
    })
      .withPanel(
        single({
          title: 'Volumes above 90% full',
          description: 'Volume claims more than 90% full.',
          queries: [{ expr: `environment:kubelet_volume_stats_above_90_percent:count{${IN_ENV}}` }],
          thresholds: [
            [null, 'green'],
            [1, 'red'],
          ],
        }),
      )
      .withPanel(
        single({
          title: 'EFS I/O limit used',
          description:
            "The busiest shared file system's use of its I/O operations limit (CloudWatch's PercentIOLimit, every EFS file system in the region; the EFS I/O limit alarm watches each hub's).",
          queries: [],
          cloudWatch: { ...EFS_IO_LIMIT, statistic: 'Maximum' },
          unit: 'percent',
          thresholds: [
            [null, 'green'],
            [70, 'orange'],
            [90, 'red'],
          ],
        }),
      )
      .withPanel(
        single({
          title: 'Home in use',
          description:
            'Bytes stored in all home folders (EFS; reported when the EFS CSI driver measures volumes).',
          queries: [
            {
              expr: `sum(kubelet_volume_stats_used_bytes{${job('kubelet')}, ${IN_ENV}, namespace="${HUB_NAMESPACE}", persistentvolumeclaim="home"})`,
            },
          ],
          unit: 'bytes',
        }),
      )
      .withPanel(
        single({
          title: 'Shared folder in use',
          description: 'Bytes stored in the shared folder (EFS).',
          queries: [
            {
              expr: `sum(kubelet_volume_stats_used_bytes{${job('kubelet')}, ${IN_ENV}, namespace="${HUB_NAMESPACE}", persistentvolumeclaim="shared"})`,
            },
          ],
          unit: 'bytes',
        }),
      )
      .withPanel(
        graph({
          title: 'EFS traffic from the nodes',
          description: 'Bytes a second all nodes read from and write to EFS.',
          queries: [
            { expr: `environment:node_mountstats_nfs_read_bytes:rate5m{${IN_ENV}}`, legend: 'read' },
            { expr: `environment:node_mountstats_nfs_write_bytes:rate5m{${IN_ENV}}`, legend: 'write' },
          ],
          unit: 'Bps',
        }),
      )
      .withPanel(
        graph({
          title: 'EFS I/O limit used',
          description:
            "Percent of the I/O operations limit used, per EFS file system in the region (CloudWatch; each hub's is named <hub>-shared in the EFS console). At 100% operations queue.",
          queries: [],
          cloudWatch: EFS_IO_LIMIT,
          unit: 'percent',
        }),
      )
      .withPanel(
        graph({
          title: 'Home and shared over time',
          description: 'Bytes stored in home folders and the shared folder.',
          queries: [
            {
              expr: `sum by (persistentvolumeclaim) (kubelet_volume_stats_used_bytes{${job('kubelet')}, ${IN_ENV}, namespace="${HUB_NAMESPACE}", persistentvolumeclaim=~"home|shared"})`,
              legend: '{{persistentvolumeclaim}}',
            },
          ],
          unit: 'bytes',
        }),
      )
      .withPanel(
        graph({
          title: 'Node disks',
          description: "How full each node's root disk is (images, scratch space).",
          queries: [
            { expr: `environment_instance:node_filesystem_used:ratio{${IN_ENV}}`, legend: '{{instance}}' },
          ],
          unit: 'percentunit',
        }),
      )
      .withPanel(
        grid({
          title: 'Volumes, fullest first',
          description: 'Every volume claim and how full it is.',
          queries: [
            {
              expr: `sort_desc(environment_namespace_persistentvolumeclaim:kubelet_volume_stats_used:ratio{${IN_ENV}})`,
              legend: 'used',
            },
          ],
          unit: 'percentunit',
        }),
      ),
  );
}
