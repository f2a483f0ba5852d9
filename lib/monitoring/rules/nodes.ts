/**
 * Nodes and what they cost: nodes per pool, nodes not ready, user nodes running with no
 * user on them (the hackweek's 5-10 idle nodes overnight), and the autoscaler's activity.
 * From kube-state-metrics 2.x (with the pool and purpose node labels allowlisted) and
 * cluster-autoscaler's metrics.
 */
import { HUB_NS, NODE_POOL, NODE_PURPOSE, ENV, USER_POD, job } from './selectors';
import { RuleGroup } from './types';

const KSM = job('kubeStateMetrics');
/** kube_node_labels with the pool as a `pool` label. */
const nodesWithPool = (filter = '') =>
  `label_replace(kube_node_labels{${KSM}${filter}}, "pool", "$1", "${NODE_POOL}", "(.*)")`;
/** User nodes (user and GPU pools) with no user server pod on them. */
const idleUserNodes = `max by (${ENV}, node, pool) (${nodesWithPool(`, ${NODE_PURPOSE}="user"`)}) unless on (${ENV}, node) count by (${ENV}, node) (kube_pod_info{${KSM}, ${HUB_NS}, ${USER_POD}, node!=""})`;

export const NODE_RECORDING: RuleGroup = {
  name: 'nodes.rules',
  rules: [
    {
      record: `${ENV}_pool:kube_node_labels:count`,
      question: 'How many nodes does each pool have right now (nodes x hours is what AWS bills)?',
      expr: `count by (${ENV}, pool) (${nodesWithPool()})`,
    },
    {
      record: `${ENV}:kube_node_status_not_ready:sum`,
      question: 'How many nodes are not Ready?',
      expr: `sum by (${ENV}) (kube_node_status_condition{${KSM}, condition="Ready", status="true"} == bool 0)`,
    },
    {
      record: `${ENV}_node_pool:jupyterhub_idle_user_node:max`,
      question: 'Which user and GPU nodes have no user server on them (placeholders do not count)?',
      expr: idleUserNodes,
    },
    {
      record: `${ENV}_pool:jupyterhub_idle_user_nodes:count`,
      question: 'How many user and GPU nodes per pool have no user server on them?',
      expr: `count by (${ENV}, pool) (${ENV}_node_pool:jupyterhub_idle_user_node:max)`,
    },
    {
      record: `${ENV}:cluster_autoscaler_unschedulable_pods_count:max`,
      question: 'How many pods is the autoscaler trying to find room for?',
      expr: `max by (${ENV}) (cluster_autoscaler_unschedulable_pods_count{${job('clusterAutoscaler')}})`,
    },
    {
      record: `${ENV}_direction:cluster_autoscaler_scaled_nodes:increase1h`,
      question: 'How many nodes did the autoscaler add and remove in the last hour?',
      expr: `label_replace(sum by (${ENV}) (increase(cluster_autoscaler_scaled_up_nodes_total{${job('clusterAutoscaler')}}[1h])), "direction", "up", "", "") or label_replace(sum by (${ENV}) (increase(cluster_autoscaler_scaled_down_nodes_total{${job('clusterAutoscaler')}}[1h])), "direction", "down", "", "")`,
    },
  ],
};

export const NODE_ALERTS: RuleGroup = {
  name: 'nodes.alerts',
  rules: [
    {
      alert: 'NodeNotReady',
      question: 'Has a node been not Ready for 10 minutes?',
      expr: `max by (${ENV}, node) (kube_node_status_condition{${KSM}, condition="Ready", status="true"}) == 0`,
      for: '10m',
      severity: 'warning',
      summary:
        'Node {{ $labels.node }} in {{ $labels.environment }} has been unhealthy for 10 minutes; servers on it may not respond.',
      description:
        'The kubelet stopped reporting Ready: the node is broken, out of resources, or being replaced. Users on it see their server hang.',
      runbookSection: 'node-not-ready',
    },
    {
      alert: 'IdleUserNodes',
      question: 'Have user nodes been running for 2 hours with no user on them (paid for, unused)?',
      expr: `${ENV}_pool:jupyterhub_idle_user_nodes:count > 0`,
      for: '2h',
      severity: 'warning',
      summary:
        '{{ $value | printf "%.0f" }} nodes of pool {{ $labels.pool }} in {{ $labels.environment }} have had no users for 2 hours and still cost money.',
      description:
        'User nodes stay up while placeholders or forgotten pods hold them, or when the autoscaler cannot remove them. Overnight this is the biggest waste.',
      runbookSection: 'idle-user-nodes',
    },
  ],
};
