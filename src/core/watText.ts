/**
 * Small builders of WebAssembly text shared by the heap module's sources (heapSimdSource.ts,
 * heapGemmSource.ts, heapConvSource.ts): locals, i32 arithmetic, v128 loads and counted loops.
 */

export const get = (name: string) => `(local.get $${name})`;
export const set = (name: string, value: string) => `(local.set $${name} ${value})`;
export const load = (addr: string) => `(v128.load ${addr})`;
export const add = (a: string, b: string) => `(i32.add ${a} ${b})`;
export const sub = (a: string, b: string) => `(i32.sub ${a} ${b})`;
export const mul = (a: string, b: string) => `(i32.mul ${a} ${b})`;
export const f32x4 = (x: number) => `(v128.const f32x4 ${x} ${x} ${x} ${x})`;
export const ZERO = f32x4(0);

/** One counted loop: `i` from 0 to `n` (exclusive) by `step`, with labels of its own. */
export function loop(i: string, n: string, step: string, body: string): string {
  return `${set(i, '(i32.const 0)')}
    (block $${i}_done (loop $${i}_next
      (br_if $${i}_done (i32.ge_u ${get(i)} ${n}))
      ${body}
      ${set(i, add(get(i), step))}
      (br $${i}_next)))`;
}
