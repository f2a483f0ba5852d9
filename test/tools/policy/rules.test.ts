/**
 * Every rule: passes on the real synthesized stacks (having examined something there), and
 * fires, alone, on a minimal mutation of a real stack.
 */
import { runPolicy } from '../../../tools/policy/engine';
import { RULES } from '../../../tools/policy/rules';
import { block } from '../../../tools/policy/stack-view';
import { Json } from '../../../tools/policy/types';
import {
  Change,
  add,
  all,
  checkedInRisks,
  deleteRelease,
  editJson,
  editValues,
  find,
  firedBy,
  realSynth,
  release,
} from './support';
import {
  CLUSTER,
  PLATFORM,
  STATE,
  autoscalerPolicy,
  cluster,
  efs,
  efsIngress,
  gpuPoolName,
  group,
  hubValues,
  idOf,
  template,
  trust,
} from './real-stacks';

/** A change to one stack, or consistent changes to several (a cluster and its platform). */
type Case = Change | readonly Change[];
const changesOf = (c: Case): readonly Change[] =>
  typeof c[0] === 'string' ? [c as Change] : (c as readonly Change[]);

/** Rule id -> the minimal mutation of real stacks that must make exactly that rule fire. */
const MONITORING_PLATFORM = 'monitoring-platform-central';

const FAILING: Record<string, Case> = {
  'monitoring.grafana-login': [
    MONITORING_PLATFORM,
    (j) => editValues(release(j, 'grafana'), (v) => (v['grafana.ini']['auth.anonymous'].enabled = true)),
  ],
  'monitoring.remote-write-secure': [
    PLATFORM,
    (j) =>
      editValues(
        release(j, 'prometheus'),
        (v) =>
          (v.serverFiles['prometheus.yml'].remote_write[0].url = 'http://metrics.example.org/api/v1/write'),
      ),
  ],
  'monitoring.guaranteed-pods': [
    MONITORING_PLATFORM,
    (j) => editValues(release(j, 'prometheus'), (v) => (v.alertmanager.resources.requests.memory = '100Mi')),
  ],
  'eks.control-plane-logs': [CLUSTER, (j) => cluster(j).enabled_cluster_log_types.pop()],
  'eks.public-endpoint-restricted': [CLUSTER, (j) => (cluster(j).vpc_config.endpoint_public_access = true)],
  'eks.private-endpoint': [CLUSTER, (j) => (cluster(j).vpc_config.endpoint_private_access = false)],
  'eks.secrets-encryption': [CLUSTER, (j) => (cluster(j).encryption_config.resources = [])],
  // A consistent downgrade: nodes and the autoscaler image follow the cluster, so only the version rule fires.
  'eks.supported-version': [
    [CLUSTER, (j) => [cluster(j), ...all(j, 'aws_eks_node_group')].forEach((r) => (r.version = '1.27'))],
    [PLATFORM, (j) => editValues(release(j, 'cluster-autoscaler'), (v) => (v.image.tag = 'v1.27.8'))],
  ],
  'eks.no-creator-admin': [
    CLUSTER,
    (j) => (cluster(j).access_config.bootstrap_cluster_creator_admin_permissions = true),
  ],
  'eks.multi-az': [CLUSTER, (j) => cluster(j).vpc_config.subnet_ids.splice(1)],
  'eks.log-group': [
    CLUSTER,
    (j) => (cluster(j).depends_on = cluster(j).depends_on.filter((d: string) => !d.includes('log-group'))),
  ],
  'kms.rotation': [CLUSTER, (j) => (find(j, 'aws_kms_key', 'log-key').enable_key_rotation = false)],
  'kms.no-wildcard-principal': [
    CLUSTER,
    (j) => editJson(find(j, 'aws_kms_key', 'log-key'), 'policy', (doc) => (doc.Statement[0].Principal = '*')),
  ],
  'eks.vpc-cni-irsa': [CLUSTER, (j) => delete find(j, 'aws_eks_addon', 'vpc-cni').service_account_role_arn],
  'eks.network-policy-enforced': [
    CLUSTER,
    (j) => (find(j, 'aws_eks_addon', 'vpc-cni').configuration_values = '{}'),
  ],
  'eks.core-addons': [
    CLUSTER,
    (j) => {
      const name = Object.keys(j.resource.aws_eks_addon).find((n) => n.startsWith('coredns'))!;
      delete j.resource.aws_eks_addon[name];
    },
  ],
  'nodes.no-ssh': [CLUSTER, (j) => (template(j, 'user').key_name = 'ops')],
  'nodes.imdsv2': [CLUSTER, (j) => (template(j, 'user').metadata_options.http_tokens = 'optional')],
  'nodes.imds-hop-limit': [
    CLUSTER,
    (j) => (template(j, 'user').metadata_options.http_put_response_hop_limit = 2),
  ],
  'nodes.private-subnets': [
    CLUSTER,
    (j) => (group(j, 'user').subnet_ids[0] = idOf(j, 'aws_subnet', 'network/public-0')),
  ],
  'nodes.gpu-pools': [CLUSTER, (j) => (group(j, gpuPoolName()).ami_type = 'AL2023_x86_64_STANDARD')],
  'nodes.scale-from-zero-tags': [
    CLUSTER,
    (j) => {
      const name = Object.keys(j.resource.aws_autoscaling_group_tag).find(
        (n) => n.startsWith(`pool-${gpuPoolName()}_`) && n.includes('resources-nvidia'),
      )!;
      delete j.resource.aws_autoscaling_group_tag[name];
    },
  ],
  'nodes.desired-size-ignored': [CLUSTER, (j) => (group(j, 'user').lifecycle.ignore_changes = [])],
  'nodes.dedicated-user-pools': [CLUSTER, (j) => (group(j, 'user').taint = [])],
  'nodes.on-demand-user-pools': [CLUSTER, (j) => (group(j, 'user').capacity_type = 'SPOT')],
  'nodes.encrypted-volumes': [
    CLUSTER,
    (j) => (template(j, 'user').block_device_mappings[0].ebs.encrypted = 'false'),
  ],
  'nodes.version-matches-cluster': [CLUSTER, (j) => (group(j, 'user').version = '1.34')],
  'network.no-public-ingress': [
    CLUSTER,
    (j) =>
      add(j, 'aws_vpc_security_group_ingress_rule', 'https-from-anywhere', {
        security_group_id: efsIngress(j).security_group_id,
        ip_protocol: 'tcp',
        from_port: 443,
        to_port: 443,
        cidr_ipv4: '0.0.0.0/0',
        description: 'https from anywhere',
      }),
  ],
  'network.descriptions': [CLUSTER, (j) => delete efsIngress(j).description],
  'network.restricted-egress': [
    CLUSTER,
    (j) =>
      add(j, 'aws_vpc_security_group_egress_rule', 'anywhere', {
        security_group_id: efsIngress(j).security_group_id,
        ip_protocol: '-1',
        cidr_ipv4: '0.0.0.0/0',
        description: 'everything out',
      }),
  ],
  'network.default-security-group-closed': [
    CLUSTER,
    (j) =>
      (find(j, 'aws_default_security_group', 'default-security-group').ingress = [
        { protocol: '-1', from_port: 0, to_port: 0, self: true },
      ]),
  ],
  'network.flow-logs': [CLUSTER, (j) => delete j.resource.aws_flow_log],
  'network.no-public-ip-subnets': [
    CLUSTER,
    (j) => (find(j, 'aws_subnet', 'network/public-0').map_public_ip_on_launch = true),
  ],
  'network.nat-per-az': [
    CLUSTER,
    (j) =>
      (find(j, 'aws_route', 'private-1-default-route').nat_gateway_id = find(
        j,
        'aws_route',
        'private-0-default-route',
      ).nat_gateway_id),
  ],
  'network.load-balancer-subnet-tags': [
    CLUSTER,
    (j) => delete find(j, 'aws_subnet', 'network/private-1').tags['kubernetes.io/role/internal-elb'],
  ],
  'iam.readable-documents': [
    CLUSTER,
    (j) => (find(j, 'aws_iam_role_policy', 'flow-log-policy').policy = 'Allow logs'),
  ],
  'iam.no-wildcard-actions': [
    CLUSTER,
    (j) =>
      editJson(
        find(j, 'aws_iam_role_policy', 'flow-log-policy'),
        'policy',
        (doc) => (doc.Statement[0].Action = 'logs:*'),
      ),
  ],
  'iam.trust-no-wildcard': [
    CLUSTER,
    (j) => trust(j, 'network/flow-log-role', (doc) => (doc.Statement[0].Principal = { AWS: '*' })),
  ],
  'iam.trust-no-account': [
    CLUSTER,
    (j) =>
      trust(
        j,
        'network/flow-log-role',
        (doc) => (doc.Statement[0].Principal = { AWS: 'arn:aws:iam::123456789012:root' }),
      ),
  ],
  'iam.irsa-scoped': [
    CLUSTER,
    (j) =>
      trust(j, 'ebs-csi-role/role', (doc) => {
        doc.Statement[0].Condition.StringLike = doc.Statement[0].Condition.StringEquals;
        delete doc.Statement[0].Condition.StringEquals;
      }),
  ],
  'iam.one-role-per-service-account': [
    CLUSTER,
    (j) =>
      trust(j, 'ebs-csi-role/role', (doc) => {
        const equals = doc.Statement[0].Condition.StringEquals;
        const sub = Object.keys(equals).find((k) => k.endsWith(':sub'))!;
        equals[sub] = 'system:serviceaccount:kube-system:aws-node';
      }),
  ],
  'iam.no-administrator-access': [
    CLUSTER,
    (j) =>
      (find(j, 'aws_iam_role_policy_attachment', 'ebs-csi-role').policy_arn =
        'arn:aws:iam::aws:policy/AdministratorAccess'),
  ],
  'iam.autoscaler-scoped': [
    CLUSTER,
    (j) =>
      autoscalerPolicy(j, (doc) => {
        for (const s of doc.Statement) {
          if (JSON.stringify(s.Action).includes('SetDesiredCapacity')) {
            delete s.Condition;
            s.Resource = '*';
          }
        }
      }),
  ],
  'efs.encrypted': [CLUSTER, (j) => (efs(j).encrypted = false)],
  'efs.customer-key': [CLUSTER, (j) => delete efs(j).kms_key_id],
  'sns.customer-key': [
    'monitoring-cluster-central',
    (j) => (all(j, 'aws_sns_topic')[0].kms_master_key_id = 'alias/aws/sns'),
  ],
  'monitoring.efs-io-limit-alarm': [CLUSTER, (j) => delete j.resource.aws_cloudwatch_metric_alarm],
  'efs.backup': [CLUSTER, (j) => (all(j, 'aws_efs_backup_policy')[0].backup_policy.status = 'DISABLED')],
  'efs.access-points-confined': [
    CLUSTER,
    (j) => (all(j, 'aws_efs_access_point')[0].root_directory.path = '/'),
  ],
  'efs.throughput': [CLUSTER, (j) => (efs(j).throughput_mode = 'bursting')],
  'efs.mount-target-per-node-az': [
    CLUSTER,
    (j) => {
      const name = Object.keys(j.resource.aws_efs_mount_target).find((n) => n.includes('mount-target-1'))!;
      delete j.resource.aws_efs_mount_target[name];
    },
  ],
  'efs.nfs-from-nodes-only': [
    CLUSTER,
    (j) =>
      (efsIngress(j).referenced_security_group_id =
        '${aws_security_group.shared-storage_security-group_99DDA1AA.id}'),
  ],
  'efs.tls-mounts': [
    PLATFORM,
    (j) =>
      (block(
        block(block(all(j, 'kubernetes_persistent_volume_v1')[0].spec).persistent_volume_source).csi,
      ).volume_attributes = {
        encryptInTransit: 'false',
      }),
  ],
  's3.public-access-blocked': [
    STATE,
    (j) => (all(j, 'aws_s3_bucket_public_access_block')[0].restrict_public_buckets = false),
  ],
  's3.versioning': [
    STATE,
    (j) => (all(j, 'aws_s3_bucket_versioning')[0].versioning_configuration.status = 'Suspended'),
  ],
  's3.kms-encryption': [
    STATE,
    (j) =>
      (all(
        j,
        'aws_s3_bucket_server_side_encryption_configuration',
      )[0].rule[0].apply_server_side_encryption_by_default.sse_algorithm = 'AES256'),
  ],
  's3.tls-only': [STATE, (j) => delete j.resource.aws_s3_bucket_policy],
  'helm.exact-chart-version': [PLATFORM, (j) => (release(j, 'aws-efs-csi-driver').version = '~4.4')],
  'helm.readable-values': [
    PLATFORM,
    (j) => release(j, 'aws-efs-csi-driver').values.push('${file("values/efs-extra.yaml")}'),
  ],
  'autoscaler.wired': [
    PLATFORM,
    (j) => editValues(release(j, 'cluster-autoscaler'), (v) => delete v.awsRegion),
  ],
  'autoscaler.version-matches-cluster': [
    PLATFORM,
    (j) => editValues(release(j, 'cluster-autoscaler'), (v) => (v.image.tag = 'v1.34.0')),
  ],
  'platform.guaranteed-qos': [
    PLATFORM,
    (j) =>
      editValues(release(j, 'aws-node-termination-handler'), (v) => (v.resources.limits.memory = '256Mi')),
  ],
  'termination-handler.reports-drains': [
    PLATFORM,
    (j) => editValues(release(j, 'aws-node-termination-handler'), (v) => (v.emitKubernetesEvents = false)),
  ],
  'platform.gpu-device-plugin': [
    PLATFORM,
    (j) => editValues(release(j, 'nvidia-device-plugin'), (v) => (v.tolerations = [])),
  ],
  // The audit's case: the hub, the autoscaler and the termination handler deleted.
  'platform.required-releases': [
    PLATFORM,
    (j) =>
      ['jupyterhub', 'cluster-autoscaler', 'aws-node-termination-handler'].forEach((chart) =>
        deleteRelease(j, chart),
      ),
  ],
  'jupyterhub.guarantees-within-limits': [
    PLATFORM,
    hubValues((v) => {
      const first = v.singleuser.profileList[0];
      first.kubespawner_override = { ...first.kubespawner_override, mem_guarantee: '9G', mem_limit: '8G' };
    }),
  ],
  'jupyterhub.culling': [PLATFORM, hubValues((v) => (v.cull.maxAge = 0))],
  'jupyterhub.placeholder-priority': [
    PLATFORM,
    hubValues((v) => (v.scheduling.podPriority.userPlaceholderPriority = -20)),
  ],
  'jupyterhub.network-policy': [PLATFORM, hubValues((v) => (v.hub.networkPolicy = { enabled: false }))],
  'jupyterhub.metadata-blocked': [
    PLATFORM,
    hubValues((v) => {
      v.singleuser.cloudMetadata = { blockWithIptables: false };
      v.singleuser.networkPolicy = {
        ...v.singleuser.networkPolicy,
        egressAllowRules: { cloudMetadataServer: true },
      };
    }),
  ],
  'jupyterhub.spawn-limits': [PLATFORM, hubValues((v) => delete v.hub.concurrentSpawnLimit)],
  'jupyterhub.rbac': [PLATFORM, hubValues((v) => (v.singleuser.serviceAccountName = 'default'))],
  'jupyterhub.https': [PLATFORM, hubValues((v) => (v.proxy.https = { enabled: false }))],
  'jupyterhub.core-pods-on-core': [
    PLATFORM,
    hubValues((v) => (v.scheduling.corePods.nodeAffinity.matchNodePurpose = 'prefer')),
  ],
  'jupyterhub.singleton-disruption': [PLATFORM, hubValues((v) => (v.hub.pdb = { enabled: true }))],
  'jupyterhub.gpu-profiles': [
    PLATFORM,
    hubValues((v) =>
      v.singleuser.profileList.forEach(
        (p: Json) => p.kubespawner_override && (p.kubespawner_override.tolerations = []),
      ),
    ),
  ],
  'jupyterhub.gpu-start-timeout': [
    PLATFORM,
    hubValues((v) =>
      v.singleuser.profileList.forEach(
        (p: Json) => p.kubespawner_override && (p.kubespawner_override.start_timeout = 300),
      ),
    ),
  ],
  'jupyterhub.stable-username-claim': [
    PLATFORM,
    hubValues((v) => (v.hub.config.GenericOAuthenticator.username_claim = 'preferred_username')),
  ],
  'jupyterhub.login-refresh': [
    PLATFORM,
    hubValues((v) => (v.hub.config.Authenticator.enable_auth_state = false)),
  ],
  'jupyterhub.admins-from-groups': [
    PLATFORM,
    hubValues((v) => (v.hub.config.Authenticator.admin_users = ['research-lead'])),
  ],
  'jupyterhub.user-scheduler-least-privilege': [
    PLATFORM,
    (j) =>
      find(j, 'kubernetes_cluster_role_v1', 'user-scheduler-access/role').rule.push({
        api_groups: [''],
        resources: ['pods/finalizers'],
        verbs: ['update'],
      }),
  ],
  'efs.file-system-policy': [CLUSTER, (j) => delete j.resource.aws_efs_file_system_policy],
  'efs.iam-mounts': [
    PLATFORM,
    (j) => (find(j, 'kubernetes_storage_class_v1', 'shared-volumes/efs').mount_options = ['tls']),
  ],
  'iam.efs-csi-own-access-points': [
    CLUSTER,
    (j) =>
      editJson(find(j, 'aws_iam_role_policy', 'csi-controller-role'), 'policy', (doc) => {
        const tag = doc.Statement.find((s: Json) => s.Sid === 'TagOnCreateOnly');
        delete tag.Condition.StringEquals['elasticfilesystem:CreateAction'];
      }),
  ],
  'state.no-secrets': [
    PLATFORM,
    (j) => (find(j, 'kubernetes_secret_v1', 'client-secret/secret').data = { 'client-secret': 'in-state' }),
  ],
  'state.per-environment-key': [
    PLATFORM,
    (j) =>
      (j.terraform.backend.s3.kms_key_id =
        'arn:aws:kms:us-west-2:123456789012:alias/hub/terraform-state/staging'),
  ],
  'kms.logs-key-scoped': [
    CLUSTER,
    (j) =>
      editJson(find(j, 'aws_kms_key', 'log-key'), 'policy', (doc) => {
        const logs = doc.Statement.find((s: Json) => s.Sid === 'CloudWatchLogsEncrypts');
        logs.Condition = {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:us-west-2:123456789012:log-group:*',
          },
        };
      }),
  ],
  'helm.chart-values': [PLATFORM, hubValues((v) => (v.proxyy = { chp: {} }))],
  // Scaling every StatefulSet of the namespace instead of the placeholders alone.
  'jupyterhub.placeholder-scaler-role': [
    'hub-platform-hackweek',
    (j) => delete find(j, 'kubernetes_role_v1', 'placeholder-schedule/role').rule[0].resource_names,
  ],
  'jupyterhub.hub-database': [
    PLATFORM,
    hubValues((v) => (v.hub.db = { type: 'sqlite-pvc', pvc: { storageClassName: 'efs' } })),
  ],
};

describe('policy rules', () => {
  const report = runPolicy(realSynth(), RULES, checkedInRisks());

  it('has at least 40 rules, each with an id, severity, one-line rationale and anchors', () => {
    expect(RULES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
    for (const rule of RULES) {
      expect(rule.id).toMatch(/^[a-z0-9-]+\.[a-z0-9-]+$/);
      expect(['must', 'should']).toContain(rule.severity);
      expect(rule.rationale).not.toMatch(/\n/);
      expect(rule.anchors.length).toBeGreaterThan(0);
    }
  });

  it('has a failing case for every rule', () => {
    expect(Object.keys(FAILING).sort()).toEqual(RULES.map((r) => r.id).sort());
  });

  describe.each(RULES.map((r) => r.id))('%s', (id) => {
    it('passes on the real stacks, having examined at least one subject', () => {
      expect(report.examined.get(id)).toBeGreaterThan(0);
      expect(report.violations.filter((v) => v.rule === id)).toEqual([]);
    });

    it('fires, alone, on a minimal mutation of a real stack', () => {
      expect(firedBy(...changesOf(FAILING[id]))).toEqual([id]);
    });
  });

  it('counts what a change makes fire in other stacks too', () => {
    const downgrade: Change = [CLUSTER, (j) => (cluster(j).version = '1.34')];
    expect(firedBy(downgrade)).toContain('autoscaler.version-matches-cluster');
  });
});
