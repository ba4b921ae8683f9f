/**
 * `npm run bench:compare [-- --cases LIST] [--rounds N] [--threads N] [--out FILE]`
 *
 * The workbench (tfjs wasm in Node) against PyTorch on the same CPU, side by side in one run: for
 * each case, the workbench's case is prepared (src/core/bench/cases), its model and inputs are
 * written to a temporary folder and read by PyTorch (bench/torch_compare.py, one long-lived
 * process), both make a warm-up run, and then they take turns, one timed run each per round.
 * Per case: both medians, the ratio workbench / PyTorch, and both thread counts; where the case
 * has logits, the largest difference between the two sides' logits on the same inputs (a check
 * that both compute the same thing). The JSON report goes to --out (default
 * bench/results/compare.json). Without Debian's python3-torch it says how to install it and
 * still times the workbench.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { selectBackend } from '../src/core';
import type { BenchExchange, Prepared } from '../src/core/bench/case';
import { BENCH_CASES, median } from '../src/core/bench/suite';
import { fail, parseCommandLine, parseList, parseRepeats } from './cli';
import { fmtMs } from './table';

const here = dirname(fileURLToPath(import.meta.url));
const PYTHON = '/usr/bin/python3';

/** The cases with a PyTorch equivalent in bench/torch_compare.py. */
const COMPARE_CASES = ['grid-forward', 'split-40k', 'noise-1m', 'certify-mlp', 'certify-cnn', 'cnn-forward-1k', 'cnn-pgd10-1k', 'trades-epoch', 'pgd-at-epoch', 'cnn-epoch-5k', 'verify-ibp-mlp2d', 'verify-ibp-mlp784', 'verify-ibp-cnn'];
/** Cases whose logits on the inputs are compared (forward passes of an inference model). */
const LOGIT_CHECK = new Set(['grid-forward', 'split-40k', 'cnn-forward-1k', 'cnn-pgd10-1k', 'trades-epoch', 'pgd-at-epoch', 'cnn-epoch-5k', 'verify-ibp-mlp2d', 'verify-ibp-mlp784', 'verify-ibp-cnn']);

const USAGE = `Usage: npm run bench:compare [-- options]

  --cases LIST    comma-separated, from: ${COMPARE_CASES.join(', ')} (default: all)
  --rounds N      timed runs of each side per case, taking turns, after one warm-up each (default 5)
  --threads N     PyTorch's thread count (default 1; the workbench's tfjs wasm runs on 1 thread in Node)
  --out FILE      the JSON report (default: bench/results/compare.json)
  --help`;

interface Torch {
  ask(request: Record<string, unknown>): Promise<Record<string, unknown>>;
  close(): void;
}

/** Starts bench/torch_compare.py, or says why it cannot (null). */
function startTorch(): Torch | { missing: string } {
  const probe = spawnSync(PYTHON, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    return { missing: `PyTorch is not available to ${PYTHON} (${(probe.stderr || probe.error?.message || '').trim().split('\n').pop()}). Install it with: sudo apt-get install -y python3-torch python3-numpy` };
  }
  const child = spawn(PYTHON, [join(here, 'torch_compare.py')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const waiting: Array<(line: string) => void> = [];
  lines.on('line', (line) => waiting.shift()?.(line));
  return {
    ask: (request) =>
      new Promise((resolveReply, reject) => {
        waiting.push((line) => {
          const reply = JSON.parse(line) as Record<string, unknown>;
          if (reply.error) reject(new Error(`PyTorch: ${String(reply.error)}`));
          else resolveReply(reply);
        });
        child.stdin.write(JSON.stringify(request) + '\n');
      }),
    close: () => child.stdin.end(),
  };
}

/** Writes a tensor as raw little-endian values; returns its manifest entry. */
async function writeTensor(dir: string, name: string, t: tf.Tensor) {
  const file = join(dir, `${name}.bin`);
  const data = await t.data();
  writeFileSync(file, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  return { file, shape: t.shape, dtype: t.dtype === 'int32' ? 'int32' : 'float32' };
}

/** The model's weights, the inputs and (for LOGIT_CHECK cases) the workbench's logits on the first 256 inputs. */
async function writeExchange(dir: string, id: string, ex: BenchExchange) {
  const model = ex.model ? await Promise.all(ex.model.weights.map((w, i) => writeTensor(dir, `w${i}`, w.read()))) : null;
  const inputs: Record<string, unknown> = {};
  for (const [name, t] of Object.entries(ex.inputs)) inputs[name] = await writeTensor(dir, `in-${name}`, t);
  let expected = null;
  const x = ex.inputs.x;
  if (ex.model && x && LOGIT_CHECK.has(id)) {
    const z = tf.tidy(() => ex.model!.apply(tf.slice(x, 0, Math.min(256, x.shape[0])), { training: false }) as tf.Tensor);
    expected = await writeTensor(dir, 'expected', z);
    z.dispose();
  }
  return { model, inputs, expected };
}

interface CompareRow {
  case: string;
  workbenchMs: number | null;
  torchMs: number | null;
  ratio: number | null;
  workbenchRunsMs: number[];
  torchRunsMs: number[];
  maxAbsDiff: number | null;
  error?: string;
}

async function main(): Promise<number> {
  const values = parseCommandLine<{ cases?: string; rounds?: string; threads?: string; out?: string }>(USAGE, {
    cases: { type: 'string' },
    rounds: { type: 'string' },
    threads: { type: 'string' },
    out: { type: 'string' },
  });
  if (!values) return 0;
  const cases = parseList(USAGE, values.cases, COMPARE_CASES, 'case');
  const rounds = parseRepeats(USAGE, values.rounds, 5, '--rounds');
  const threads = values.threads === undefined ? 1 : Number(values.threads);
  if (!Number.isInteger(threads) || threads < 1) fail(USAGE, `--threads must be a whole number >= 1 (got "${values.threads}")`);
  const out = resolve(values.out ?? join(here, 'results', 'compare.json'));

  const { backend } = await selectBackend('wasm', ['wasm']);
  const wasmThreads = (tf.backend() as unknown as { getThreadsCount?: () => number }).getThreadsCount?.() ?? 1;
  const torch = startTorch();
  let torchInfo: Record<string, unknown> | null = null;
  if ('missing' in torch) console.log(`NOTE: ${torch.missing}\nTiming the workbench only.`);
  else torchInfo = await torch.ask({ op: 'init', threads });
  console.log(`workbench: tfjs ${tf.version.tfjs} on ${backend}, ${wasmThreads} thread(s); PyTorch: ${torchInfo ? `${String(torchInfo.torch)}, ${String(torchInfo.threads)} thread(s)` : 'not available'}; ${rounds} rounds`);

  const rows: CompareRow[] = [];
  for (const id of cases) {
    const bench = BENCH_CASES.find((c) => c.id === id)!;
    const dir = mkdtempSync(join(tmpdir(), `bench-compare-${id}-`));
    const before = tf.memory().numTensors;
    let prepared: Prepared | null = null;
    const row: CompareRow = { case: id, workbenchMs: null, torchMs: null, ratio: null, workbenchRunsMs: [], torchRunsMs: [], maxAbsDiff: null };
    process.stderr.write(`${id}: `);
    try {
      prepared = bench.prepare(1);
      const live = 'missing' in torch ? null : torch;
      if (live) {
        const manifest = prepared.exchange ? await writeExchange(dir, id, prepared.exchange) : {};
        const ready = await live.ask({ op: 'prepare', case: id, manifest });
        row.maxAbsDiff = typeof ready.maxAbsDiff === 'number' ? ready.maxAbsDiff : null;
      }
      // Warm-ups, then turns.
      await prepared.run();
      if (live) await live.ask({ op: 'run' });
      for (let r = 0; r < rounds; r++) {
        row.workbenchRunsMs.push(await prepared.run());
        if (live) row.torchRunsMs.push(Number((await live.ask({ op: 'run' })).ms));
        process.stderr.write(`${r ? ', ' : ''}${fmtMs(row.workbenchRunsMs[r])}${live ? ` / ${fmtMs(row.torchRunsMs[r])}` : ''}`);
      }
      process.stderr.write(' ms\n');
      row.workbenchMs = median(row.workbenchRunsMs);
      if (row.torchRunsMs.length) {
        row.torchMs = median(row.torchRunsMs);
        row.ratio = row.workbenchMs / row.torchMs;
      }
    } catch (e) {
      row.error = e instanceof Error ? e.message : String(e);
      process.stderr.write(`failed: ${row.error}\n`);
    } finally {
      prepared?.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
    const leaked = tf.memory().numTensors - before;
    if (leaked && !row.error) row.error = `left ${leaked} tensors`;
    rows.push(row);
  }
  if (!('missing' in torch)) torch.close();

  const header = ['case', 'workbench (wasm)', 'PyTorch CPU', 'workbench / PyTorch', 'threads (tfjs / torch)', 'max |Δ logits|'];
  const lines = rows.map((r) => [
    r.case,
    r.workbenchMs === null ? 'FAILED' : `${fmtMs(r.workbenchMs)} ms`,
    r.torchMs === null ? (r.error ?? '-') : `${fmtMs(r.torchMs)} ms`,
    r.ratio === null ? '-' : `${r.ratio.toFixed(2)}×`,
    `${wasmThreads} / ${torchInfo ? String(torchInfo.threads) : '-'}`,
    r.maxAbsDiff === null ? '-' : r.maxAbsDiff.toExponential(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(['', fmt(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(fmt)].join('\n'));
  const report = { bench: 'compare', date: new Date().toISOString(), tfjs: tf.version.tfjs, backend, workbenchThreads: wasmThreads, torch: torchInfo, rounds, rows };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
  console.log(`wrote ${out}`);
  return rows.some((r) => r.error) ? 1 : 0;
}

process.exitCode = await main();
