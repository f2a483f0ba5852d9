/**
 * Ways around a rule that the audit found, each as a mutation of a real stack: the rule
 * must fire on it (and only it, unless the comment says why another rule is coupled).
 */
import { Json } from '../../../tools/policy/types';
import { firedBy } from './support';
import { CLUSTER, autoscalerPolicy } from './real-stacks';

/** Rewrites the autoscaler's write statement. */
const scaleStatement = (edit: (statement: Json) => void) => (j: Json) =>
  autoscalerPolicy(j, (doc) =>
    doc.Statement.filter((s: Json) => JSON.stringify(s.Action).includes('SetDesiredCapacity')).forEach(edit),
  );
const GROUP_ARN = 'arn:aws:autoscaling:us-west-2:123456789012:autoScalingGroup:*:autoScalingGroupName/';

describe('iam.autoscaler-scoped', () => {
  it('treats a wildcard in a group ARN as unscoped without the cluster tag condition', () => {
    const wildcardArn = scaleStatement((s) => {
      delete s.Condition;
      s.Resource = `${GROUP_ARN}*`;
    });
    expect(firedBy([CLUSTER, wildcardArn])).toEqual(['iam.autoscaler-scoped']);
  });

  it('accepts a wildcard ARN that the cluster tag condition scopes', () => {
    expect(firedBy([CLUSTER, scaleStatement((s) => (s.Resource = `${GROUP_ARN}*`))])).toEqual([]);
  });

  it('counts write actions granted through NotAction', () => {
    const notAction = scaleStatement((s) => {
      delete s.Condition;
      delete s.Action;
      s.NotAction = ['iam:*'];
    });
    // Coupled by design: Allow + NotAction is itself a wildcard grant.
    expect(firedBy([CLUSTER, notAction])).toEqual(['iam.autoscaler-scoped', 'iam.no-wildcard-actions']);
  });
});

describe('iam.no-wildcard-actions', () => {
  it('fails an Allow with NotAction', () => {
    const allButAutoscaling = (j: Json) =>
      autoscalerPolicy(j, (doc) => {
        const discover = doc.Statement.find((s: Json) => s.Sid === 'Discover');
        delete discover.Action;
        discover.NotAction = ['autoscaling:*'];
      });
    expect(firedBy([CLUSTER, allButAutoscaling])).toEqual(['iam.no-wildcard-actions']);
  });
});
