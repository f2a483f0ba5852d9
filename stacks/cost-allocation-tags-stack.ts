import { CeCostAllocationTag } from '@cdktf/provider-aws/lib/ce-cost-allocation-tag';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { LocalBackend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { COST_TAG_KEYS, MANAGED_BY_TAG } from '../lib/cost/cost-tags';
import { localStatePath } from '../lib/state/environment-backend';

export interface CostAllocationTagsProps {
  readonly region: string;
}

/**
 * Activates the environments' tags as cost allocation tags, once per account, so that Cost
 * Explorer, AWS Budgets and `npm run cost -- report` can split costs by them. AWS accepts
 * a tag key only after it has appeared in billing data (up to a day after the first tagged
 * resource exists): deploy this stack the day after the first environment. Local state,
 * like state-bootstrap: it is account-wide and tiny.
 */
export class CostAllocationTagsStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: CostAllocationTagsProps) {
    super(scope, id);
    new LocalBackend(this, { path: localStatePath('cost-allocation-tags') });
    new AwsProvider(this, 'aws', {
      region: props.region,
      defaultTags: [{ tags: { ...MANAGED_BY_TAG } }],
    });
    for (const [name, tagKey] of Object.entries(COST_TAG_KEYS)) {
      new CeCostAllocationTag(this, name, { tagKey, status: 'Active' });
    }
  }
}
