import { ENVIRONMENTS, MONITORING } from '../../config';
import { loadConfig } from '../../config/load';
import { MonitoringConfig } from '../../config/monitoring-schema';
import { ACCOUNT_ID } from '../../config/state-bucket';
import { monitoringTags } from '../../stacks/aws-provider';
import { synthStacks } from '../support/synth';

describe('the AWS provider of the stacks', () => {
  const stacks = synthStacks();
  const tagsOf = (id: string) => stacks.get(id)!.provider.aws[0].default_tags[0].tags;

  it('tags both monitoring stacks with the deployment and the managed-by tag, in its region', () => {
    for (const id of ['monitoring-cluster-central', 'monitoring-platform-central']) {
      expect(stacks.get(id)!.provider.aws[0].region).toBe('us-west-2');
      expect(tagsOf(id)).toEqual({ 'hub:monitoring': 'central', 'hub:managed-by': 'cdktf' });
    }
  });

  it('pins both monitoring stacks to the configured account, so other credentials fail the plan', () => {
    for (const id of ['monitoring-cluster-central', 'monitoring-platform-central'])
      expect(stacks.get(id)!.provider.aws[0].allowed_account_ids).toEqual([ACCOUNT_ID]);
    const account = '210987654321';
    const config = loadConfig(ENVIRONMENTS, MONITORING);
    const prod = { ...config.environments.find((env) => env.name === 'prod')!, account };
    const lab = synthStacks([prod], [{ ...config.monitoring[0], account, environments: ['prod'] }]);
    for (const id of ['monitoring-cluster-central', 'monitoring-platform-central'])
      expect(lab.get(id)!.provider.aws[0].allowed_account_ids).toEqual([account]);
  });

  it("gives a monitoring deployment's own tags the last word", () => {
    const monitoring = { name: 'central', tags: { team: 'rc', 'hub:monitoring': 'renamed' } };
    expect(monitoringTags(monitoring as unknown as MonitoringConfig)).toEqual({
      'hub:monitoring': 'renamed',
      'hub:managed-by': 'cdktf',
      team: 'rc',
    });
  });

  it('marks the account-wide stacks managed too', () => {
    for (const id of ['state-bootstrap', 'cost-allocation-tags'])
      expect(tagsOf(id)).toEqual({ 'hub:managed-by': 'cdktf' });
  });
});
