/**
 * The monitoring itself, evaluated on the central Prometheus: targets that stopped
 * answering, hub clusters that stopped sending altogether, and the monitoring disks.
 */
import { MONITORING_SCRAPE_JOBS, SCRAPE_JOBS } from '../scrape-jobs';
import { CLUSTER, ENV } from './selectors';
import { RuleGroup } from './types';

/** How long a cluster that stopped sending is remembered (and alerted on). */
export const STOPPED_SENDING_MEMORY = '6h';

/** The monitoring volumes, as the central Prometheus scrapes them from its own cluster's kubelets. */
const MONITORING_VOLUMES = `job="${MONITORING_SCRAPE_JOBS.kubelet}", persistentvolumeclaim=~".*(prometheus|alertmanager|grafana).*"`;

export const MONITORING_RECORDING: RuleGroup = {
  name: 'monitoring.rules',
  rules: [
    {
      record: `${ENV}_${CLUSTER}:up:count`,
      question: 'How many scrape targets does each hub cluster report on (none means it stopped sending)?',
      expr: `count by (${ENV}, ${CLUSTER}) (up)`,
    },
    {
      record: `${ENV}_job:up:avg`,
      question: 'What fraction of the targets of each scrape job answer?',
      expr: `avg by (${ENV}, job) (up)`,
    },
  ],
};

export const MONITORING_ALERTS: RuleGroup = {
  name: 'monitoring.alerts',
  rules: [
    {
      alert: 'ScrapeTargetDown',
      question:
        'Has a scrape target (other than hub and proxy, which have their own alerts) stopped answering?',
      expr: `max by (${ENV}, job, instance) (up{job!~"${SCRAPE_JOBS.hub}|${SCRAPE_JOBS.proxy}"}) == 0`,
      for: '10m',
      severity: 'warning',
      summary:
        '{{ $labels.job }} at {{ $labels.instance }} in {{ $labels.environment }} has not answered for 10 minutes: its graphs and alerts are blind.',
      description: 'While a target is down, the alerts that read its metrics cannot fire.',
      runbookSection: 'scrape-target-down',
    },
    {
      alert: 'HubClusterStoppedSending',
      question: 'Has a hub cluster that was sending metrics stopped sending any?',
      expr: `max_over_time(${ENV}_${CLUSTER}:up:count[${STOPPED_SENDING_MEMORY}]) unless on (${ENV}, ${CLUSTER}) ${ENV}_${CLUSTER}:up:count`,
      for: '5m',
      severity: 'critical',
      summary:
        'No metrics from cluster {{ $labels.cluster }} ({{ $labels.environment }}) for over 5 minutes: the cluster or its metrics agent is down.',
      description:
        'Every other alert for this environment is blind until it sends again. If the environment was torn down on purpose, this clears itself after 6 hours.',
      runbookSection: 'hub-cluster-stopped-sending',
    },
    {
      alert: 'MonitoringDiskFilling',
      question:
        "Will a monitoring volume (Prometheus', Alertmanager's, Grafana's) be full within a day, or is it 85% full already?",
      expr: `(max by (namespace, persistentvolumeclaim) (kubelet_volume_stats_available_bytes{${MONITORING_VOLUMES}} / kubelet_volume_stats_capacity_bytes{${MONITORING_VOLUMES}}) < 0.15) or (max by (namespace, persistentvolumeclaim) (predict_linear(kubelet_volume_stats_available_bytes{${MONITORING_VOLUMES}}[6h], 86400)) < 0)`,
      for: '30m',
      severity: 'warning',
      summary:
        'Monitoring volume {{ $labels.persistentvolumeclaim }} is filling up: when it is full, metrics and alerts stop.',
      description: 'Prometheus stops ingesting when its disk is full; every alert then goes quiet.',
      runbookSection: 'monitoring-disk-filling',
    },
  ],
};
