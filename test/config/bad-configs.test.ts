/**
 * Each bad configuration must fail validation with a message that names the environment,
 * the field, the value received and what is allowed.
 */
import { ENVIRONMENTS } from '../../config';
import { ConfigError, loadEnvironments, parseEnvironment } from '../../config/load';
import { EnvironmentInput } from '../../config/schema';

const base = ENVIRONMENTS.staging;

/** A copy of the staging environment with `change` applied to a deep clone. */
function variant(change: (env: EnvironmentInput) => void): EnvironmentInput {
  const env = structuredClone(base) as EnvironmentInput;
  change(env);
  return env;
}

function problemsOf(input: unknown, label = 'staging'): string[] {
  try {
    parseEnvironment(label, input);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected the configuration to be rejected');
}

const cases: Array<[string, (env: EnvironmentInput) => void, RegExp]> = [
  [
    'an archive that expires before its cold class stops billing',
    (env) => (env.archive = { coldStorageClass: 'DEEP_ARCHIVE', coldAfterDays: 30, expireAfterDays: 120 }),
    /^staging\.archive\.expireAfterDays: 120 leaves objects 90 days in DEEP_ARCHIVE after coldAfterDays 30, which bills at least 180: set it to 210 or more$/,
  ],
  [
    'an unknown cold storage class',
    (env) => (env.archive = { coldStorageClass: 'STANDARD_IA' as 'GLACIER' }),
    /^staging\.archive\.coldStorageClass: .*GLACIER_IR/,
  ],
  [
    'a negative cold transition',
    (env) => (env.archive = { coldAfterDays: -1 }),
    /^staging\.archive\.coldAfterDays: /,
  ],
  [
    'a malformed VPC CIDR',
    (env) => (env.network.vpcCidr = '10.20.0.0/33'),
    /^staging\.network\.vpcCidr: "10\.20\.0\.0\/33" is not an IPv4 CIDR such as 10\.0\.0\.0\/16$/,
  ],
  [
    'a VPC CIDR with host bits set',
    (env) => (env.network.vpcCidr = '10.20.1.0/16'),
    /^staging\.network\.vpcCidr: "10\.20\.1\.0\/16" is not an IPv4 CIDR/,
  ],
  [
    'a VPC too large for AWS',
    (env) => (env.network.vpcCidr = '10.0.0.0/8'),
    /^staging\.network\.vpcCidr: 10\.0\.0\.0\/8 must be a \/16 to \/20/,
  ],
  [
    'a single availability zone',
    (env) => (env.network.availabilityZones = ['us-west-2a']),
    /^staging\.network\.availabilityZones: must list at least 2 zones \(EKS needs two AZs\) \(received \["us-west-2a"\]\)$/,
  ],
  [
    'a zone that is not a zone name',
    (env) => (env.network.availabilityZones = ['us-west-2a', 'us-west-2']),
    /^staging\.network\.availabilityZones\.1: "us-west-2" is not an availability zone name such as us-west-2a/,
  ],
  [
    "a zone outside the environment's region",
    (env) => (env.network.availabilityZones = ['us-west-2a', 'us-east-1b']),
    /^staging\.network\.availabilityZones\.1: 'us-east-1b' is not a zone of us-west-2$/,
  ],
  [
    'a zone listed twice',
    (env) => (env.network.availabilityZones = ['us-west-2a', 'us-west-2b', 'us-west-2a']),
    /^staging\.network\.availabilityZones\.2: 'us-west-2a' is listed twice; each zone gets one subnet$/,
  ],
  [
    'a state key that is not a KMS ARN',
    (env) =>
      (env.state = { backend: 's3', bucket: 'b-123', region: 'us-west-2', kmsKeyId: 'hub/terraform-state' }),
    /^staging\.state\.kmsKeyId: must be the ARN of a KMS key or alias .* \(received "hub\/terraform-state"\)$/,
  ],
  [
    'no user pool at all',
    (env) => (env.nodePools.user = {}),
    /^staging\.nodePools\.user: is empty; users need at least one pool/,
  ],
  [
    'a pool whose max is below its min',
    (env) => (env.nodePools.user!.user = { instanceType: 'm5.2xlarge', minSize: 3, maxSize: 2 }),
    /^staging\.nodePools\.user\.user\.maxSize: 2 is below minSize 3$/,
  ],
  [
    'a desired size outside min..max',
    (env) =>
      (env.nodePools.user!.large = { instanceType: 'm5.4xlarge', minSize: 0, desiredSize: 5, maxSize: 2 }),
    /^staging\.nodePools\.user\.large\.desiredSize: 5 is outside minSize 0 \.\. maxSize 2$/,
  ],
  [
    'an unknown instance type',
    (env) => (env.nodePools.user!.user = { instanceType: 'm5.3xlarge', minSize: 0, maxSize: 2 }),
    /^staging\.nodePools\.user\.user\.instanceType: unknown instance type "m5\.3xlarge"; known: m5\.large, m5\.xlarge/,
  ],
  [
    'a GPU pool on a CPU-only instance type',
    (env) => (env.nodePools.gpu = { gpu: { instanceType: 'm5.2xlarge', minSize: 0, maxSize: 2 } }),
    /^staging\.nodePools\.gpu\.gpu\.instanceType: 'm5\.2xlarge' has no GPU; a GPU pool needs a type such as g4dn\.xlarge$/,
  ],
  [
    'a GPU instance type in a user pool',
    (env) => (env.nodePools.user!.user = { instanceType: 'g4dn.xlarge', minSize: 0, maxSize: 2 }),
    /^staging\.nodePools\.user\.user\.instanceType: 'g4dn\.xlarge' is a GPU type; declare it under nodePools\.gpu$/,
  ],
  [
    'an end-of-life AL2 GPU AMI',
    (env) =>
      (env.nodePools.gpu = {
        gpu: { instanceType: 'g4dn.xlarge', minSize: 0, maxSize: 2, amiType: 'AL2_x86_64_GPU' as never },
      }),
    /^staging\.nodePools\.gpu\.gpu\.amiType: AL2023_x86_64_NVIDIA is the supported GPU AMI type: .* \(received "AL2_x86_64_GPU"\)$/,
  ],
  [
    'a Bottlerocket NVIDIA AMI, whose own device plugin would register the GPUs a second time',
    (env) =>
      (env.nodePools.gpu = {
        gpu: {
          instanceType: 'g4dn.xlarge',
          minSize: 0,
          maxSize: 2,
          amiType: 'BOTTLEROCKET_x86_64_NVIDIA' as never,
        },
      }),
    /^staging\.nodePools\.gpu\.gpu\.amiType: AL2023_x86_64_NVIDIA is the supported GPU AMI type: it ships the NVIDIA driver without a device plugin, so the platform's plugin is the only one registering GPUs \(received "BOTTLEROCKET_x86_64_NVIDIA"\)$/,
  ],
  [
    'a core pool that can scale to zero',
    (env) => (env.nodePools.core = { instanceType: 'm5.xlarge', minSize: 0, maxSize: 2 }),
    /^staging\.nodePools\.core\.minSize: 0 leaves the hub nowhere to run; must be at least 1$/,
  ],
  [
    'a user pool minimum raised to pre-warm nodes',
    (env) => (env.nodePools.user!.user = { instanceType: 'm5.2xlarge', minSize: 2, maxSize: 4 }),
    /^staging\.nodePools\.user\.user\.minSize: 2 is refused: user pools scale from zero and the autoscaler owns their size, so EKS would reject a minimum above the pool's current desired size and the apply would fail; leave it at 0 and to keep warm seats, raise hub\.placeholders .*`aws eks update-nodegroup-config --cluster-name hub-staging --nodegroup-name hub-staging-user --scaling-config desiredSize=2`/,
  ],
  [
    'a GPU pool minimum raised',
    (env) => (env.nodePools.gpu!.gpu = { instanceType: 'g4dn.xlarge', minSize: 1, maxSize: 2 }),
    /^staging\.nodePools\.gpu\.gpu\.minSize: 1 is refused: gpu pools scale from zero .*--nodegroup-name hub-staging-gpu --scaling-config desiredSize=1`/,
  ],
  [
    'a private endpoint open to a large part of the address space',
    (env) => (env.cluster.privateEndpointCidrs = ['10.0.0.0/7']),
    /^staging\.cluster\.privateEndpointCidrs\.0: 10\.0\.0\.0\/7 admits a large part of the address space to the Kubernetes API; list the operators' networks \(\/8 or narrower\)$/,
  ],
  [
    'a GitHub login that does not say which kind of client it is',
    (env) =>
      (env.hub.authentication = {
        type: 'github',
        clientId: 'Iv1.x',
        clientSecret: { source: 'ssm', name: '/x' },
        allowedOrganizations: ['org'],
      } as never),
    /^staging\.hub\.authentication\.clientKind: Invalid option: expected one of "github-app"\|"oauth-app"/,
  ],
  [
    'a public endpoint open to the world',
    (env) => (env.cluster.publicEndpointCidrs = ['203.0.113.0/24', '0.0.0.0/0']),
    /^staging\.cluster\.publicEndpointCidrs\.1: 0\.0\.0\.0\/0 opens the Kubernetes API to the whole internet/,
  ],
  [
    'a public endpoint open to half the internet',
    (env) => (env.cluster.publicEndpointCidrs = ['0.0.0.0/1', '128.0.0.0/1']),
    /^staging\.cluster\.publicEndpointCidrs\.0: 0\.0\.0\.0\/1 opens the Kubernetes API to a large part of the internet; list the operators' networks \(\/8 or narrower\)/,
  ],
  [
    'a field of the wrong type',
    (env) => (env.nodePools.user!.user = { maxSize: '20' as never }),
    /^staging\.nodePools\.user\.user\.maxSize: .*expected number, received string \(received "20"\)$/,
  ],
  [
    'an admin that is not an IAM ARN',
    (env) => (env.cluster.admins = ['alice']),
    /^staging\.cluster\.admins\.0: must be an IAM role or user ARN .* \(received "alice"\)$/,
  ],
  [
    'an unsupported Kubernetes version',
    (env) => (env.cluster.kubernetesVersion = '1.29' as never),
    /^staging\.cluster\.kubernetesVersion: Invalid option: expected one of "1\.34"\|"1\.35" \(received "1\.29"\)$/,
  ],
  [
    'a log retention CloudWatch does not offer',
    (env) => (env.cluster.logRetentionDays = 45),
    /^staging\.cluster\.logRetentionDays: 45 is not one of CloudWatch's retention periods: 1, 3, 5/,
  ],
  [
    'local state outside development',
    (env) => (env.state = { backend: 'local' }),
    /^staging\.state\.backend: 'local' keeps state on one laptop; a staging environment must use 's3'$/,
  ],
  [
    'a misspelt key',
    (env) => Object.assign(env.network, { natGateway: 'single' }),
    /^staging\.network: Unrecognized key: "natGateway"$/,
  ],
  [
    'user pools too small for the declared peak',
    (env) => (env.hub.peakUsers = 500),
    /^staging\.hub\.peakUsers: 500 users of profile 'default' \(0\.5 CPU, 1\.5G\) need 36 m5\.2xlarge nodes at 14 per node, but nodePools\.user\.user\.maxSize is 4$/,
  ],
  [
    'a default profile on a pool that does not exist',
    (env) => (env.hub.profiles = [{ ...env.hub.profiles[0], pool: 'huge' }]),
    /^staging\.hub\.profiles\.0\.pool: 'huge' is not a user or GPU pool; pools: user, large, gpu$/,
  ],
  [
    'more placeholders than the default pool holds at max size',
    (env) => (env.hub.placeholders = 200),
    // 14 seats per m5.2xlarge (lib/capacity.ts), bound by CPU: 8000m less kube-reserved 90m
    // (60 + 10 + 2 x 5 + 4 x 2.5) less the DaemonSets' 450m (aws-node 50, kube-proxy 100,
    // ebs-csi-node 30, node-exporter 50, two image pullers 10 each, efs-csi-node 180 + 2 x 10;
    // the GPU-only device plugin and DCGM exporter do not count) leaves 7460m, / 500m = 14.
    // Memory allows 19 (31627 MiB less 893 reserved for 58 pods, 100 eviction, 216 of DaemonSets
    // and 986 for the EFS plugin sized for 14 servers = 29432 MiB / 1536 MiB) and pods 51.
    // Before node-exporter was counted the CPU left was 7510m: 15 seats.
    /^staging\.hub\.placeholders: 200 exceeds the 56 seats of profile 'default' that pool 'user' holds at max size \(4 x 14\); the rest could never be scheduled$/,
  ],
  [
    'an account id that is not 12 digits',
    (env) => (env.account = '1234'),
    /^staging\.account: must be a 12-digit AWS account id \(received "1234"\)$/,
  ],
];

describe('bad environment configurations', () => {
  it.each(cases)('rejects %s', (_name, change, expected) => {
    const problems = problemsOf(variant(change));
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
  });

  it('rejects an empty admin list in a production environment', () => {
    const problems = problemsOf({ ...structuredClone(ENVIRONMENTS.prod), cluster: { admins: [] } }, 'prod');
    expect(problems).toContain(
      'prod.cluster.admins: [] is empty; a production environment needs at least one cluster admin',
    );
  });

  it('accepts an empty admin list outside production', () => {
    expect(() =>
      parseEnvironment(
        'staging',
        variant((env) => (env.cluster.admins = [])),
      ),
    ).not.toThrow();
  });

  it('reports every problem of an environment at once', () => {
    const problems = problemsOf(
      variant((env) => {
        env.network.availabilityZones = ['us-west-2a'];
        env.region = 'mars-1';
      }),
    );
    expect(problems).toHaveLength(2);
  });

  it('rejects environments whose VPC ranges overlap', () => {
    const clash = {
      ...structuredClone(ENVIRONMENTS.prod),
      name: 'prod2',
      network: { vpcCidr: '10.30.128.0/17' },
    };
    expect(() => loadEnvironments({ ...ENVIRONMENTS, prod2: clash })).toThrow(
      "prod2.network.vpcCidr: 10.30.128.0/17 overlaps prod's 10.30.0.0/16; environments need disjoint VPC ranges",
    );
  });

  it('rejects two environments with the same name', () => {
    const twin = { ...structuredClone(ENVIRONMENTS.prod), network: { vpcCidr: '10.99.0.0/16' } };
    expect(() => loadEnvironments({ ...ENVIRONMENTS, twin })).toThrow(
      "prod.name: 'prod' is used by two environments",
    );
  });
});
