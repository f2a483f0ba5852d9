/**
 * The small part of Terraform's expression language that cdktf writes into JSON: `${...}`
 * interpolations holding references (`aws_x.y.attr`, `data.x.y.attr`, `local.z`) and the
 * object literals of `jsonencode(...)`.
 */
import { Json } from './types';

/** A reference to an attribute of a resource, data source or local. */
export interface Reference {
  /** `aws_kms_key.key_1234`, `data.aws_iam_policy_document.doc`, `local.issuer` */
  readonly address: string;
  /** What follows the address: `arn`, `vpc_config[0].cluster_security_group_id`; empty for a bare address. */
  readonly attribute: string;
}

const TRAVERSAL =
  /(?<![\w.])((?:data\.)?[a-z][a-z0-9]*_[a-z0-9_]+\.[A-Za-z_][\w-]*|local\.[A-Za-z_][\w-]*)((?:\.[A-Za-z_][\w-]*|\[\d+\])*)/g;

/** The `${...}` interpolations in a string, with nested braces balanced. */
export function interpolations(text: string): string[] {
  const found: string[] = [];
  let i = text.indexOf('${');
  while (i >= 0) {
    let depth = 0;
    let j = i + 1;
    for (; j < text.length; j++) {
      if (text[j] === '{') depth++;
      else if (text[j] === '}' && --depth === 0) break;
    }
    found.push(text.slice(i + 2, j));
    i = text.indexOf('${', j);
  }
  return found;
}

/** Every reference in a string, outside quoted literals of the expressions. */
export function referencesIn(text: string): Reference[] {
  const refs: Reference[] = [];
  for (const expression of interpolations(text)) {
    const unquoted = expression.replace(/"(?:[^"\\]|\\.)*"/g, '""');
    for (const match of unquoted.matchAll(TRAVERSAL)) {
      refs.push({ address: match[1], attribute: match[2].replace(/^\./, '') });
    }
  }
  return refs;
}

/** The reference when `value` is exactly one `${<traversal>}`, such as `${aws_vpc.v.id}`. */
export function wholeReference(value: unknown): Reference | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^\$\{([^{}]*)\}$/.exec(value);
  if (!match) return undefined;
  const refs = referencesIn(value);
  const expr = match[1].trim();
  if (refs.length !== 1) return undefined;
  const ref = refs[0];
  const text = ref.attribute ? `${ref.address}.${ref.attribute}`.replace(/\.\[/g, '[') : ref.address;
  return expr === text ? ref : undefined;
}

/** True when `value` contains a Terraform interpolation (its value is only known at apply). */
export function isUnresolved(value: unknown): boolean {
  return typeof value === 'string' && value.includes('${');
}

/**
 * Parses the argument of `${jsonencode(...)}` as cdktf writes it: `{"k" = v, ...}`, lists,
 * strings, numbers, booleans, null. Bare traversals and function calls come back as
 * `${...}` strings, as they would appear in a JSON document. Returns undefined for text it
 * cannot read.
 */
export function parseJsonencode(value: string): Json | undefined {
  return parseEncoded(value, 'jsonencode');
}

/** Parses `${yamlencode(...)}`, whose argument is the same object literal as jsonencode's. */
export function parseYamlencode(value: string): Json | undefined {
  return parseEncoded(value, 'yamlencode');
}

function parseEncoded(value: string, fn: 'jsonencode' | 'yamlencode'): Json | undefined {
  const match = new RegExp(`^\\$\\{\\s*${fn}\\(([\\s\\S]*)\\)\\s*\\}$`).exec(value);
  if (!match) return undefined;
  try {
    const parser = new LiteralParser(match[1]);
    const result = parser.value();
    parser.end();
    return result;
  } catch {
    return undefined;
  }
}

class LiteralParser {
  private pos = 0;
  constructor(private readonly text: string) {}

  end(): void {
    this.skip();
    if (this.pos !== this.text.length)
      throw new Error(`unexpected ${this.text.slice(this.pos, this.pos + 10)}`);
  }

  value(): Json {
    this.skip();
    const c = this.text[this.pos];
    if (c === '{') return this.object();
    if (c === '[') return this.list();
    if (c === '"') return this.string();
    const rest = this.text.slice(this.pos);
    const number = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(rest);
    if (number) {
      this.pos += number[0].length;
      return Number(number[0]);
    }
    for (const [word, literal] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (new RegExp(`^${word}\\b`).test(rest)) {
        this.pos += word.length;
        return literal;
      }
    }
    return `\${${this.expression()}}`;
  }

  /** A bare expression (traversal or call), up to the next separator at this nesting level. */
  private expression(): string {
    const start = this.pos;
    let depth = 0;
    for (; this.pos < this.text.length; this.pos++) {
      const c = this.text[this.pos];
      if (c === '"') {
        this.string();
        this.pos--;
      } else if ('([{'.includes(c)) depth++;
      else if (')]}'.includes(c)) {
        if (depth === 0) break;
        depth--;
      } else if (c === ',' && depth === 0) break;
    }
    const expr = this.text.slice(start, this.pos).trim();
    if (!expr) throw new Error('empty expression');
    return expr;
  }

  private object(): Json {
    const result: Record<string, Json> = {};
    this.pos++;
    for (;;) {
      this.skip();
      if (this.text[this.pos] === '}') {
        this.pos++;
        return result;
      }
      const key = this.text[this.pos] === '"' ? this.string() : this.identifier();
      this.skip();
      if (this.text[this.pos] !== '=' && this.text[this.pos] !== ':') throw new Error('expected =');
      this.pos++;
      result[key] = this.value();
      this.separator('}');
    }
  }

  private list(): Json[] {
    const result: Json[] = [];
    this.pos++;
    for (;;) {
      this.skip();
      if (this.text[this.pos] === ']') {
        this.pos++;
        return result;
      }
      result.push(this.value());
      this.separator(']');
    }
  }

  private separator(close: string): void {
    this.skip();
    if (this.text[this.pos] === ',') this.pos++;
    else if (this.text[this.pos] !== close) throw new Error(`expected , or ${close}`);
  }

  private identifier(): string {
    const match = /^[A-Za-z_][\w-]*/.exec(this.text.slice(this.pos));
    if (!match) throw new Error('expected a key');
    this.pos += match[0].length;
    return match[0];
  }

  private string(): string {
    const match = /^"((?:[^"\\]|\\.)*)"/.exec(this.text.slice(this.pos));
    if (!match) throw new Error('unterminated string');
    this.pos += match[0].length;
    return JSON.parse(`"${match[1]}"`);
  }

  private skip(): void {
    while (/\s/.test(this.text[this.pos] ?? '')) this.pos++;
  }
}

/** A JSON document written as a JSON string or as `${jsonencode(...)}`; undefined if neither. */
export function decodeJson(value: unknown): Json | undefined {
  if (typeof value !== 'string') return value === undefined ? undefined : value;
  const encoded = parseJsonencode(value);
  if (encoded !== undefined) return encoded;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}
