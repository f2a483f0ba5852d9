/**
 * Storage: volumes (the hub's database, any per-user EBS volume) near full, node disks
 * (images and users' scratch space) near full, and EFS traffic from the nodes. Homes live
 * on EFS, which has no size limit, so "home full" shows up as a volume or node disk
 * filling. "EFS slow" is its I/O limit, a CloudWatch-only metric: a CloudWatch alarm per
 * hub watches it (lib/monitoring/efs-io-limit-alarm.ts), not Prometheus.
 */
import { ENV, job } from './selectors';
import { RuleGroup } from './types';

const KUBELET = job('kubelet');
const NODE = job('nodeExporter');
/** The node's root file system, as node-exporter (with --path.rootfs) reports it. */
const ROOT_FS = `${NODE}, mountpoint="/", fstype!~"tmpfs|overlay"`;

export const STORAGE_RECORDING: RuleGroup = {
  name: 'storage.rules',
  rules: [
    {
      record: `${ENV}_namespace_persistentvolumeclaim:kubelet_volume_stats_used:ratio`,
      question: 'How full is each volume claim (1 = full)?',
      expr: `max by (${ENV}, namespace, persistentvolumeclaim) (kubelet_volume_stats_used_bytes{${KUBELET}} / kubelet_volume_stats_capacity_bytes{${KUBELET}})`,
    },
    {
      record: `${ENV}:kubelet_volume_stats_above_90_percent:count`,
      question: "How many volume claims are more than 90% full (the runbook's PVC row)?",
      expr: `count by (${ENV}) (${ENV}_namespace_persistentvolumeclaim:kubelet_volume_stats_used:ratio > 0.9) or sum by (${ENV}) (${ENV}_namespace_persistentvolumeclaim:kubelet_volume_stats_used:ratio * 0)`,
    },
    {
      record: `${ENV}_instance:node_filesystem_used:ratio`,
      question: "How full is each node's root disk, where images and users' scratch files live?",
      expr: `max by (${ENV}, instance) (1 - node_filesystem_avail_bytes{${ROOT_FS}} / node_filesystem_size_bytes{${ROOT_FS}})`,
    },
    {
      record: `${ENV}:node_mountstats_nfs_read_bytes:rate5m`,
      question: 'How many bytes per second do the nodes read from EFS (NFS) in all?',
      expr: `sum by (${ENV}) (rate(node_mountstats_nfs_read_bytes_total{${NODE}}[5m]))`,
    },
    {
      record: `${ENV}:node_mountstats_nfs_write_bytes:rate5m`,
      question: 'How many bytes per second do the nodes write to EFS (NFS) in all?',
      expr: `sum by (${ENV}) (rate(node_mountstats_nfs_write_bytes_total{${NODE}}[5m]))`,
    },
  ],
};

export const STORAGE_ALERTS: RuleGroup = {
  name: 'storage.alerts',
  rules: [
    {
      alert: 'VolumeNearFull',
      question: 'Is a volume claim more than 90% full?',
      expr: `${ENV}_namespace_persistentvolumeclaim:kubelet_volume_stats_used:ratio > 0.9`,
      for: '15m',
      severity: 'warning',
      summary:
        'Volume {{ $labels.persistentvolumeclaim }} in {{ $labels.environment }} is {{ $value | humanizePercentage }} full.',
      description:
        "A full volume stops whatever writes to it: the hub's database (logins fail) or a user's server (it will not start).",
      runbookSection: 'disk-full',
    },
    {
      alert: 'NodeDiskNearFull',
      question: "Is a node's root disk more than 90% full?",
      expr: `${ENV}_instance:node_filesystem_used:ratio > 0.9`,
      for: '15m',
      severity: 'warning',
      summary:
        'Node {{ $labels.instance }} in {{ $labels.environment }} has its disk {{ $value | humanizePercentage }} full.',
      description:
        "Kubernetes evicts pods from a node whose disk fills up, users' servers among them; new images cannot be pulled.",
      runbookSection: 'disk-full',
    },
  ],
};
