/**
 * IAM policy documents in whatever form the stack writes them: JSON strings (with `${...}`
 * references inside), `${jsonencode(...)}`, or references to data.aws_iam_policy_document,
 * normalised to one statement shape.
 */
import { decodeJson } from './hcl';
import { StackView, TfResource, blocks, list } from './stack-view';
import { Json } from './types';

export interface Condition {
  readonly test: string;
  readonly variable: string;
  readonly values: readonly string[];
}

export interface Statement {
  readonly effect: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly resources: readonly string[];
  /** Principal type (`AWS`, `Service`, `Federated`) to identifiers; `Principal: "*"` is `{AWS: ['*']}`. */
  readonly principals: Readonly<Record<string, readonly string[]>>;
  readonly conditions: readonly Condition[];
}

/** What a document governs: who may assume a role, what an identity may do, or who may use a resource. */
export type DocumentKind = 'trust' | 'identity' | 'resource';

export interface PolicyDocumentSite {
  readonly resource: TfResource;
  /** The attribute holding the document, e.g. `assume_role_policy`. */
  readonly attribute: string;
  readonly kind: DocumentKind;
  /** Undefined when the document could not be read (the rules report that). */
  readonly statements: readonly Statement[] | undefined;
}

const SITES: ReadonlyArray<[type: string, attribute: string, kind: DocumentKind]> = [
  ['aws_iam_role', 'assume_role_policy', 'trust'],
  ['aws_iam_policy', 'policy', 'identity'],
  ['aws_iam_role_policy', 'policy', 'identity'],
  ['aws_iam_user_policy', 'policy', 'identity'],
  ['aws_iam_group_policy', 'policy', 'identity'],
  ['aws_kms_key', 'policy', 'resource'],
  ['aws_s3_bucket_policy', 'policy', 'resource'],
  ['aws_efs_file_system_policy', 'policy', 'resource'],
  ['aws_sqs_queue_policy', 'policy', 'resource'],
  ['aws_sqs_queue', 'policy', 'resource'],
];

/** Every IAM document in a stack, including inline policies declared on roles. */
export function policyDocuments(stack: StackView): PolicyDocumentSite[] {
  const sites: PolicyDocumentSite[] = [];
  for (const [type, attribute, kind] of SITES) {
    for (const resource of stack.resources(type)) {
      const value = resource.body[attribute];
      if (value !== undefined)
        sites.push({ resource, attribute, kind, statements: statementsOf(stack, value) });
    }
  }
  for (const role of stack.resources('aws_iam_role')) {
    for (const inline of blocks(role.body.inline_policy)) {
      if (inline.policy !== undefined) {
        sites.push({
          resource: role,
          attribute: 'inline_policy',
          kind: 'identity',
          statements: statementsOf(stack, inline.policy),
        });
      }
    }
  }
  return sites;
}

/** The statements of a document value, or undefined when it is in a form that cannot be read. */
export function statementsOf(stack: StackView, value: unknown): Statement[] | undefined {
  if (value && typeof value === 'object') return fromJsonDocument(value);
  if (typeof value !== 'string') return undefined;
  const source = stack.target(value, 'data.aws_iam_policy_document');
  if (source) return fromDataDocument(stack, source.body);
  if (stack.reference(value)) return undefined;
  return fromJsonDocument(decodeJson(value));
}

function strings(value: unknown): string[] {
  return list(value).map(String);
}

function fromJsonDocument(doc: Json): Statement[] | undefined {
  if (!doc || typeof doc !== 'object') return undefined;
  return list(doc.Statement).map((s: Json) => ({
    effect: s.Effect === 'Deny' ? 'Deny' : 'Allow',
    actions: strings(s.Action),
    notActions: strings(s.NotAction),
    resources: strings(s.Resource),
    principals:
      s.Principal === '*'
        ? { AWS: ['*'] }
        : Object.fromEntries(Object.entries<Json>(s.Principal ?? {}).map(([k, v]) => [k, strings(v)])),
    conditions: Object.entries<Json>(s.Condition ?? {}).flatMap(([test, entries]) =>
      Object.entries<Json>(entries).map(([variable, values]) => ({
        test,
        variable,
        values: strings(values),
      })),
    ),
  }));
}

function fromDataDocument(stack: StackView, doc: Json): Statement[] {
  const inherited = list(doc.source_policy_documents).flatMap((d) => statementsOf(stack, d) ?? []);
  return [
    ...inherited,
    ...blocks(doc.statement).map((s: Json) => ({
      effect: s.effect === 'Deny' ? ('Deny' as const) : ('Allow' as const),
      actions: strings(s.actions),
      notActions: strings(s.not_actions),
      resources: strings(s.resources),
      principals: blocks(s.principals).reduce<Record<string, string[]>>((all, p: Json) => {
        const type = p.type === '*' ? 'AWS' : String(p.type);
        all[type] = [...(all[type] ?? []), ...strings(p.identifiers)];
        return all;
      }, {}),
      conditions: blocks(s.condition).map((c: Json) => ({
        test: String(c.test),
        variable: String(c.variable),
        values: strings(c.values),
      })),
    })),
  ];
}

/** Condition values for `variable` (matched by suffix, since the issuer host is a reference) under `test`. */
export function conditionValues(statement: Statement, test: string, variableSuffix: string): string[] {
  return statement.conditions
    .filter((c) => c.test === test && c.variable.endsWith(variableSuffix))
    .flatMap((c) => c.values);
}
