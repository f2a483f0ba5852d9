/**
 * One cost allocation tags stack per AWS account of the configured environments, each pinned
 * to its account, so credentials of another account fail the plan instead of activating the
 * tags there, and an environment in a second account gets its tags activated too.
 */
import { mkdtempSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ENVIRONMENTS, MONITORING } from '../../config';
import { loadConfig } from '../../config/load';
import { synthesize } from '../../stacks/synthesize';
import { StackJson, resourcesOf, synthStacks } from '../support/synth';

const costStackIds = (ids: Iterable<string>) =>
  [...ids].filter((id) => id.startsWith('cost-allocation-tags')).sort();
const tagKeys = (stack: StackJson) =>
  resourcesOf(stack, 'aws_ce_cost_allocation_tag')
    .map(([, tag]) => [tag.tag_key, tag.status])
    .sort();
const ACTIVE = [
  ['hub:environment', 'Active'],
  ['hub:event', 'Active'],
  ['hub:project', 'Active'],
];

// dev, which reports to no monitoring deployment, moved to a second account.
const LAB = '210987654321';
const config = loadConfig(ENVIRONMENTS, MONITORING);
const environments = config.environments.map((env) => (env.name === 'dev' ? { ...env, account: LAB } : env));
const devInLab = environments.find((env) => env.name === 'dev')!;

describe('the cost allocation tags stacks', () => {
  it('are one for the shipped configuration, whose environments share the account, pinned to it', () => {
    const stacks = synthStacks();
    expect(costStackIds(stacks.keys())).toEqual(['cost-allocation-tags']);
    const stack = stacks.get('cost-allocation-tags')!;
    expect(stack.provider.aws).toEqual([
      {
        region: 'us-west-2',
        allowed_account_ids: ['123456789012'],
        default_tags: [{ tags: { 'hub:managed-by': 'cdktf' } }],
      },
    ]);
    expect(stack.terraform.backend).toEqual({
      local: { path: '../../../terraform.cost-allocation-tags.tfstate' },
    });
  });

  it('add one for an environment in a second account, pinned to that account, with its own state', () => {
    const stacks = synthStacks(environments, config.monitoring);
    expect(costStackIds(stacks.keys())).toEqual(['cost-allocation-tags', `cost-allocation-tags-${LAB}`]);
    expect(stacks.get('cost-allocation-tags')!.provider.aws[0].allowed_account_ids).toEqual(['123456789012']);
    const lab = stacks.get(`cost-allocation-tags-${LAB}`)!;
    expect(lab.provider.aws[0].allowed_account_ids).toEqual([LAB]);
    expect(lab.terraform.backend).toEqual({
      local: { path: `../../../terraform.cost-allocation-tags-${LAB}.tfstate` },
    });
    expect(tagKeys(lab)).toEqual(ACTIVE);
  });

  it('leave out an account no environment is in', () => {
    expect(costStackIds(synthStacks([devInLab]).keys())).toEqual([`cost-allocation-tags-${LAB}`]);
  });

  it("stay every configured account's when a synth selects some environments", () => {
    const prod = environments.find((env) => env.name === 'prod')!;
    const stacks = synthStacks([prod], config.monitoring, { environments, monitoring: config.monitoring });
    expect(costStackIds(stacks.keys())).toEqual(['cost-allocation-tags', `cost-allocation-tags-${LAB}`]);
  });

  it('are all written by a synth of one environment, as HUB_ENVIRONMENTS selects', () => {
    const outdir = join(mkdtempSync(join(tmpdir(), 'hub-cost-tags-')), 'out');
    try {
      const inputs = { ...ENVIRONMENTS, dev: { ...ENVIRONMENTS.dev, account: LAB } };
      const { stacks: ids } = synthesize({
        environments: inputs,
        monitoring: MONITORING,
        outdir,
        only: ['staging'],
      });
      expect(costStackIds(ids)).toEqual(['cost-allocation-tags', `cost-allocation-tags-${LAB}`]);
      expect(costStackIds(readdirSync(join(outdir, 'stacks')))).toEqual(costStackIds(ids));
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
