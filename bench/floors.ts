/**
 * `npm run bench:floors [-- --cases LIST] [--rounds N] [--compare FILE] [--out FILE]`
 *
 * The compute floor of each case on tfjs wasm in Node (one thread): the case's FLOPs, counted
 * from the kernels of one profiled run (src/core/bench/flops.ts), divided by the peak of the
 * backend's matrix product measured here in the same run (square products of 256, 512 and 1024,
 * the fastest). A case's time over its floor says how far it is from what 128-bit WASM SIMD
 * allows; PyTorch's time (from a `npm run bench:compare` report, by default
 * bench/results/compare.json) over the same floor says whether PyTorch computes faster than
 * WASM ever could, in which case 1.5× PyTorch is out of reach and 1.2× the floor is the target.
 * Prints the table with each case's slowest kernels (tf.profile) and writes it as JSON
 * (bench/results/floors.json).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { selectBackend } from '../src/core';
import { BENCH_CASES, median } from '../src/core/bench/suite';
import { countFlops } from '../src/core/bench/flops';
import { withTfjsKernels } from '../src/core/wasmGemm';
import { parseCommandLine, parseList, parseRepeats, timeCase } from './cli';
import { COMPARE_CASES } from './sideBySide';

const USAGE = `usage: npm run bench:floors -- [--cases LIST] [--rounds N] [--compare FILE] [--out FILE]
  --cases    comma-separated case ids (default: the cases of bench:compare)
  --rounds   timed runs per case after a warm-up (default 3)
  --compare  a bench:compare JSON report for the PyTorch column (default bench/results/compare.json)
  --out      where the JSON report goes (default bench/results/floors.json)`;

const here = dirname(fileURLToPath(import.meta.url));

/**
 * The FLOPs of one run of the case, from its profiled kernels. tf.profile overflows the stack on
 * a run of tens of thousands of kernels (a training epoch), so such a case is profiled at scale
 * 0.1 (a tenth of its batches) and its counts scaled by the ratio of the work units.
 */
async function caseFlops(id: string): Promise<{ dense: number; other: number; topKernels: string[]; scale: number }> {
  const c = BENCH_CASES.find((k) => k.id === id)!;
  for (const scale of [1, 0.1]) {
    const prepared = c.prepare(scale);
    try {
      await prepared.run();
      const profile = await tf.profile(async () => {
        await prepared.run();
      });
      // A fused op with its own gradient is recorded twice: as the op ("fusedMatMul__op") around
      // its kernel ("_FusedMatMul"), with the same shapes and time. Only the kernels count.
      const kernels = profile.kernels.filter((k) => !k.name.endsWith('__op'));
      const { dense, other } = countFlops(kernels.map((k) => ({ name: k.name, inputShapes: k.inputShapes, outputShapes: k.outputShapes })));
      const byKernel = new Map<string, number>();
      for (const k of kernels) byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + Number(k.kernelTimeMs));
      const kernelTotal = [...byKernel.values()].reduce((a, b) => a + b, 0);
      const topKernels = [...byKernel.entries()].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([k, ms]) => `${k} ${Math.round((100 * ms) / kernelTotal)}%`);
      const factor = scale === 1 ? 1 : c.workUnits / (prepared.workUnits ?? c.workUnits);
      return { dense: dense * factor, other: other * factor, topKernels, scale };
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      if (scale !== 1) throw new Error(`tf.profile overflows the stack on this case's kernels even at scale ${scale} (${e.message})`, { cause: e });
    } finally {
      prepared.dispose();
    }
  }
  throw new Error(`${id}: could not be profiled`);
}

/**
 * The fastest matrix product here, in FLOP/ms: square products of 256, 512 and 1024, median of 5
 * each, by the workbench's SIMD loop and by tfjs's own XNNPACK kernel (whose weights, the same b
 * each time, stay packed), whichever is faster.
 */
async function matmulPeak(): Promise<{ flopsPerMs: number; size: number; kernel: string }> {
  let best = { flopsPerMs: 0, size: 0, kernel: '' };
  for (const n of [256, 512, 1024]) {
    const a = tf.randomUniform([n, n], -1, 1, 'float32', 1);
    const b = tf.randomUniform([n, n], -1, 1, 'float32', 2);
    for (const [kernel, product] of [
      ['SIMD loop', () => tf.matMul(a, b)],
      ['XNNPACK', () => withTfjsKernels(() => tf.matMul(a, b))],
    ] as const) {
      const times: number[] = [];
      for (let r = 0; r < 6; r++) {
        const t0 = performance.now();
        const c = product();
        await c.data();
        c.dispose();
        if (r > 0) times.push(performance.now() - t0);
      }
      const rate = (2 * n ** 3) / median(times);
      if (rate > best.flopsPerMs) best = { flopsPerMs: rate, size: n, kernel };
    }
    a.dispose();
    b.dispose();
  }
  return best;
}

interface FloorRow {
  case: string;
  denseGflop: number;
  otherGflop: number;
  floorMs: number | null;
  workbenchMs: number;
  overFloor: number | null;
  torchMs: number | null;
  torchOverFloor: number | null;
  topKernels: string[];
}

async function main(): Promise<void> {
  const opts = parseCommandLine<{ cases?: string; rounds?: string; compare?: string; out?: string }>(USAGE, {
    cases: { type: 'string' },
    rounds: { type: 'string' },
    compare: { type: 'string' },
    out: { type: 'string' },
  });
  if (!opts) return;
  const cases = parseList(USAGE, opts.cases, BENCH_CASES.map((c) => c.id), 'case', COMPARE_CASES);
  const rounds = parseRepeats(USAGE, opts.rounds, 3, '--rounds');
  const comparePath = resolve(opts.compare ?? resolve(here, 'results/compare.json'));
  const torch = new Map<string, number>();
  if (existsSync(comparePath)) {
    for (const r of (JSON.parse(readFileSync(comparePath, 'utf8')) as { rows: Array<{ case: string; torchMs: number | null }> }).rows) if (r.torchMs) torch.set(r.case, r.torchMs);
  } else if (opts.compare) {
    process.stderr.write(`error: --compare ${opts.compare}: no such file\n`);
    process.exit(2);
  }
  await selectBackend('wasm');
  const before = await matmulPeak();
  const rows: FloorRow[] = [];
  for (const id of cases) {
    process.stderr.write(`${id}: profiling\n`);
    try {
      const flops = await caseFlops(id);
      const timing = await timeCase(id, `${id}`, '', { repeats: rounds });
      if ('error' in timing) continue;
      const workbenchMs = timing.result.medianMs;
      if (flops.scale < 1) process.stderr.write(`  (profiled at scale ${flops.scale})\n`);
      rows.push({ case: id, denseGflop: flops.dense / 1e9, otherGflop: flops.other / 1e9, floorMs: 0, workbenchMs, overFloor: 0, torchMs: torch.get(id) ?? null, torchOverFloor: null, topKernels: flops.topKernels });
    } catch (e) {
      process.stderr.write(`failed: ${e instanceof Error ? e.message : String(e)}\n`);
    }
  }
  const after = await matmulPeak();
  const peak = before.flopsPerMs >= after.flopsPerMs ? before : after;
  for (const r of rows) {
    // A case whose work is not in tfjs kernels (noise-1m: Philox in JS) has no floor here.
    const flops = (r.denseGflop + r.otherGflop) * 1e9;
    r.floorMs = flops > 0 ? flops / peak.flopsPerMs : null;
    r.overFloor = r.floorMs ? r.workbenchMs / r.floorMs : null;
    r.torchOverFloor = r.torchMs !== null && r.floorMs ? r.torchMs / r.floorMs : null;
  }
  console.log(`wasm matmul peak: ${(peak.flopsPerMs / 1e6).toFixed(1)} GFLOP/s (${peak.kernel}, ${peak.size}×${peak.size}, 1 thread; ${(before.flopsPerMs / 1e6).toFixed(1)} before the cases, ${(after.flopsPerMs / 1e6).toFixed(1)} after)`);
  console.log('| case | GFLOP (matmul/conv + other) | floor | workbench | / floor | PyTorch | PyTorch / floor | slowest kernels |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const times = (v: number | null, digits: number) => (v === null ? '—' : `${v.toFixed(digits)}×`);
    const torchCells = r.torchMs === null ? '— | —' : `${r.torchMs.toFixed(0)} ms | ${times(r.torchOverFloor, 2)}`;
    console.log(`| ${r.case} | ${r.denseGflop.toFixed(3)} + ${r.otherGflop.toFixed(3)} | ${r.floorMs === null ? '— (not in kernels)' : `${r.floorMs.toFixed(1)} ms`} | ${r.workbenchMs.toFixed(0)} ms | ${times(r.overFloor, 1)} | ${torchCells} | ${r.topKernels.join(', ')} |`);
  }
  const out = resolve(opts.out ?? resolve(here, 'results/floors.json'));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ bench: 'floors', date: new Date().toISOString(), tfjs: tf.version.tfjs, peakGflops: peak.flopsPerMs / 1e6, peakSize: peak.size, peakKernel: peak.kernel, compare: existsSync(comparePath) ? comparePath : null, rows }, null, 2)}\n`);
  console.log(`JSON: ${out}`);
}

await main();
