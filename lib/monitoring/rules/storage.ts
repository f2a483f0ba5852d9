/**
 * Storage: volumes (the hub's database, any per-user EBS volume) near full, node disks
 * (images and users' scratch space) near full, and the shared EFS file system near its
 * I/O limit. Homes live on EFS, which has no size limit, so "home full" shows up as a
 * volume or node disk filling, and "EFS slow" as its I/O limit.
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
    {
      record: `${ENV}_file_system:aws_efs_percent_io_limit:max`,
      question:
        "How close is each EFS file system to its I/O operations limit (percent; CloudWatch's PercentIOLimit through the CloudWatch exporter)?",
      expr: `max by (${ENV}, dimension_FileSystemId) (aws_efs_percent_io_limit_average)`,
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
    {
      alert: 'EfsNearIoLimit',
      question:
        "Is the shared file system close to its I/O operations limit, so that everyone's files become slow?",
      expr: `${ENV}_file_system:aws_efs_percent_io_limit:max > 90`,
      for: '15m',
      severity: 'warning',
      summary:
        'Shared storage in {{ $labels.environment }} is at {{ $value | printf "%.0f" }}% of its I/O limit: opening and saving files will get slow.',
      description:
        'EFS in General Purpose mode allows a fixed number of operations per second. Many users reading the same small files (a tutorial on /shared) reach it.',
      runbookSection: 'efs-io-limit',
    },
  ],
};
