/**
 * Culling: the chart's jupyterhub-idle-culler stops idle servers (without it, bare user
 * pods keep their nodes up all night), and each server's own kernel culler shuts down
 * idle kernels, even with a browser tab still open, so forgotten notebooks release memory
 * and stop counting as activity.
 */
import { HubConfig } from '../../config/hub-schema';

export function cullValues(hub: HubConfig) {
  const { culling } = hub;
  return {
    enabled: true,
    users: false,
    adminUsers: true,
    timeout: culling.idleTimeoutSeconds,
    every: culling.checkIntervalSeconds,
    maxAge: culling.maxAgeSeconds,
  };
}

/** A jupyter_server config file for singleuser.extraFiles (rendered as JSON by the chart). */
export function kernelCullingFile(hub: HubConfig) {
  const { idleTimeoutSeconds, checkIntervalSeconds } = hub.kernelCulling;
  return {
    mountPath: '/etc/jupyter/jupyter_server_config.json',
    data: {
      MappingKernelManager: {
        cull_idle_timeout: idleTimeoutSeconds,
        cull_interval: checkIntervalSeconds,
        cull_connected: true,
        cull_busy: false,
      },
      TerminalManager: { cull_inactive_timeout: idleTimeoutSeconds, cull_interval: checkIntervalSeconds },
    },
  };
}
