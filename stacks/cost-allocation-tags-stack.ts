import { CeCostAllocationTag } from '@cdktf/provider-aws/lib/ce-cost-allocation-tag';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { LocalBackend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { COST_TAG_KEYS, MANAGED_BY_TAG } from '../lib/cost/cost-tags';
import { localStatePath } from '../lib/state/environment-backend';

export interface CostAllocationTagsProps {
  /** The account whose tags it activates; credentials of any other fail the plan. */
  readonly account: string;
  /**
   * Any region of the account's partition: Cost Explorer has one endpoint per partition
   * (`ce.us-east-1.amazonaws.com` in `aws`), which the provider uses whatever region it names.
   */
  readonly region: string;
}

/**
 * Activates the environments' tags as cost allocation tags in one account, so that Cost
 * Explorer, AWS Budgets and `npm run cost -- report` can split its costs by them. AWS accepts
 * a tag key only after it has appeared in billing data (up to a day after the first tagged
 * resource exists): deploy this stack the day after the account's first environment. Local
 * state, named after the stack, like state-bootstrap: it is account-wide and tiny.
 */
export class CostAllocationTagsStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: CostAllocationTagsProps) {
    super(scope, id);
    new LocalBackend(this, { path: localStatePath(id) });
    new AwsProvider(this, 'aws', {
      region: props.region,
      allowedAccountIds: [props.account],
      defaultTags: [{ tags: { ...MANAGED_BY_TAG } }],
    });
    for (const [name, tagKey] of Object.entries(COST_TAG_KEYS)) {
      new CeCostAllocationTag(this, name, { tagKey, status: 'Active' });
    }
  }
}
