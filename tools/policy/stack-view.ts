/**
 * One synthesized stack, indexed once: resources and data sources by type and address,
 * locals, and the helpers rules use to follow references and read nested blocks.
 */
import { Reference, referencesIn, wholeReference } from './hcl';
import { Json } from './types';

/** A resource or data source of the stack. */
export interface TfResource {
  readonly type: string;
  readonly name: string;
  /** `aws_vpc.network_vpc_1234` or `data.aws_iam_policy_document.doc`. */
  readonly address: string;
  readonly body: Json;
}

/**
 * A nested block as a list: Terraform JSON accepts a single block either as an object or
 * as a one-element list (checkov's force_list), and cdktf emits both.
 */
export function blocks(value: unknown): Json[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** The first (usually only) block of a nested block, in either form. */
export function block(value: unknown): Json | undefined {
  return blocks(value)[0];
}

/** A scalar or list attribute as a list. */
export function list(value: unknown): Json[] {
  return blocks(value);
}

export class StackView {
  private readonly byType = new Map<string, TfResource[]>();
  private readonly byAddress = new Map<string, TfResource>();

  constructor(
    readonly id: string,
    readonly json: Json,
  ) {
    for (const mode of ['resource', 'data'] as const) {
      for (const [type, named] of Object.entries<Json>(json[mode] ?? {})) {
        for (const [name, body] of Object.entries<Json>(named)) {
          const key = mode === 'data' ? `data.${type}` : type;
          const resource = { type, name, address: `${key}.${name}`, body };
          this.byAddress.set(resource.address, resource);
          if (!this.byType.has(key)) this.byType.set(key, []);
          this.byType.get(key)!.push(resource);
        }
      }
    }
  }

  /** Resources of `type`; `data.<type>` for data sources. */
  resources(type: string): TfResource[] {
    return this.byType.get(type) ?? [];
  }

  /** Resources of any of `types`. */
  resourcesOf(...types: string[]): TfResource[] {
    return types.flatMap((type) => this.resources(type));
  }

  resource(address: string): TfResource | undefined {
    return this.byAddress.get(address);
  }

  /** The value of `local.<name>`. */
  local(name: string): Json {
    return this.json.locals?.[name];
  }

  /** The stack's output values by name. */
  output(name: string): Json {
    return this.json.output?.[name]?.value;
  }

  /**
   * The resource a value names when it is exactly one reference (`${aws_kms_key.k.arn}`),
   * following locals; optionally only of `type`.
   */
  target(value: unknown, type?: string): TfResource | undefined {
    const ref = this.reference(value);
    if (!ref) return undefined;
    const resource = this.resource(ref.address);
    return resource && (!type || resource.address.startsWith(`${type}.`)) ? resource : undefined;
  }

  /** The reference a value is, following `local.x` to what the local holds. */
  reference(value: unknown): Reference | undefined {
    const ref = wholeReference(value);
    if (ref?.address.startsWith('local.') && !ref.attribute)
      return this.reference(this.local(ref.address.slice(6)));
    return ref;
  }

  /** Every resource a value refers to anywhere inside it (strings, lists, maps). */
  referencedResources(value: unknown): TfResource[] {
    const found = new Map<string, TfResource>();
    const visit = (v: unknown): void => {
      if (typeof v === 'string') {
        for (const ref of referencesIn(v)) {
          const resource = this.resource(ref.address);
          if (resource) found.set(resource.address, resource);
          else if (ref.address.startsWith('local.')) visit(this.local(ref.address.slice(6)));
        }
      } else if (Array.isArray(v)) v.forEach(visit);
      else if (v && typeof v === 'object') Object.values(v).forEach(visit);
    };
    visit(value);
    return [...found.values()];
  }

  /** True when `value` refers to `resource` anywhere inside it. */
  refersTo(value: unknown, resource: TfResource): boolean {
    return this.referencedResources(value).some((r) => r.address === resource.address);
  }
}
