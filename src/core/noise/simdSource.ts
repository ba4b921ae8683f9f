/**
 * The WebAssembly text of the CPU's Gaussian generator (simd.ts): Philox4x32-10 (Salmon et al.,
 * "Parallel random numbers: as easy as 1, 2, 3", SC 2011) and Box–Muller with the float32 log
 * and sincos of shaderMath.ts, the arithmetic of the WGSL and GLSL kernels (webgpu.ts, webgl.ts),
 * in 128-bit SIMD: one loop iteration makes 4 Philox blocks side by side, one per lane, so 16
 * draws.
 *
 * Why WASM SIMD and not JavaScript: JavaScript has no 32×32→64-bit multiply, so every Philox
 * round costs four 16-bit partial products per word, and Math.log/sin/cos are float64 library
 * calls; 1M draws took about 60 ms, ten times torch.randn. Here a round is two extmul pairs
 * (i64x2.extmul_*_i32x4_u) and two shuffles that pick the low and high words, and the float32
 * polynomials run on four lanes at once.
 *
 * Used only at development time: scripts/build-wasm.ts assembles this text with wabt into
 * simdModule.ts (the bytes, base64), and test/unit/noise-simd.test.ts checks that the committed
 * bytes are what this text assembles to.
 *
 * The module exports its memory and normals(out, blocks, first, seed, stream, sigma): blocks (a
 * multiple of 4) Philox blocks first, first + 1, … of the key (seed, stream), 4 float32 draws
 * each, written at byte offset `out` in the order of philox.ts (block g's draws at 4g..4g+3).
 */
import { COS_SERIES, INV_2_24, INV_2_32, INV_2_40, LN2_HI, LN2_LO, LOG_SERIES, OCTANT_STEP, SIN_SERIES, floatLiteral } from './shaderMath';
import { PHILOX_M0, PHILOX_M1, PHILOX_ROUNDS, PHILOX_W0, PHILOX_W1 } from './philox';

const f32 = (x: number) => {
  const l = floatLiteral(x);
  return `(v128.const f32x4 ${l} ${l} ${l} ${l})`;
};
const i32 = (x: number) => {
  const l = `0x${(x >>> 0).toString(16)}`;
  return `(v128.const i32x4 ${l} ${l} ${l} ${l})`;
};
const get = (name: string) => `(local.get $${name})`;
const set = (name: string, value: string) => `(local.set $${name} ${value})`;

/** i8x16.shuffle that takes 32-bit lanes (0–3 from a, 4–7 from b). */
const lanes = (a: string, b: string, ...picks: number[]) => `(i8x16.shuffle ${picks.flatMap((p) => [0, 1, 2, 3].map((k) => 4 * p + k)).join(' ')} ${a} ${b})`;

/** Horner form, highest coefficient first, as in shaderMath.horner: c + v · (…). */
function horner(coefficients: readonly number[], v: string): string {
  let expr = f32(coefficients[0]);
  for (const c of coefficients.slice(1)) expr = `(f32x4.add ${f32(c)} (f32x4.mul ${v} ${expr}))`;
  return expr;
}

/** lo, hi = the low and high words of m · x per lane (unsigned), from two extmuls. */
function mulWords(x: string, m: number, lo: string, hi: string): string {
  return [
    set('pa', `(i64x2.extmul_low_i32x4_u ${x} ${i32(m)})`),
    set('pb', `(i64x2.extmul_high_i32x4_u ${x} ${i32(m)})`),
    set(lo, lanes(get('pa'), get('pb'), 0, 2, 4, 6)),
    set(hi, lanes(get('pa'), get('pb'), 1, 3, 5, 7)),
  ].join('\n');
}

/** One Philox round on the four lanes, as philox4x32 in philox.ts. */
function round(): string {
  return [
    mulWords(get('x0'), PHILOX_M0, 'lo0', 'hi0'),
    mulWords(get('x2'), PHILOX_M1, 'lo1', 'hi1'),
    set('x0', `(v128.xor (v128.xor ${get('hi1')} ${get('x1')}) ${get('k0')})`),
    set('x1', get('lo1')),
    set('x2', `(v128.xor (v128.xor ${get('hi0')} ${get('x3')}) ${get('k1')})`),
    set('x3', get('lo0')),
    set('k0', `(i32x4.add ${get('k0')} ${i32(PHILOX_W0)})`),
    set('k1', `(i32x4.add ${get('k1')} ${i32(PHILOX_W1)})`),
  ].join('\n');
}

/**
 * $dst = sigma · sqrt(−2 ln u), u = radiusUniform(w, a) of philox.ts (the three grids chosen lane
 * by lane; each candidate's integer is below 2^24 + 1 where it is chosen, so exact): the shader's
 * philoxLog, lane by lane.
 */
function radius(w: string, a: string, dst: string): string {
  return [
    set('u', `(f32x4.mul (f32x4.convert_i32x4_u (i32x4.add (i32x4.shr_u ${w} (i32.const 8)) ${i32(1)})) ${f32(INV_2_24)})`),
    set('e', `(f32x4.mul (f32x4.convert_i32x4_u (i32x4.add ${w} ${i32(1)})) ${f32(INV_2_32)})`),
    set('u', `(v128.bitselect ${get('u')} ${get('e')} (i32x4.ge_u ${w} ${i32(0x1000000)}))`),
    set('e', `(f32x4.mul (f32x4.convert_i32x4_u (i32x4.add (v128.or (i32x4.shl ${w} (i32.const 8)) (v128.and ${a} ${i32(0xff)})) ${i32(1)})) ${f32(INV_2_40)})`),
    set('u', `(v128.bitselect ${get('u')} ${get('e')} (i32x4.ge_u ${w} ${i32(0x10000)}))`),
    set('e', `(i32x4.sub (i32x4.shr_u ${get('u')} (i32.const 23)) ${i32(127)})`),
    set('m', `(v128.or (v128.and ${get('u')} ${i32(0x007fffff)}) ${i32(0x3f800000)})`),
    set('mask', `(f32x4.gt ${get('m')} ${f32(1.41421356)})`),
    set('m', `(v128.bitselect (f32x4.mul ${get('m')} ${f32(0.5)}) ${get('m')} ${get('mask')})`),
    // mask is −1 where m was halved: e − mask = e + 1 there.
    set('e', `(i32x4.sub ${get('e')} ${get('mask')})`),
    set('s', `(f32x4.div (f32x4.sub ${get('m')} ${f32(1)}) (f32x4.add ${get('m')} ${f32(1)}))`),
    set('s2', `(f32x4.mul ${get('s')} ${get('s')})`),
    set('fe', `(f32x4.convert_i32x4_s ${get('e')})`),
    set('m', `(f32x4.add (f32x4.mul ${get('fe')} ${f32(LN2_HI)}) (f32x4.add (f32x4.mul ${get('fe')} ${f32(LN2_LO)}) (f32x4.mul (f32x4.mul ${f32(2)} ${get('s')}) ${horner(LOG_SERIES, get('s2'))})))`),
    set(dst, `(f32x4.mul ${get('sig')} (f32x4.sqrt (f32x4.mul ${f32(-2)} ${get('m')})))`),
  ].join('\n');
}

/** $sin, $cos of 2π k / 2^24, k = w >> 8: the shader's philoxSinCos, lane by lane. */
function sinCos(w: string, sin: string, cos: string): string {
  return [
    set('k', `(i32x4.shr_u ${w} (i32.const 8))`),
    set('oct', `(i32x4.shr_u ${get('k')} (i32.const 21))`),
    set('rem', `(v128.and ${get('k')} ${i32(0x1fffff)})`),
    set('odd', `(i32x4.eq (v128.and ${get('oct')} ${i32(1)}) ${i32(1)})`),
    set('ang', `(f32x4.mul (f32x4.convert_i32x4_u (v128.bitselect (i32x4.sub ${i32(0x200000)} ${get('rem')}) ${get('rem')} ${get('odd')})) ${f32(OCTANT_STEP)})`),
    set('ang2', `(f32x4.mul ${get('ang')} ${get('ang')})`),
    set('sn', `(f32x4.mul ${get('ang')} ${horner(SIN_SERIES, get('ang2'))})`),
    set('cs', horner(COS_SERIES, get('ang2'))),
    // sb, cb: swapped on odd octants.
    set('sb', `(v128.bitselect ${get('cs')} ${get('sn')} ${get('odd')})`),
    set('cb', `(v128.bitselect ${get('sn')} ${get('cs')} ${get('odd')})`),
    set('q', `(i32x4.shr_u ${get('oct')} (i32.const 1))`),
    set('swap', `(i32x4.eq (v128.and ${get('q')} ${i32(1)}) ${i32(1)})`),
    set('sn', `(v128.bitselect ${get('cb')} ${get('sb')} ${get('swap')})`),
    set('cs', `(v128.bitselect ${get('sb')} ${get('cb')} ${get('swap')})`),
    set(sin, `(v128.bitselect (f32x4.neg ${get('sn')}) ${get('sn')} (i32x4.ge_u ${get('q')} ${i32(2)}))`),
    set(cos, `(v128.bitselect (f32x4.neg ${get('cs')}) ${get('cs')} (v128.or (i32x4.eq ${get('q')} ${i32(1)}) (i32x4.eq ${get('q')} ${i32(2)})))`),
  ].join('\n');
}

const V128_LOCALS = ['x0', 'x1', 'x2', 'x3', 'k0', 'k1', 'pa', 'pb', 'lo0', 'hi0', 'lo1', 'hi1', 'sig', 'u', 'e', 'm', 'mask', 's', 's2', 'fe', 'r0', 'r2', 'k', 'oct', 'rem', 'odd', 'ang', 'ang2', 'sn', 'cs', 'sb', 'cb', 'q', 'swap', 'sin1', 'cos1', 'sin3', 'cos3', 'a', 'b', 'c', 'd', 't0', 't1', 't2', 't3'];

/**
 * One iteration's statements (4 blocks from $g + `block`, 16 draws to $out + 16·`block`), one
 * local.set or store each, on the locals named with `suffix`.
 */
function iteration(suffix: string, block: number): string[] {
  const rounds = Array.from({ length: PHILOX_ROUNDS }, round).join('\n');
  const text = [
    set('x0', `(i32x4.add (i32x4.splat (i32.add (local.get $g) (i32.const ${block}))) (v128.const i32x4 0 1 2 3))`),
    set('x1', i32(0)),
    set('x2', i32(0)),
    set('x3', i32(0)),
    set('k0', '(i32x4.splat (local.get $seed))'),
    set('k1', '(i32x4.splat (local.get $stream))'),
    rounds,
    radius(get('x0'), get('x1'), 'r0'),
    radius(get('x2'), get('x3'), 'r2'),
    sinCos(get('x1'), 'sin1', 'cos1'),
    sinCos(get('x3'), 'sin3', 'cos3'),
    // Lanes are blocks g..g+3; memory wants block by block: a 4x4 transpose of (a, b, c, d).
    set('a', `(f32x4.mul ${get('r0')} ${get('cos1')})`),
    set('b', `(f32x4.mul ${get('r0')} ${get('sin1')})`),
    set('c', `(f32x4.mul ${get('r2')} ${get('cos3')})`),
    set('d', `(f32x4.mul ${get('r2')} ${get('sin3')})`),
    set('t0', lanes(get('a'), get('b'), 0, 4, 1, 5)),
    set('t1', lanes(get('a'), get('b'), 2, 6, 3, 7)),
    set('t2', lanes(get('c'), get('d'), 0, 4, 1, 5)),
    set('t3', lanes(get('c'), get('d'), 2, 6, 3, 7)),
    `(v128.store offset=${16 * block} (local.get $out) ${lanes(get('t0'), get('t2'), 0, 1, 4, 5)})`,
    `(v128.store offset=${16 * block + 16} (local.get $out) ${lanes(get('t0'), get('t2'), 2, 3, 6, 7)})`,
    `(v128.store offset=${16 * block + 32} (local.get $out) ${lanes(get('t1'), get('t3'), 0, 1, 4, 5)})`,
    `(v128.store offset=${16 * block + 48} (local.get $out) ${lanes(get('t1'), get('t3'), 2, 3, 6, 7)})`,
  ].join('\n');
  const named = suffix ? text.replace(new RegExp(`\\$(${V128_LOCALS.join('|')})\\b`, 'g'), (m) => `${m}${suffix}`) : text;
  return named.split('\n').map((line) => line.trim()).filter((line) => line.length > 0);
}

/** Two iterations' statements taken in turns: independent chains that the CPU can overlap. */
function interleaved(a: string[], b: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (i < a.length) out.push(a[i]);
    if (i < b.length) out.push(b[i]);
  }
  return out;
}

/** The module's text (WebAssembly text format with the SIMD proposal, as wabt reads it). */
export function philoxSimdText(): string {
  const locals = [...V128_LOCALS, ...V128_LOCALS.map((n) => `${n}B`)];
  return `(module
  (memory (export "memory") 1)
  (func (export "normals") (param $out i32) (param $blocks i32) (param $first i32) (param $seed i32) (param $stream i32) (param $sigma f32)
    (local $g i32) (local $end i32)
    ${locals.map((n) => `(local $${n} v128)`).join(' ')}
    ${set('sig', '(f32x4.splat (local.get $sigma))')}
    ${set('sigB', '(f32x4.splat (local.get $sigma))')}
    (local.set $g (local.get $first))
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $blocks) (i32.const 4))))
    ;; Eight blocks an iteration, two chains of four side by side; then four at the end if left.
    (block $done8
      (loop $next8
        (br_if $done8 (i32.gt_u (i32.add (local.get $out) (i32.const 128)) (local.get $end)))
        ${interleaved(iteration('', 0), iteration('B', 4)).join('\n        ')}
        (local.set $out (i32.add (local.get $out) (i32.const 128)))
        (local.set $g (i32.add (local.get $g) (i32.const 8)))
        (br $next8)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
        ${iteration('', 0).join('\n        ')}
        (local.set $out (i32.add (local.get $out) (i32.const 64)))
        (local.set $g (i32.add (local.get $g) (i32.const 4)))
        (br $next)))))
`;
}
