/**
 * Users and their servers: how many people, how many servers running and waiting, the
 * placeholders that make starts fast, who holds each GPU, and servers in trouble (OOM
 * kills, image pulls and crash loops, the hub's view disagreeing with Kubernetes'). The
 * runbook's usage rows that were "on hold", from JupyterHub 5.5's gauges,
 * kube-state-metrics 2.x, cAdvisor and the DCGM exporter.
 */
import {
  ENV,
  GPU_RESOURCE_KSM,
  HUB_NS,
  PLACEHOLDER_POD,
  PROFILE,
  USER_POD,
  USER_POD_PREFIX,
  job,
} from './selectors';
import { RuleGroup } from './types';

const KSM = job('kubeStateMetrics');
/** cAdvisor's containers, not its pod-level (`container=""`) and sandbox (`POD`) sums. */
const REAL_CONTAINER = 'container!="", container!="POD"';
const userPodsIn = (phase: string) =>
  `sum by (${ENV}) (kube_pod_status_phase{${KSM}, ${HUB_NS}, ${USER_POD}, phase="${phase}"})`;
/** 1 for each user pod in `phase`, by environment, namespace and pod. */
const userPodPhase = (phase: string) =>
  `max by (${ENV}, namespace, pod) (kube_pod_status_phase{${KSM}, ${HUB_NS}, ${USER_POD}, phase="${phase}"}) == 1`;
const gpuRequests = `sum by (${ENV}, namespace, pod, node) (kube_pod_container_resource_requests{${KSM}, ${HUB_NS}, ${USER_POD}, ${GPU_RESOURCE_KSM}})`;

/** Container waiting reasons that do not clear on their own. */
export const STUCK_REASONS = [
  'ErrImagePull',
  'ImagePullBackOff',
  'CrashLoopBackOff',
  'CreateContainerConfigError',
  'CreateContainerError',
  'InvalidImageName',
] as const;

export const SERVER_RECORDING: RuleGroup = {
  name: 'jupyterhub-usage.rules',
  rules: [
    {
      record: `${ENV}:jupyterhub_total_users:max`,
      question: 'How many users does the hub know?',
      expr: `max by (${ENV}) (jupyterhub_total_users{${job('hub')}})`,
    },
    {
      record: `${ENV}_period:jupyterhub_active_users:max`,
      question: 'How many users were active in the last 24 hours, 7 days, 30 days?',
      expr: `max by (${ENV}, period) (jupyterhub_active_users{${job('hub')}})`,
    },
    {
      record: `${ENV}:jupyterhub_running_servers:max`,
      question: 'How many user servers does the hub count as running?',
      expr: `max by (${ENV}) (jupyterhub_running_servers{${job('hub')}})`,
    },
    {
      record: `${ENV}:jupyterhub_user_cpu_cores:rate5m`,
      question: "How many CPU cores do the user servers use together (the event's usage report)?",
      expr: `sum by (${ENV}) (rate(container_cpu_usage_seconds_total{${job('cadvisor')}, ${HUB_NS}, ${USER_POD}, ${REAL_CONTAINER}}[5m]))`,
    },
    {
      record: `${ENV}:jupyterhub_user_memory_working_set_bytes:sum`,
      question: "How much memory do the user servers use together (the event's usage report)?",
      expr: `sum by (${ENV}) (container_memory_working_set_bytes{${job('cadvisor')}, ${HUB_NS}, ${USER_POD}, ${REAL_CONTAINER}})`,
    },
    {
      record: `${ENV}:jupyterhub_user_pods_running:sum`,
      question: 'How many user server pods does Kubernetes have running?',
      expr: userPodsIn('Running'),
    },
    {
      record: `${ENV}:jupyterhub_user_pods_pending:sum`,
      question: 'How many user servers are waiting for a node, a volume or an image (pods Pending)?',
      expr: userPodsIn('Pending'),
    },
    {
      record: `${ENV}_phase:jupyterhub_user_placeholders:sum`,
      question:
        'How many placeholder seats are held (Running) and how many wait for a node (Pending)? None running means the next users wait for a new node.',
      expr: `sum by (${ENV}, phase) (kube_pod_status_phase{${KSM}, ${HUB_NS}, ${PLACEHOLDER_POD}, phase=~"Running|Pending"})`,
    },
    {
      record: `${ENV}_profile:jupyterhub_server_start_seconds:avg`,
      question:
        "How long did the running servers of each profile take from pod creation to ready (the hub's own start time has no profile label)?",
      expr: `avg by (${ENV}, profile) ((kube_pod_status_ready_time{${KSM}, ${HUB_NS}, ${USER_POD}} - on (${ENV}, namespace, pod) group_left () max by (${ENV}, namespace, pod) (kube_pod_created{${KSM}, ${HUB_NS}, ${USER_POD}})) * on (${ENV}, namespace, pod) group_left (profile) max by (${ENV}, namespace, pod, profile) (label_replace(kube_pod_labels{${KSM}, ${HUB_NS}, ${PROFILE}!=""}, "profile", "$1", "${PROFILE}", "(.+)")))`,
    },
    {
      record: `${ENV}_node_pod_user:jupyterhub_gpus_held:sum`,
      question:
        "Who holds each GPU: which running user server, on which node (the runbook's jq one-liner as a query)?",
      expr: `label_replace(${gpuRequests} * on (${ENV}, namespace, pod) group_left () (${userPodPhase('Running')}), "user", "$1", "pod", "${USER_POD_PREFIX}(.+)")`,
    },
    {
      record: `${ENV}:jupyterhub_gpu_servers_running:count`,
      question: 'How many running user servers hold a GPU?',
      expr: `count by (${ENV}) (${ENV}_node_pod_user:jupyterhub_gpus_held:sum > 0)`,
    },
    {
      record: `${ENV}:jupyterhub_gpus_held:sum`,
      question: 'How many GPUs do running user servers hold in all?',
      expr: `sum by (${ENV}) (${ENV}_node_pod_user:jupyterhub_gpus_held:sum)`,
    },
    {
      record: `${ENV}:jupyterhub_gpus_requested_pending:sum`,
      question: 'How many GPUs do user servers that are still waiting to start ask for?',
      expr: `sum by (${ENV}) (${gpuRequests} * on (${ENV}, namespace, pod) group_left () (${userPodPhase('Pending')}))`,
    },
    {
      record: `${ENV}:kube_node_status_allocatable_gpus:sum`,
      question: 'How many GPUs do the nodes running now offer?',
      expr: `sum by (${ENV}) (kube_node_status_allocatable{${KSM}, ${GPU_RESOURCE_KSM}})`,
    },
    {
      record: `${ENV}_pod:dcgm_fi_dev_gpu_util:avg30m`,
      question: "How busy was each user server's GPU over the last 30 minutes (percent)?",
      expr: `avg by (${ENV}, namespace, pod) (avg_over_time(DCGM_FI_DEV_GPU_UTIL{${job('dcgmExporter')}, ${HUB_NS}, ${USER_POD}}[30m]))`,
    },
    {
      record: `${ENV}_pod:container_oom_events:increase1h`,
      question:
        'How many times was a process (usually a kernel) in each user server killed for memory in the last hour? The server itself survives, so restarts do not show it.',
      expr: `sum by (${ENV}, namespace, pod) (increase(container_oom_events_total{${job('cadvisor')}, ${HUB_NS}, ${USER_POD}}[1h]))`,
    },
    {
      record: `${ENV}:container_oom_events:increase10m`,
      question: 'How many out-of-memory kills happened in user servers in the last 10 minutes?',
      expr: `sum by (${ENV}) (increase(container_oom_events_total{${job('cadvisor')}, ${HUB_NS}, ${USER_POD}}[10m]))`,
    },
    {
      record: `${ENV}:kube_pod_container_oomkilled:sum`,
      question: 'How many containers in the hub namespace were last terminated by the OOM killer?',
      expr: `sum by (${ENV}) (kube_pod_container_status_last_terminated_reason{${KSM}, ${HUB_NS}, reason="OOMKilled"})`,
    },
    {
      record: `${ENV}_reason:kube_pod_container_status_waiting_reason:sum`,
      question:
        'How many containers in the hub namespace are stuck pulling their image or crash-looping, by reason?',
      expr: `sum by (${ENV}, reason) (kube_pod_container_status_waiting_reason{${KSM}, ${HUB_NS}, reason=~"${STUCK_REASONS.join('|')}"})`,
    },
  ],
};

export const SERVER_ALERTS: RuleGroup = {
  name: 'jupyterhub-servers.alerts',
  rules: [
    {
      alert: 'UserServersPendingTooLong',
      question: 'Has a user server waited more than 10 minutes to be scheduled and started?',
      expr: `${userPodPhase('Pending')}`,
      for: '10m',
      severity: 'warning',
      summary:
        '{{ $labels.pod }} in {{ $labels.environment }} has waited over 10 minutes to start: the placeholders are used up and no node has come.',
      description:
        'Placeholders keep seats warm; when more people start at once than there are placeholders, they wait for the autoscaler to add a node (normally under 5 minutes). Longer means the pool is at its maximum size, AWS has no capacity, or the pod cannot be placed.',
      runbookSection: 'servers-pending',
    },
    {
      alert: 'GpuServersWaiting',
      question: 'Is someone waiting for a GPU because every GPU is in use?',
      expr: `${ENV}:jupyterhub_gpus_requested_pending:sum > 0`,
      for: '10m',
      severity: 'warning',
      summary: 'Users in {{ $labels.environment }} have waited 10 minutes for a GPU: all GPUs may be in use.',
      description:
        'GPU servers are Pending. Either the GPU pool is at its maximum size and every GPU is held, or the pool cannot scale up. Check who holds the GPUs and whether they use them.',
      runbookSection: 'gpus-all-in-use',
    },
    {
      alert: 'GpuAllocatedIdle',
      question: 'Is a GPU held by a server that has not used it for hours?',
      expr: `${ENV}_pod:dcgm_fi_dev_gpu_util:avg30m < 5 and on (${ENV}, namespace, pod) ${ENV}_node_pod_user:jupyterhub_gpus_held:sum > 0`,
      for: '2h',
      severity: 'info',
      summary:
        '{{ $labels.pod }} in {{ $labels.environment }} holds a GPU it has not used for over 2 hours ({{ $value | printf "%.0f" }}% busy).',
      description:
        'An idle GPU costs money and may keep someone else waiting. Ask the user, or stop the server.',
      runbookSection: 'gpu-idle',
    },
    {
      alert: 'OomKillBurst',
      question: 'Are user servers running out of memory again and again?',
      expr: `${ENV}:container_oom_events:increase10m >= 3`,
      for: '1m',
      severity: 'warning',
      summary:
        '{{ $value | printf "%.0f" }} out-of-memory kills in user servers in {{ $labels.environment }} in 10 minutes.',
      description:
        "Users' kernels are dying for lack of memory; their notebooks just stop with no error. Often a tutorial needs more memory than the profile gives.",
      runbookSection: 'oom-kills',
    },
    {
      alert: 'ContainersStuck',
      question: 'Is a container in the hub namespace stuck pulling its image or crash-looping?',
      expr: `max by (${ENV}, namespace, pod, container, reason) (kube_pod_container_status_waiting_reason{${KSM}, ${HUB_NS}, reason=~"${STUCK_REASONS.join('|')}"}) == 1`,
      for: '10m',
      severity: 'warning',
      summary: '{{ $labels.pod }} in {{ $labels.environment }} is stuck: {{ $labels.reason }}.',
      description:
        'The container cannot start. An image pull error usually means a wrong image tag in a profile; a crash loop, a broken image or start-up script.',
      runbookSection: 'containers-stuck',
    },
    {
      alert: 'HubServersWithoutPods',
      question: 'Does the hub think more servers are running than Kubernetes has pods for?',
      expr: `${ENV}:jupyterhub_running_servers:max - on (${ENV}) ${ENV}:jupyterhub_user_pods_running:sum > 0`,
      for: '15m',
      severity: 'warning',
      summary:
        'The hub in {{ $labels.environment }} counts {{ $value | printf "%.0f" }} more running servers than there are server pods: those users cannot start or stop.',
      description:
        'The hub and Kubernetes disagree. A user whose server "is running" but has no pod gets an error or an endless wait on Stop.',
      runbookSection: 'server-thinks-it-is-running',
    },
  ],
};
