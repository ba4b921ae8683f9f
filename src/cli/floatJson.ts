/**
 * float32 arrays in the CLI's JSON, lossless: each finite value as the shortest decimal that reads
 * back to the same float32, and the non-finite values, for which JSON has no number, as the
 * strings "NaN", "Infinity" and "-Infinity" (JSON.stringify would write all three as null, and
 * they could not be told apart again).
 */
import { f32 } from './session';

/** A JSON value of a float32 array, as floatsFromJson reads it. */
export type JsonFloat = number | 'NaN' | 'Infinity' | '-Infinity';

export const floatsToJson = (a: ArrayLike<number>): JsonFloat[] => Array.from(a, (v) => (Number.isFinite(v) ? f32(v) : (String(v) as JsonFloat)));

/**
 * floatsToJson's array back, bit for bit; `what` names it in the error. A null reads as NaN: files
 * of earlier versions wrote every non-finite value so.
 */
export function floatsFromJson(v: unknown, what: string): Float32Array {
  if (!Array.isArray(v)) throw new Error(`${what} is not an array`);
  return Float32Array.from(v, (e, i) => {
    const x = e === null ? Number.NaN : typeof e === 'string' && /^(NaN|-?Infinity)$/.test(e) ? Number(e) : e;
    if (typeof x !== 'number') throw new Error(`${what}[${i}] is ${JSON.stringify(e)}, not a number, "NaN", "Infinity" or "-Infinity"`);
    return x;
  });
}
