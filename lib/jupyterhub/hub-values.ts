/**
 * The typed layer of the JupyterHub values: everything another layer must agree with
 * (pool labels and taints, storage claims, priorities, the notebook user's identity, the
 * certificate) and everything that comes from config (profiles, login, culling, limits).
 * Sizes of the hub's own pods, images and probes live in values/jupyterhub/*.yaml.
 */
import {
  defaultProfile,
  hubStartTimeout,
  profileStartTimeout,
  serverCapacity,
} from '../../config/hub-checks';
import { Environment, ProfileConfig } from '../../config/schema';
import { CONTINUOUS_IMAGE_PULLER } from '../daemonsets';
import { EBS_STORAGE_CLASS, HOME_CLAIM, NOTEBOOK_GID, NOTEBOOK_UID, SHARED_CLAIM } from '../hub-storage';
import {
  GPU_TAINT,
  IMAGE_PULLER_PRIORITY,
  USER_DEFAULT_PRIORITY,
  USER_PLACEHOLDER_PRIORITY,
  USER_TAINT,
  tolerationFor,
} from '../node-scheduling';
import { Values } from '../platform/helm-values';
import { guaranteed } from '../platform/placement';
import { clusterName } from '../naming';
import { kubernetesMemory } from '../quantities';
import { KUBE_SCHEDULER_IMAGE_TAGS } from '../versions';
import { authenticationValues, hubUrl, loginSecret } from './authentication';
import { cullValues, kernelCullingFile } from './culling';
import { frontDoorValues } from './front-door';
import { SHARED_VOLUME, hubHookValues } from './hub-hooks';
import {
  CLIENT_SECRET_KEY,
  CLIENT_SECRET_NAME,
  HOME_MOUNT_PATH,
  METRICS_SERVICE,
  EVENT_OPERATOR_SCOPES,
  EVENT_OPERATOR_SERVICE,
  SHARED_MOUNT_PATH,
} from './names';
import { HubPool, kubespawnerProfile, profileAccess } from './profile-list';
import { profilerValues } from './profiling';
import { profileScheduling } from './profile-scheduling';
import { ServerOwner } from './user-server-owner';

/** HubOAuth in each user server takes extra cookie options from this variable. */
export const SERVER_COOKIE_OPTIONS_ENV = 'JUPYTERHUB_COOKIE_OPTIONS';

/** A literal for a KubeSpawner template (environment values): `{` and `}` doubled. */
function escapeBraces(text: string): string {
  return text.replace(/[{}]/g, (brace) => brace + brace);
}

/** The cluster-autoscaler must not evict these single-replica pods to scale a node down. */
const NOT_SAFE_TO_EVICT = { 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'false' };

export interface HubValuesInputs {
  readonly env: Environment;
  /** The node pools the cluster stack created. */
  readonly pools: readonly HubPool[];
  /** Validated ACM certificate for the hub's name (HTTPS through ACM only). */
  readonly certificateArn?: string;
  /** The object that owns every user server (lib/jupyterhub/user-server-owner.ts). @default none */
  readonly serverOwner?: ServerOwner;
  /**
   * Serve the proxy's metrics on this port to pods with these labels (the metrics agent).
   * @default no proxy metrics
   */
  readonly proxyMetrics?: { readonly port: number; readonly from: Readonly<Record<string, string>> };
}

export function jupyterHubValues(inputs: HubValuesInputs): Values {
  const { hub } = inputs.env;
  const auth = authenticationValues(hub);
  const fallback = defaultProfile(inputs.env);
  const hooks = hubHookValues({
    hub,
    startTimeouts: Object.fromEntries(hub.profiles.map((p) => [p.slug, profileStartTimeout(inputs.env, p)])),
    profileAccess: profileAccess(hub.profiles),
    defaultProfile: fallback.slug,
    githubTeamGroups: auth.githubTeamGroups,
    serverOwner: inputs.serverOwner,
    login: auth.login,
  });
  const secret = loginSecret(hub, clusterName(inputs.env));

  const values: Values = {
    hub: {
      // The public https URL: JupyterHub marks its login cookies Secure from it, although the
      // proxy forwards plain HTTP (TLS ends at the NLB); values/jupyterhub/files/secure_cookies.py.
      config: {
        ...auth.config,
        JupyterHub: { ...(auth.config.JupyterHub as Values), public_url: `${hubUrl(hub)}/` },
      },
      concurrentSpawnLimit: hub.concurrentSpawnLimit,
      consecutiveFailureLimit: hub.consecutiveFailureLimit,
      // Past what the pools can host, spawns would only queue and time out: refuse them at once.
      activeServerLimit: hub.activeServerLimit ?? serverCapacity(inputs.env).total,
      annotations: { ...NOT_SAFE_TO_EVICT },
      // The hub holds no capability, profiling or not; py-spy runs in its own container.
      containerSecurityContext: { capabilities: { drop: ['ALL'] } },
      ...(hub.profiling ? profilerValues() : {}),
      // Metrics need a token: only the scraper's service holds one with read:metrics.
      authenticatePrometheus: true,
      // The chart generates each service's token into its `hub` Secret.
      services: { [METRICS_SERVICE]: { display: false }, [EVENT_OPERATOR_SERVICE]: { display: false } },
      loadRoles: {
        [METRICS_SERVICE]: {
          description: 'Read the hub metrics at /hub/metrics',
          scopes: ['read:metrics'],
          services: [METRICS_SERVICE],
        },
        [EVENT_OPERATOR_SERVICE]: {
          description: 'npm run event: status, stopping servers, the smoke-test user',
          scopes: [...EVENT_OPERATOR_SCOPES],
          services: [EVENT_OPERATOR_SERVICE],
        },
      },
      // sqlite on EBS (never EFS: sqlite locking on NFS is unreliable), in the core pool's single AZ.
      db: { type: 'sqlite-pvc', pvc: { storageClassName: EBS_STORAGE_CLASS } },
      networkPolicy: { enabled: true },
      extraFiles: hooks.extraFiles,
      extraConfig: hooks.extraConfig,
      // From a Kubernetes Secret, not helm --set: any character survives, nothing in the values.
      extraEnv: {
        [secret.envVar]: {
          valueFrom: { secretKeyRef: { name: CLIENT_SECRET_NAME, key: CLIENT_SECRET_KEY } },
        },
      },
    },
    proxy: {
      annotations: { ...NOT_SAFE_TO_EVICT },
      chp: {
        networkPolicy: {
          enabled: true,
          ...(inputs.proxyMetrics
            ? {
                ingress: [
                  {
                    ports: [{ port: inputs.proxyMetrics.port }],
                    from: [{ podSelector: { matchLabels: { ...inputs.proxyMetrics.from } } }],
                  },
                ],
              }
            : {}),
        },
        ...(inputs.proxyMetrics
          ? { extraCommandLineFlags: ['--metrics-ip=', `--metrics-port=${inputs.proxyMetrics.port}`] }
          : {}),
      },
      traefik: { networkPolicy: { enabled: true } },
      ...frontDoorValues(hub, inputs.certificateArn),
    },
    singleuser: {
      uid: NOTEBOOK_UID,
      fsGid: NOTEBOOK_GID,
      // The longest profile's: the hub's timer starts before the profile is applied.
      startTimeout: hubStartTimeout(inputs.env),
      // The default profile's size, which placeholders reserve. No nodeSelector here: the chart
      // would put it on the image pullers too, and every profile selects its own pool.
      cpu: { ...fallback.cpu },
      memory: { ...fallback.memory },
      profileList: hub.profiles.map((p) =>
        kubespawnerProfile(p, profileStartTimeout(inputs.env, p), inputs.pools),
      ),
      // Home follows the user across profiles: one EFS claim, a subdirectory per user.
      storage: {
        type: 'static',
        static: { pvcName: HOME_CLAIM, subPath: '{username}' },
        homeMountPath: HOME_MOUNT_PATH,
        extraVolumes: [{ name: SHARED_VOLUME, persistentVolumeClaim: { claimName: SHARED_CLAIM } }],
        extraVolumeMounts: [{ name: SHARED_VOLUME, mountPath: SHARED_MOUNT_PATH, readOnly: true }],
      },
      extraFiles: { 'jupyter-server-config': kernelCullingFile(hub) },
      // The user server's own cookies (HubOAuth reads JUPYTERHUB_COOKIE_OPTIONS): Secure, as the hub's.
      // KubeSpawner expands {placeholders} in environment values, so the JSON's braces are doubled.
      extraEnv: { [SERVER_COOKIE_OPTIONS_ENV]: escapeBraces(JSON.stringify({ secure: true })) },
      // Users reach the internet, not the node's credentials or other pods' private addresses.
      cloudMetadata: { blockWithIptables: false },
      networkPolicy: {
        enabled: true,
        egressAllowRules: { cloudMetadataServer: false, privateIPs: false, nonPrivateIPs: true },
      },
    },
    scheduling: {
      // Its kube-scheduler follows the cluster's minor (the chart's v1.30 is outside the skew).
      userScheduler: {
        enabled: true,
        image: { tag: KUBE_SCHEDULER_IMAGE_TAGS[inputs.env.cluster.kubernetesVersion] },
      },
      podPriority: {
        enabled: true,
        globalDefault: false,
        defaultPriority: USER_DEFAULT_PRIORITY,
        imagePullerPriority: IMAGE_PULLER_PRIORITY,
        userPlaceholderPriority: USER_PLACEHOLDER_PRIORITY,
      },
      // Placeholders hold seats of the default profile's size on its pool. Their resources
      // are set here in Mi: the chart would copy singleuser.memory verbatim, and Kubernetes
      // reads `7G` as 7x10^9 bytes where KubeSpawner reserves 7 GiB for a server.
      userPlaceholder: {
        enabled: true,
        replicas: hub.placeholders,
        resources: placeholderResources(fallback),
        extraPodSpec: { nodeSelector: { ...profileScheduling(fallback).nodeSelector } },
      },
      corePods: { nodeAffinity: { matchNodePurpose: 'require' } },
      userPods: { nodeAffinity: { matchNodePurpose: 'require' }, tolerations: [tolerationFor(USER_TAINT)] },
    },
    // The pullers run on every node labelled for users (the chart's required user-node
    // affinity), GPU nodes included, so GPU profiles' images are there before their users.
    prePuller: {
      extraTolerations: [tolerationFor(GPU_TAINT)],
      resources: guaranteed(CONTINUOUS_IMAGE_PULLER.cpuMillis, CONTINUOUS_IMAGE_PULLER.memoryMiB),
    },
    cull: cullValues(hub),
    custom: hooks.custom,
  };
  return values;
}

/**
 * A placeholder's requests and limits: exactly what KubeSpawner gives a server of the
 * profile, memory in Mi (KubeSpawner's K, M, G and T are powers of 1024).
 */
export function placeholderResources(profile: ProfileConfig): Values {
  const amounts = (cpu: number | undefined, memory: string | undefined) => ({
    ...(cpu === undefined ? {} : { cpu }),
    ...(memory === undefined ? {} : { memory: kubernetesMemory(memory) }),
  });
  return {
    requests: amounts(profile.cpu.guarantee, profile.memory.guarantee),
    limits: amounts(profile.cpu.limit, profile.memory.limit),
  };
}
