/**
 * The config files' schemas, in zod. A config's fields are listed as rules (a dotted path with
 * its type and range: the page reads the same rules for its form's limits); a table of rules
 * becomes one nested zod object schema, so a config is checked in one pass, a wrong container
 * ("training": 5) is one message instead of one per field below it, and each message names the
 * field, what it allows and the value given: `training.epochs must be a number (got "5")`.
 */
import { z } from 'zod';

// The page's Content-Security-Policy forbids eval: without this zod probes `new Function` (to
// compile fast parsers), which the browser reports as a violation even though zod catches it.
z.config({ jitless: true });

export type FieldRule = (
  | { type: 'int'; min: number; max: number }
  | { type: 'num'; min: number; max: number; minExclusive?: boolean; maxExclusive?: boolean }
  | { type: 'enum'; values: readonly string[] }
  | { type: 'bool' }
  | { type: 'box' }
  /** A string with something in it besides spaces. */
  | { type: 'text' }
) & {
  /** The field may be left out (undefined); when given it must follow the rule. */
  optional?: boolean;
};

/** Field path → problem ("must be …", with the value given). Empty when the config is valid. */
export type FieldErrors = Record<string, string>;

function ruleSchema(rule: FieldRule): z.ZodType {
  const base = requiredSchema(rule);
  return rule.optional ? base.optional() : base;
}

function requiredSchema(rule: FieldRule): z.ZodType {
  switch (rule.type) {
    case 'int':
      return z.number().int().min(rule.min).max(rule.max);
    case 'num': {
      const low = rule.minExclusive ? z.number().gt(rule.min) : z.number().gte(rule.min);
      return rule.maxExclusive ? low.lt(rule.max) : low.lte(rule.max);
    }
    case 'enum':
      return z.enum(rule.values as [string, ...string[]]);
    case 'bool':
      return z.boolean();
    case 'box':
      // z.number() refuses NaN and ±Infinity.
      return z.union([z.null(), z.tuple([z.number(), z.number()]).refine(([lo, hi]) => lo < hi)]);
    case 'text':
      return z.string().refine((t) => t.trim() !== '');
  }
}

const schemas = new WeakMap<FieldRule, z.ZodType>();
function schemaOf(rule: FieldRule): z.ZodType {
  let s = schemas.get(rule);
  if (!s) schemas.set(rule, (s = ruleSchema(rule)));
  return s;
}

/** A value as a message shows it: strings quoted, NaN and Infinity by name, nothing as "nothing". */
export function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  try {
    const text = JSON.stringify(value);
    return text.length > 60 ? `${text.slice(0, 57)}…` : text;
  } catch {
    return String(value);
  }
}

function range(r: { min: number; max: number; minExclusive?: boolean; maxExclusive?: boolean }): string {
  return `${r.minExclusive ? '>' : '≥'} ${r.min} and ${r.maxExclusive ? '<' : '≤'} ${r.max}`;
}

/** What a rule allows, in words, for the first way the value broke it. */
function ruleProblem(rule: FieldRule, issue: z.core.$ZodIssue, value: unknown): string {
  switch (rule.type) {
    case 'int':
      if (issue.code === 'too_small' || issue.code === 'too_big') return `must be between ${rule.min} and ${rule.max}`;
      return typeof value === 'number' && !Number.isNaN(value) ? 'must be a whole number' : 'must be a number';
    case 'num':
      if (issue.code === 'too_small' || issue.code === 'too_big') return `must be ${range(rule)}`;
      return typeof value === 'number' ? `must be a finite number ${range(rule)}` : 'must be a number';
    case 'enum':
      return `must be one of ${rule.values.join(', ')}`;
    case 'bool':
      return 'must be true or false';
    case 'box':
      return 'must be null or [low, high] with low < high';
    case 'text':
      return typeof value === 'string' ? 'must not be empty' : 'must be a string';
  }
}

/** Checks one value against its rule: a message with the value given, or null. */
export function checkFieldWith(rule: FieldRule, value: unknown): string | null {
  const r = schemaOf(rule).safeParse(value);
  return r.success ? null : `${ruleProblem(rule, r.error.issues[0], value)} (got ${shown(value)})`;
}

export function getPath(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
}

type Tree = { [key: string]: Tree | FieldRule };
// A rule's `type` is a string; a node's key `type` (a field named type) would hold an object.
const isRule = (v: Tree | FieldRule): v is FieldRule => typeof (v as { type?: unknown }).type === 'string';

function treeOf(rules: Record<string, FieldRule>): Tree {
  const root: Tree = {};
  for (const [path, rule] of Object.entries(rules)) {
    const keys = path.split('.');
    let node = root;
    for (const k of keys.slice(0, -1)) node = (node[k] ??= {}) as Tree;
    node[keys[keys.length - 1]] = rule;
  }
  return root;
}

function objectSchema(tree: Tree): z.ZodType {
  return z.object(Object.fromEntries(Object.entries(tree).map(([k, v]) => [k, isRule(v) ? schemaOf(v) : objectSchema(v)])));
}

const tables = new WeakMap<Record<string, FieldRule>, z.ZodType>();

/**
 * Checks a config against a table of rules in one zod pass: one message per wrong field, and
 * one for a container that is not an object (nothing is reported below it). Fields the table
 * does not name are left to the caller.
 */
export function validateFields(rules: Record<string, FieldRule>, config: unknown): FieldErrors {
  let schema = tables.get(rules);
  if (!schema) tables.set(rules, (schema = objectSchema(treeOf(rules))));
  const r = schema.safeParse(config);
  const errors: FieldErrors = {};
  if (r.success) return errors;
  for (const issue of r.error.issues) {
    const path = issue.path.join('.');
    if (errors[path]) continue;
    const value = path ? getPath(config, path) : config;
    const rule = rules[path];
    errors[path] = rule ? `${ruleProblem(rule, issue, value)} (got ${shown(value)})` : `must be an object (got ${shown(value)})`;
  }
  return errors;
}

/**
 * The problems of `value` under `rules` as lines that name each field as `names` says (else by
 * its path), after `prefix`: `batch size must be between 1 and 1000000 (got 0)`.
 */
export function namedProblems(rules: Record<string, FieldRule>, value: unknown, names: Record<string, string> = {}, prefix = ''): string[] {
  return Object.values(namedFieldProblems(rules, value, names)).map((p) => prefix + p);
}

/** The same lines by field path, for a form that shows each beside its field. */
export function namedFieldProblems(rules: Record<string, FieldRule>, value: unknown, names: Record<string, string> = {}): Record<string, string> {
  return Object.fromEntries(Object.entries(validateFields(rules, value)).map(([path, problem]) => [path, `${names[path] ?? (path || 'the settings')} ${problem}`]));
}

/** Whether `errors` holds a problem at `path` or at a container above it. */
export function hasErrorAt(errors: FieldErrors, path: string): boolean {
  const keys = path.split('.');
  return keys.some((_, i) => keys.slice(0, i + 1).join('.') in errors) || '' in errors;
}
