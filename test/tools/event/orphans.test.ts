/**
 * `npm run event -- orphans`: resources seeded through the AWS SDK into moto's server mode,
 * found and named for their environment, removed with --clean, and another environment's
 * left alone.
 */
import { CloudWatchLogsClient, CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateNetworkInterfaceCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVolumeCommand,
  CreateVpcCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { CreateAccessPointCommand, CreateFileSystemCommand, EFSClient } from '@aws-sdk/client-efs';
import {
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { spawnSync } from 'child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { PROJECT_ROOT } from '../../../lib/project-paths';
import { Moto, startMoto } from '../../support/moto';
import { resourcesOf, synthStacks } from '../../support/synth';

// Each case runs the CLI in a process of its own (tsx, the AWS SDK): seconds on a busy machine.
jest.setTimeout(60_000);

const REGION = 'us-west-2'; // the hackweek and dev environments' region

let moto: Moto;
let dir: string;

function event(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', join('tools', 'event', 'cli.ts'), ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...moto.env, EVENT_DIR: dir },
    encoding: 'utf8',
  });
}

function clients() {
  const config = {
    region: REGION,
    endpoint: moto.url,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  };
  return {
    ec2: new EC2Client(config),
    elbv2: new ElasticLoadBalancingV2Client(config),
    efs: new EFSClient(config),
    logs: new CloudWatchLogsClient(config),
  };
}

/** What a torn-down environment leaves: Kubernetes' load balancer, its group, a volume, ... */
async function seed(env: string, tag: 'cluster' | 'environment') {
  const { ec2, elbv2, efs, logs } = clients();
  const cluster = `hub-${env}`;
  const k8s = { Key: `kubernetes.io/cluster/${cluster}`, Value: 'owned' };
  const tags = tag === 'cluster' ? [k8s] : [{ Key: 'hub:environment', Value: env }];
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
  const subnets = await Promise.all(
    ['a', 'b'].map(
      async (az, i) =>
        (
          await ec2.send(
            new CreateSubnetCommand({
              VpcId: vpc,
              CidrBlock: `10.0.${i}.0/24`,
              AvailabilityZone: `${REGION}${az}`,
            }),
          )
        ).Subnet!.SubnetId!,
    ),
  );
  const group = await ec2.send(
    new CreateSecurityGroupCommand({
      GroupName: `k8s-elb-${env}`,
      Description: 'load balancer of proxy-public',
      VpcId: vpc,
      TagSpecifications: [
        { ResourceType: 'security-group', Tags: [{ Key: 'elbv2.k8s.aws/cluster', Value: cluster }] },
      ],
    }),
  );
  const lb = await elbv2.send(
    new CreateLoadBalancerCommand({
      Name: `k8s-jhub-proxy-${env}`,
      Type: 'network',
      Subnets: subnets,
      Tags: [...tags, { Key: 'service.k8s.aws/stack', Value: 'jupyterhub/proxy-public' }],
    }),
  );
  const tg = await elbv2.send(
    new CreateTargetGroupCommand({
      Name: `k8s-jhub-tg-${env}`,
      Protocol: 'TCP',
      Port: 80,
      VpcId: vpc,
      Tags: [{ Key: 'elbv2.k8s.aws/cluster', Value: cluster }],
    }),
  );
  const volume = await ec2.send(
    new CreateVolumeCommand({
      AvailabilityZone: `${REGION}a`,
      Size: 100,
      VolumeType: 'gp3',
      TagSpecifications: [
        {
          ResourceType: 'volume',
          Tags: [
            { Key: 'ebs.csi.aws.com/cluster', Value: 'true' },
            { Key: 'kubernetes.io/created-for/pvc/name', Value: 'prometheus-data' },
            k8s,
          ],
        },
      ],
    }),
  );
  const eni = await ec2.send(
    new CreateNetworkInterfaceCommand({
      SubnetId: subnets[0],
      Description: 'aws-K8S-i-0123',
      TagSpecifications: [
        {
          ResourceType: 'network-interface',
          Tags: [{ Key: 'cluster.k8s.amazonaws.com/name', Value: cluster }],
        },
      ],
    }),
  );
  const fs = await efs.send(new CreateFileSystemCommand({ CreationToken: `${env}-efs` }));
  const ap = await efs.send(
    new CreateAccessPointCommand({
      FileSystemId: fs.FileSystemId!,
      ClientToken: `${env}-ap`,
      Tags: [{ Key: 'hub:environment', Value: env }],
    }),
  );
  await logs.send(new CreateLogGroupCommand({ logGroupName: `/aws/eks/${cluster}/cluster` }));
  for (const c of [ec2, elbv2, efs, logs]) c.destroy();
  return {
    lb: lb.LoadBalancers![0].LoadBalancerArn!,
    group: group.GroupId!,
    tg: tg.TargetGroups![0].TargetGroupArn!,
    volume: volume.VolumeId!,
    eni: eni.NetworkInterface!.NetworkInterfaceId!,
    ap: ap.AccessPointId!,
    logGroup: `/aws/eks/${cluster}/cluster`,
  };
}

beforeAll(async () => {
  moto = await startMoto();
}, 60_000);
afterAll(async () => {
  await moto?.stop();
});
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'event-'));
  await fetch(`${moto.url}/moto-api/reset`, { method: 'POST' });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run event -- orphans', () => {
  it('passes a clean account, and logs to a file', () => {
    const run = event(['orphans', '--env', 'hackweek']);
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('hackweek: nothing left in AWS for this environment');
    const logs = readdirSync(dir);
    expect(logs).toEqual([expect.stringMatching(/^hackweek-orphans-\d{4}-.*\.log$/)]);
    expect(readFileSync(join(dir, logs[0]), 'utf8')).toContain('nothing left in AWS');
  }, 60_000);

  it('finds and names what is left, with a cost per day, and exits 1', async () => {
    const mine = await seed('hackweek', 'environment');
    const run = event(['orphans', '--env', 'hackweek', '--json']);
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout);
    const byKind = Object.fromEntries(
      (report.found as Array<{ kind: string; id: string; usdPerDay: number }>).map((o) => [o.kind, o]),
    );
    expect(Object.keys(byKind).sort()).toEqual([
      'ebs-volume',
      'efs-access-point',
      'load-balancer',
      'log-group',
      'network-interface',
      'security-group',
      'target-group',
    ]);
    expect(byKind['load-balancer'].id).toBe(mine.lb);
    expect(byKind['target-group'].id).toBe(mine.tg);
    expect(byKind['security-group'].id).toBe(mine.group);
    expect(byKind['ebs-volume'].id).toBe(mine.volume);
    expect(byKind['network-interface'].id).toBe(mine.eni);
    expect(byKind['efs-access-point'].id).toBe(mine.ap);
    expect(byKind['log-group'].id).toBe(mine.logGroup);
    // us-west-2 list prices: $0.0225 an hour for a load balancer, $0.08 per GB-month of gp3.
    expect(byKind['load-balancer'].usdPerDay).toBeCloseTo(0.54, 6);
    expect(byKind['ebs-volume'].usdPerDay).toBeCloseTo((100 * 0.08 * 24) / 730, 6);
    expect(report.usdPerDay).toBeCloseTo(0.54 + (100 * 0.08 * 24) / 730, 6);

    const text = event(['orphans', '--env', 'hackweek']);
    expect(text.status).toBe(1);
    expect(text.stdout).toContain('hackweek: 7 resource(s) left in AWS, about $0.80/day');
    expect(text.stdout).toMatch(
      /load-balancer +arn:aws:elasticloadbalancing:\S+ \(k8s-jhub-proxy-hackweek\)/,
    );
  }, 60_000);

  it('removes them with --clean, then passes, leaving another environment alone', async () => {
    await seed('hackweek', 'cluster');
    const other = await seed('dev', 'environment');
    const clean = event(['orphans', '--env', 'hackweek', '--clean', '--json']);
    expect(clean.stderr).toContain('removed load-balancer');
    const report = JSON.parse(clean.stdout);
    expect(report.found).toHaveLength(7);
    expect(report.left).toEqual([]);
    expect(report.failed).toEqual([]);
    expect(clean.status).toBe(0);
    expect(event(['orphans', '--env', 'hackweek']).status).toBe(0);

    const dev = JSON.parse(event(['orphans', '--env', 'dev', '--json']).stdout);
    expect((dev.found as Array<{ id: string }>).map((o) => o.id).sort()).toEqual(Object.values(other).sort());
  }, 90_000);

  it('finds a volume tagged only as the EBS CSI driver tags it with the synthesized add-on settings', async () => {
    const addon = resourcesOf(synthStacks().get('hub-cluster-hackweek')!, 'aws_eks_addon')
      .map(([, a]) => a)
      .find((a) => a.addon_name === 'aws-ebs-csi-driver')!;
    const { k8sTagClusterId } = JSON.parse(addon.configuration_values).controller;
    const { ec2 } = clients();
    const driverTags = (cluster: string) => [
      { Key: `kubernetes.io/cluster/${cluster}`, Value: 'owned' },
      { Key: 'ebs.csi.aws.com/cluster', Value: 'true' },
      { Key: 'CSIVolumeName', Value: `pvc-${cluster}` },
    ];
    const create = async (cluster: string) =>
      (
        await ec2.send(
          new CreateVolumeCommand({
            AvailabilityZone: `${REGION}a`,
            Size: 10,
            VolumeType: 'gp3',
            TagSpecifications: [{ ResourceType: 'volume', Tags: driverTags(cluster) }],
          }),
        )
      ).VolumeId!;
    const mine = await create(k8sTagClusterId);
    await create('hub-dev');
    ec2.destroy();
    const report = JSON.parse(event(['orphans', '--env', 'hackweek', '--json']).stdout);
    expect(report.found).toEqual([
      expect.objectContaining({
        kind: 'ebs-volume',
        id: mine,
        because: 'kubernetes.io/cluster/hub-hackweek=owned',
      }),
    ]);
  });

  it.each([
    [['orphans'], '--env: missing'],
    [['orphans', '--env', 'moon'], '--env: "moon" is not an environment; known: '],
    [['sail', '--env', 'hackweek'], '<step>: "sail" is not a step'],
    [['status', '--env', 'hackweek', '--since', 'monday'], '--since: "monday" is not a date'],
    [
      ['orphans', '--env', 'hackweek', '--users', '3'],
      '--users: not an option of orphans; its options: --clean',
    ],
    [['orphans', '--env', 'hackweek', '--fast'], "Unknown option '--fast'"],
  ])('rejects %j with exit 2, and {error} with --json', (args, message) => {
    const run = event([...args, '--json']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(message);
    expect(JSON.parse(run.stdout).error).toContain(message);
  });
});
