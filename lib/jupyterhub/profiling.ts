/**
 * The profiling switch (`hub.profiling`): a py-spy container beside the hub, in the hub's
 * process namespace, running as root with SYS_PTRACE and no other capability.
 *
 * Adding SYS_PTRACE to the hub container itself does nothing for py-spy: the hub runs as
 * uid 1000, and a non-root process started by `kubectl exec` holds no capability unless
 * its binary carries one (`setcap cap_sys_ptrace+ep`, which the chart's image does not
 * do) and privilege escalation is allowed. A root container's processes do hold the
 * capabilities it is given, so the hub container stays exactly as locked down as without
 * the switch, and only the profiler can read the hub's memory.
 */
import { CHARTS } from '../platform/charts';
import { guaranteed } from '../platform/placement';

/** Name of the profiler container in the hub pod (`kubectl exec -c`). */
export const PROFILER_CONTAINER = 'py-spy';

/**
 * The chart's own hub image, tagged with the chart version: it ships py-spy
 * (/usr/local/bin/py-spy) and the same Python files the hub runs, which py-spy reads.
 */
export const PROFILER_IMAGE = `quay.io/jupyterhub/k8s-hub:${CHARTS.jupyterhub.version}`;

/** hub.extraContainers and hub.extraPodSpec of a hub that can be profiled. */
export function profilerValues() {
  return {
    // The profiler sees the hub's processes; the pause container becomes PID 1 and reaps.
    extraPodSpec: { shareProcessNamespace: true },
    extraContainers: [
      {
        name: PROFILER_CONTAINER,
        image: PROFILER_IMAGE,
        command: ['sleep', 'infinity'],
        securityContext: {
          runAsUser: 0,
          runAsGroup: 0,
          // Overrides the pod's runAsNonRoot for this container only; the hub keeps uid 1000.
          runAsNonRoot: false,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'], add: ['SYS_PTRACE'] },
        },
        // Requests equal to limits, so the hub pod keeps Guaranteed QoS.
        resources: guaranteed(200, 256),
      },
    ],
  };
}
