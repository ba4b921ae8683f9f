/**
 * The WebAssembly text of the workbench's SIMD kernels over tfjs-backend-wasm's heap
 * (heapSimd.ts), four float32 lanes per instruction:
 *  - grad2x2(x, dy, dx, batch, inH, inW, outH, outW, c): the max-pooling gradient for 2 × 2
 *    windows of stride 2 inside the input (wasmMaxPool.ts), the rule of maxPoolGrad2x2Into
 *    with compares and lane selects instead of branches. A JavaScript loop over random data pays
 *    a mispredicted branch per compare (about 5 ns an element); here a window of four channels is
 *    five loads, six compares and selects, and four stores. x [batch, inH, inW, c], dy
 *    [batch, outH, outW, c], dx x's shape; rows and columns past the last window are the
 *    caller's to zero.
 *  - maxPool2x2(x, out, batch, inH, inW, outH, outW, c): max pooling over 2 × 2 windows of
 *    stride 2 inside the input (wasmMaxPool.ts) with XNNPACK's numbers, found by experiment on
 *    every window of ±0, ±1, ±∞ and NaN: with x00, x01 the window's top row and x10, x11 its
 *    bottom row, pmin(∞, pmax(−∞, pmax(pmax(x00, pmax(x11, x01)), x10))) (pmax(a, b) = a < b ?
 *    b : a, so a NaN in some places is dropped and a window that ends at NaN gives −∞).
 *  - col2im(t, dx, batch, inH, inW, outH, outW, kh, kw, top, left): the input gradient of a
 *    stride-1 convolution with one input channel (wasmConvGradients.ts) from t = dy · Wᵀ, the
 *    gradient of each output pixel's kh·kw taps:
 *    dx[n, r, c] = Σ_{i, j} t[(n, r + top − i, c + left − j), (i, j)] over the taps whose pixel
 *    exists, summed in (i, j) order from 0; four pixels of a row a pass (a pixel a lane, its
 *    reads gathered) where every tap's column exists, one at a time at the edges.
 *  - reluMask(g, h, out, bytes) and signStep(x, g, lo, hi, out, bytes, alpha): the attacks'
 *    element-wise steps of wasmAttackSteps.ts, with the numbers of the tfjs kernels they stand in
 *    for, over the first `bytes` bytes (a multiple of 16; the caller does the last few floats).
 *  - biasAdd(a, b, out, rows, cb) and columnSums(x, out, rows, cb): a bias added to every row
 *    of a [rows, c] tensor, and the sums of its columns accumulated row by row from 0
 *    (wasmBiasKernels.ts); cb = 4c bytes.
 *  - tapRows(xT, out, planes, hp, wp, outH, outW, kh, kw): the transposed patch matrix of a
 *    stride-1 convolution (wasmConvGradients.ts, the weight gradient) from the padded input
 *    transposed to planes [ci·N, hp, wp]: row (i, j, plane) is the plane's window at offset
 *    (i, j), outH rows of outW ≥ 4 floats, copied four at a time.
 *  - filterGrad1x3(x, dy, dw, batch, hp, wp, outH, outW, kh, cb): the weight gradient of a
 *    stride-1 convolution with one input channel and kernels kh × 3 (wasmConvGradients.ts) from
 *    the padded input x [batch, hp, wp] and dy [batch, outH, outW, c]:
 *    dw[i, j, co] = Σ_{n, h, w} x[n, h + i, w + j] · dy[n, h, w, co], summed in (n, h, w) order,
 *    eight output channels (cb a multiple of 32) and the three taps of a kernel row at a time,
 *    each row's sum started from 0 and then added to dw, with no patch matrix.
 *  - reluBox(mid, rad, outMid, outRad, bytes): interval bound propagation through a ReLU in
 *    centre/radius form (verify/ibp.ts): lo = relu(mid − rad), hi = relu(mid + rad), and the
 *    next affine layer's (hi + lo) / 2 and (hi − lo) / 2, the numbers of tfjs's kernels for the
 *    same steps; over the first `bytes` bytes (the caller does the last few floats).
 *  - boxBounds(x, lower, upper, bytes, eps, lo, hi, clip): the input box of interval bound
 *    propagation (verify/ibp.ts inputBox), lower = x − eps and upper = x + eps, each clamped to
 *    [lo, hi] when clip is 1 as XNNPACK's clamp does it, pmin(hi, pmax(lo, v)); over the first
 *    `bytes` bytes (the caller does the last few floats).
 *  - boxCentre(lower, upper, mid, rad, bytes): a box from its ends to centre/radius form,
 *    (upper + lower) / 2 and (upper − lower) / 2, as tfjs's Add, Sub and RealDiv compute them.
 *  - adamStep(g, m, v, w, outM, outV, outW, bytes, b1, c1, b2, c2, d1, d2, eps, negLr): one step
 *    of Adam for one variable (training/adam.ts), the float32 operations of tfjs's AdamOptimizer
 *    in its order: m′ = m·β₁ + g·(1 − β₁), v′ = v·β₂ + g²·(1 − β₂),
 *    w′ = ((m′ / d₁) / (√(v′ / d₂) + ε))·(−lr) + w, with d = 1 − βᵗ; over the first `bytes` bytes
 *    (the caller does the last few floats).
 *  - gemm(a, b, bias, out, rows, depth, cols, sam, sak, sbk, sbn, flags): a small matrix product
 *    with tfjs's numbers (heapGemmSource.ts).
 *  - conv(x, w, zero, bias, out, batch, inH, inW, ci, outH, outW, co, kh, kw, top, left, flags): a
 *    stride-1 convolution with tfjs's numbers (heapConvSource.ts).
 *  - softmaxMinusOneHot(z, labels, out, rows, classes): cross-entropy's gradient in the logits,
 *    softmax(z) − onehot(labels), with tfjs's numbers (heapSoftmaxSource.ts).
 * Pointers are byte offsets into the heap; c is a multiple of 4.
 *
 * The module imports tfjs-backend-wasm's own memory, so it reads and writes the tensors where
 * they live, without copies; `shared` assembles the variant for the threaded build, whose memory
 * is a shared one.
 *
 * Used only at development time: scripts/build-wasm.ts assembles this text with wabt into
 * heapSimdModule.ts (both variants, base64), and test/unit/cnn.test.ts checks that the committed
 * bytes are what this text assembles to.
 */

import { convText } from './heapConvSource';
import { gemmText } from './heapGemmSource';
import { softmaxText } from './heapSoftmaxSource';
import { SIGN_EPSILON } from './heapSimd';
import { ZERO, add, f32x4, get, load, loop, mul, set } from './watText';

/** The NaN a JavaScript store into a Float32Array writes (0x7fc00000). */
const F32_NAN = '(v128.const i32x4 0x7fc00000 0x7fc00000 0x7fc00000 0x7fc00000)';

export function heapSimdText(shared: boolean): string {
  const memory = shared ? '(memory 1 65536 shared)' : '(memory 1)';
  // Per window: the four inputs at p, p + c, p + row, p + row + c (bytes); dx at the same places + delta.
  const window = `
        ${set('v0', load(add(get('p'), get('d'))))}
        ${set('v1', load(add(add(get('p'), get('cb')), get('d'))))}
        ${set('v2', load(add(add(get('p'), get('row')), get('d'))))}
        ${set('v3', load(add(add(add(get('p'), get('row')), get('cb')), get('d'))))}
        ${set('g', load(add(get('q'), get('d'))))}
        ;; The first maximum in row-major order, by a strict > from -inf (NaN never wins).
        ${set('m0', `(f32x4.gt ${get('v0')} (v128.const f32x4 -inf -inf -inf -inf))`)}
        ${set('best', `(v128.bitselect ${get('v0')} (v128.const f32x4 -inf -inf -inf -inf) ${get('m0')})`)}
        ${set('m1', `(f32x4.gt ${get('v1')} ${get('best')})`)}
        ${set('best', `(v128.bitselect ${get('v1')} ${get('best')} ${get('m1')})`)}
        ${set('m2', `(f32x4.gt ${get('v2')} ${get('best')})`)}
        ${set('best', `(v128.bitselect ${get('v2')} ${get('best')} ${get('m2')})`)}
        ${set('m3', `(f32x4.gt ${get('v3')} ${get('best')})`)}
        ;; Window element j wins when its compare held and no later one did.
        ${set('later', get('m3'))}
        (v128.store ${add(add(add(add(get('p'), get('row')), get('cb')), get('d')), get('delta'))} (v128.and ${get('g')} ${get('m3')}))
        (v128.store ${add(add(add(get('p'), get('row')), get('d')), get('delta'))} (v128.and ${get('g')} (v128.andnot ${get('m2')} ${get('later')})))
        ${set('later', `(v128.or ${get('later')} ${get('m2')})`)}
        (v128.store ${add(add(add(get('p'), get('cb')), get('d')), get('delta'))} (v128.and ${get('g')} (v128.andnot ${get('m1')} ${get('later')})))
        ${set('later', `(v128.or ${get('later')} ${get('m1')})`)}
        (v128.store ${add(add(get('p'), get('d')), get('delta'))} (v128.and ${get('g')} (v128.andnot ${get('m0')} ${get('later')})))`;
  // col2im's walk over a pixel's taps in (i, j) order: h, the tap's row of t, skipped when out of
  // range; w, its column (the caller checks it where it may be out of range); at, its address.
  const taps = (body: string) =>
    loop(
      'i',
      get('kh'),
      '(i32.const 1)',
      `${set('h', `(i32.sub ${add(get('r'), get('top'))} ${get('i')})`)}
      ;; Unsigned compares: a negative row or column is out of range too.
      (if (i32.lt_u ${get('h')} ${get('outH')})
        (then
          ${loop(
            'j',
            get('kw'),
            '(i32.const 1)',
            `${set('w', `(i32.sub ${add(get('c'), get('left'))} ${get('j')})`)}
            ${set('at', add(get('t'), mul(add(mul(add(mul(add(mul(get('n'), get('outH')), get('h')), get('outW')), get('w')), get('taps')), add(mul(get('i'), get('kw')), get('j'))), '(i32.const 4)')))}
            ${body}`,
          )}))`,
    );
  return `(module
  (import "env" "memory" ${memory})
  (func (export "grad2x2") (param $x i32) (param $dy i32) (param $dx i32) (param $batch i32) (param $inH i32) (param $inW i32) (param $outH i32) (param $outW i32) (param $c i32)
    (local $cb i32) (local $row i32) (local $delta i32) (local $rows i32)
    (local $r i32) (local $yc i32) (local $d i32) (local $p i32) (local $q i32) (local $xRow i32) (local $dyRow i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128) (local $g v128) (local $best v128)
    (local $m0 v128) (local $m1 v128) (local $m2 v128) (local $m3 v128) (local $later v128)
    ${set('cb', mul(get('c'), '(i32.const 4)'))}
    ${set('row', mul(get('inW'), get('cb')))}
    ${set('delta', `(i32.sub ${get('dx')} ${get('x')})`)}
    ;; Output rows over the whole batch: row r = (b, yR) starts at input row b·inH + 2·yR.
    ${set('rows', mul(get('batch'), get('outH')))}
    ${loop(
      'r',
      get('rows'),
      '(i32.const 1)',
      `${set('xRow', add(get('x'), mul(add(mul(`(i32.div_u ${get('r')} ${get('outH')})`, get('inH')), mul('(i32.const 2)', `(i32.rem_u ${get('r')} ${get('outH')})`)), get('row'))))}
      ${set('dyRow', add(get('dy'), mul(mul(get('r'), get('outW')), get('cb'))))}
      ${loop(
        'yc',
        get('outW'),
        '(i32.const 1)',
        `${set('p', add(get('xRow'), mul(mul('(i32.const 2)', get('yc')), get('cb'))))}
        ${set('q', add(get('dyRow'), mul(get('yc'), get('cb'))))}
        ${loop('d', get('cb'), '(i32.const 16)', window)}`,
      )}`,
    )})
  (func (export "maxPool2x2") (param $x i32) (param $out i32) (param $batch i32) (param $inH i32) (param $inW i32) (param $outH i32) (param $outW i32) (param $c i32)
    (local $cb i32) (local $row i32) (local $rows i32) (local $r i32) (local $yc i32) (local $d i32) (local $p i32) (local $q i32) (local $xRow i32)
    ${set('cb', mul(get('c'), '(i32.const 4)'))}
    ${set('row', mul(get('inW'), get('cb')))}
    ${set('rows', mul(get('batch'), get('outH')))}
    ${set('q', get('out'))}
    ${loop(
      'r',
      get('rows'),
      '(i32.const 1)',
      `${set('xRow', add(get('x'), mul(add(mul(`(i32.div_u ${get('r')} ${get('outH')})`, get('inH')), mul('(i32.const 2)', `(i32.rem_u ${get('r')} ${get('outH')})`)), get('row'))))}
      ${loop(
        'yc',
        get('outW'),
        '(i32.const 1)',
        `${set('p', add(get('xRow'), mul(mul('(i32.const 2)', get('yc')), get('cb'))))}
        ${loop(
          'd',
          get('cb'),
          '(i32.const 16)',
          `;; pmin(∞, pmax(−∞, pmax(pmax(x00, pmax(x11, x01)), x10))): XNNPACK's order and clamp.
          (v128.store ${add(get('q'), get('d'))}
            (f32x4.pmin (v128.const f32x4 inf inf inf inf)
              (f32x4.pmax (v128.const f32x4 -inf -inf -inf -inf)
                (f32x4.pmax
                  (f32x4.pmax ${load(add(get('p'), get('d')))}
                    (f32x4.pmax ${load(add(add(add(get('p'), get('row')), get('cb')), get('d')))} ${load(add(add(get('p'), get('cb')), get('d')))}))
                  ${load(add(add(get('p'), get('row')), get('d')))}))))`,
        )}
        ${set('q', add(get('q'), get('cb')))}`,
      )}`,
    )})
  (func (export "col2im") (param $t i32) (param $dx i32) (param $batch i32) (param $inH i32) (param $inW i32) (param $outH i32) (param $outW i32) (param $kh i32) (param $kw i32) (param $top i32) (param $left i32)
    (local $taps i32) (local $n i32) (local $r i32) (local $c i32) (local $i i32) (local $j i32) (local $h i32) (local $w i32) (local $acc f32)
    (local $tb i32) (local $at i32) (local $sum v128)
    ${set('taps', mul(get('kh'), get('kw')))}
    ${set('tb', mul(get('taps'), '(i32.const 4)'))}
    ${loop(
      'n',
      get('batch'),
      '(i32.const 1)',
      loop(
        'r',
        get('inH'),
        '(i32.const 1)',
        `${set('c', '(i32.const 0)')}
        (block $c_done (loop $c_next
          (br_if $c_done (i32.ge_u ${get('c')} ${get('inW')}))
          ;; Four pixels whose taps' columns all exist (c + left − (kw − 1) ≥ 0, c + 3 + left < outW)
          ;; at once, a pixel a lane, each summing its taps in the same order; the others one at a time.
          (if (i32.and (i32.ge_s (i32.sub ${add(get('c'), get('left'))} (i32.sub ${get('kw')} (i32.const 1))) (i32.const 0))
                (i32.lt_s ${add(add(get('c'), '(i32.const 3)'), get('left'))} ${get('outW')}))
            (then
              ${set('sum', ZERO)}
              ${taps(set('sum', `(f32x4.add ${get('sum')} (f32x4.replace_lane 3 (f32x4.replace_lane 2 (f32x4.replace_lane 1 (v128.load32_splat ${get('at')}) (f32.load ${add(get('at'), get('tb'))})) (f32.load ${add(get('at'), mul(get('tb'), '(i32.const 2)'))})) (f32.load ${add(get('at'), mul(get('tb'), '(i32.const 3)'))})))`))}
              (v128.store ${get('dx')} ${get('sum')})
              ${set('dx', add(get('dx'), '(i32.const 16)'))}
              ${set('c', add(get('c'), '(i32.const 4)'))})
            (else
              ${set('acc', '(f32.const 0)')}
              ${taps(`(if (i32.lt_u ${get('w')} ${get('outW')}) (then ${set('acc', `(f32.add ${get('acc')} (f32.load ${get('at')}))`)}))`)}
              (f32.store ${get('dx')} ${get('acc')})
              ${set('dx', add(get('dx'), '(i32.const 4)'))}
              ${set('c', add(get('c'), '(i32.const 1)'))}))
          (br $c_next)))`,
      ),
    )})
  (func (export "reluMask") (param $g i32) (param $h i32) (param $out i32) (param $bytes i32)
    (local $at i32) (local $hv v128) (local $gv v128)
    ${loop(
      'at',
      get('bytes'),
      '(i32.const 16)',
      `${set('hv', load(add(get('h'), get('at'))))}
      ${set('gv', load(add(get('g'), get('at'))))}
      ;; g where h > 0; NaN where h is NaN; g · 0 (a signed zero, or NaN for g = ±inf or NaN) elsewhere.
      (v128.store ${add(get('out'), get('at'))}
        (v128.bitselect ${get('gv')}
          (v128.bitselect ${F32_NAN} (f32x4.mul ${get('gv')} ${ZERO}) (f32x4.ne ${get('hv')} ${get('hv')}))
          (f32x4.gt ${get('hv')} ${ZERO})))`,
    )})
  (func (export "signStep") (param $x i32) (param $g i32) (param $lo i32) (param $hi i32) (param $out i32) (param $bytes i32) (param $alpha f32)
    (local $at i32) (local $a v128) (local $na v128) (local $gv v128) (local $v v128) (local $l v128) (local $u v128) (local $m v128)
    ${set('a', `(f32x4.splat ${get('alpha')})`)}
    ${set('na', `(f32x4.neg ${get('a')})`)}
    ${loop(
      'at',
      get('bytes'),
      '(i32.const 16)',
      `${set('gv', load(add(get('g'), get('at'))))}
      ;; x + alpha · sign(g), with tfjs-wasm's sign: 0 for |g| < 2^-23 and for NaN.
      ${set('v', `(f32x4.add ${load(add(get('x'), get('at')))} (v128.bitselect ${get('a')} (v128.bitselect ${get('na')} ${ZERO} (f32x4.le ${get('gv')} ${f32x4(-SIGN_EPSILON)})) (f32x4.ge ${get('gv')} ${f32x4(SIGN_EPSILON)})))`)}
      ;; Maximum(v, lo) = v < lo ? lo : v, then Minimum(m, hi) = hi < m ? hi : m, as tfjs's kernels.
      ${set('l', load(add(get('lo'), get('at'))))}
      ${set('m', `(v128.bitselect ${get('l')} ${get('v')} (f32x4.lt ${get('v')} ${get('l')}))`)}
      ${set('u', load(add(get('hi'), get('at'))))}
      (v128.store ${add(get('out'), get('at'))} (v128.bitselect ${get('u')} ${get('m')} (f32x4.lt ${get('u')} ${get('m')})))`,
    )})
  (func (export "biasAdd") (param $a i32) (param $b i32) (param $out i32) (param $rows i32) (param $cb i32)
    (local $r i32) (local $d i32)
    ${loop(
      'r',
      get('rows'),
      '(i32.const 1)',
      `${loop('d', get('cb'), '(i32.const 16)', `(v128.store ${add(get('out'), get('d'))} (f32x4.add ${load(add(get('a'), get('d')))} ${load(add(get('b'), get('d')))}))`)}
      ${set('a', add(get('a'), get('cb')))}
      ${set('out', add(get('out'), get('cb')))}`,
    )})
  (func (export "columnSums") (param $x i32) (param $out i32) (param $rows i32) (param $cb i32)
    (local $r i32) (local $d i32)
    ${loop('d', get('cb'), '(i32.const 16)', `(v128.store ${add(get('out'), get('d'))} ${ZERO})`)}
    ${loop(
      'r',
      get('rows'),
      '(i32.const 1)',
      `${loop('d', get('cb'), '(i32.const 16)', `(v128.store ${add(get('out'), get('d'))} (f32x4.add ${load(add(get('out'), get('d')))} ${load(add(get('x'), get('d')))}))`)}
      ${set('x', add(get('x'), get('cb')))}`,
    )})
  (func (export "tapRows") (param $xT i32) (param $out i32) (param $planes i32) (param $hp i32) (param $wp i32) (param $outH i32) (param $outW i32) (param $kh i32) (param $kw i32)
    (local $i i32) (local $j i32) (local $q i32) (local $h i32) (local $d i32) (local $src i32) (local $rb i32) (local $last i32)
    ${set('rb', mul(get('outW'), '(i32.const 4)'))}
    ;; The last whole vector of a row ends at its end (it may overlap the one before: the same floats).
    ${set('last', `(i32.sub ${get('rb')} (i32.const 16))`)}
    ${loop(
      'i',
      get('kh'),
      '(i32.const 1)',
      loop(
        'j',
        get('kw'),
        '(i32.const 1)',
        loop(
          'q',
          get('planes'),
          '(i32.const 1)',
          loop(
            'h',
            get('outH'),
            '(i32.const 1)',
            `${set('src', add(get('xT'), mul(add(mul(add(mul(get('q'), get('hp')), add(get('h'), get('i'))), get('wp')), get('j')), '(i32.const 4)')))}
            ${loop('d', get('last'), '(i32.const 16)', `(v128.store ${add(get('out'), get('d'))} ${load(add(get('src'), get('d')))})`)}
            (v128.store ${add(get('out'), get('last'))} ${load(add(get('src'), get('last')))})
            ${set('out', add(get('out'), get('rb')))}`,
          ),
        ),
      ),
    )})
  (func (export "filterGrad1x3") (param $x i32) (param $dy i32) (param $dw i32) (param $batch i32) (param $hp i32) (param $wp i32) (param $outH i32) (param $outW i32) (param $kh i32) (param $cb i32)
    (local $at i32) (local $r i32) (local $rows i32) (local $i i32) (local $d i32) (local $w i32)
    (local $xr i32) (local $dr i32) (local $wr i32) (local $px i32) (local $pg i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $b0 v128) (local $b1 v128) (local $b2 v128)
    (local $g v128) (local $h v128) (local $s0 v128) (local $s1 v128) (local $s2 v128)
    ${loop('at', mul(mul(get('kh'), '(i32.const 3)'), get('cb')), '(i32.const 16)', `(v128.store ${add(get('dw'), get('at'))} ${ZERO})`)}
    ;; Output rows over the whole batch: row r = (n, h) reads input rows n·hp + h + i.
    ${set('rows', mul(get('batch'), get('outH')))}
    ${loop(
      'r',
      get('rows'),
      '(i32.const 1)',
      `${set('dr', add(get('dy'), mul(mul(get('r'), get('outW')), get('cb'))))}
      ${loop(
        'i',
        get('kh'),
        '(i32.const 1)',
        `${set('xr', add(get('x'), mul(mul(add(add(mul(`(i32.div_u ${get('r')} ${get('outH')})`, get('hp')), `(i32.rem_u ${get('r')} ${get('outH')})`), get('i')), get('wp')), '(i32.const 4)')))}
        ${set('wr', add(get('dw'), mul(mul(get('i'), '(i32.const 3)'), get('cb'))))}
        ;; Eight output channels (a: the first four, b: the next) of the row's three taps, summed
        ;; over the row from 0, then added to dw: a sum over the row's pixels, then over the rows.
        ${loop(
          'd',
          get('cb'),
          '(i32.const 32)',
          `${['a0', 'a1', 'a2', 'b0', 'b1', 'b2'].map((v) => set(v, ZERO)).join('\n          ')}
          ${set('px', get('xr'))}
          ${set('pg', add(get('dr'), get('d')))}
          ${loop(
            'w',
            get('outW'),
            '(i32.const 1)',
            `${set('g', load(get('pg')))}
            ${set('h', '(v128.load offset=16 ' + get('pg') + ')')}
            ${set('s0', `(v128.load32_splat ${get('px')})`)}
            ${set('s1', `(v128.load32_splat offset=4 ${get('px')})`)}
            ${set('s2', `(v128.load32_splat offset=8 ${get('px')})`)}
            ${set('a0', `(f32x4.add ${get('a0')} (f32x4.mul ${get('s0')} ${get('g')}))`)}
            ${set('b0', `(f32x4.add ${get('b0')} (f32x4.mul ${get('s0')} ${get('h')}))`)}
            ${set('a1', `(f32x4.add ${get('a1')} (f32x4.mul ${get('s1')} ${get('g')}))`)}
            ${set('b1', `(f32x4.add ${get('b1')} (f32x4.mul ${get('s1')} ${get('h')}))`)}
            ${set('a2', `(f32x4.add ${get('a2')} (f32x4.mul ${get('s2')} ${get('g')}))`)}
            ${set('b2', `(f32x4.add ${get('b2')} (f32x4.mul ${get('s2')} ${get('h')}))`)}
            ${set('px', add(get('px'), '(i32.const 4)'))}
            ${set('pg', add(get('pg'), get('cb')))}`,
          )}
          ${[0, 1, 2]
            .flatMap((j) => [
              [`a${j}`, 0],
              [`b${j}`, 16],
            ])
            .map(([v, off]) => {
              const tap = Number((v as string)[1]);
              const at = add(add(get('wr'), mul(get('cb'), `(i32.const ${tap})`)), add(get('d'), `(i32.const ${off})`));
              return `(v128.store ${at} (f32x4.add ${load(at)} ${get(v as string)}))`;
            })
            .join('\n          ')}`,
        )}`,
      )}`,
    )})
  (func (export "reluBox") (param $mid i32) (param $rad i32) (param $outMid i32) (param $outRad i32) (param $bytes i32)
    (local $at i32) (local $m v128) (local $r v128) (local $lo v128) (local $hi v128)
    ${loop(
      'at',
      get('bytes'),
      '(i32.const 16)',
      `${set('m', load(add(get('mid'), get('at'))))}
      ${set('r', load(add(get('rad'), get('at'))))}
      ;; tfjs-wasm's Relu is an integer max with 0 on the float's bits: 0 for every float with its sign bit set.
      ${set('lo', `(i32x4.max_s (f32x4.sub ${get('m')} ${get('r')}) ${ZERO})`)}
      ${set('hi', `(i32x4.max_s (f32x4.add ${get('m')} ${get('r')}) ${ZERO})`)}
      (v128.store ${add(get('outMid'), get('at'))} (f32x4.div (f32x4.add ${get('hi')} ${get('lo')}) ${f32x4(2)}))
      (v128.store ${add(get('outRad'), get('at'))} (f32x4.div (f32x4.sub ${get('hi')} ${get('lo')}) ${f32x4(2)}))`,
    )})
  (func (export "boxBounds") (param $x i32) (param $lower i32) (param $upper i32) (param $bytes i32) (param $eps f32) (param $lo f32) (param $hi f32) (param $clip i32)
    (local $at i32) (local $v v128) (local $l v128) (local $u v128) (local $E v128) (local $L v128) (local $H v128)
    ${set('E', `(f32x4.splat ${get('eps')})`)}
    ${set('L', `(f32x4.splat ${get('lo')})`)}
    ${set('H', `(f32x4.splat ${get('hi')})`)}
    ${loop(
      'at',
      get('bytes'),
      '(i32.const 16)',
      `${set('v', load(add(get('x'), get('at'))))}
      ${set('l', `(f32x4.sub ${get('v')} ${get('E')})`)}
      ${set('u', `(f32x4.add ${get('v')} ${get('E')})`)}
      (if ${get('clip')} (then
        ${set('l', `(f32x4.pmin ${get('H')} (f32x4.pmax ${get('L')} ${get('l')}))`)}
        ${set('u', `(f32x4.pmin ${get('H')} (f32x4.pmax ${get('L')} ${get('u')}))`)}))
      (v128.store ${add(get('lower'), get('at'))} ${get('l')})
      (v128.store ${add(get('upper'), get('at'))} ${get('u')})`,
    )})
  (func (export "boxCentre") (param $lower i32) (param $upper i32) (param $mid i32) (param $rad i32) (param $bytes i32)
    (local $at i32) (local $l v128) (local $u v128)
    ${loop(
      'at',
      get('bytes'),
      '(i32.const 16)',
      `${set('l', load(add(get('lower'), get('at'))))}
      ${set('u', load(add(get('upper'), get('at'))))}
      (v128.store ${add(get('mid'), get('at'))} (f32x4.div (f32x4.add ${get('u')} ${get('l')}) ${f32x4(2)}))
      (v128.store ${add(get('rad'), get('at'))} (f32x4.div (f32x4.sub ${get('u')} ${get('l')}) ${f32x4(2)}))`,
    )})
  (func (export "adamStep") (param $g i32) (param $m i32) (param $v i32) (param $w i32) (param $outM i32) (param $outV i32) (param $outW i32) (param $bytes i32)
    (param $b1 f32) (param $c1 f32) (param $b2 f32) (param $c2 f32) (param $d1 f32) (param $d2 f32) (param $eps f32) (param $negLr f32)
    (local $at i32) (local $gv v128) (local $mn v128) (local $vn v128)
    (local $B1 v128) (local $C1 v128) (local $B2 v128) (local $C2 v128) (local $D1 v128) (local $D2 v128) (local $E v128) (local $L v128)
    ${['B1:b1', 'C1:c1', 'B2:b2', 'C2:c2', 'D1:d1', 'D2:d2', 'E:eps', 'L:negLr'].map((p) => set(p.split(':')[0], `(f32x4.splat ${get(p.split(':')[1])})`)).join('\n    ')}
    ${loop(
      'at',
      get('bytes'),
      '(i32.const 16)',
      `${set('gv', load(add(get('g'), get('at'))))}
      ${set('mn', `(f32x4.add (f32x4.mul ${load(add(get('m'), get('at')))} ${get('B1')}) (f32x4.mul ${get('gv')} ${get('C1')}))`)}
      ${set('vn', `(f32x4.add (f32x4.mul ${load(add(get('v'), get('at')))} ${get('B2')}) (f32x4.mul (f32x4.mul ${get('gv')} ${get('gv')}) ${get('C2')}))`)}
      (v128.store ${add(get('outM'), get('at'))} ${get('mn')})
      (v128.store ${add(get('outV'), get('at'))} ${get('vn')})
      (v128.store ${add(get('outW'), get('at'))}
        (f32x4.add
          (f32x4.mul (f32x4.div (f32x4.div ${get('mn')} ${get('D1')}) (f32x4.add (f32x4.sqrt (f32x4.div ${get('vn')} ${get('D2')})) ${get('E')})) ${get('L')})
          ${load(add(get('w'), get('at')))}))`,
    )})
  ${gemmText()}
  ${convText()}
  ${softmaxText()})`;
}
