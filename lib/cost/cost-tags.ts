/**
 * The tags every resource of an environment carries through the AWS provider's default
 * tags, and by which Cost Explorer and AWS Budgets split the bill. Once activated as cost
 * allocation tags (each account's `cost-allocation-tags` stack), Cost Explorer names them
 * `user:<key>`.
 */
export const COST_TAG_KEYS = {
  project: 'hub:project',
  environment: 'hub:environment',
  event: 'hub:event',
} as const;

/** Marks every resource as managed by this application (not to be changed by hand). */
export const MANAGED_BY_TAG: Readonly<Record<string, string>> = { 'hub:managed-by': 'cdktf' };

export interface CostTagsProps {
  readonly project: string;
  readonly environment: string;
  /** @default the environment's name */
  readonly event?: string;
}

/** The cost allocation tags of one environment, plus the tag saying Terraform manages it. */
export function costTags(props: CostTagsProps): Record<string, string> {
  return {
    [COST_TAG_KEYS.project]: props.project,
    [COST_TAG_KEYS.environment]: props.environment,
    [COST_TAG_KEYS.event]: props.event ?? props.environment,
    ...MANAGED_BY_TAG,
  };
}
