/**
 * The WebAssembly text of `gemm`, the small matrix product of the heap SIMD module
 * (heapSimdSource.ts includes it; wasmGemm.ts calls it):
 *   gemm(a, b, bias, out, rows, depth, cols, sam, sak, sbk, sbn, flags)
 *   out[i, j] = act(bias[j] + Σ_k a[i, k] · b[k, j]), k from 0 up, one float32 product and one
 *   float32 sum per step, from bias[j] (flags bit 0) or 0, with act = max(0, ·) as f32x4.pmax (NaN
 *   → 0) when flags bit 1 is set.
 * That is XNNPACK's order and clamp in tfjs-backend-wasm's fully connected kernels (one accumulator
 * per output, k in order, no fused multiply-add), so the numbers are bit for bit tfjs's (tested).
 * a[i, k] is at a + i·sam + k·sak and b[k, j] at b + k·sbk + j·sbn (byte strides), so a transposed
 * operand is read in place; b's columns are loaded four at a time when sbn is 4 and gathered lane
 * by lane otherwise. out is [rows, cols], row-major. Columns go eight, then four at a time; the last one to three go four rows at a time, a row a
 * lane (in the rows left over after the last four, one at a time).
 */

import { ZERO, add, get, mul, set, sub } from './watText';

/** Depth steps per pass over the outputs: 256 rows of a 32-column b are 32 KiB, a core's L1 cache. */
const DEPTH_CHUNK = 256;

/** `k` over the depth chunk (kn steps), `pa` and `pb` stepping by a's and b's depth strides. */
function depthLoop(body: string): string {
  return `${set('k', '(i32.const 0)')}
        (block $k_done (loop $k_next
          (br_if $k_done (i32.ge_u ${get('k')} ${get('kn')}))
          ${body}
          ${set('pa', add(get('pa'), get('sak')))}
          ${set('pb', add(get('pb'), get('sbk')))}
          ${set('k', add(get('k'), '(i32.const 1)'))}
          (br $k_next)))`;
}

/** Four of b's columns from `at`: one load when they are contiguous, four lanes otherwise. */
function columns(at: string, contiguous: boolean): string {
  if (contiguous) return `(v128.load ${at})`;
  let v = `(v128.load32_splat ${at})`;
  for (let lane = 1; lane < 4; lane++) v = `(f32x4.replace_lane ${lane} ${v} (f32.load ${add(at, mul(get('sbn'), `(i32.const ${lane})`))}))`;
  return v;
}

/** Row r's element of a at depth pa (rows r of a block are sam apart). */
const aAt = (r: number) => (r === 0 ? get('pa') : add(get('pa'), get(`sam${r}`)));
const outAt = (r: number, n: number) => add(add(get('orow'), mul(get('ocb'), `(i32.const ${r})`)), mul(add(get('j'), `(i32.const ${4 * n})`), '(i32.const 4)'));

/** Columns j … j + width − 1 (width 8 or 4) of `rows` (4 or 1) rows from row i. */
function block(rows: number, width: 8 | 4): string {
  const vectors = width / 4;
  const accs: Array<[string, number, number]> = [];
  for (let r = 0; r < rows; r++) for (let n = 0; n < vectors; n++) accs.push([`acc${r}${n}`, r, n]);
  const start = (r: number, n: number) => `(if (result v128) ${get('first')}
          (then (if (result v128) (i32.and ${get('flags')} (i32.const 1))
            (then (v128.load ${add(get('bias'), mul(add(get('j'), `(i32.const ${4 * n})`), '(i32.const 4)'))}))
            (else ${ZERO})))
          (else (v128.load ${outAt(r, n)})))`;
  const step = (contiguous: boolean) =>
    depthLoop(`${Array.from({ length: vectors }, (_, n) => set(`b${n}`, columns(add(get('pb'), mul(get('sbn'), `(i32.const ${4 * n})`)), contiguous))).join('\n          ')}
          ${Array.from({ length: rows }, (_, r) =>
            [set('s', `(v128.load32_splat ${aAt(r)})`), ...Array.from({ length: vectors }, (_, n) => set(`acc${r}${n}`, `(f32x4.add ${get(`acc${r}${n}`)} (f32x4.mul ${get('s')} ${get(`b${n}`)}))`))].join('\n          '),
          ).join('\n          ')}`);
  return `${accs.map(([acc, r, n]) => set(acc, start(r, n))).join('\n        ')}
        ${set('pa', get('arow'))}
        ${set('pb', add(get('bk'), mul(get('j'), get('sbn'))))}
        (if (i32.eq ${get('sbn')} (i32.const 4))
          (then ${step(true)})
          (else ${step(false)}))
        ${accs
          .map(
            ([acc, r, n]) => `(if ${get('relu')} (then ${set(acc, `(f32x4.pmax ${ZERO} ${get(acc)})`)}))
        (v128.store ${outAt(r, n)} ${get(acc)})`,
          )
          .join('\n        ')}
        ${set('j', add(get('j'), `(i32.const ${width})`))}`;
}

/** Column j of `rows` rows from row i, one float at a time. */
function single(rows: number): string {
  const one = (r: number) => `${set('sum', `(if (result f32) ${get('first')} (then (if (result f32) (i32.and ${get('flags')} (i32.const 1)) (then (f32.load ${add(get('bias'), mul(get('j'), '(i32.const 4)'))})) (else (f32.const 0)))) (else (f32.load ${outAt(r, 0)})))`)}
        ${set('pa', r === 0 ? get('arow') : add(get('arow'), get(`sam${r}`)))}
        ${set('pb', add(get('bk'), mul(get('j'), get('sbn'))))}
        ${depthLoop(set('sum', `(f32.add ${get('sum')} (f32.mul (f32.load ${get('pa')}) (f32.load ${get('pb')})))`))}
        ;; pmax(0, sum): sum when 0 < sum, else 0 (NaN included).
        (if ${get('relu')} (then ${set('sum', `(select ${get('sum')} (f32.const 0) (f32.lt (f32.const 0) ${get('sum')}))`)}))
        (f32.store ${outAt(r, 0)} ${get('sum')})`;
  return `${Array.from({ length: rows }, (_, r) => one(r)).join('\n        ')}
        ${set('j', add(get('j'), '(i32.const 1)'))}`;
}

/** Four rows' elements of a at depth pa, one a lane (rows sam apart). */
const aLanes = () => {
  let v = `(v128.load32_splat ${get('pa')})`;
  for (let r = 1; r < 4; r++) v = `(f32x4.replace_lane ${r} ${v} (f32.load ${aAt(r)}))`;
  return v;
};

/**
 * The last `width` (1 to 3) columns from j of four rows from row i, a row a lane: one accumulator
 * a column, each lane summing its own row's depth in order (the order of `single`, four rows a
 * pass instead of one).
 */
function narrow(width: number): string {
  const cols = Array.from({ length: width }, (_, c) => c);
  const outAtLane = (r: number, c: number) => add(add(get('orow'), mul(get('ocb'), `(i32.const ${r})`)), mul(add(get('j'), `(i32.const ${c})`), '(i32.const 4)'));
  const start = (c: number) => {
    let stored = `(v128.load32_splat ${outAtLane(0, c)})`;
    for (let r = 1; r < 4; r++) stored = `(f32x4.replace_lane ${r} ${stored} (f32.load ${outAtLane(r, c)}))`;
    return `(if (result v128) ${get('first')}
          (then (if (result v128) (i32.and ${get('flags')} (i32.const 1))
            (then (v128.load32_splat ${add(get('bias'), mul(add(get('j'), `(i32.const ${c})`), '(i32.const 4)'))}))
            (else ${ZERO})))
          (else ${stored}))`;
  };
  const bAt = (c: number) => (c === 0 ? get('pb') : add(get('pb'), mul(get('sbn'), `(i32.const ${c})`)));
  return `${cols.map((c) => set(`acc${c}0`, start(c))).join('\n        ')}
        ${set('pa', get('arow'))}
        ${set('pb', add(get('bk'), mul(get('j'), get('sbn'))))}
        ${depthLoop(`${set('s', aLanes())}
          ${cols.map((c) => set(`acc${c}0`, `(f32x4.add ${get(`acc${c}0`)} (f32x4.mul ${get('s')} (v128.load32_splat ${bAt(c)})))`)).join('\n          ')}`)}
        ${cols
          .map(
            (c) => `(if ${get('relu')} (then ${set(`acc${c}0`, `(f32x4.pmax ${ZERO} ${get(`acc${c}0`)})`)}))
        ${[0, 1, 2, 3].map((r) => `(f32.store ${outAtLane(r, c)} (f32x4.extract_lane ${r} ${get(`acc${c}0`)}))`).join('\n        ')}`,
          )
          .join('\n        ')}
        ${set('j', get('cols'))}`;
}

/** The last one to three columns of four rows, by how many there are. */
const narrowColumns = () => `(if (i32.eq ${sub(get('cols'), get('j'))} (i32.const 3))
        (then ${narrow(3)})
        (else (if (i32.eq ${sub(get('cols'), get('j'))} (i32.const 2))
          (then ${narrow(2)})
          (else (if (i32.eq ${sub(get('cols'), get('j'))} (i32.const 1))
            (then ${narrow(1)}))))))`;

/** A `while (j < end)` loop over column blocks. */
const columnLoop = (label: string, end: string, body: string) => `(block $${label}_done (loop $${label}_next
        (br_if $${label}_done (i32.ge_u ${get('j')} ${end}))
        ${body}
        (br $${label}_next)))`;

/** `rows` rows from row i (while i + rows ≤ the row count), every column. */
const rowLoop = (rows: number) => `(block $rows${rows}_done (loop $rows${rows}_next
      (br_if $rows${rows}_done (i32.gt_u ${add(get('i'), `(i32.const ${rows})`)} ${get('rows')}))
      ${set('arow', add(get('ak'), mul(get('i'), get('sam'))))}
      ${set('orow', add(get('out'), mul(get('i'), get('ocb'))))}
      ${set('j', '(i32.const 0)')}
      ${columnLoop(`eight${rows}`, `(i32.and ${get('cols')} (i32.const -8))`, block(rows, 8))}
      ${columnLoop(`four${rows}`, `(i32.and ${get('cols')} (i32.const -4))`, block(rows, 4))}
      ${rows === 4 ? narrowColumns() : columnLoop(`one${rows}`, get('cols'), single(rows))}
      ${set('i', add(get('i'), `(i32.const ${rows})`))}
      (br $rows${rows}_next)))`;

export function gemmText(): string {
  const accs = [0, 1, 2, 3].flatMap((r) => [0, 1].map((n) => `(local $acc${r}${n} v128)`)).join(' ');
  return `(func (export "gemm") (param $a i32) (param $b i32) (param $bias i32) (param $out i32) (param $rows i32) (param $depth i32) (param $cols i32)
    (param $sam i32) (param $sak i32) (param $sbk i32) (param $sbn i32) (param $flags i32)
    (local $i i32) (local $j i32) (local $k i32) (local $arow i32) (local $orow i32) (local $pa i32) (local $pb i32)
    (local $ocb i32) (local $sam1 i32) (local $sam2 i32) (local $sam3 i32)
    (local $k0 i32) (local $kn i32) (local $first i32) (local $relu i32) (local $ak i32) (local $bk i32)
    (local $s v128) (local $b0 v128) (local $b1 v128) ${accs} (local $sum f32)
    ${set('ocb', mul(get('cols'), '(i32.const 4)'))}
    ${set('sam1', get('sam'))}
    ${set('sam2', mul(get('sam'), '(i32.const 2)'))}
    ${set('sam3', mul(get('sam'), '(i32.const 3)'))}
    ;; The depth in chunks of ${DEPTH_CHUNK}: each output's sum goes on from where the last chunk
    ;; stored it (the same float32 sums in the same order), while the chunk of b stays in cache.
    ${set('k0', '(i32.const 0)')}
    (loop $chunk_next
      ${set('kn', `(select (i32.const ${DEPTH_CHUNK}) ${sub(get('depth'), get('k0'))} (i32.lt_u (i32.const ${DEPTH_CHUNK}) ${sub(get('depth'), get('k0'))}))`)}
      ${set('first', '(i32.eqz (local.get $k0))')}
      ${set('relu', `(i32.and (i32.ne (i32.and ${get('flags')} (i32.const 2)) (i32.const 0)) (i32.eq ${add(get('k0'), get('kn'))} ${get('depth')}))`)}
      ${set('ak', add(get('a'), mul(get('k0'), get('sak'))))}
      ${set('bk', add(get('b'), mul(get('k0'), get('sbk'))))}
      ${set('i', '(i32.const 0)')}
      ${rowLoop(4)}
      ${rowLoop(1)}
      ${set('k0', add(get('k0'), get('kn')))}
      (br_if $chunk_next (i32.lt_u ${get('k0')} ${get('depth')})))
  )`;
}
