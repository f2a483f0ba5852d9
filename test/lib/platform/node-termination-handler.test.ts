import { CHARTS } from '../../../lib/platform/charts';
import { NodeTerminationHandler, webhookTemplate } from '../../../lib/platform/node-termination-handler';
import { probeStack, synthJson } from '../../support/constructs';
import { releaseOf } from '../../support/synth';
import { chartMetadata, unknownKeyPaths } from '../../support/upstream-charts';

const QUEUE = 'https://sqs.us-west-2.amazonaws.com/123456789012/hub-probe-termination';
const ROLE = 'arn:aws:iam::123456789012:role/hub-probe-termination-handler';

function handlerValues(webhookSecretName?: string) {
  const stack = probeStack();
  const handler = new NodeTerminationHandler(stack, 'nth', {
    envName: 'probe',
    clusterName: 'hub-probe',
    region: 'us-west-2',
    queueUrl: QUEUE,
    roleArn: ROLE,
    timings: { podGraceSeconds: 150, nodeGraceSeconds: 210, hookHeartbeatSeconds: 330 },
    webhookSecretName,
  });
  return { handler, values: releaseOf(synthJson(stack), 'aws-node-termination-handler').values };
}

describe('NodeTerminationHandler', () => {
  const { handler, values } = handlerValues();

  it('drains in queue mode from the given queue and region, as kube-system/aws-node-termination-handler', () => {
    expect(values).toMatchObject({
      enableSqsTerminationDraining: true,
      queueURL: QUEUE,
      awsRegion: 'us-west-2',
      serviceAccount: {
        create: true,
        name: 'aws-node-termination-handler',
        annotations: { 'eks.amazonaws.com/role-arn': ROLE },
      },
    });
  });

  it('drains only instances tagged as managed, records events, and gives pods the configured grace', () => {
    expect(values).toMatchObject({
      checkTagBeforeDraining: true,
      managedTag: 'aws-node-termination-handler/managed',
      emitKubernetesEvents: true,
      podTerminationGracePeriod: 150,
      nodeTerminationGracePeriod: 210,
    });
    expect(values).not.toHaveProperty('webhookURLSecretName');
    expect(values).not.toHaveProperty('webhookTemplate');
  });

  it('runs on the core pool with requests equal to limits', () => {
    expect(values).toMatchObject({
      nodeSelector: { 'hub.jupyter.org/node-purpose': 'core' },
      affinity: null,
      tolerations: [],
      priorityClassName: 'system-cluster-critical',
    });
    expect(values.resources.limits).toEqual(values.resources.requests);
    expect(handler.placement.nodeSelector).toEqual({ 'hub.jupyter.org/node-purpose': 'core' });
  });

  it("pins the image to the chart's appVersion instead of the chart's empty-tag fallback", () => {
    expect(values.image).toEqual({ tag: `v${chartMetadata(CHARTS.nodeTerminationHandler).appVersion}` });
  });

  it('posts to the webhook in the named Secret, never a URL', () => {
    const withWebhook = handlerValues('nth-slack').values;
    expect(withWebhook.webhookURLSecretName).toBe('nth-slack');
    expect(withWebhook).not.toHaveProperty('webhookURL');
    expect(withWebhook.webhookTemplate).toBe(webhookTemplate('hub-probe'));
    expect(unknownKeyPaths(CHARTS.nodeTerminationHandler, withWebhook)).toEqual([]);
  });

  it('sets only keys of the pinned chart', () => {
    expect(unknownKeyPaths(CHARTS.nodeTerminationHandler, values)).toEqual([]);
  });
});

describe('webhookTemplate', () => {
  const template = webhookTemplate('hub-lab');

  it('is a JSON object whose text is one printf, escaped by toJson', () => {
    expect(template).toMatch(/^\{"text":\{\{ printf "[^"]*" .* \| toJson \}\}\}$/);
  });

  it('names the cluster, then the node, instance type and id, the reason, and the pods', () => {
    const [, format, args] = template.match(/printf "([^"]*)" (.*) \| toJson/)!;
    expect(format.startsWith('[hub-lab] Node %s (%s, %s) is being drained (%s: %s).')).toBe(true);
    expect(format).toContain('notebook servers can be restarted from the hub: %s');
    const fields = args.match(/\.\w+/g);
    expect(fields).toEqual(['.NodeName', '.InstanceType', '.InstanceID', '.Kind', '.Description', '.Pods']);
    // One argument per verb, or Go prints %!s(MISSING) into the message.
    expect(format.match(/%s/g)).toHaveLength(fields!.length);
  });
});
