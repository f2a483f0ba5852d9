/**
 * A compliant jupyterhub release, added to a real platform stack only while that stack has
 * none of its own, so the JupyterHub rules' failing cases stay minimal mutations.
 */
import { stringify } from 'yaml';
import { GPU_RESOURCE, GPU_TAINT, NODE_POOL_LABEL } from '../../../lib/node-scheduling';
import { CHARTS } from '../../../lib/platform/charts';
import { Json } from '../../../tools/policy/types';
import { add, all } from './support';

const guaranteed = { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '500m', memory: '1Gi' } };

function compliantHubValues(gpuPool: string): Json {
  return {
    hub: {
      concurrentSpawnLimit: 10,
      activeServerLimit: 80,
      consecutiveFailureLimit: 5,
      resources: guaranteed,
      db: { type: 'sqlite-pvc', pvc: { storageClassName: 'gp3' } },
    },
    proxy: {
      chp: { resources: guaranteed },
      https: { enabled: true, type: 'offload' },
      service: { annotations: { 'service.beta.kubernetes.io/aws-load-balancer-ssl-cert': 'arn:aws:acm:x' } },
    },
    scheduling: {
      userScheduler: { resources: guaranteed },
      podPriority: {
        enabled: true,
        defaultPriority: 0,
        imagePullerPriority: -2,
        userPlaceholderPriority: -5,
      },
      userPlaceholder: { enabled: true, replicas: 2 },
      corePods: { nodeAffinity: { matchNodePurpose: 'require' } },
      userPods: { nodeAffinity: { matchNodePurpose: 'require' } },
    },
    cull: { enabled: true, timeout: 3600, every: 600, maxAge: 28800 },
    singleuser: {
      cpu: { guarantee: 1.75, limit: 4 },
      memory: { guarantee: '7G', limit: '8G' },
      profileList: [
        { display_name: 'CPU', slug: 'cpu' },
        {
          display_name: 'GPU',
          slug: 'gpu',
          kubespawner_override: {
            extra_resource_limits: { [GPU_RESOURCE]: 1 },
            tolerations: [{ key: GPU_TAINT.key, operator: 'Exists', effect: GPU_TAINT.effect }],
            node_selector: { [NODE_POOL_LABEL]: gpuPool },
            start_timeout: 900,
          },
        },
      ],
    },
  };
}

/** The platform stack's jupyterhub release: its own, or a compliant one added for the test. */
export function hubRelease(platform: Json, gpuPool: string): Json {
  const own = all(platform, 'helm_release').find((r) => r.chart === CHARTS.jupyterhub.chart);
  if (own) return own;
  const body = {
    name: 'jupyterhub',
    namespace: 'hub',
    chart: CHARTS.jupyterhub.chart,
    repository: CHARTS.jupyterhub.repository,
    version: CHARTS.jupyterhub.version,
    values: [stringify(compliantHubValues(gpuPool))],
  };
  add(platform, 'helm_release', 'policy-test-hub', body);
  return body;
}
