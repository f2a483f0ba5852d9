import { Environment } from '../config/schema';
import { costTags } from '../lib/cost/cost-tags';

/** The default tags of an environment's stacks: its cost allocation tags, then its own `tags`. */
export function environmentTags(env: Environment): Record<string, string> {
  return {
    ...costTags({ project: env.cost.project, environment: env.name, event: env.cost.event }),
    ...env.tags,
  };
}
