/**
 * Evaluates rules on every stack of a synth output and sets the violations against the
 * accepted risks.
 */
import { AcceptedRisk, matchesRisk, riskCoversStack } from './accepted-risks';
import { SynthOutput } from './synth-output';
import { Rule, Violation } from './types';

export interface Evaluation {
  readonly violations: Violation[];
  /** Subjects each rule examined, by rule id: a rule that examined nothing proved nothing. */
  readonly examined: Map<string, number>;
}

/** Runs every rule on every stack. A rule that throws is reported as a violation of itself. */
export function evaluate(synth: SynthOutput, rules: readonly Rule[]): Evaluation {
  const violations: Violation[] = [];
  const examined = new Map<string, number>(rules.map((r) => [r.id, 0]));
  for (const stack of synth.stacks) {
    for (const rule of rules) {
      const record = (address: string, message: string) =>
        violations.push({ rule: rule.id, severity: rule.severity, stack: stack.id, address, message });
      try {
        for (const outcome of rule.check(stack, synth)) {
          examined.set(rule.id, examined.get(rule.id)! + 1);
          if (outcome.failure !== undefined) record(outcome.address, outcome.failure);
        }
      } catch (error) {
        record('(rule)', `the rule failed to run: ${(error as Error).message}`);
      }
    }
  }
  return { violations, examined };
}

export interface PolicyReport {
  readonly stacks: readonly string[];
  /** Violations no accepted risk covers: any of these fails the run. */
  readonly violations: readonly Violation[];
  readonly accepted: ReadonlyArray<{ readonly violation: Violation; readonly justification: string }>;
  /**
   * Accepted risks about a stack of this synth that matched no violation: fixed, or their
   * address changed. Any of these fails the run too. A risk about stacks this synth did not
   * write (`HUB_ENVIRONMENTS=prod`) is not stale: nothing was checked there.
   */
  readonly stale: readonly AcceptedRisk[];
  readonly examined: ReadonlyMap<string, number>;
}

/** Evaluates the rules and applies the accepted risks (validated: see loadAcceptedRisks). */
export function runPolicy(
  synth: SynthOutput,
  rules: readonly Rule[],
  risks: readonly AcceptedRisk[],
): PolicyReport {
  const { violations, examined } = evaluate(synth, rules);
  const used = new Set<AcceptedRisk>();
  const unaccepted: Violation[] = [];
  const accepted: Array<{ violation: Violation; justification: string }> = [];
  for (const violation of violations) {
    const risk = risks.find((r) => matchesRisk(r, violation));
    if (risk) {
      used.add(risk);
      accepted.push({ violation, justification: risk.justification });
    } else unaccepted.push(violation);
  }
  return {
    stacks: synth.stacks.map((s) => s.id),
    violations: unaccepted,
    accepted,
    stale: risks.filter((r) => !used.has(r) && synth.stacks.some((s) => riskCoversStack(r, s.id))),
    examined,
  };
}

/**
 * A run passes when every violation is accepted and every accepted risk still matches one:
 * a stale glob would otherwise wait to hide the next violation at that address.
 */
export function passed(report: PolicyReport): boolean {
  return report.violations.length === 0 && report.stale.length === 0;
}
