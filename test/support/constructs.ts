/** Unit-testing one construct: a stack of its own with the providers it needs, synthesized to JSON. */
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import { StackJson } from './synth';

/** An empty stack with Helm and Kubernetes providers, in an app with `context` (e.g. a values folder). */
export function probeStack(context?: Record<string, unknown>): TerraformStack {
  const stack = new TerraformStack(Testing.app({ context }), 'probe');
  new HelmProvider(stack, 'helm', {});
  new KubernetesProvider(stack, 'kubernetes', {});
  return stack;
}

export function synthJson(stack: TerraformStack): StackJson {
  return JSON.parse(Testing.synth(stack));
}
