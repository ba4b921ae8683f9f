/**
 * The WebAssembly text of `softmaxMinusOneHot`, cross-entropy's gradient in the logits, of the
 * heap SIMD module (heapSimdSource.ts includes it; wasmDenseChain.ts calls it):
 *   softmaxMinusOneHot(z, labels, out, rows, classes)
 *   out[i, ·] = softmax(z[i, ·]) − onehot(labels[i])
 * with tfjs-backend-wasm's Softmax bits, which is XNNPACK's: per row the maximum m, then
 * e_j = exp(z_j − m) by XNNPACK's "rr2-p5" approximation (a range reduction by ln 2 in two parts
 * and a degree-5 polynomial, every step one float32 operation in its order, no fused
 * multiply-add; 0 where z_j − m is below its cutoff), their sum (four lanes over the row's whole
 * fours, added (lane 0 + lane 2) + (lane 1 + lane 3), then the rest one by one), and e_j · (1 / sum).
 * Found by experiment against tfjs's Softmax on rows of 1 to 100 classes, and checked by
 * test/unit/wasm-dense-chain.test.ts: the same bits wherever the output is a number, and NaN
 * exactly where it is NaN (a row with a NaN or ±∞ in it), though not always the same NaN (which of
 * a row's NaNs comes out depends on the order of operands that XNNPACK's compiler chose). Then
 * WorkbenchMinusOneHot's step (wasmAttackSteps.ts): p − 1 at the row's label where it is in
 * [0, classes) and p is not NaN. Labels are int32 (the caller
 * keeps float labels on the tfjs path); z and out are [rows, classes], row-major, and out may not
 * be z. Scalar float32 operations, lane for lane the ones of XNNPACK's SIMD kernel.
 */

import { add, get, mul, set } from './watText';

// XNNPACK's constants for exp on wasm SIMD ("rr2-p5"), as float32 hexadecimal literals.
const LOG2E = '0x1.715476p+0';
const MAGIC_BIAS = '0x1.8000FEp23';
const MINUS_LN2_HI = '-0x1.62E400p-1';
const MINUS_LN2_LO = '-0x1.7F7D1Cp-20';
const C5 = '0x1.0F9F9Cp-7';
const C4 = '0x1.573A1Ap-5';
const C3 = '0x1.555A80p-3';
const C2 = '0x1.FFFDC6p-2';
const C1 = '0x1.FFFFF6p-1';
const DENORM_CUTOFF = '-0x1.5D589Ep6';

const c = (hex: string) => `(f32.const ${hex})`;
const fadd = (a: string, b: string) => `(f32.add ${a} ${b})`;
const fmul = (a: string, b: string) => `(f32.mul ${a} ${b})`;
/** The row's element j (a byte offset `at` from the row) as a float32. */
const element = (row: string, at: string) => `(f32.load ${add(get(row), at)})`;

/** Sets $e to exp($x − $m) as XNNPACK computes it, the operands of each step in its order. */
const expMinusMax = `${set('vx', `(f32.sub ${get('x')} ${get('m')})`)}
        ${set('vn', fadd(c(MAGIC_BIAS), fmul(get('vx'), c(LOG2E))))}
        ${set('vs', `(f32.reinterpret_i32 (i32.shl (i32.reinterpret_f32 ${get('vn')}) (i32.const 23)))`)}
        ${set('vn', `(f32.sub ${get('vn')} ${c(MAGIC_BIAS)})`)}
        ${set('vt', fadd(get('vx'), fmul(get('vn'), c(MINUS_LN2_HI))))}
        ${set('vt', fadd(get('vt'), fmul(get('vn'), c(MINUS_LN2_LO))))}
        ${set('vp', fadd(c(C4), fmul(c(C5), get('vt'))))}
        ${set('vp', fadd(c(C3), fmul(get('vp'), get('vt'))))}
        ${set('vp', fadd(c(C2), fmul(get('vp'), get('vt'))))}
        ${set('vp', fadd(c(C1), fmul(get('vp'), get('vt'))))}
        ${set('vt', fmul(get('vt'), get('vs')))}
        ${set('e', `(select (f32.const 0) ${fadd(get('vs'), fmul(get('vt'), get('vp')))} (f32.lt ${get('vx')} ${c(DENORM_CUTOFF)}))`)}`;

/** Element j of the row: its exp stored at out, and added to the lane accumulator `acc` (or the sum). */
const expInto = (acc: string) => `${set('x', element('zr', mul(get('j'), '(i32.const 4)')))}
        ${expMinusMax}
        (f32.store ${add(get('or'), mul(get('j'), '(i32.const 4)'))} ${get('e')})
        ${set(acc, fadd(get(acc), get('e')))}`;

export function softmaxText(): string {
  const lanes = [0, 1, 2, 3];
  return `(func (export "softmaxMinusOneHot") (param $z i32) (param $labels i32) (param $out i32) (param $rows i32) (param $classes i32)
    (local $i i32) (local $j i32) (local $k i32) (local $fours i32) (local $zr i32) (local $or i32) (local $rb i32)
    (local $m f32) (local $x f32) (local $e f32) (local $sum f32) (local $scale f32) (local $p f32)
    (local $vx f32) (local $vn f32) (local $vs f32) (local $vt f32) (local $vp f32)
    ${lanes.map((l) => `(local $acc${l} f32)`).join(' ')}
    ${set('rb', mul(get('classes'), '(i32.const 4)'))}
    ${set('fours', `(i32.and ${get('classes')} (i32.const -4))`)}
    ${set('zr', get('z'))}
    ${set('or', get('out'))}
    ${set('i', '(i32.const 0)')}
    (block $rows_done (loop $rows_next
      (br_if $rows_done (i32.ge_u ${get('i')} ${get('rows')}))
      ;; The row's maximum (a NaN in the row makes every output NaN whichever way it is taken).
      ${set('m', element('zr', '(i32.const 0)'))}
      ${set('j', '(i32.const 1)')}
      (block $max_done (loop $max_next
        (br_if $max_done (i32.ge_u ${get('j')} ${get('classes')}))
        ${set('m', `(f32.max ${get('m')} ${element('zr', mul(get('j'), '(i32.const 4)'))})`)}
        ${set('j', add(get('j'), '(i32.const 1)'))}
        (br $max_next)))
      ;; Whole fours a lane each, then the rest into the sum one by one.
      ${lanes.map((l) => set(`acc${l}`, '(f32.const 0)')).join('\n      ')}
      ${set('j', '(i32.const 0)')}
      (block $fours_done (loop $fours_next
        (br_if $fours_done (i32.ge_u ${get('j')} ${get('fours')}))
        ${lanes.map((l) => `${expInto(`acc${l}`)}\n        ${set('j', add(get('j'), '(i32.const 1)'))}`).join('\n        ')}
        (br $fours_next)))
      ${set('sum', fadd(fadd(get('acc0'), get('acc2')), fadd(get('acc1'), get('acc3'))))}
      (block $rest_done (loop $rest_next
        (br_if $rest_done (i32.ge_u ${get('j')} ${get('classes')}))
        ${expInto('sum')}
        ${set('j', add(get('j'), '(i32.const 1)'))}
        (br $rest_next)))
      ${set('scale', `(f32.div (f32.const 1) ${get('sum')})`)}
      ${set('j', '(i32.const 0)')}
      (block $scale_done (loop $scale_next
        (br_if $scale_done (i32.ge_u ${get('j')} ${get('rb')}))
        (f32.store ${add(get('or'), get('j'))} ${fmul(`(f32.load ${add(get('or'), get('j'))})`, get('scale'))})
        ${set('j', add(get('j'), '(i32.const 4)'))}
        (br $scale_next)))
      ;; Minus one at the label, where it is a class and p is a number.
      ${set('k', `(i32.load ${add(get('labels'), mul(get('i'), '(i32.const 4)'))})`)}
      (if (i32.lt_u ${get('k')} ${get('classes')})
        (then
          ${set('p', element('or', mul(get('k'), '(i32.const 4)')))}
          (if (f32.eq ${get('p')} ${get('p')})
            (then (f32.store ${add(get('or'), mul(get('k'), '(i32.const 4)'))} (f32.sub ${get('p')} (f32.const 1)))))))
      ${set('zr', add(get('zr'), get('rb')))}
      ${set('or', add(get('or'), get('rb')))}
      ${set('i', add(get('i'), '(i32.const 1)'))}
      (br $rows_next)))
  )`;
}
