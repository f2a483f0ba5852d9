/** EKS control plane, its KMS keys and managed add-ons. */
import { CHARTS } from '../../../lib/platform/charts';
import { decodeJson } from '../hcl';
import { statementsOf } from '../iam';
import { StackView, TfResource, block, list } from '../stack-view';
import { SynthOutput } from '../synth-output';
import { Json, Rule } from '../types';
import { ANYWHERE, outcome, show } from './outcome';

/** Every log type EKS offers (AWS EKS API, `LogType`). */
const LOG_TYPES = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'];
/** Kubernetes minors checkov's CKV_AWS_339 accepts at the catalogued commit. */
const CHECKOV_SUPPORTED_MINORS = [29, 30, 31, 32, 33, 34, 35];
/**
 * Lowest Kubernetes 1.<minor> that the kubeVersion of each pinned chart's Chart.yaml admits;
 * charts without a kubeVersion are absent. The product does not ship the charts' data, so the
 * numbers live here, and a test checks them against the pinned Chart.yaml files.
 */
export const CHART_MIN_KUBERNETES_MINOR: Readonly<Partial<Record<keyof typeof CHARTS, number>>> = {
  jupyterhub: 28,
  nodeTerminationHandler: 16,
  efsCsiDriver: 17,
  nvidiaDevicePlugin: 10,
  prometheus: 19,
  grafana: 25,
  dcgmExporter: 19,
};
const chartMinimums = Object.entries(CHART_MIN_KUBERNETES_MINOR).map(([key, minor]) => ({
  pin: CHARTS[key as keyof typeof CHARTS],
  minor: minor!,
}));

function clusters(stack: StackView): TfResource[] {
  return stack.resources('aws_eks_cluster');
}

/** The add-ons installed into `cluster`, by name. */
export function addonsOf(stack: StackView, cluster: TfResource): Map<string, TfResource> {
  return new Map(
    stack
      .resources('aws_eks_addon')
      .filter(
        (a) => a.body.cluster_name === cluster.body.name || stack.refersTo(a.body.cluster_name, cluster),
      )
      .map((a) => [a.body.addon_name, a]),
  );
}

/** A KMS key a value refers to, in this or another stack. */
function kmsKey(synth: SynthOutput, stack: StackView, value: unknown): Json | undefined {
  const found = synth.locate(stack, value);
  return found?.resource.type === 'aws_kms_key' ? found.resource.body : undefined;
}

export const EKS_RULES: Rule[] = [
  {
    id: 'eks.control-plane-logs',
    severity: 'must',
    title: 'All five control-plane log types enabled',
    rationale: 'Audit and authenticator logs are the only record of who did what to the API server.',
    anchors: ['CKV_AWS_37', 'AWS-0038', 'EKS Best Practices: security/detective, Enable audit logs'],
    reference: 'RC-01',
    *check(stack) {
      for (const c of clusters(stack)) {
        const missing = LOG_TYPES.filter((t) => !list(c.body.enabled_cluster_log_types).includes(t));
        yield outcome(c.address, [
          missing.length > 0 && `enabled_cluster_log_types lacks ${missing.join(', ')}`,
        ]);
      }
    },
  },
  {
    id: 'eks.public-endpoint-restricted',
    severity: 'must',
    title: 'No public API endpoint open to the world',
    rationale:
      'A public endpoint without an allow-list exposes the API server to every address on the internet.',
    anchors: [
      'CKV_AWS_38',
      'CKV_AWS_39',
      'AWS-0040',
      'AWS-0041',
      'EKS Best Practices: security/iam, Make the EKS Cluster Endpoint private',
    ],
    reference: 'RC-02, RC-03',
    *check(stack) {
      for (const c of clusters(stack)) {
        const vpc = block(c.body.vpc_config) ?? {};
        if (vpc.endpoint_public_access === false) {
          yield { address: c.address };
          continue;
        }
        const cidrs = list(vpc.public_access_cidrs);
        yield outcome(c.address, [
          cidrs.length === 0 &&
            `endpoint_public_access is ${show(vpc.endpoint_public_access)} (unset means true) with no public_access_cidrs, so EKS allows 0.0.0.0/0`,
          cidrs.some((cidr) => ANYWHERE.includes(cidr)) &&
            `public_access_cidrs ${show(cidrs)} include the whole internet`,
        ]);
      }
    },
  },
  {
    id: 'eks.private-endpoint',
    severity: 'must',
    title: 'Private API endpoint on',
    rationale:
      'Keeps node-to-control-plane traffic inside the VPC, and is the only way in when the public endpoint is off.',
    anchors: ['EKS Best Practices: networking/subnets, Consider Public and Private Mode'],
    reference: 'RC-04',
    *check(stack) {
      for (const c of clusters(stack)) {
        const value = block(c.body.vpc_config)?.endpoint_private_access;
        yield outcome(c.address, [
          value !== true && `vpc_config.endpoint_private_access is ${show(value)}, must be true`,
        ]);
      }
    },
  },
  {
    id: 'eks.secrets-encryption',
    severity: 'must',
    title: 'Kubernetes Secrets envelope-encrypted with a rotating customer KMS key',
    rationale:
      'Hub cookie secret, proxy token and OAuth client secrets otherwise sit in etcd without a customer key.',
    anchors: [
      'CKV_AWS_58',
      'AWS-0039',
      'EKS Best Practices: security/data, Use AWS KMS for envelope encryption',
    ],
    reference: 'RC-05',
    *check(stack, synth) {
      for (const c of clusters(stack)) {
        const config = block(c.body.encryption_config);
        const keyArn = block(config?.provider)?.key_arn;
        const key = kmsKey(synth, stack, keyArn);
        yield outcome(c.address, [
          !list(config?.resources).includes('secrets') &&
            'encryption_config.resources does not include "secrets"',
          !key && `encryption_config.provider.key_arn ${show(keyArn)} is not a reference to an aws_kms_key`,
          key && key.enable_key_rotation !== true && 'the secrets key does not rotate (enable_key_rotation)',
        ]);
      }
    },
  },
  {
    id: 'eks.supported-version',
    severity: 'must',
    title: 'Kubernetes version supported by EKS and accepted by the charts',
    rationale: 'Unsupported versions miss patches; below the chart kubeVersion helm refuses the release.',
    anchors: [
      'CKV_AWS_339',
      ...chartMinimums.map(
        ({ pin, minor }) => `${pin.chart} ${pin.version} Chart.yaml kubeVersion >=1.${minor}`,
      ),
    ],
    reference: 'RC-06',
    *check(stack) {
      for (const c of clusters(stack)) {
        const match = /^1\.(\d+)$/.exec(String(c.body.version));
        const minor = match ? Number(match[1]) : undefined;
        yield outcome(c.address, [
          minor === undefined && `version ${show(c.body.version)} is not a pinned 1.<minor>`,
          minor !== undefined &&
            !CHECKOV_SUPPORTED_MINORS.includes(minor) &&
            `version ${c.body.version} is outside the supported 1.${CHECKOV_SUPPORTED_MINORS[0]}-1.${CHECKOV_SUPPORTED_MINORS.at(-1)}`,
          ...chartMinimums.map(
            ({ pin, minor: least }) =>
              minor !== undefined &&
              minor < least &&
              `version ${c.body.version} is below the ${pin.chart} ${pin.version} chart's kubeVersion >=1.${least}`,
          ),
        ]);
      }
    },
  },
  {
    id: 'eks.no-creator-admin',
    severity: 'must',
    title: 'Access entries, and no standing cluster-admin for the creator',
    rationale: 'The principal that ran Terraform otherwise keeps an invisible cluster-admin binding.',
    anchors: [
      'EKS Best Practices: security/iam, Cluster Access Manager; Remove the cluster-admin permissions from the cluster creator',
    ],
    reference: 'RC-07',
    *check(stack) {
      for (const c of clusters(stack)) {
        const access = block(c.body.access_config) ?? {};
        yield outcome(c.address, [
          !['API', 'API_AND_CONFIG_MAP'].includes(access.authentication_mode) &&
            `access_config.authentication_mode is ${show(access.authentication_mode)}, must be API or API_AND_CONFIG_MAP`,
          access.bootstrap_cluster_creator_admin_permissions !== false &&
            `access_config.bootstrap_cluster_creator_admin_permissions is ${show(access.bootstrap_cluster_creator_admin_permissions)} (unset means true), must be false`,
        ]);
      }
    },
  },
  {
    id: 'eks.multi-az',
    severity: 'must',
    title: 'Control plane in at least two availability zones',
    rationale: 'Control-plane network interfaces in one AZ are a single failure domain.',
    anchors: ['EKS Best Practices: networking/subnets, Consider Multi-AZ Deployment'],
    reference: 'RC-08',
    *check(stack) {
      for (const c of clusters(stack)) {
        const ids = list(block(c.body.vpc_config)?.subnet_ids);
        const subnets = ids.map((id) => stack.target(id, 'aws_subnet'));
        const zones = new Set(subnets.map((s) => JSON.stringify(s?.body.availability_zone)));
        yield outcome(c.address, [
          subnets.some((s) => !s) && 'vpc_config.subnet_ids has subnets not declared in this stack',
          zones.size < 2 && `vpc_config.subnet_ids span ${zones.size} availability zone(s), need at least 2`,
        ]);
      }
    },
  },
  {
    id: 'eks.log-group',
    severity: 'should',
    title: 'Control-plane log group created first, with retention and KMS',
    rationale: 'A log group EKS creates itself never expires and is not encrypted with a customer key.',
    anchors: [
      'CKV_AWS_66',
      'CKV_AWS_158',
      'CKV_AWS_338 (asks for 365 days; the length is chosen per environment)',
      'AWS-0017',
    ],
    reference: 'RC-09',
    *check(stack) {
      for (const c of clusters(stack)) {
        const name = `/aws/eks/${c.body.name}/cluster`;
        const group = stack.resources('aws_cloudwatch_log_group').find((g) => g.body.name === name);
        yield outcome(c.address, [
          !group && `no aws_cloudwatch_log_group named ${name}`,
          group && !group.body.retention_in_days && `${group.address} has no retention_in_days`,
          group && !group.body.kms_key_id && `${group.address} has no kms_key_id`,
          group &&
            !list(c.body.depends_on).includes(group.address) &&
            `the cluster does not depend on ${group.address}`,
        ]);
      }
    },
  },
  {
    id: 'kms.rotation',
    severity: 'must',
    title: 'KMS keys rotate',
    rationale: 'Yearly rotation of the keys for EKS Secrets, EFS, logs and state.',
    anchors: ['CKV_AWS_7', 'AWS-0065', 'EKS Best Practices: security/data, Rotate your CMKs periodically'],
    reference: 'RC-10',
    *check(stack) {
      for (const key of stack.resources('aws_kms_key')) {
        const spec = key.body.customer_master_key_spec ?? 'SYMMETRIC_DEFAULT';
        if (spec !== 'SYMMETRIC_DEFAULT') continue;
        yield outcome(key.address, [
          key.body.enable_key_rotation !== true && 'enable_key_rotation is not true',
        ]);
      }
    },
  },
  {
    id: 'kms.no-wildcard-principal',
    severity: 'must',
    title: 'KMS key policies name their principals',
    rationale: 'A wildcard principal without a condition lets any AWS account use the key.',
    anchors: ['CKV_AWS_33'],
    reference: 'RC-11',
    *check(stack) {
      for (const key of stack.resources('aws_kms_key')) {
        if (key.body.policy === undefined) continue;
        const open = (statementsOf(stack, key.body.policy) ?? []).filter(
          (s) =>
            s.effect === 'Allow' &&
            s.conditions.length === 0 &&
            Object.values(s.principals).some((ids) => ids.includes('*')),
        );
        yield outcome(key.address, [
          open.length > 0 && 'the key policy allows Principal "*" without a condition',
        ]);
      }
    },
  },
  {
    id: 'kms.logs-key-scoped',
    severity: 'must',
    title: 'CloudWatch Logs may use a key only for the log groups it encrypts',
    rationale:
      'A key policy for logs.<region>.amazonaws.com with log-group:* lets any log group in the account be encrypted with, and read through, the key.',
    anchors: [
      'Amazon CloudWatch Logs User Guide: Encrypt log data using AWS KMS (kms:EncryptionContext:aws:logs:arn)',
    ],
    *check(stack) {
      for (const key of stack.resources('aws_kms_key')) {
        const logs = (statementsOf(stack, key.body.policy) ?? []).filter(
          (s) => s.effect === 'Allow' && list(s.principals.Service).some((p) => /^logs\./.test(String(p))),
        );
        for (const statement of logs) {
          const arns = statement.conditions
            .filter((c) => c.variable === 'kms:EncryptionContext:aws:logs:arn')
            .flatMap((c) => c.values);
          const wild = arns.filter((arn) => /[*?]/.test(arn));
          yield outcome(key.address, [
            arns.length === 0 &&
              'lets CloudWatch Logs use the key with no kms:EncryptionContext:aws:logs:arn condition',
            wild.length > 0 &&
              `lets CloudWatch Logs use the key for ${wild.join(', ')}, not named log groups`,
          ]);
        }
      }
    },
  },
  {
    id: 'eks.vpc-cni-irsa',
    severity: 'must',
    title: 'The VPC CNI uses its own IRSA role',
    rationale:
      'Otherwise aws-node, and every pod that can reach IMDS, uses the node role for ENI permissions.',
    anchors: ['EKS Best Practices: networking/vpc-cni, Use separate IAM role for CNI'],
    reference: 'RC-40',
    *check(stack, synth) {
      for (const addon of stack.resources('aws_eks_addon').filter((a) => a.body.addon_name === 'vpc-cni')) {
        const role = synth.locate(stack, addon.body.service_account_role_arn);
        const trust =
          role?.resource.type === 'aws_iam_role' ? role.resource.body.assume_role_policy : undefined;
        yield outcome(addon.address, [
          !role &&
            `service_account_role_arn ${show(addon.body.service_account_role_arn)} is not an IAM role of the stack`,
          role &&
            !String(trust).includes('system:serviceaccount:kube-system:aws-node') &&
            `${role.resource.address} is not trusted by kube-system:aws-node`,
        ]);
      }
    },
  },
  {
    id: 'eks.network-policy-enforced',
    severity: 'must',
    title: 'VPC CNI enforces NetworkPolicy',
    rationale:
      "EKS does not enforce NetworkPolicy by default, so the chart's policies (including the metadata block) would be ignored.",
    anchors: [
      'EKS Best Practices: security/network, Network policy',
      'zero-to-jupyterhub docs: administrator/security, Kubernetes Network Policies',
    ],
    reference: 'RC-41',
    *check(stack) {
      for (const addon of stack.resources('aws_eks_addon').filter((a) => a.body.addon_name === 'vpc-cni')) {
        const value = decodeJson(addon.body.configuration_values)?.enableNetworkPolicy;
        yield outcome(addon.address, [
          String(value) !== 'true' &&
            `configuration_values.enableNetworkPolicy is ${show(value)}, must be "true"`,
        ]);
      }
    },
  },
  {
    id: 'eks.core-addons',
    severity: 'must',
    title: 'Core add-ons managed by EKS',
    rationale: 'Managed vpc-cni, coredns and kube-proxy get validated security patches with the cluster.',
    anchors: ['EKS Best Practices: networking/vpc-cni, Deploy VPC CNI Managed Add-On'],
    reference: 'RC-42',
    *check(stack) {
      for (const c of clusters(stack)) {
        const addons = addonsOf(stack, c);
        const missing = ['vpc-cni', 'coredns', 'kube-proxy'].filter((name) => !addons.has(name));
        yield outcome(c.address, [missing.length > 0 && `no managed add-on ${missing.join(', ')}`]);
      }
    },
  },
];
