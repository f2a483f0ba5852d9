/**
 * Helpers for the policy tests: the real synthesized stacks as a SynthOutput (indexed
 * once), and "what does a change to real stacks make fire, anywhere".
 */
import { stringify } from 'yaml';
import { AcceptedRisk, ACCEPTED_RISKS_FILE, loadAcceptedRisks } from '../../../tools/policy/accepted-risks';
import { evaluate } from '../../../tools/policy/engine';
import { releaseValues } from '../../../tools/policy/helm';
import { RULES } from '../../../tools/policy/rules';
import { SynthOutput } from '../../../tools/policy/synth-output';
import { Json, Violation } from '../../../tools/policy/types';
import { synthStacks } from '../../support/synth';

let real: SynthOutput | undefined;

/** Every stack of every environment, synthesized once per worker. */
export function realSynth(): SynthOutput {
  return (real ??= SynthOutput.fromJson(synthStacks()));
}

/** The checked-in accepted risks; throws on a problem in the file (all-stacks.test.ts names it). */
export function checkedInRisks(): readonly AcceptedRisk[] {
  const { risks, errors } = loadAcceptedRisks(ACCEPTED_RISKS_FILE, new Set(RULES.map((r) => r.id)));
  if (errors.length > 0) throw new Error(errors.join('\n'));
  return risks;
}

const key = (v: Violation) => `${v.stack}|${v.rule}|${v.address}|${v.message}`;

let baseline: Set<string> | undefined;

/** One change to a real stack: its id and the edit to its cloned JSON. */
export type Change = readonly [stackId: string, mutate: (json: Json) => void];

/** The real synth with the stacks named by `changes` cloned and edited. */
export function changedSynth(...changes: readonly Change[]): SynthOutput {
  const synth = realSynth();
  return synth.withStacks(
    changes.map(([stackId, mutate]): [string, Json] => {
      const original = synth.stack(stackId);
      if (!original) throw new Error(`no stack ${stackId}`);
      const json = structuredClone(original.json);
      mutate(json);
      return [stackId, json];
    }),
  );
}

/**
 * The ids of the rules that report violations after `changes`, in any stack, which the
 * unchanged synth does not have: a change to one stack can make a rule fire in another
 * (the platform reads its cluster).
 */
export function firedBy(...changes: readonly Change[]): string[] {
  baseline ??= new Set(evaluate(realSynth(), RULES).violations.map(key));
  const after = evaluate(changedSynth(...changes), RULES).violations;
  return [...new Set(after.filter((v) => !baseline!.has(key(v))).map((v) => v.rule))].sort();
}

/** The one resource of `type` whose logical id or construct path contains `fragment`. */
export function find(json: Json, type: string, fragment: string): Json {
  const matches = Object.entries<Json>(json.resource?.[type] ?? {}).filter(
    ([name, body]) => name.includes(fragment) || String(body['//']?.metadata?.path ?? '').includes(fragment),
  );
  if (matches.length !== 1)
    throw new Error(`expected one ${type} matching ${fragment}, found ${matches.length}`);
  return matches[0][1];
}

/** All resources of `type` as bodies. */
export function all(json: Json, type: string): Json[] {
  return Object.values(json.resource?.[type] ?? {});
}

/** Adds a resource and returns its address. */
export function add(json: Json, type: string, name: string, body: Json): string {
  json.resource ??= {};
  json.resource[type] ??= {};
  json.resource[type][name] = body;
  return `${type}.${name}`;
}

/** Rewrites a JSON-string attribute (an IAM document, add-on configuration). */
export function editJson(body: Json, attribute: string, edit: (doc: Json) => void): void {
  const doc = JSON.parse(body[attribute]);
  edit(doc);
  body[attribute] = JSON.stringify(doc);
}

/** The stack's helm_release of `chart`. */
export function release(json: Json, chart: string): Json {
  const found = all(json, 'helm_release').filter((r) => r.chart === chart);
  if (found.length !== 1) throw new Error(`expected one ${chart} release, found ${found.length}`);
  return found[0];
}

/** Deletes the stack's helm_release of `chart`. */
export function deleteRelease(json: Json, chart: string): void {
  const body = release(json, chart);
  const name = Object.keys(json.resource.helm_release).find((n) => json.resource.helm_release[n] === body)!;
  delete json.resource.helm_release[name];
}

/** Rewrites a release's values: merged as helm would, edited, written back as one document. */
export function editValues(body: Json, edit: (values: Json) => void): void {
  const { values } = releaseValues(body);
  edit(values);
  body.values = [stringify(values)];
  delete body.set;
}
