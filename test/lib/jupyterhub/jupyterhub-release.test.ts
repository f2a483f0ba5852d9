/**
 * The JupyterHub release as synthesized for every environment: the values helm receives
 * pass the chart's own schema, and carry the guarantees, scheduling, reliability,
 * isolation, login and HTTPS settings the issue asks for; the ACM certificate and the DNS
 * record are wired to them.
 */
import { parse } from 'yaml';
import { Environment } from '../../../config/schema';
import { usersPerNode } from '../../../lib/capacity';
import { efsNodePluginSizing } from '../../../config/hub-checks';
import { EBS_STORAGE_CLASS, HOME_CLAIM, SHARED_CLAIM } from '../../../lib/hub-storage';
import { jupyterHubValues } from '../../../lib/jupyterhub/hub-values';
import { kubespawnerProfile } from '../../../lib/jupyterhub/profile-list';
import { NODE_DAEMONSETS } from '../../../lib/daemonsets';
import {
  AUTOSCALER_EXPENDABLE_PRIORITY_CUTOFF,
  EKS_TAINT_EFFECT,
  GPU_RESOURCE,
  GPU_TAINT,
  IMAGE_PULLER_PRIORITY,
  NODE_POOL_LABEL,
  NODE_PURPOSE_LABEL,
  NodeTaint,
  USER_PLACEHOLDER_PRIORITY,
  USER_TAINT,
  poolScheduling,
} from '../../../lib/node-scheduling';
import { CHARTS } from '../../../lib/platform/charts';
import { Values, fileLayers, mergeValues } from '../../../lib/platform/helm-values';
import { Toleration, tolerates } from '../../../lib/platform/placement';
import { configuredEnvironments, resourceAt, resourcesOf, StackJson, synthStacks } from '../../support/synth';
import { chartDefaults, schemaErrors } from '../../support/upstream-charts';

const stacks = synthStacks();
const environments = configuredEnvironments();
const envNamed = (name: string) => environments.find((env) => env.name === name)!;
const platform = (env: string) => stacks.get(`hub-platform-${env}`)!;
const cluster = (env: string) => stacks.get(`hub-cluster-${env}`)!;
const release = (env: string): StackJson =>
  resourceAt(platform(env), 'helm_release', 'jupyterhub/chart/release');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const valuesOf = (env: string): any => parse(release(env).values[0]);
const names = environments.map((env) => env.name);
const profileNamed = (env: string, slug: string) =>
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  valuesOf(env).singleuser.profileList.find((p: any) => p.slug === slug);

/** The pools as the cluster stack creates them, for building values outside a stack. */
function poolsOf(env: Environment) {
  return [
    ...Object.keys(env.nodePools.user).map((name) => ({
      name,
      kind: 'user' as const,
      ...poolScheduling('user', name),
    })),
    ...Object.keys(env.nodePools.gpu).map((name) => ({
      name,
      kind: 'gpu' as const,
      ...poolScheduling('gpu', name),
    })),
  ];
}

/** Values of an environment changed by `change`, merged over the values files, built outside a stack. */
function variantValues(change: (env: Environment) => void, name = 'hackweek'): Values {
  const env = structuredClone(envNamed(name));
  change(env);
  const values = jupyterHubValues({
    env,
    pools: poolsOf(env),
    certificateArn: 'arn:aws:acm:us-west-2:123456789012:certificate/x',
  });
  return mergeValues(...fileLayers('jupyterhub', env.name), values);
}

describe.each(names)('the %s JupyterHub release', (env) => {
  it('pins chart 4.4.0 in the hub namespace, atomically', () => {
    expect(release(env)).toMatchObject({
      chart: 'jupyterhub',
      version: CHARTS.jupyterhub.version,
      namespace: 'jupyterhub',
      atomic: true,
    });
  });

  it("passes the chart's values.schema.json once merged over the chart defaults", () => {
    expect(schemaErrors(CHARTS.jupyterhub, valuesOf(env))).toEqual([]);
  });

  it('gives the hub and proxy Guaranteed QoS and marks them not safe to evict', () => {
    const v = valuesOf(env);
    for (const [name, resources] of [
      ['hub', v.hub.resources],
      ['proxy', v.proxy.chp.resources],
      ['user-scheduler', v.scheduling.userScheduler.resources],
    ]) {
      expect({ name, ...resources.requests }).toEqual({ name, ...resources.limits });
      expect(resources.requests.cpu).toBeDefined();
      expect(resources.requests.memory).toBeDefined();
    }
    expect(v.hub.annotations['cluster-autoscaler.kubernetes.io/safe-to-evict']).toBe('false');
    expect(v.proxy.annotations['cluster-autoscaler.kubernetes.io/safe-to-evict']).toBe('false');
  });

  it('turns network policies on and keeps users off the metadata endpoint and private addresses', () => {
    const v = valuesOf(env);
    expect(v.hub.networkPolicy.enabled).toBe(true);
    expect(v.proxy.chp.networkPolicy.enabled).toBe(true);
    expect(v.singleuser.networkPolicy).toMatchObject({
      enabled: true,
      egressAllowRules: { cloudMetadataServer: false, privateIPs: false },
    });
    // Enforced by the VPC CNI's network policy agent, which the cluster stack turns on.
    const cni = resourceAt(cluster(env), 'aws_eks_addon', 'vpc-cni/addon');
    expect(JSON.parse(cni.configuration_values).enableNetworkPolicy).toBe('true');
  });

  it('requires core pods on core nodes and user pods on user nodes, packed by the user scheduler', () => {
    const { scheduling } = valuesOf(env);
    expect(scheduling.corePods.nodeAffinity.matchNodePurpose).toBe('require');
    expect(scheduling.userPods.nodeAffinity.matchNodePurpose).toBe('require');
    expect(scheduling.userPods.tolerations).toEqual([
      { key: USER_TAINT.key, operator: 'Equal', value: USER_TAINT.value, effect: USER_TAINT.effect },
    ]);
    expect(scheduling.userScheduler.enabled).toBe(true);
  });

  it('pre-pulls images on every user and GPU node, and only there; placeholders sit on the default pool', () => {
    const v = valuesOf(env);
    const { scheduling, singleuser, prePuller } = v;
    // singleuser.nodeSelector would also pin the pullers to one pool; each profile selects its own.
    expect(singleuser.nodeSelector).toBeUndefined();
    expect(scheduling.userPlaceholder.extraPodSpec).toEqual({ nodeSelector: { [NODE_POOL_LABEL]: 'user' } });
    expect(prePuller.extraTolerations).toEqual([
      { key: 'nvidia.com/gpu', operator: 'Equal', value: 'present', effect: 'NoSchedule' },
    ]);
    // The chart gives the pullers these tolerations and a required node-purpose=user affinity.
    const pullerTolerations = [
      ...scheduling.userPods.tolerations,
      ...(singleuser.extraTolerations ?? []),
      ...prePuller.extraTolerations,
    ];
    expect(scheduling.userPods.nodeAffinity.matchNodePurpose).toBe('require');
    const effect = Object.fromEntries(Object.entries(EKS_TAINT_EFFECT).map(([k8s, eks]) => [eks, k8s]));
    const groups = resourcesOf(cluster(env), 'aws_eks_node_group').map(([, body]) => body);
    for (const group of groups) {
      const taints = (group.taint ?? []).map((t: StackJson) => ({ ...t, effect: effect[t.effect] }));
      const runsThere =
        group.labels[NODE_PURPOSE_LABEL] === 'user' &&
        taints.every((t: NodeTaint) => pullerTolerations.some((tol: Toleration) => tolerates(tol, t)));
      expect({ pool: group.labels[NODE_POOL_LABEL], runsThere }).toEqual({
        pool: group.labels[NODE_POOL_LABEL],
        runsThere: group.labels[NODE_POOL_LABEL] !== 'core',
      });
    }
  });

  it('sizes the image pullers from lib/daemonsets.ts, which the capacity maths subtracts', () => {
    const { prePuller } = valuesOf(env);
    expect(prePuller.resources).toEqual({
      requests: { cpu: '10m', memory: '16Mi' },
      limits: { cpu: '10m', memory: '16Mi' },
    });
    expect(NODE_DAEMONSETS).toEqual(
      expect.arrayContaining([
        { name: 'continuous-image-puller', cpuMillis: 10, memoryMiB: 16 },
        { name: 'hook-image-puller', cpuMillis: 10, memoryMiB: 16 },
      ]),
    );
  });

  it('runs placeholders from config with priorities the autoscaler honours', () => {
    const { scheduling } = valuesOf(env);
    expect(scheduling.userPlaceholder).toMatchObject({
      enabled: true,
      replicas: envNamed(env).hub.placeholders,
    });
    expect(scheduling.podPriority).toMatchObject({
      enabled: true,
      userPlaceholderPriority: USER_PLACEHOLDER_PRIORITY,
      imagePullerPriority: IMAGE_PULLER_PRIORITY,
    });
    expect(scheduling.podPriority.userPlaceholderPriority).toBeGreaterThan(
      AUTOSCALER_EXPENDABLE_PRIORITY_CUTOFF,
    );
    expect(scheduling.podPriority.userPlaceholderPriority).toBeLessThan(
      scheduling.podPriority.defaultPriority,
    );
  });

  it('sets explicit spawn limits from config', () => {
    const { hub } = valuesOf(env);
    const config = envNamed(env).hub;
    expect(hub.concurrentSpawnLimit).toBe(config.concurrentSpawnLimit);
    expect(hub.consecutiveFailureLimit).toBe(config.consecutiveFailureLimit);
    // JupyterHub exits after that many failed spawns in a row: it must exceed the spawns
    // that can wait on one scale-up and time out together.
    expect(hub.consecutiveFailureLimit).toBeGreaterThan(hub.concurrentSpawnLimit);
    expect(Number.isInteger(hub.activeServerLimit) && hub.activeServerLimit > 0).toBe(true);
  });

  it("makes the hub wait as long as the slowest profile, and each spawn as long as its own profile's", () => {
    const v = valuesOf(env);
    const bySlug: Record<string, number> = Object.fromEntries(
      v.singleuser.profileList.map((p: StackJson) => [p.slug, p.kubespawner_override.start_timeout]),
    );
    // JupyterHub's timer starts before KubeSpawner applies a profile: a shorter hub-wide
    // timeout would cut the GPU profile's 900 s short.
    for (const timeout of Object.values(bySlug)) {
      expect(v.singleuser.startTimeout).toBeGreaterThanOrEqual(timeout);
    }
    expect(v.singleuser.startTimeout).toBe(900);
    expect(v.custom.hubAccess.startTimeouts).toEqual(bySlug);
    expect(v.custom.hubAccess.startTimeouts.gpu).toBe(900);
    expect(v.custom.hubAccess.defaultProfile).toBe(env === 'hackweek' ? 'icesat2' : 'default');
  });

  it('exposes hub metrics only to a service token with read:metrics', () => {
    const { hub } = valuesOf(env);
    expect(hub.authenticatePrometheus).toBe(true);
    expect(Object.keys(hub.services)).toEqual(['prometheus-scraper', 'event-operator']);
    expect(Object.values(hub.loadRoles)).toEqual([
      expect.objectContaining({ scopes: ['read:metrics'], services: ['prometheus-scraper'] }),
      expect.objectContaining({ services: ['event-operator'] }),
    ]);
  });

  it("gives the organiser's tools a token that creates and removes the smoke-test user and nobody else", () => {
    const { hub } = valuesOf(env);
    const scopes: string[] = hub.loadRoles['event-operator'].scopes;
    // Unfiltered admin:users would let the token create, change and delete every user.
    expect(scopes.filter((s) => s.startsWith('admin:') || s.startsWith('access:'))).toEqual([
      'admin:users!user=hub-smoke-test',
      'access:servers!user=hub-smoke-test',
    ]);
    expect(scopes).not.toContain('admin:servers');
    expect(scopes).not.toContain('tokens');
  });

  it('mounts the EFS home claim per user and the shared claim read-only; the database goes on EBS', () => {
    const { singleuser, hub } = valuesOf(env);
    expect(singleuser.storage).toMatchObject({
      type: 'static',
      static: { pvcName: HOME_CLAIM, subPath: '{username}' },
    });
    expect(singleuser.storage.extraVolumes).toEqual([
      { name: 'shared', persistentVolumeClaim: { claimName: SHARED_CLAIM } },
    ]);
    expect(singleuser.storage.extraVolumeMounts).toEqual([
      { name: 'shared', mountPath: '/home/jovyan/shared', readOnly: true },
    ]);
    expect(hub.db).toMatchObject({ type: 'sqlite-pvc', pvc: { storageClassName: EBS_STORAGE_CLASS } });
  });

  it('selects each profile pool by its node label and tolerates exactly its taints', () => {
    const v = valuesOf(env);
    const groups = resourcesOf(cluster(env), 'aws_eks_node_group').map(([, body]) => body);
    for (const p of v.singleuser.profileList) {
      const pool = p.kubespawner_override.node_selector[NODE_POOL_LABEL];
      const group = groups.find((g) => g.labels[NODE_POOL_LABEL] === pool);
      expect({ profile: p.slug, selects: group?.labels[NODE_POOL_LABEL] }).toEqual({
        profile: p.slug,
        selects: pool,
      });
      const taints = (group?.taint ?? []).map((t: StackJson) => t.key).sort();
      expect(p.kubespawner_override.tolerations.map((t: StackJson) => t.key).sort()).toEqual(taints);
    }
  });

  it("labels each profile's server pods with the profile (KubeSpawner merges it into the chart's labels)", () => {
    for (const p of valuesOf(env).singleuser.profileList) {
      expect(p.kubespawner_override.extra_labels).toEqual({ 'hub.jupyter.org/profile': p.slug });
    }
  });

  it('guarantees the memory each profile advertises, and lets it use the CPU it advertises', () => {
    const checked: string[] = [];
    for (const p of valuesOf(env).singleuser.profileList) {
      const o = p.kubespawner_override;
      const advertised = /([\d.]+) CPU, ([\d.]+) GB/.exec(p.display_name);
      if (!advertised) continue; // the hackweek GPU profile names no size
      checked.push(p.slug);
      const [, cpu, gb] = advertised;
      expect({ profile: p.slug, memory: o.mem_guarantee }).toEqual({ profile: p.slug, memory: `${gb}G` });
      expect(Number(cpu)).toBeGreaterThanOrEqual(o.cpu_guarantee);
      expect(Number(cpu)).toBeLessThanOrEqual(o.cpu_limit);
    }
    // Every environment's default profile advertises its size, so the loop cannot pass empty.
    const fallback = valuesOf(env).singleuser.profileList.find((p: StackJson) => p.default);
    expect(checked).toContain(fallback.slug);
  });

  it('gives GPU profiles the pinned CUDA image, and promises CUDA only where the image has it', () => {
    const v = valuesOf(env);
    for (const p of v.singleuser.profileList) {
      const gpu = Number(p.kubespawner_override.extra_resource_limits?.[GPU_RESOURCE] ?? 0) > 0;
      expect({ profile: p.slug, image: p.kubespawner_override.image }).toEqual({
        profile: p.slug,
        image: gpu ? 'quay.io/jupyter/pytorch-notebook:cuda12-2025-07-07' : undefined,
      });
      const promisesCuda = /cuda/i.test(`${p.display_name} ${p.description}`);
      if (promisesCuda) expect(p.kubespawner_override.image).toMatch(/:cuda\d+-/);
    }
    // CPU profiles keep the chart's single image; the pullers fetch every profile's image too.
    expect(v.singleuser.image).toEqual({ name: 'quay.io/jupyter/scipy-notebook', tag: '2025-07-14' });
    expect(v.prePuller.pullProfileListImages).not.toBe(false);
  });

  it('culls idle servers and kernels with the configured timings', () => {
    const v = valuesOf(env);
    const { culling, kernelCulling } = envNamed(env).hub;
    expect(v.cull).toMatchObject({
      enabled: true,
      timeout: culling.idleTimeoutSeconds,
      every: culling.checkIntervalSeconds,
      maxAge: culling.maxAgeSeconds,
    });
    const file = v.singleuser.extraFiles['jupyter-server-config'];
    expect(file.mountPath).toBe('/etc/jupyter/jupyter_server_config.json');
    expect(file.data.MappingKernelManager).toEqual({
      cull_idle_timeout: kernelCulling.idleTimeoutSeconds,
      cull_interval: kernelCulling.checkIntervalSeconds,
      cull_connected: true,
      cull_busy: false,
    });
  });

  it('grants no capability and runs no profiler unless profiling is switched on', () => {
    const { hub } = valuesOf(env);
    expect(hub.containerSecurityContext.capabilities).toEqual({ drop: ['ALL'] });
    expect(hub.extraContainers).toBeUndefined();
    expect(hub.extraPodSpec).toBeUndefined();
  });

  it('points the hub name at the proxy NLB, read back from the Service after the release', () => {
    const record = resourceAt(platform(env), 'aws_route53_record', 'hub-dns/record');
    expect(record).toMatchObject({ name: envNamed(env).hub.domain.name, type: 'CNAME' });
    expect(record.records[0]).toMatch(
      /^\$\{data\.kubernetes_service_v1\.hub-dns_service_\w+\.status\[0\]\.load_balancer\[0\]\.ingress\[0\]\.hostname\}$/,
    );
    const service = Object.values(platform(env).data.kubernetes_service_v1)[0] as StackJson;
    expect(service.metadata).toEqual({ name: 'proxy-public', namespace: 'jupyterhub' });
    expect(service.depends_on).toEqual([expect.stringMatching(/^helm_release\.jupyterhub_chart_release_/)]);
  });
});

describe('the user scheduler', () => {
  // Every environment runs Kubernetes 1.35 (lib/versions.ts default).
  it.each([
    ['dev', 'v1.35.7'],
    ['staging', 'v1.35.7'],
    ['prod', 'v1.35.7'],
    ['hackweek', 'v1.35.7'],
  ])('runs the kube-scheduler of its cluster minor in %s: %s', (env, tag) => {
    expect(envNamed(env).cluster.kubernetesVersion).toBe('1.35');
    expect(valuesOf(env).scheduling.userScheduler.image).toEqual({ tag });
  });

  it.each([['1.34', 'v1.34.7']] as const)(
    'follows an older cluster: %s runs %s, and the chart accepts it',
    (version, tag) => {
      const values = variantValues((env) => (env.cluster.kubernetesVersion = version), 'staging');
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      expect((values.scheduling as any).userScheduler.image).toEqual({ tag });
      expect(schemaErrors(CHARTS.jupyterhub, values)).toEqual([]);
    },
  );

  it("gets what the newer kube-scheduler reads beyond the chart's 1.30 role, bound to its service account", () => {
    const stack = platform('prod');
    const role = resourceAt(stack, 'kubernetes_cluster_role_v1', 'jupyterhub/user-scheduler-access/role');
    const granted = role.rule.flatMap((r: StackJson) =>
      r.resources.flatMap((res: string) =>
        r.verbs.map((verb: string) => `${r.api_groups[0]}/${res}:${verb}`),
      ),
    );
    // Dynamic resource allocation (GA in 1.34) and volume attachments (1.32): the informers
    // a 1.35 kube-scheduler waits for before it schedules anything.
    expect(granted).toEqual(
      expect.arrayContaining([
        'resource.k8s.io/resourceclaims:list',
        'resource.k8s.io/resourceclaims:watch',
        'resource.k8s.io/resourceslices:watch',
        'resource.k8s.io/deviceclasses:watch',
        'storage.k8s.io/volumeattachments:watch',
      ]),
    );
    // Reads only: user pods carry no resource claims, so none of the writes upstream's role
    // holds for allocating them (user-scheduler-upstream-role.test.ts compares the rest).
    expect(granted.filter((g: string) => !/:(get|list|watch)$/.test(g))).toEqual([]);
    const binding = resourceAt(
      stack,
      'kubernetes_cluster_role_binding_v1',
      'jupyterhub/user-scheduler-access/binding',
    );
    expect(binding.subject).toEqual([
      { kind: 'ServiceAccount', name: 'user-scheduler', namespace: 'jupyterhub' },
    ]);
    expect(binding.role_ref).toMatchObject({
      kind: 'ClusterRole',
      name: expect.stringContaining('kubernetes_cluster_role_v1'),
    });
    expect(release('prod').depends_on).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^kubernetes_cluster_role_binding_v1\.jupyterhub_user-scheduler-access_binding_/,
        ),
      ]),
    );
  });
});

describe.each(['dev', 'staging', 'prod'])('the service-guide sizes in %s', (env) => {
  // seed 002: default 2 CPU / 1.5 GB, large memory 8 CPU / 7.5 GB; the GPU profile 4 CPU / 12 GB (what a g4dn.xlarge holds).
  it.each([
    ['default', { cpu_guarantee: 0.5, cpu_limit: 2, mem_guarantee: '1.5G', mem_limit: '1.5G' }],
    ['large-memory', { cpu_guarantee: 2, cpu_limit: 8, mem_guarantee: '7.5G', mem_limit: '7.5G' }],
    ['gpu', { cpu_guarantee: 2, cpu_limit: 4, mem_guarantee: '12G', mem_limit: '12G' }],
  ])('%s', (slug, size) => {
    expect(profileNamed(env, slug).kubespawner_override).toMatchObject(size);
  });
});

describe('the hackweek release', () => {
  it('ships the ICESat-2 guarantees on the m5.2xlarge pool, four users per node', () => {
    const icesat = profileNamed('hackweek', 'icesat2');
    expect(icesat.default).toBe(true);
    expect(icesat.kubespawner_override).toMatchObject({
      cpu_guarantee: 1.75,
      cpu_limit: 4,
      mem_guarantee: '7G',
      mem_limit: '8G',
      node_selector: { [NODE_POOL_LABEL]: 'user' },
    });
    const group = resourceAt(cluster('hackweek'), 'aws_eks_node_group', 'pool-user/node-group');
    expect(group.instance_types).toEqual(['m5.2xlarge']);
    const efs = efsNodePluginSizing(envNamed('hackweek')).requests;
    expect(usersPerNode(group.instance_types[0], { cpu: 1.75, memory: '7G' }, efs)).toBe(4);
  });

  it('stops servers idle an hour and any older than 12 hours', () => {
    expect(valuesOf('hackweek').cull).toMatchObject({ timeout: 3600, maxAge: 12 * 3600 });
  });

  it('logs in with GitHub, teams as groups, the client secret read from Secrets Manager into a Kubernetes Secret', () => {
    const v = valuesOf('hackweek');
    // hub_login's subclass, which re-checks organisations and teams on every refresh.
    expect(v.hub.config.JupyterHub.authenticator_class).toBe('hub_login.GitHubOAuthenticator');
    // Admin from the organisers' team only: no GitHub login is an admin by name.
    expect(v.hub.config.Authenticator.admin_users).toBeUndefined();
    expect(v.hub.config.GitHubOAuthenticator).toMatchObject({
      admin_groups: ['ICESAT-2HackWeek:organisers'],
      allowed_organizations: ['ICESAT-2HackWeek'],
      populate_teams_in_auth_state: true,
      manage_groups: true,
      oauth_callback_url: 'https://icesat2.hackweek.example.org/hub/oauth_callback',
    });
    expect(v.custom.hubAccess.githubTeamGroups).toBe(true);
    // Not in the values and not through helm's --set syntax, which a ',' or '\\' corrupts:
    // oauthenticator reads an unset client_secret from OAUTH_CLIENT_SECRET.
    expect(v.hub.config.GitHubOAuthenticator.client_secret).toBeUndefined();
    expect(release('hackweek').set_sensitive).toBeUndefined();
    expect(release('hackweek').set).toBeUndefined();
    expect(v.hub.extraEnv).toEqual({
      OAUTH_CLIENT_SECRET: {
        valueFrom: { secretKeyRef: { name: 'hub-oauth-client', key: 'client-secret' } },
      },
    });
    const secret = resourceAt(
      platform('hackweek'),
      'kubernetes_secret_v1',
      'jupyterhub/client-secret/secret',
    );
    expect(secret.metadata).toEqual({ name: 'hub-oauth-client', namespace: 'jupyterhub' });
    // Written write-only from an ephemeral read: neither the plan nor the state holds it.
    expect(secret.data).toBeUndefined();
    expect(secret.data_wo['client-secret']).toMatch(
      /^\$\{ephemeral\.aws_secretsmanager_secret_version\.[\w-]+\.secret_string\}$/,
    );
    expect(platform('hackweek').data?.aws_secretsmanager_secret_version).toBeUndefined();
    const read = Object.values(
      platform('hackweek').ephemeral.aws_secretsmanager_secret_version,
    )[0] as StackJson;
    expect(read.secret_id).toBe('hub-hackweek/github-client-secret');
    expect(release('hackweek').depends_on).toEqual(
      expect.arrayContaining([expect.stringMatching(/^kubernetes_secret_v1\.jupyterhub_client-secret_/)]),
    );
  });

  it('offers the GPU profile to the tutorial leads only, with a GPU, the GPU taint tolerated and time to boot', () => {
    const gpu = profileNamed('hackweek', 'gpu');
    expect(gpu.kubespawner_override.extra_resource_limits).toEqual({ [GPU_RESOURCE]: '1' });
    expect(gpu.kubespawner_override.tolerations).toContainEqual(
      expect.objectContaining({ key: GPU_TAINT.key }),
    );
    expect(gpu.kubespawner_override.start_timeout).toBeGreaterThanOrEqual(600);
    expect(valuesOf('hackweek').custom.hubAccess.profileAccess).toEqual({
      gpu: { users: [], groups: ['ICESAT-2HackWeek:tutorial-leads'] },
    });
  });
});

describe('HTTPS and login per environment', () => {
  it('terminates TLS at an NLB with the ACM certificate validated in the cluster stack, and closes port 80', () => {
    const { proxy } = valuesOf('prod');
    expect(proxy.https).toEqual({ enabled: true, type: 'offload' });
    expect(proxy.service.disableHttpPort).toBe(true);
    const annotations = proxy.service.annotations;
    expect(annotations['service.beta.kubernetes.io/aws-load-balancer-type']).toBe('nlb');
    expect(annotations['service.beta.kubernetes.io/aws-load-balancer-ssl-ports']).toBe('https');
    expect(annotations['service.beta.kubernetes.io/aws-load-balancer-ssl-cert']).toMatch(
      /^\$\{data\.terraform_remote_state\.cross-stack-reference-input-hub-cluster-prod\.outputs\.cross-stack-output-aws_acm_certificate_validationhub-domain_validated_\w+certificate_arn\}$/,
    );
    expect(annotations['service.beta.kubernetes.io/aws-load-balancer-internal']).toBeUndefined();
    const certificate = resourceAt(cluster('prod'), 'aws_acm_certificate', 'hub-domain/certificate');
    expect(certificate).toMatchObject({ domain_name: 'jupyter.hub.example.org', validation_method: 'DNS' });
    const validation = resourceAt(cluster('prod'), 'aws_route53_record', 'hub-domain/validation');
    expect(validation.zone_id).toMatch(/^\$\{data\.aws_route53_zone\.hub-domain_zone_\w+\.zone_id\}$/);
    expect(Object.values(cluster('prod').data.aws_route53_zone)).toEqual([
      expect.objectContaining({ name: 'hub.example.org', private_zone: false }),
    ]);
  });

  it('keeps dev on an internal NLB with a generated shared password and no admins', () => {
    const v = valuesOf('dev');
    expect(v.proxy.service.annotations['service.beta.kubernetes.io/aws-load-balancer-internal']).toBe('true');
    expect(v.hub.config.JupyterHub.authenticator_class).toBe('shared-password');
    expect(v.hub.config.Authenticator?.admin_users).toBeUndefined();
    expect(v.hub.config.SharedPasswordAuthenticator).toEqual({ allow_all: true });
    expect(release('dev').set_sensitive).toBeUndefined();
    expect(v.hub.extraEnv.HUB_SHARED_PASSWORD.valueFrom.secretKeyRef).toEqual({
      name: 'hub-oauth-client',
      key: 'client-secret',
    });
    expect(v.custom.hubLogin).toEqual({
      sharedPasswordEnv: 'HUB_SHARED_PASSWORD',
      apiOnlyUsers: ['hub-smoke-test'],
    });
    // The cluster stack generates it write-only; the platform reads it ephemerally.
    const generated = Object.values(
      cluster('dev').resource.aws_secretsmanager_secret_version,
    )[0] as StackJson;
    expect(generated.secret_string).toBeUndefined();
    expect(generated.secret_string_wo).toMatch(
      /^\$\{ephemeral\.aws_secretsmanager_random_password\.[\w-]+\.random_password\}$/,
    );
    expect(Object.values(cluster('dev').resource.aws_secretsmanager_secret)).toEqual([
      expect.objectContaining({ name: 'hub-dev/shared-password' }),
    ]);
    const read = Object.values(platform('dev').ephemeral.aws_secretsmanager_secret_version)[0] as StackJson;
    expect(read.secret_id).toBe('hub-dev/shared-password');
  });

  it('uses the OIDC groups claim for access and admins in staging, the secret read from SSM', () => {
    const v = valuesOf('staging');
    expect(v.hub.config.JupyterHub.authenticator_class).toBe('hub_login.GenericOAuthenticator');
    expect(v.hub.config.GenericOAuthenticator).toMatchObject({
      // The one claim OIDC guarantees unique and never reassigned.
      username_claim: 'sub',
      manage_groups: true,
      auth_state_groups_key: 'oauth_user.groups',
      allowed_groups: ['jupyterhub-users'],
      admin_groups: ['jupyterhub-admins'],
    });
    const parameter = Object.values(platform('staging').ephemeral.aws_ssm_parameter)[0] as StackJson;
    expect(parameter).toMatchObject({
      arn: expect.stringMatching(/:parameter\/hub-staging\/oauth-client-secret$/),
      with_decryption: true,
    });
    expect(v.hub.config.GenericOAuthenticator.client_secret).toBeUndefined();
    expect(v.hub.extraEnv.OAUTH_CLIENT_SECRET.valueFrom.secretKeyRef).toEqual({
      name: 'hub-oauth-client',
      key: 'client-secret',
    });
    const secret = resourceAt(platform('staging'), 'kubernetes_secret_v1', 'jupyterhub/client-secret/secret');
    expect(secret.data_wo['client-secret']).toMatch(/^\$\{ephemeral\.aws_ssm_parameter\.[\w-]+\.value\}$/);
  });
});

describe('values built outside the environments as shipped', () => {
  it("Let's Encrypt: Traefik gets the certificate, port 80 stays open for the challenge, and the chart accepts it", () => {
    const values = variantValues(
      (env) => (env.hub.https = { type: 'letsencrypt', contactEmail: 'ops@example.org' }),
    );
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const proxy = values.proxy as any;
    expect(proxy.https).toEqual({
      enabled: true,
      type: 'letsencrypt',
      hosts: ['icesat2.hackweek.example.org'],
      letsencrypt: { contactEmail: 'ops@example.org' },
    });
    expect(proxy.service.disableHttpPort).toBe(false);
    expect(
      proxy.service.annotations['service.beta.kubernetes.io/aws-load-balancer-ssl-cert'],
    ).toBeUndefined();
    expect(proxy.traefik.resources.requests).toEqual(proxy.traefik.resources.limits);
    expect(schemaErrors(CHARTS.jupyterhub, values)).toEqual([]);
  });

  it("the profiling switch adds a root py-spy container with only SYS_PTRACE in the hub's process namespace", () => {
    const values = variantValues((env) => (env.hub.profiling = true));
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const hub = values.hub as any;
    // A non-root exec holds no capability, so py-spy needs a root process that has SYS_PTRACE
    // and sees the hub's PIDs; the hub container itself stays uid 1000 with nothing added.
    expect(hub.extraPodSpec).toEqual({ shareProcessNamespace: true });
    expect(hub.extraContainers).toHaveLength(1);
    const [profiler] = hub.extraContainers;
    expect(profiler).toMatchObject({
      name: 'py-spy',
      image: 'quay.io/jupyterhub/k8s-hub:4.4.0',
      securityContext: {
        runAsUser: 0,
        runAsNonRoot: false,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'], add: ['SYS_PTRACE'] },
      },
    });
    expect(profiler.resources.requests).toEqual(profiler.resources.limits);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const deployed = mergeValues(chartDefaults(CHARTS.jupyterhub), values).hub as any;
    expect(deployed.containerSecurityContext).toEqual({
      runAsUser: 1000,
      runAsGroup: 1000,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(schemaErrors(CHARTS.jupyterhub, values)).toEqual([]);
  });

  it('an unset activeServerLimit becomes what the pools host at max size', () => {
    const values = variantValues((env) => delete env.hub.activeServerLimit);
    // 25 user nodes x 4 ICESat-2 servers + 2 GPU nodes x 1.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    expect((values.hub as any).activeServerLimit).toBe(102);
  });

  it('a pool whose taints the profile does not tolerate fails the synth, naming the profile', () => {
    const env = envNamed('hackweek');
    const pools = poolsOf(env).map((p) =>
      p.name === 'user' ? { ...p, taints: [USER_TAINT, GPU_TAINT] } : p,
    );
    expect(() => kubespawnerProfile(env.hub.profiles[0], 600, pools)).toThrow(
      "profile 'icesat2' does not tolerate the pool's taint nvidia.com/gpu=present:NoSchedule (pool 'user')",
    );
  });
});
