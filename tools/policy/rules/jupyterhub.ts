/** The zero-to-jupyterhub release: users' resources, culling, scheduling and isolation. */
import { GPU_RESOURCE, GPU_TAINT, NODE_PURPOSE_LABEL } from '../../../lib/node-scheduling';
import { HelmRelease, releasesOf, valueAt } from '../helm';
import { StackView, block, blocks, list } from '../stack-view';
import { SynthOutput } from '../synth-output';
import { Json, Rule } from '../types';
import { addonsOf } from './eks';
import { isGpuGroup } from './node-groups';
import { outcome, show } from './outcome';
import { cpuCores, memoryValue } from './quantities';

/**
 * Defaults of the jupyterhub chart 4.4.0 (values.yaml) for the settings the rules read:
 * a value we leave out is the chart's.
 */
const CHART_DEFAULTS: Record<string, unknown> = {
  'cull.enabled': true,
  'cull.timeout': 3600,
  'cull.every': 600,
  'cull.maxAge': 0,
  'hub.networkPolicy.enabled': true,
  'proxy.chp.networkPolicy.enabled': true,
  'singleuser.networkPolicy.enabled': true,
  'singleuser.networkPolicy.egressAllowRules.privateIPs': false,
  'singleuser.networkPolicy.egressAllowRules.cloudMetadataServer': false,
  'singleuser.cloudMetadata.blockWithIptables': true,
  'scheduling.podPriority.enabled': false,
  'scheduling.podPriority.defaultPriority': 0,
  'scheduling.podPriority.imagePullerPriority': -5,
  'scheduling.podPriority.userPlaceholderPriority': -10,
  'scheduling.userPlaceholder.enabled': true,
  'scheduling.userPlaceholder.replicas': 0,
  'scheduling.corePods.nodeAffinity.matchNodePurpose': 'prefer',
  'scheduling.userPods.nodeAffinity.matchNodePurpose': 'prefer',
  'rbac.create': true,
  'singleuser.allowPrivilegeEscalation': false,
  'singleuser.startTimeout': 300,
  'hub.db.type': 'sqlite-pvc',
  'proxy.https.enabled': false,
  'ingress.enabled': false,
  'hub.pdb.enabled': false,
  'proxy.chp.pdb.enabled': false,
};

/** cluster-autoscaler's --expendable-pods-priority-cutoff default (FAQ). */
const AUTOSCALER_DEFAULT_CUTOFF = -10;
/** Seconds a GPU server may need: node boot, device plugin, image pull (BinderHub #819). */
const GPU_START_TIMEOUT = 600;
const AWS_LB_CERT = 'service.beta.kubernetes.io/aws-load-balancer-ssl-cert';
const SAFE_TO_EVICT = 'cluster-autoscaler.kubernetes.io/safe-to-evict';

/** The hub.config section of a release (traitlets config by class name). */
function hubConfig(release: HelmRelease): Json {
  return (valueAt(release.values, 'hub.config') ?? {}) as Json;
}

/** Authenticators that log in through an OAuth provider, by the names the chart's config may use. */
const OAUTH_AUTHENTICATOR =
  /(oauth|github|generic|oidc|azuread|google|gitlab|cilogon|globus|bitbucket|openshift|auth0)/i;
const DUMMY_AUTHENTICATOR = /^(dummy|(jupyterhub\.auth\.)?DummyAuthenticator)$/;
/** Authenticator classes that re-run the allow check on every refreshed login (values/jupyterhub/files/hub_login.py). */
const REAUTHORIZING_AUTHENTICATOR = /^hub_login\./;
/** The most days a login cookie may be honoured. */
const MAX_SESSION_DAYS = 1;

const READ = ['get', 'list', 'watch'];
/**
 * The most a role bound to the user scheduler may grant per Kubernetes minor, as
 * `group/resource` -> verbs: reads and pod writes the minor's own kube-scheduler holds with
 * EKS's (default) feature gates, without the writes used only to allocate resource claims
 * or for coordinated leader election, which user pods do not need.
 * test/lib/jupyterhub/user-scheduler-upstream-role.test.ts holds it within each minor's
 * upstream grants.
 */
export const KUBE_SCHEDULER_GRANTS: Record<string, Record<string, readonly string[]>> = Object.fromEntries(
  ['1.34', '1.35'].map((minor) => [
    minor,
    {
      'storage.k8s.io/volumeattachments': READ,
      'storage.k8s.io/csinodes': READ,
      'storage.k8s.io/csidrivers': READ,
      'storage.k8s.io/csistoragecapacities': READ,
      'resource.k8s.io/deviceclasses': READ,
      'resource.k8s.io/resourceclaims': READ,
      'resource.k8s.io/resourceslices': READ,
      '/pods': [...READ, 'delete'],
      '/pods/status': ['patch', 'update'],
      '/bindings': ['create'],
      '/pods/binding': ['create'],
      '/nodes': READ,
      '/namespaces': READ,
      '/persistentvolumeclaims': READ,
      '/persistentvolumes': READ,
    },
  ]),
);

function setting(release: HelmRelease, path: string): unknown {
  return valueAt(release.values, path) ?? CHART_DEFAULTS[path];
}

function hubs(stack: StackView): HelmRelease[] {
  return releasesOf(stack, 'jupyterhub');
}

/** What a user server gets under one profile: the profile's kubespawner_override over singleuser. */
interface Profile {
  readonly name: string;
  readonly cpu: { guarantee: unknown; limit: unknown };
  readonly memory: { guarantee: unknown; limit: unknown };
  readonly override: Json;
}

function profiles(release: HelmRelease): Profile[] {
  const singleuser = (valueAt(release.values, 'singleuser') ?? {}) as Json;
  const base = { cpu: singleuser.cpu ?? {}, memory: singleuser.memory ?? {} };
  const defined = list(singleuser.profileList);
  const entries: Array<{ name: string; override: Json }> = defined.length
    ? defined.flatMap((p: Json, i: number) => [
        {
          name: `profileList[${i}] ${p.slug ?? p.display_name ?? ''}`.trim(),
          override: p.kubespawner_override ?? {},
        },
        ...Object.entries<Json>(p.profile_options ?? {}).flatMap(([option, o]) =>
          Object.entries<Json>(o.choices ?? {}).map(([choice, c]) => ({
            name: `profileList[${i}].profile_options.${option}.${choice}`,
            override: { ...(p.kubespawner_override ?? {}), ...(c.kubespawner_override ?? {}) },
          })),
        ),
      ])
    : [{ name: 'singleuser', override: {} }];
  return entries.map(({ name, override }) => ({
    name,
    override,
    cpu: {
      guarantee: override.cpu_guarantee ?? base.cpu.guarantee,
      limit: override.cpu_limit ?? base.cpu.limit,
    },
    memory: {
      guarantee: override.mem_guarantee ?? base.memory.guarantee,
      limit: override.mem_limit ?? base.memory.limit,
    },
  }));
}

function gpus(profile: Profile): number {
  return Number(profile.override.extra_resource_limits?.[GPU_RESOURCE] ?? 0);
}

/** The node groups of the cluster a platform stack installs into. */
function clusterNodeGroups(stack: StackView, synth: SynthOutput) {
  const cluster = synth.clusterOf(stack);
  return cluster ? cluster.stack.resources('aws_eks_node_group') : [];
}

export const JUPYTERHUB_RULES: Rule[] = [
  {
    id: 'jupyterhub.guarantees-within-limits',
    severity: 'must',
    title: 'Every profile: guarantee <= limit, and no limit without a guarantee',
    rationale: 'A limit alone becomes the request, so far more nodes scale up than needed (2i2c #790).',
    anchors: [
      'zero-to-jupyterhub docs: administrator/optimization, Balancing guaranteed vs maximum',
      '2i2c basehub values.yaml l.790-815',
    ],
    reference: 'OL-15',
    *check(stack) {
      for (const release of hubs(stack)) {
        const problems = profiles(release).flatMap((p) =>
          (
            [
              ['cpu', p.cpu, cpuCores],
              ['memory', p.memory, memoryValue],
            ] as const
          ).flatMap(([name, pair, parse]) => {
            if (pair.limit !== undefined && pair.guarantee === undefined)
              return [`${p.name}: ${name} limit ${show(pair.limit)} without a guarantee`];
            const [g, l] = [parse(pair.guarantee), parse(pair.limit)];
            if (pair.guarantee !== undefined && g === undefined)
              return [`${p.name}: ${name} guarantee ${show(pair.guarantee)} is unreadable`];
            if (g !== undefined && l !== undefined && g > l)
              return [
                `${p.name}: ${name} guarantee ${show(pair.guarantee)} exceeds limit ${show(pair.limit)}`,
              ];
            return [];
          }),
        );
        yield outcome(release.resource.address, problems);
      }
    },
  },
  {
    id: 'jupyterhub.culling',
    severity: 'must',
    title: 'Idle culling on, with a timeout and a maximum age',
    rationale: 'User pods have no controller, so only the culler lets the autoscaler remove nodes at night.',
    anchors: [
      'cluster-autoscaler FAQ: What types of pods can prevent CA from removing a node?',
      'mybinder incident 2018-04-18 cull flood',
      'seed 001 hackweek notes (nodes left running overnight)',
    ],
    reference: 'OL-02',
    *check(stack) {
      for (const release of hubs(stack)) {
        const [enabled, timeout, every, maxAge] = [
          'cull.enabled',
          'cull.timeout',
          'cull.every',
          'cull.maxAge',
        ].map((p) => setting(release, p));
        yield outcome(release.resource.address, [
          enabled !== true && `cull.enabled is ${show(enabled)}`,
          !(Number(timeout) > 0) && `cull.timeout is ${show(timeout)}, must be > 0`,
          !(Number(every) < Number(timeout)) &&
            `cull.every ${show(every)} is not below cull.timeout ${show(timeout)}`,
          !(Number(maxAge) > 0) && `cull.maxAge is ${show(maxAge)}; set a maximum server age as a backstop`,
        ]);
      }
    },
  },
  {
    id: 'jupyterhub.placeholder-priority',
    severity: 'must',
    title: 'Placeholders only with pod priority the autoscaler honours',
    rationale:
      'Placeholders below the expendable cutoff, or without priority, never trigger an early scale-up.',
    anchors: [
      'zero-to-jupyterhub templates/NOTES.txt l.103-115',
      'cluster-autoscaler FAQ: expendable-pods-priority-cutoff',
    ],
    reference: 'OL-07',
    *check(stack) {
      const cutoffArg = autoscalerCutoff(stack);
      for (const release of hubs(stack)) {
        const replicas = Number(setting(release, 'scheduling.userPlaceholder.replicas'));
        if (setting(release, 'scheduling.userPlaceholder.enabled') === false || !(replicas > 0)) {
          yield { address: release.resource.address };
          continue;
        }
        const [placeholder, puller, normal] = [
          'userPlaceholderPriority',
          'imagePullerPriority',
          'defaultPriority',
        ].map((k) => Number(setting(release, `scheduling.podPriority.${k}`)));
        yield outcome(release.resource.address, [
          setting(release, 'scheduling.podPriority.enabled') !== true &&
            `${replicas} placeholders but scheduling.podPriority.enabled is not true`,
          placeholder < cutoffArg &&
            `userPlaceholderPriority ${placeholder} is below the autoscaler cutoff ${cutoffArg}, so it is ignored`,
          !(placeholder < normal) &&
            `userPlaceholderPriority ${placeholder} is not below defaultPriority ${normal}`,
          !(placeholder <= puller && puller <= normal) &&
            `imagePullerPriority ${puller} is not between ${placeholder} and ${normal}`,
        ]);
      }
    },
  },
  {
    id: 'jupyterhub.network-policy',
    severity: 'must',
    title: 'Chart NetworkPolicies on, user pods denied private IPs',
    rationale:
      'With default-allow networking a notebook can reach the hub API, the proxy API and every cluster service.',
    anchors: [
      'zero-to-jupyterhub docs: administrator/security, Kubernetes Network Policies',
      'EKS Best Practices: security/network, Network policy',
    ],
    reference: 'RC-48',
    *check(stack) {
      for (const release of hubs(stack)) {
        const off = ['hub', 'proxy.chp', 'singleuser'].filter(
          (c) => setting(release, `${c}.networkPolicy.enabled`) !== true,
        );
        const privateIPs = setting(release, 'singleuser.networkPolicy.egressAllowRules.privateIPs');
        yield outcome(release.resource.address, [
          off.length > 0 && `networkPolicy.enabled is off for ${off.join(', ')}`,
          privateIPs !== false &&
            'singleuser.networkPolicy.egressAllowRules.privateIPs lets notebooks reach private addresses',
        ]);
      }
    },
  },
  {
    id: 'jupyterhub.metadata-blocked',
    severity: 'must',
    title: 'Notebooks cannot reach the instance metadata service',
    rationale: 'Metadata credentials give a notebook user the node role.',
    anchors: ['zero-to-jupyterhub docs: administrator/security, Audit Cloud Metadata server access'],
    reference: 'RC-47',
    *check(stack) {
      for (const release of hubs(stack)) {
        const iptables = setting(release, 'singleuser.cloudMetadata.blockWithIptables') === true;
        const allowed =
          setting(release, 'singleuser.networkPolicy.egressAllowRules.cloudMetadataServer') === true;
        const policy = setting(release, 'singleuser.networkPolicy.enabled') === true;
        yield outcome(release.resource.address, [
          iptables &&
            allowed &&
            'blockWithIptables together with egressAllowRules.cloudMetadataServer makes the chart fail',
          !iptables &&
            (!policy || allowed) &&
            'neither blockWithIptables nor a NetworkPolicy blocks 169.254.169.254',
        ]);
      }
    },
  },
  {
    id: 'jupyterhub.spawn-limits',
    severity: 'must',
    title: 'Explicit spawn limits',
    rationale:
      'A launch storm past the hub or node capacity wedges the hub (mybinder 2020-07-09); limits turn it into 429s.',
    anchors: [
      'mybinder incident 2020-07-09 simultaneous launches',
      'jupyterhub/jupyterhub#2028',
      'zero-to-jupyterhub values.yaml hub.concurrentSpawnLimit',
    ],
    reference: 'OL-06, OL-01',
    *check(stack) {
      for (const release of hubs(stack)) {
        yield outcome(
          release.resource.address,
          ['concurrentSpawnLimit', 'activeServerLimit', 'consecutiveFailureLimit'].map((key) => {
            const value = valueAt(release.values, `hub.${key}`);
            return (
              !(Number.isInteger(value) && (value as number) > 0) &&
              `hub.${key} is ${show(value)}, must be an explicit integer > 0`
            );
          }),
        );
      }
    },
  },
  {
    id: 'jupyterhub.rbac',
    severity: 'must',
    title: 'RBAC on; notebooks get no Kubernetes API credentials',
    rationale:
      'Without RBAC every pod is cluster-admin; a user service account lets users grant themselves privileges.',
    anchors: [
      'zero-to-jupyterhub docs: administrator/security, Use Role Based Access Control; Kubernetes API Access',
    ],
    reference: 'RC-50',
    *check(stack) {
      for (const release of hubs(stack)) {
        const account = valueAt(release.values, 'singleuser.serviceAccountName');
        yield outcome(release.resource.address, [
          setting(release, 'rbac.create') !== true && 'rbac.create is not true',
          account !== undefined && account !== null && `singleuser.serviceAccountName is ${show(account)}`,
          setting(release, 'singleuser.allowPrivilegeEscalation') !== false &&
            'singleuser.allowPrivilegeEscalation is not false',
        ]);
      }
    },
  },
  {
    id: 'jupyterhub.https',
    severity: 'must',
    title: 'HTTPS terminated',
    rationale: 'Login cookies and API tokens otherwise cross the internet in clear text.',
    anchors: ['zero-to-jupyterhub docs: administrator/security, HTTPS; Off-loading SSL to a Load Balancer'],
    reference: 'RC-49',
    *check(stack) {
      for (const release of hubs(stack)) {
        const type = setting(release, 'proxy.https.type') ?? 'letsencrypt';
        const https = setting(release, 'proxy.https.enabled') === true;
        const annotations = (valueAt(release.values, 'proxy.service.annotations') ?? {}) as Json;
        const ingressTls =
          setting(release, 'ingress.enabled') === true &&
          list(valueAt(release.values, 'ingress.tls')).length > 0;
        const problems = ingressTls
          ? []
          : [
              !https && 'neither proxy.https.enabled nor an ingress with tls',
              https &&
                type === 'letsencrypt' &&
                (list(valueAt(release.values, 'proxy.https.hosts')).length === 0 ||
                  !valueAt(release.values, 'proxy.https.letsencrypt.contactEmail')) &&
                'letsencrypt needs proxy.https.hosts and proxy.https.letsencrypt.contactEmail',
              https &&
                type === 'offload' &&
                !annotations[AWS_LB_CERT] &&
                `offload needs the ${AWS_LB_CERT} service annotation`,
            ];
        yield outcome(release.resource.address, problems);
      }
    },
  },
  {
    id: 'jupyterhub.core-pods-on-core',
    severity: 'must',
    title: 'Core pods required on core nodes, user pods on user nodes',
    rationale:
      "A proxy on a user node shares that node's memory pressure (mybinder 2017-11-30) and stops it scaling down.",
    anchors: [
      'zero-to-jupyterhub docs: administrator/optimization, Using a dedicated node pool for users',
      'mybinder incident 2017-11-30-oom-proxy',
    ],
    reference: 'OL-08',
    *check(stack, synth) {
      const purposes = new Set(
        clusterNodeGroups(stack, synth).map((g) => g.body.labels?.[NODE_PURPOSE_LABEL]),
      );
      for (const release of hubs(stack)) {
        yield outcome(
          release.resource.address,
          (['corePods', 'userPods'] as const).flatMap((pods) => {
            const match = setting(release, `scheduling.${pods}.nodeAffinity.matchNodePurpose`);
            const purpose = pods === 'corePods' ? 'core' : 'user';
            return [
              match !== 'require' &&
                `scheduling.${pods}.nodeAffinity.matchNodePurpose is ${show(match)}, must be "require"`,
              purposes.size > 0 &&
                !purposes.has(purpose) &&
                `no node pool is labelled ${NODE_PURPOSE_LABEL}=${purpose}`,
            ];
          }),
        );
      }
    },
  },
  {
    id: 'jupyterhub.singleton-disruption',
    severity: 'must',
    title: 'Hub and proxy: no PodDisruptionBudget, kept off autoscaler scale-down by annotation',
    rationale:
      'A PDB on the one-replica hub or proxy blocks every node drain (upgrades, the termination handler); safe-to-evict "false" stops the autoscaler instead.',
    anchors: [
      'zero-to-jupyterhub values.schema.yaml hub.pdb, proxy.chp.pdb',
      'cluster-autoscaler FAQ: What types of pods can prevent CA from removing a node?',
      'mybinder incident 2019-04-03 ingress pods on cordoned nodes',
    ],
    reference: 'OL-10',
    *check(stack) {
      for (const release of hubs(stack)) {
        yield outcome(
          release.resource.address,
          (
            [
              ['hub', 'hub'],
              ['proxy.chp', 'proxy'],
            ] as const
          ).flatMap(([component, annotated]) => {
            const evict = (valueAt(release.values, `${annotated}.annotations`) as Json)?.[SAFE_TO_EVICT];
            return [
              setting(release, `${component}.pdb.enabled`) !== false &&
                `${component}.pdb.enabled is true; with one replica it blocks kubectl drain`,
              evict !== 'false' &&
                `${annotated}.annotations["${SAFE_TO_EVICT}"] is ${show(evict)}, must be "false"`,
            ];
          }),
        );
      }
    },
  },
  {
    id: 'jupyterhub.gpu-profiles',
    severity: 'must',
    title: 'GPU profiles request GPUs, tolerate the GPU taint and select a GPU pool',
    rationale:
      'A GPU profile that misses any of these either never schedules or lands on a CPU node without a GPU.',
    anchors: [
      'cluster-autoscaler AWS README: Special note on GPU instances',
      'zero-to-jupyterhub docs: customizing user environment, profiles',
    ],
    reference: 'OL-15, RC-16',
    *check(stack, synth) {
      const gpuLabels = clusterNodeGroups(stack, synth)
        .filter(isGpuGroup)
        .map((g) => g.body.labels ?? {});
      for (const release of hubs(stack)) {
        for (const profile of profiles(release).filter((p) => gpus(p) > 0)) {
          const selector = Object.entries<string>(profile.override.node_selector ?? {});
          const tolerates = list(profile.override.tolerations).some((t: Json) => t.key === GPU_TAINT.key);
          yield outcome(`${release.resource.address} ${profile.name}`, [
            !tolerates && `does not tolerate ${GPU_TAINT.key}`,
            (selector.length === 0 ||
              !gpuLabels.some((labels) => selector.every(([k, v]) => labels[k] === v))) &&
              `node_selector ${show(profile.override.node_selector)} selects no GPU pool`,
          ]);
        }
      }
    },
  },
  {
    id: 'jupyterhub.gpu-start-timeout',
    severity: 'should',
    title: 'GPU profiles wait long enough for a GPU node',
    rationale:
      'A scale-up from zero plus the device plugin takes minutes; timeouts count as failures and restart the hub.',
    anchors: ['jupyterhub/binderhub#819', 'jupyterhub/zero-to-jupyterhub-k8s#1002'],
    reference: 'OL-01',
    *check(stack) {
      for (const release of hubs(stack)) {
        for (const profile of profiles(release).filter((p) => gpus(p) > 0)) {
          const timeout = Number(
            profile.override.start_timeout ?? setting(release, 'singleuser.startTimeout'),
          );
          yield outcome(`${release.resource.address} ${profile.name}`, [
            !(timeout >= GPU_START_TIMEOUT) && `start_timeout ${timeout} s is below ${GPU_START_TIMEOUT} s`,
          ]);
        }
      }
    },
  },
  {
    id: 'jupyterhub.hub-database',
    severity: 'must',
    title: 'The hub database volume can follow the hub',
    rationale:
      'An EBS sqlite volume is bound to one AZ; without the EBS driver or a core node in that AZ the hub cannot start (mybinder 2018-03-13).',
    anchors: [
      'mybinder incident 2018-03-13 PVC hub locked',
      'EKS Best Practices: reliability/dataplane, EBS volumes and AZs',
    ],
    reference: 'OL-11, RC-42',
    *check(stack, synth) {
      const cluster = synth.clusterOf(stack);
      const efsClasses = stack
        .resourcesOf('kubernetes_storage_class_v1', 'kubernetes_storage_class')
        .filter((sc) => sc.body.storage_provisioner === 'efs.csi.aws.com')
        .map((sc) => (Array.isArray(sc.body.metadata) ? sc.body.metadata[0] : sc.body.metadata)?.name);
      for (const release of hubs(stack)) {
        if (setting(release, 'hub.db.type') !== 'sqlite-pvc') {
          yield { address: release.resource.address };
          continue;
        }
        const storageClass = valueAt(release.values, 'hub.db.pvc.storageClassName');
        const core =
          cluster?.stack
            .resources('aws_eks_node_group')
            .filter((g) => g.body.labels?.[NODE_PURPOSE_LABEL] === 'core') ?? [];
        const coreZones = new Set(
          core.flatMap((g) =>
            list(g.body.subnet_ids).map((id) =>
              JSON.stringify(cluster!.stack.target(id, 'aws_subnet')?.body.availability_zone),
            ),
          ),
        );
        yield outcome(release.resource.address, [
          cluster &&
            !addonsOf(cluster.stack, cluster.resource).has('aws-ebs-csi-driver') &&
            'sqlite-pvc without the aws-ebs-csi-driver add-on',
          efsClasses.includes(storageClass) &&
            `hub.db.pvc.storageClassName ${show(storageClass)} is EFS; sqlite on NFS corrupts`,
          coreZones.size > 1 &&
            `the core pool spans ${coreZones.size} AZs, so a new core node may not be in the volume's AZ`,
        ]);
      }
    },
  },
  {
    id: 'jupyterhub.stable-username-claim',
    severity: 'must',
    title: 'OIDC users are named by the sub claim',
    rationale:
      "Only sub is unique and never reassigned (OIDC Core 5.7); whoever gets another claim's value inherits a server and home folder.",
    anchors: [
      'OpenID Connect Core 1.0, sections 5.1 and 5.7',
      'oauthenticator GenericOAuthenticator.username_claim',
    ],
    *check(stack) {
      for (const release of hubs(stack)) {
        const generic = hubConfig(release).GenericOAuthenticator;
        if (!generic) continue;
        const claim = generic.username_claim ?? 'username';
        yield outcome(release.resource.address, [
          claim !== 'sub' &&
            `hub.config.GenericOAuthenticator.username_claim is ${show(claim)}; only sub is stable ` +
              '(record the decision in hub.authentication.usernameClaimDecision and accept this risk)',
        ]);
      }
    },
  },
  {
    id: 'jupyterhub.login-refresh',
    severity: 'must',
    title: 'OAuth logins are refreshed and re-authorized, sessions bounded',
    rationale:
      'Without auth state and a re-check on refresh, someone removed from the allowed or admin groups keeps logging in, and admin, until the cookie expires.',
    anchors: [
      'oauthenticator 17.4 OAuthenticator.refresh_user (returns early without auth state)',
      'JupyterHub 5.5 BaseHandler.refresh_auth (applies refreshed info without check_allowed)',
      'JupyterHub cookie_max_age_days',
    ],
    *check(stack) {
      for (const release of hubs(stack)) {
        const config = hubConfig(release);
        const authenticator = String(config.JupyterHub?.authenticator_class ?? '');
        const days = config.JupyterHub?.cookie_max_age_days ?? 14;
        const oauth = OAUTH_AUTHENTICATOR.test(authenticator);
        const auth = config.Authenticator ?? {};
        yield outcome(release.resource.address, [
          Number(days) > MAX_SESSION_DAYS &&
            `hub.config.JupyterHub.cookie_max_age_days is ${show(days)}, above ${MAX_SESSION_DAYS}`,
          oauth && auth.enable_auth_state !== true && 'Authenticator.enable_auth_state is not true',
          oauth && auth.refresh_pre_spawn !== true && 'Authenticator.refresh_pre_spawn is not true',
          oauth && auth.auth_refresh_age === 0 && 'Authenticator.auth_refresh_age is 0 (never refreshed)',
          oauth &&
            !REAUTHORIZING_AUTHENTICATOR.test(authenticator) &&
            `authenticator_class ${show(authenticator)} does not re-check allowed groups on refresh (use hub_login's)`,
        ]);
      }
    },
  },
  {
    id: 'jupyterhub.admins-from-groups',
    severity: 'must',
    title: 'No hub admin by user name, and no login that takes any name',
    rationale:
      'A login can be renamed and claimed by someone else, and admins pass the organisation check first; the dummy login lets anyone who reaches the hub in as anyone.',
    anchors: [
      'oauthenticator 17.4 OAuthenticator.check_allowed (admins are allowed first)',
      'JupyterHub DummyAuthenticator docs (not for production)',
    ],
    *check(stack) {
      for (const release of hubs(stack)) {
        const config = hubConfig(release);
        const authenticator = String(config.JupyterHub?.authenticator_class ?? '');
        const named = Object.entries<Json>(config)
          .filter(([, section]) => list(section?.admin_users).length > 0)
          .map(([name, section]) => `${name}.admin_users ${show(section.admin_users)}`);
        yield outcome(release.resource.address, [
          named.length > 0 && `hub.config names admins by user name: ${named.join(', ')}; use admin groups`,
          DUMMY_AUTHENTICATOR.test(authenticator) &&
            'authenticator_class is dummy: any name and password logs in',
          config.SharedPasswordAuthenticator?.admin_password !== undefined &&
            'SharedPasswordAuthenticator.admin_password makes anyone with it an admin under any name',
        ]);
      }
    },
  },
  {
    id: 'jupyterhub.user-scheduler-least-privilege',
    severity: 'must',
    title: "The user scheduler's ClusterRole grants no more than kube-scheduler needs for user pods",
    rationale:
      "Upstream's scheduler also writes resource claims, their status, pod finalizers and lease candidates, for claim allocation and coordinated leader election; user pods need neither, and each cluster-wide write is more a compromised scheduler pod can change.",
    anchors: [
      'kubernetes plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go (system:kube-scheduler)',
      'kubernetes/kubernetes#123512',
    ],
    *check(stack, synth) {
      const minor = String(synth.clusterOf(stack)?.resource.body.version ?? '');
      const upstream = KUBE_SCHEDULER_GRANTS[minor];
      // An unsupported minor is eks.supported-version's finding; there is nothing to compare with.
      if (!upstream) return;
      const roles = stack.resourcesOf('kubernetes_cluster_role_v1', 'kubernetes_cluster_role');
      const bindings = stack.resourcesOf(
        'kubernetes_cluster_role_binding_v1',
        'kubernetes_cluster_role_binding',
      );
      for (const binding of bindings) {
        const toScheduler = blocks(binding.body.subject).some(
          (s: Json) => s.kind === 'ServiceAccount' && s.name === 'user-scheduler',
        );
        if (!toScheduler) continue;
        const ref = block(binding.body.role_ref);
        const role = roles.find(
          (r) => stack.refersTo(ref?.name, r) || block(r.body.metadata)?.name === ref?.name,
        );
        if (!role) continue;
        const granted = (group: string, resource: string): readonly string[] =>
          upstream[`${group}/${resource}`] ?? [];
        const extra = blocks(role.body.rule).flatMap((rule: Json) =>
          list(rule.api_groups).flatMap((group: string) =>
            list(rule.resources).flatMap((resource: string) =>
              list(rule.verbs)
                .filter((verb: string) => !granted(group, resource).includes(verb))
                .map((verb: string) => `${group || 'core'}/${resource}:${verb}`),
            ),
          ),
        );
        yield outcome(role.address, [
          extra.length > 0 && `grants beyond system:kube-scheduler ${minor}: ${extra.join(', ')}`,
        ]);
      }
    },
  },
];

/** The expendable-pods cutoff the stack's cluster-autoscaler runs with. */
function autoscalerCutoff(stack: StackView): number {
  for (const release of releasesOf(stack, 'cluster-autoscaler')) {
    const value = (valueAt(release.values, 'extraArgs') as Json)?.['expendable-pods-priority-cutoff'];
    if (value !== undefined) return Number(value);
  }
  return AUTOSCALER_DEFAULT_CUTOFF;
}
