/**
 * The typed shape of an environment and the rules its values must follow. Every default
 * is resolved here, so stacks and constructs receive complete, checked values.
 */
import { z } from 'zod';
import { parseCidr } from '../lib/cidr';
import { INSTANCE_TYPES, KNOWN_INSTANCE_TYPES } from '../lib/instance-types';
import { DEFAULT_KUBERNETES_VERSION, SUPPORTED_KUBERNETES_VERSIONS } from '../lib/versions';
import { archiveSchema } from './archive-schema';
import { costSchema } from './cost-schema';
import { hubSchema } from './hub-schema';
import { platformSchema, resolvePlatformDefaults } from './platform-schema';

const NAME = /^[a-z][a-z0-9]{1,11}$/;
const POOL_NAME = /^[a-z][a-z0-9-]{0,19}$/;
const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
const IAM_PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key\/[0-9a-f-]{36}|alias\/[\w/-]+)$/;
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 3653];

const cidr = z.string().refine((value) => parseCidr(value) !== undefined, {
  error: (issue) => `${JSON.stringify(issue.input)} is not an IPv4 CIDR such as 10.0.0.0/16`,
});

const instanceType = z.string().refine((value) => value in INSTANCE_TYPES, {
  error: (issue) =>
    `unknown instance type ${JSON.stringify(issue.input)}; known: ${KNOWN_INSTANCE_TYPES.join(', ')}`,
});

const poolSize = z.number().int().min(0).max(1000);

/** What a pool gets when its config leaves a field out. */
interface PoolDefaults {
  readonly instanceType: string;
  readonly minSize: number;
  readonly maxSize: number;
}

/** Scaling bounds and disk of a managed node group, with the defaults of its kind. */
function nodePoolFields(defaults: PoolDefaults) {
  return {
    instanceType: instanceType.default(defaults.instanceType),
    /**
     * User and GPU pools must keep 0 (config/checks.ts says why and what to do instead);
     * the core pool's may be raised after its desired size (docs/operator-guide.md).
     */
    minSize: poolSize.default(defaults.minSize),
    /** @default minSize; ignored by Terraform after creation, the autoscaler owns it. */
    desiredSize: poolSize.optional(),
    maxSize: poolSize.min(1).default(defaults.maxSize),
    /** Root volume (gp3, encrypted). @default 100 */
    diskSizeGiB: z.number().int().min(20).max(16384).default(100),
  };
}

/** @default m5.xlarge, 1 to 3 nodes */
export const corePool = z.strictObject(nodePoolFields({ instanceType: 'm5.xlarge', minSize: 1, maxSize: 3 }));
/** @default m5.2xlarge (four users at the ICESat-2 guarantee), 0 to 10 nodes */
const userPool = z.strictObject(nodePoolFields({ instanceType: 'm5.2xlarge', minSize: 0, maxSize: 10 }));

const gpuPool = z.strictObject({
  /** @default g4dn.xlarge (one T4), 0 to 2 nodes */
  ...nodePoolFields({ instanceType: 'g4dn.xlarge', minSize: 0, maxSize: 2 }),
  /** Only AL2023's NVIDIA AMI: AL2 GPU AMIs are end of life, Bottlerocket's bring their own device plugin. */
  amiType: z
    .enum(['AL2023_x86_64_NVIDIA'], {
      error:
        'AL2023_x86_64_NVIDIA is the supported GPU AMI type: it ships the NVIDIA driver without a device ' +
        "plugin, so the platform's plugin is the only one registering GPUs",
    })
    .default('AL2023_x86_64_NVIDIA'),
});

/** An AZ name such as us-west-2a; names, not a count, so a zone going unavailable never reshuffles subnets. */
const zoneName = z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/, {
  error: (issue) => `${JSON.stringify(issue.input)} is not an availability zone name such as us-west-2a`,
});

const environmentFields = z.strictObject({
  name: z
    .string()
    .regex(NAME, { error: 'must be 2-12 lower-case letters or digits, starting with a letter' }),
  /** Production tiers get admins required, deletion protection and HA networking. */
  tier: z.enum(['development', 'staging', 'production']),
  /** The AWS account the environment deploys to; the AWS provider refuses credentials of any other. */
  account: z
    .string({ error: 'must be a 12-digit AWS account id, as a string' })
    .regex(/^\d{12}$/, { error: 'must be a 12-digit AWS account id' }),
  region: z.string().regex(REGION, { error: 'must be an AWS region such as us-west-2' }),
  /** Where Terraform keeps this environment's state. */
  state: z.discriminatedUnion('backend', [
    z.strictObject({ backend: z.literal('local') }),
    z.strictObject({
      backend: z.literal('s3'),
      bucket: z.string().min(3),
      region: z.string().regex(REGION),
      /**
       * The key state objects are encrypted with. Without it Terraform's S3 client asks for
       * SSE-S3 on every write, overriding the bucket's KMS default.
       */
      kmsKeyId: z.string().regex(KMS_KEY_ARN, {
        error: 'must be the ARN of a KMS key or alias (arn:aws:kms:<region>:<account>:alias/<name>)',
      }),
    }),
  ]),
  tags: z.record(z.string(), z.string()).default({}),
  network: z.strictObject({
    vpcCidr: cidr,
    /**
     * The AZs to spread subnets and user pools over, by name, in the region. List them in
     * regions whose a, b and c zones are not all open to the account (us-west-1 has two).
     * @default the region's a, b and c zones
     */
    availabilityZones: z
      .array(zoneName)
      .min(2, { error: 'must list at least 2 zones (EKS needs two AZs)' })
      .max(6)
      .optional(),
    /** One NAT gateway per AZ survives an AZ outage; a single one is cheaper. @default 'one-per-az' */
    natGateways: z.enum(['one-per-az', 'single']).default('one-per-az'),
  }),
  cluster: z.strictObject({
    /** @default DEFAULT_KUBERNETES_VERSION */
    kubernetesVersion: z.enum(SUPPORTED_KUBERNETES_VERSIONS).default(DEFAULT_KUBERNETES_VERSION),
    /** CIDRs allowed to reach the public API endpoint; empty keeps the endpoint private. @default [] */
    publicEndpointCidrs: z.array(cidr).default([]),
    /**
     * Networks admitted on 443 to the private API endpoint (the cluster security group):
     * a VPN, a peered network, the subnet of a CI runner. They must be routed to the VPC.
     * @default []
     */
    privateEndpointCidrs: z.array(cidr).default([]),
    /**
     * A small SSM-managed instance in a private subnet through which operators without a VPN
     * port-forward to the private endpoint from a laptop (`aws ssm start-session`); it alone is
     * admitted on 443, and a managed policy grants operators that session and nothing else.
     * @default none
     */
    ssmPortForward: z
      .strictObject({
        /** @default 't3.micro' */
        instanceType: z.enum(['t3.micro', 't3.small', 't3a.micro', 't3a.small']).default('t3.micro'),
      })
      .optional(),
    /** IAM principals granted cluster admin through access entries. */
    admins: z.array(
      z.string().regex(IAM_PRINCIPAL_ARN, {
        error: 'must be an IAM role or user ARN (arn:aws:iam::<account>:role/<name>)',
      }),
    ),
    /** @default 90 */
    logRetentionDays: z
      .number()
      .refine((days) => LOG_RETENTION_DAYS.includes(days), {
        error: (issue) =>
          `${issue.input} is not one of CloudWatch's retention periods: ${LOG_RETENTION_DAYS.join(', ')}`,
      })
      .default(90),
  }),
  nodePools: z.strictObject({
    core: corePool.prefault({}),
    /** Named CPU pools for notebook servers. @default one pool `user` on m5.2xlarge */
    user: z
      .record(z.string().regex(POOL_NAME), userPool)
      .refine((pools) => Object.keys(pools).length > 0, {
        error: 'is empty; users need at least one pool, such as { user: { maxSize: 10 } }',
      })
      .prefault({ user: {} }),
    gpu: z.record(z.string().regex(POOL_NAME), gpuPool).default({}),
  }),
  hub: hubSchema,
  /** Cluster add-ons: autoscaler, termination handler, shared storage, GPU sharing. @default all defaults */
  platform: platformSchema.prefault({}),
  /** Cost allocation tags, the cost planner's assumptions, an optional budget. @default tags only */
  cost: costSchema.prefault({}),
  /** The event archive bucket's lifecycle (config/archive-schema.ts). @default Glacier IR after 30 days, deleted after 365 */
  archive: archiveSchema.prefault({}),
});

/** The fields an environment shares with other deployments (the monitoring cluster's config reuses them). */
export const ENVIRONMENT_FIELDS = environmentFields.shape;

/** An environment as config/ writes it, checked and with every default resolved. */
export const environmentSchema = environmentFields.transform(resolvePlatformDefaults).transform(resolveZones);

/** Fills in the default zones: the region's a, b and c. */
export function resolveZones<T extends { region: string; network: { availabilityZones?: string[] } }>(
  env: T,
) {
  const zones = env.network.availabilityZones ?? ['a', 'b', 'c'].map((letter) => `${env.region}${letter}`);
  return { ...env, network: { ...env.network, availabilityZones: zones } };
}

/** What an environment file writes: defaults may be left out. */
export type EnvironmentInput = z.input<typeof environmentSchema>;
/** A validated environment with every default resolved. */
export type Environment = z.output<typeof environmentSchema>;
export type NodePoolConfig = z.output<typeof userPool>;
export type GpuPoolConfig = z.output<typeof gpuPool>;
export type { ProfileConfig } from './hub-schema';
