/**
 * Every stack of one synth output (`cdktf.out/stacks/<id>/cdk.tf.json`), parsed once, and
 * the lookups that cross stacks: the cluster a platform stack installs into, and values
 * passed between stacks through cdktf's remote-state outputs.
 */
import { existsSync, readFileSync, readdirSync } from 'fs';
import { join } from 'path';
import { wholeReference } from './hcl';
import { StackView, TfResource } from './stack-view';
import { Json } from './types';

/** A resource found by following a value, possibly into another stack. */
export interface Located {
  readonly stack: StackView;
  readonly resource: TfResource;
  readonly attribute: string;
}

export class SynthOutput {
  constructor(readonly stacks: readonly StackView[]) {}

  /** Indexes parsed `cdk.tf.json` documents by stack id. */
  static fromJson(stacks: Iterable<[string, Json]>): SynthOutput {
    return new SynthOutput([...stacks].map(([id, json]) => new StackView(id, json)));
  }

  /** The same output with some stacks replaced (for trying a change without re-indexing the rest). */
  withStacks(replacements: Iterable<[string, Json]>): SynthOutput {
    const replaced = new Map(replacements);
    return new SynthOutput(
      this.stacks.map((s) => (replaced.has(s.id) ? new StackView(s.id, replaced.get(s.id)) : s)),
    );
  }

  stack(id: string): StackView | undefined {
    return this.stacks.find((s) => s.id === id);
  }

  /**
   * Follows a value that is one reference to the resource it names; a reference to a
   * remote-state output (cdktf's cross-stack references) continues in the stack that
   * declares that output.
   */
  locate(stack: StackView, value: unknown): Located | undefined {
    const ref = stack.reference(value);
    if (!ref) return undefined;
    const remote = /^outputs\.([\w-]+)$/.exec(ref.attribute);
    if (ref.address.startsWith('data.terraform_remote_state.') && remote) {
      for (const producer of this.stacks) {
        const output = producer.json.output?.[remote[1]];
        if (output) return this.locate(producer, output.value);
      }
      return undefined;
    }
    const resource = stack.resource(ref.address);
    return resource && { stack, resource, attribute: ref.attribute };
  }

  /**
   * The EKS cluster a stack belongs to: its own aws_eks_cluster, or the one a platform
   * stack looks up by name through data.aws_eks_cluster.
   */
  clusterOf(stack: StackView): { stack: StackView; resource: TfResource } | undefined {
    const own = stack.resources('aws_eks_cluster')[0];
    if (own) return { stack, resource: own };
    for (const lookup of stack.resources('data.aws_eks_cluster')) {
      const byRef = this.locate(stack, lookup.body.name);
      if (byRef?.resource.type === 'aws_eks_cluster') return byRef;
      for (const other of this.stacks) {
        const cluster = other.resources('aws_eks_cluster').find((c) => c.body.name === lookup.body.name);
        if (cluster) return { stack: other, resource: cluster };
      }
    }
    return undefined;
  }

  /** The literal name of the cluster a stack belongs to, when known at synth time. */
  clusterName(stack: StackView): string | undefined {
    const name =
      this.clusterOf(stack)?.resource.body.name ?? stack.resources('data.aws_eks_cluster')[0]?.body.name;
    return typeof name === 'string' && !wholeReference(name) ? name : undefined;
  }
}

/**
 * Reads the stacks of a cdktf synth output directory: the ones its manifest.json lists,
 * which are the ones the last synth wrote (a folder it did not write is not checked).
 * Without a manifest, every folder under stacks/ with a cdk.tf.json.
 */
export function loadSynthDir(dir: string): SynthOutput {
  const stacksDir = join(dir, 'stacks');
  if (!existsSync(stacksDir)) {
    throw new Error(
      `${dir}: no stacks/ folder; run \`npm run synth\` first or pass a synth output directory`,
    );
  }
  const listed = manifestStacks(dir);
  const ids = (
    listed ?? readdirSync(stacksDir).filter((id) => existsSync(join(stacksDir, id, 'cdk.tf.json')))
  ).sort();
  if (ids.length === 0) throw new Error(`${stacksDir}: no stack has a cdk.tf.json`);
  const missing = ids.filter((id) => !existsSync(join(stacksDir, id, 'cdk.tf.json')));
  if (missing.length > 0)
    throw new Error(
      `${join(dir, 'manifest.json')} lists ${missing.join(', ')}, but ${stacksDir} has no cdk.tf.json for it`,
    );
  return SynthOutput.fromJson(
    ids.map((id) => [id, JSON.parse(readFileSync(join(stacksDir, id, 'cdk.tf.json'), 'utf8'))]),
  );
}

/** The stack ids of the synth's manifest.json, or undefined when it has none. */
function manifestStacks(dir: string): string[] | undefined {
  const file = join(dir, 'manifest.json');
  if (!existsSync(file)) return undefined;
  let manifest: { stacks?: unknown };
  try {
    manifest = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: not valid JSON: ${(error as Error).message}`);
  }
  if (manifest === null || typeof manifest.stacks !== 'object' || manifest.stacks === null)
    throw new Error(`${file}: has no "stacks" map`);
  return Object.keys(manifest.stacks);
}
