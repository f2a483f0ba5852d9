/**
 * The shapes the policy guard works with: synthesized Terraform JSON, rules and what they
 * report. A rule examines subjects (resources, Helm releases) and says, per subject,
 * whether it passes; only failures become violations.
 */
import type { StackView } from './stack-view';
import type { SynthOutput } from './synth-output';

/** Parsed JSON of any shape (a `cdk.tf.json`, a resource body, a Helm values tree). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** `must`: a security or outage risk; `should`: a best practice that needs a reason to skip. */
export type Severity = 'must' | 'should';

/** The result of checking one subject: no `failure` means it passed. */
export interface Outcome {
  /** Terraform address of the subject, e.g. `aws_eks_cluster.eks_cluster_55B0C966`. */
  readonly address: string;
  readonly failure?: string;
}

export interface Rule {
  /** Stable id, used in reports and accepted risks: `<area>.<property>`. */
  readonly id: string;
  readonly severity: Severity;
  readonly title: string;
  /** One line: what goes wrong without it. */
  readonly rationale: string;
  /** Where the rule comes from: checkov/trivy ids, the EKS Best Practices Guide, chart docs, incidents. */
  readonly anchors: readonly string[];
  /** Entry of shared/reference (rules-catalogue `RC-nn`, operator-lessons `OL-nn`) it implements, if any. */
  readonly reference?: string;
  /** Checks every subject the rule applies to in one stack. */
  check(stack: StackView, synth: SynthOutput): Iterable<Outcome>;
}

/** A failed outcome, with where it happened. */
export interface Violation {
  readonly rule: string;
  readonly severity: Severity;
  readonly stack: string;
  readonly address: string;
  readonly message: string;
}
