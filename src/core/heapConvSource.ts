/**
 * The WebAssembly text of `conv`, a stride-1 convolution of the heap SIMD module
 * (heapSimdSource.ts includes it; wasmConv.ts calls it), NHWC, without a patch matrix:
 *   conv(x, w, zero, bias, out, batch, inH, inW, ci, outH, outW, co, kh, kw, top, left, flags)
 *   out[n, h, v, o] = act(bias[o] + Σ_{i, j, c} x[n, h + i − top, v + j − left, c] · w[i, j, c, o])
 * over the taps (i, j) in row-major order and the input channels in order, one float32 product and
 * one float32 sum per step, from bias[o] (flags bit 0) or 0, with act = an integer max with 0 on
 * the float's bits when flags bit 1 is set, as XNNPACK's ReLU convolutions do (0 for every float with
 * its sign bit set, a NaN with it clear kept). With flags bit 2 the bias is added after the sums
 * instead (bit 0 clear): tfjs's Conv2D, then its Add of the bias, then its Relu (also an integer max),
 * as a layer computes under a gradient tape. A tap outside x reads `zero` (ci zeros), so it adds 0 · w as XNNPACK's indirection
 * buffer does; `zero` holds kw·ci zeros. That is the order of XNNPACK's convolution in tfjs-backend-wasm, so the numbers are
 * tfjs's bit for bit (tested). Four output pixels of an output row by eight output channels per
 * pass, then the row's last pixels two and one at a time; co is a multiple of 8.
 */

import { ZERO, add, get, loop as countedLoop, mul, set, sub } from './watText';

/** A counted loop by ones. */
const loop = (i: string, n: string, body: string) => countedLoop(i, n, '(i32.const 1)', body);

/** Row r's input pixel for tap (i, j): its address, or `zero` outside x (ih, the tap's input row, and `base`, its address, are shared). */
const tapAt = (r: number) => `${set('iw', sub(add(add(get('w'), `(i32.const ${r})`), get('j')), get('left')))}
          ${set(`x${r}`, `(select ${add(get('base'), mul(get('iw'), get('cb')))} ${get('zero')} (i32.and ${get('inRow')} (i32.lt_u ${get('iw')} ${get('inW')})))`)}`;

/** Eight output channels from channel o of `cols` (4, 2 or 1) pixels of one output row from column w. */
function block(cols: number): string {
  const rs = Array.from({ length: cols }, (_, r) => r);
  const accs = rs.flatMap((r) => [`a${r}0`, `a${r}1`]);
  const start = (half: number) => `(if (result v128) (i32.and ${get('flags')} (i32.const 1))
          (then (v128.load ${add(get('bias'), add(mul(get('o'), '(i32.const 4)'), `(i32.const ${16 * half})`))}))
          (else ${ZERO}))`;
  // One input channel of one tap: its weights for the eight outputs, times each pixel's input.
  const channelStep = `${set('b0', `(v128.load ${get('pw')})`)}
            ${set('b1', `(v128.load offset=16 ${get('pw')})`)}
            ${rs
              .map(
                (r) => `${set('s', `(v128.load32_splat ${get(`x${r}`)})`)}
            ${set(`a${r}0`, `(f32x4.add ${get(`a${r}0`)} (f32x4.mul ${get('s')} ${get('b0')}))`)}
            ${set(`a${r}1`, `(f32x4.add ${get(`a${r}1`)} (f32x4.mul ${get('s')} ${get('b1')}))`)}
            ${set(`x${r}`, add(get(`x${r}`), '(i32.const 4)'))}`,
              )
              .join('\n            ')}
            ${set('pw', add(get('pw'), get('ob')))}`;
  return `${accs.map((acc) => set(acc, start(Number(acc[2])))).join('\n      ')}
      ;; The block's first input column, and whether every tap of its pixels lies inside x's columns.
      ${set('lo', sub(get('w'), get('left')))}
      ${set('inside', `(i32.and (i32.ge_s ${get('lo')} (i32.const 0)) (i32.le_s ${add(get('lo'), add(get('kw'), `(i32.const ${cols - 1})`))} ${get('inW')}))`)}
      ${set('pw', add(get('wt'), mul(get('o'), '(i32.const 4)')))}
      ${loop(
        'i',
        get('kh'),
        `${set('ih', sub(add(get('h'), get('i')), get('top')))}
        ${set('inRow', `(i32.lt_u ${get('ih')} ${get('inH')})`)}
        ${set('base', add(get('x'), mul(mul(add(mul(get('n'), get('inH')), get('ih')), get('inW')), get('cb'))))}
        (if ${get('inside')}
          (then
          ;; Every tap of the row inside x: its kw·ci inputs are one run (or the zeros).
          ${rs.map((r) => set(`x${r}`, `(select ${add(get('base'), mul(add(get('lo'), `(i32.const ${r})`), get('cb')))} ${get('zero')} ${get('inRow')})`)).join('\n          ')}
          ${loop('c', get('run'), channelStep)})
          (else
        ${loop(
          'j',
          get('kw'),
          `${rs.map(tapAt).join('\n          ')}
          ${loop('c', get('ci'), channelStep)}`,
        )}))`,
      )}
      ${accs
        .map((acc) => {
          const r = Number(acc[1]);
          const at = add(add(get('orow'), mul(add(get('w'), `(i32.const ${r})`), get('ob'))), add(mul(get('o'), '(i32.const 4)'), `(i32.const ${16 * Number(acc[2])})`));
          const biasAt = add(get('bias'), add(mul(get('o'), '(i32.const 4)'), `(i32.const ${16 * Number(acc[2])})`));
          return `(if (i32.and ${get('flags')} (i32.const 4)) (then ${set(acc, `(f32x4.add ${get(acc)} (v128.load ${biasAt}))`)}))
      (if (i32.and ${get('flags')} (i32.const 2)) (then ${set(acc, `(i32x4.max_s ${get(acc)} ${ZERO})`)}))
      (v128.store ${at} ${get(acc)})`;
        })
        .join('\n      ')}`;
}

/** Output columns `cols` at a time from w while w + cols ≤ outW, every block of eight channels. */
const columnLoop = (cols: number) => `(block $px${cols}_done (loop $px${cols}_next
        (br_if $px${cols}_done (i32.gt_u ${add(get('w'), `(i32.const ${cols})`)} ${get('outW')}))
        ${set('o', '(i32.const 0)')}
        (block $o${cols}_done (loop $o${cols}_next
          (br_if $o${cols}_done (i32.ge_u ${get('o')} ${get('co')}))
          ${block(cols)}
          ${set('o', add(get('o'), '(i32.const 8)'))}
          (br $o${cols}_next)))
        ${set('w', add(get('w'), `(i32.const ${cols})`))}
        (br $px${cols}_next)))`;

export function convText(): string {
  const accs = [0, 1, 2, 3].flatMap((r) => [0, 1].map((n) => `(local $a${r}${n} v128)`)).join(' ');
  return `(func (export "conv") (param $x i32) (param $wt i32) (param $zero i32) (param $bias i32) (param $out i32) (param $batch i32) (param $inH i32) (param $inW i32) (param $ci i32)
    (param $outH i32) (param $outW i32) (param $co i32) (param $kh i32) (param $kw i32) (param $top i32) (param $left i32) (param $flags i32)
    (local $nh i32) (local $n i32) (local $h i32) (local $w i32) (local $o i32) (local $i i32) (local $j i32) (local $c i32) (local $ih i32) (local $iw i32)
    (local $inRow i32) (local $base i32) (local $orow i32) (local $cb i32) (local $ob i32) (local $pw i32) (local $lo i32) (local $inside i32) (local $run i32)
    (local $x0 i32) (local $x1 i32) (local $x2 i32) (local $x3 i32)
    (local $s v128) (local $b0 v128) (local $b1 v128) ${accs}
    ${set('cb', mul(get('ci'), '(i32.const 4)'))}
    ${set('ob', mul(get('co'), '(i32.const 4)'))}
    ${set('run', mul(get('kw'), get('ci')))}
    ;; One output row (n, h) at a time: its pixels four, then two, then one at a time.
    ${loop(
      'nh',
      mul(get('batch'), get('outH')),
      `${set('n', `(i32.div_u ${get('nh')} ${get('outH')})`)}
      ${set('h', `(i32.rem_u ${get('nh')} ${get('outH')})`)}
      ${set('orow', add(get('out'), mul(mul(get('nh'), get('outW')), get('ob'))))}
      ${set('w', '(i32.const 0)')}
      ${columnLoop(4)}
      ${columnLoop(2)}
      ${columnLoop(1)}`,
    )}
  )`;
}
