/**
 * Accepted risks: violations the team decided to live with, each with a written
 * justification, checked in at policy/accepted-risks.json.
 */
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { PROJECT_ROOT } from '../../lib/project-paths';
import { Violation } from './types';

export interface AcceptedRisk {
  readonly rule: string;
  /** Stack id; `*` and `?` glob. */
  readonly stack: string;
  /** Terraform address; `*` and `?` glob. */
  readonly resource: string;
  readonly justification: string;
}

export interface AcceptedRisks {
  readonly risks: readonly AcceptedRisk[];
  readonly errors: readonly string[];
}

/** The checked-in accepted risks. */
export const ACCEPTED_RISKS_FILE = join(PROJECT_ROOT, 'policy', 'accepted-risks.json');

/** A justification must say why, not just "ok". */
export const MIN_JUSTIFICATION_LENGTH = 40;

/** A stack or address pattern (`*` and `?` glob) as a whole-string RegExp. */
export function glob(pattern: string): RegExp {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

/** Whether the risk is about `stackId` (its stack glob matches). */
export function riskCoversStack(risk: AcceptedRisk, stackId: string): boolean {
  return glob(risk.stack).test(stackId);
}

export function matchesRisk(
  risk: AcceptedRisk,
  violation: Pick<Violation, 'rule' | 'stack' | 'address'>,
): boolean {
  return (
    risk.rule === violation.rule &&
    glob(risk.stack).test(violation.stack) &&
    glob(risk.resource).test(violation.address)
  );
}

/** Validates the parsed file: `{ "acceptedRisks": [ { rule, stack, resource, justification } ] }`. */
export function parseAcceptedRisks(
  json: unknown,
  ruleIds: ReadonlySet<string>,
  source: string,
): AcceptedRisks {
  const entries = (json as { acceptedRisks?: unknown })?.acceptedRisks;
  if (!Array.isArray(entries)) {
    return { risks: [], errors: [`${source}: must be an object with an "acceptedRisks" list`] };
  }
  const risks: AcceptedRisk[] = [];
  const errors: string[] = [];
  entries.forEach((entry, i) => {
    const at = `${source}: acceptedRisks[${i}]`;
    const problems: string[] = [];
    for (const field of ['rule', 'stack', 'resource', 'justification'] as const) {
      if (typeof entry?.[field] !== 'string' || entry[field].trim() === '')
        problems.push(`"${field}" is missing`);
    }
    if (problems.length === 0 && !ruleIds.has(entry.rule))
      problems.push(`rule "${entry.rule}" does not exist`);
    const justification = typeof entry?.justification === 'string' ? entry.justification.trim() : '';
    if (justification && justification.length < MIN_JUSTIFICATION_LENGTH) {
      problems.push(
        `justification ${JSON.stringify(justification)} is too short; write why the risk is acceptable (at least ${MIN_JUSTIFICATION_LENGTH} characters)`,
      );
    }
    if (problems.length) errors.push(`${at}: ${problems.join('; ')}`);
    else risks.push({ rule: entry.rule, stack: entry.stack, resource: entry.resource, justification });
  });
  return { risks, errors };
}

/**
 * Reads and validates an accepted-risks file. A missing file is an error, not "accept
 * nothing": the default file is checked in, so its absence means a wrong path or checkout.
 */
export function loadAcceptedRisks(path: string, ruleIds: ReadonlySet<string>): AcceptedRisks {
  if (!existsSync(path)) return { risks: [], errors: [`${path}: no such file`] };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    return { risks: [], errors: [`${path}: not valid JSON: ${(error as Error).message}`] };
  }
  return parseAcceptedRisks(json, ruleIds, path);
}
