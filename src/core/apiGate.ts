/**
 * One gate for the public API: every function exported from index.ts is wrapped here with the
 * kinds of its arguments, checked before the function runs (so before any tensor is touched).
 * A wrong argument is refused with its function, name, what it must be and what it is:
 *   `pgd: argument x must be a tf.Tensor (got "abc")`, `logits: argument x is a disposed tensor`.
 * The kinds are coarse on purpose (a model, a tensor, a number, an object, one of some strings);
 * ranges, shapes and settings are each function's own checks, which name their fields too.
 * Async functions (gateAsync) refuse with a rejected promise, as their other errors do. The
 * package's own modules call each other directly, past the gate.
 */
import * as tf from '@tensorflow/tfjs';
import { shown } from './experiments/fieldSchema';

/**
 * One argument: "name: kind", "name?: kind" (may be left out) or "name: kind | null". A kind is
 * model, tensor, number, string, boolean, function, bytes (ArrayBuffer or a typed array), array
 * (an array, typed array or other array-like object), object, any, several joined by "/"
 * (either), or string values joined by "|" (one of them). A rest argument is given by its
 * first element.
 */
interface ArgSpec {
  name: string;
  optional: boolean;
  nullable: boolean;
  kinds: string[];
  values: string[] | null;
}

/** The argument specs of every gated function, by name (the test of the gate reads them). */
export const API_GATES = new Map<string, ArgSpec[]>();

function parse(spec: string): ArgSpec[] {
  if (!spec.trim()) return [];
  return spec.split(/,\s*/).map((part) => {
    const m = /^(\w+)(\?)?:\s*(.+?)(\s*\|\s*null)?$/.exec(part.trim());
    if (!m) throw new Error(`internal: bad argument spec "${part}"`);
    const kind = m[3];
    const values = kind.includes('|') || !KINDS.has(kind.split('/')[0]) ? kind.split('|') : null;
    return { name: m[1], optional: m[2] === '?', nullable: !!m[4], kinds: values ? [] : kind.split('/'), values };
  });
}

const isTensor = (v: unknown): v is tf.Tensor => v instanceof tf.Tensor;
const isModel = (v: unknown) => !!v && typeof v === 'object' && typeof (v as tf.LayersModel).predict === 'function' && Array.isArray((v as tf.LayersModel).layers);
const isArrayLike = (v: unknown) => Array.isArray(v) || ArrayBuffer.isView(v) || (!!v && typeof v === 'object' && typeof (v as { length?: unknown }).length === 'number');

const CHECKS: Record<string, { ok: (v: unknown) => boolean; what: string }> = {
  model: { ok: isModel, what: 'a tf.LayersModel' },
  tensor: { ok: isTensor, what: 'a tf.Tensor' },
  number: { ok: (v) => typeof v === 'number', what: 'a number' },
  string: { ok: (v) => typeof v === 'string', what: 'a string' },
  boolean: { ok: (v) => typeof v === 'boolean', what: 'true or false' },
  function: { ok: (v) => typeof v === 'function', what: 'a function' },
  bytes: { ok: (v) => v instanceof ArrayBuffer || ArrayBuffer.isView(v), what: 'an ArrayBuffer or a typed array of bytes' },
  array: { ok: isArrayLike, what: 'an array' },
  object: { ok: (v) => (!!v && typeof v === 'object') || typeof v === 'function', what: 'an object' },
  any: { ok: () => true, what: 'anything' },
};
const KINDS = new Set(Object.keys(CHECKS));

function describe(v: unknown): string {
  if (isTensor(v)) return `a tf.Tensor of shape [${v.shape.join(', ')}]`;
  if (isModel(v)) return 'a model';
  if (typeof v === 'function') return 'a function';
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name} of ${(v as unknown as ArrayLike<unknown>).length ?? v.byteLength} items`;
  return shown(v);
}

/** The problem with one argument, or null. */
function problem(spec: ArgSpec, v: unknown): string | null {
  if (v === undefined && spec.optional) return null;
  if (v === null && spec.nullable) return null;
  if (spec.values) {
    return typeof v === 'string' && spec.values.includes(v) ? null : `must be one of ${spec.values.map((s) => JSON.stringify(s)).join(', ')}`;
  }
  if (spec.kinds.some((k) => CHECKS[k].ok(v))) {
    if (isTensor(v) && v.isDisposed) return 'is a disposed tensor';
    return null;
  }
  const what = spec.kinds.map((k) => CHECKS[k].what).join(' or ');
  return `must be ${what}${spec.nullable ? ' or null' : ''}`;
}

/** Throws a TypeError naming the first wrong argument of `fn`. */
export function checkArgs(fn: string, specs: readonly ArgSpec[], args: readonly unknown[]): void {
  for (let i = 0; i < specs.length; i++) {
    const p = problem(specs[i], args[i]);
    if (p) throw new TypeError(`${fn}: argument ${specs[i].name} ${p}${p.startsWith('is ') ? '' : ` (got ${describe(args[i])})`}`);
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any function shape passes through unchanged
type AnyFunction = (...args: any[]) => any;

/** The function, its arguments checked first (see the file comment). */
export function gate<F extends AnyFunction>(name: string, spec: string, fn: F): F {
  const specs = parse(spec);
  API_GATES.set(name, specs);
  return ((...args: unknown[]) => {
    checkArgs(name, specs, args);
    return fn(...args);
  }) as F;
}

/** gate for a function that returns a promise: a wrong argument rejects it. */
export function gateAsync<F extends AnyFunction>(name: string, spec: string, fn: F): F {
  const specs = parse(spec);
  API_GATES.set(name, specs);
  return ((...args: unknown[]) => {
    try {
      checkArgs(name, specs, args);
    } catch (e) {
      return Promise.reject(e);
    }
    return fn(...args);
  }) as F;
}
