/**
 * The workbench against PyTorch, side by side in one run, on whatever tfjs backend is active:
 * `npm run bench:compare` (wasm in Node, PyTorch on the same CPU) and bench/gpu.ts --torch
 * (WebGPU through Dawn, PyTorch on CUDA on the same machine). For each case, the workbench's case
 * is prepared (src/core/bench/cases), its model and inputs are written to a temporary folder and
 * read by PyTorch (bench/torch_compare.py, one long-lived process), both make their warm-up runs,
 * and then they take turns, one timed run each per round, so that both sides see the same machine
 * state. Per case: both medians, the ratio workbench / PyTorch, both thread counts, and where the
 * case has logits the largest difference between the two sides' logits on the same inputs (a
 * check that both compute the same thing). Without PyTorch it says how to install it and still
 * times the workbench.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import * as tf from '@tensorflow/tfjs';
import type { BenchExchange, Prepared } from '../src/core/bench/case';
import { BENCH_CASES, median } from '../src/core/bench/suite';
import { corePace, paceNote } from './corePace';
import { fmtMs } from './table';

/** The cases with a PyTorch equivalent in bench/torch_compare.py. */
export const COMPARE_CASES = ['grid-forward', 'split-40k', 'noise-1m', 'certify-mlp', 'certify-cnn', 'cnn-forward-1k', 'cnn-pgd10-1k', 'trades-epoch', 'pgd-at-epoch', 'cnn-epoch-5k', 'verify-ibp-mlp2d', 'verify-ibp-mlp784', 'verify-ibp-cnn'];
/** Cases whose logits on the inputs are compared (forward passes of an inference model). */
const LOGIT_CHECK = new Set(['grid-forward', 'split-40k', 'cnn-forward-1k', 'cnn-pgd10-1k', 'trades-epoch', 'pgd-at-epoch', 'cnn-epoch-5k', 'verify-ibp-mlp2d', 'verify-ibp-mlp784', 'verify-ibp-cnn']);

/**
 * Frees the read-back arrays of the workbench's earlier runs before its next timed run, where
 * Node exposes gc (npm run bench:compare starts it with --expose-gc). PyTorch frees a result when
 * its last reference goes; V8 frees a dead array only at a full collection, so a case that reads
 * back megabytes (noise-1m: 4 MB a run) touched fresh pages every run: 14 ms against 4.5 ms on
 * this VM, where a first touch costs ~11 µs a page. A collection before every run would cost the
 * others instead (a training epoch after one ran 80–170 ms slower), so it runs only when more
 * than a mebibyte of array buffers has built up since the last one. Null where gc is not exposed.
 */
function deadArrayCollector(): ((force?: boolean) => void) | null {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return null;
  let after = 0;
  return (force = false) => {
    if (!force && process.memoryUsage().arrayBuffers - after <= 1 << 20) return;
    gc();
    after = process.memoryUsage().arrayBuffers;
  };
}

interface Torch {
  ask(request: Record<string, unknown>): Promise<Record<string, unknown>>;
  close(): void;
}

/** Starts torch_compare.py under `python`, or says why it cannot. */
function startTorch(python: string, script: string, threads: number, core: number | null): Torch | { missing: string } {
  const probe = spawnSync(python, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    return { missing: `PyTorch is not available to ${python} (${(probe.stderr || probe.error?.message || '').trim().split('\n').pop()}). Install it with: sudo apt-get install -y python3-torch python3-numpy libopenblas0-pthread` };
  }
  // PyTorch's OpenMP threads spin for a while after each parallel region by default; the two sides
  // take turns on the same cores, so that spinning took the workbench's threads' CPU (grid-forward on
  // 2 threads: 65 ms beside spinning threads, 21 ms beside passive ones). Passive waiting, unless
  // the caller chose otherwise. OpenBLAS (Debian's torch runs its products there) starts a thread
  // per core whatever torch.set_num_threads says, so it gets the same count. glibc's malloc, which
  // PyTorch's CPU tensors come from, returns large blocks to the system when freed, so every op
  // touches fresh pages; on a VM where a first touch costs ~10 µs a page that made PyTorch 2–5×
  // slower (cnn-forward-1k 246 against 47 ms). Kept blocks (as tfjs's heap keeps its memory)
  // measure its arithmetic instead. OpenBLAS's own threads (its products on 2 threads) spin too,
  // about 0.1 s after each call (2^28 cycles), whatever OMP_WAIT_POLICY says: beside one, the
  // woken heap helper shared a core with the workbench's calling thread, so the MLP cases on 2
  // threads ran at one thread's pace (grid-forward 26–29 ms, 14.6–14.8 ms with 2^4 cycles), and
  // PyTorch's own convolutions lost a core to it (cnn-forward-1k 47–49 ms, 25–26 ms).
  const env = {
    ...process.env,
    OMP_WAIT_POLICY: process.env.OMP_WAIT_POLICY ?? 'PASSIVE',
    OPENBLAS_THREAD_TIMEOUT: process.env.OPENBLAS_THREAD_TIMEOUT ?? '4',
    OPENBLAS_NUM_THREADS: process.env.OPENBLAS_NUM_THREADS ?? String(threads),
    MALLOC_MMAP_THRESHOLD_: process.env.MALLOC_MMAP_THRESHOLD_ ?? String(32 << 20),
    MALLOC_TRIM_THRESHOLD_: process.env.MALLOC_TRIM_THRESHOLD_ ?? String(2 ** 32),
    MALLOC_TOP_PAD_: process.env.MALLOC_TOP_PAD_ ?? String(256 << 20),
  };
  const child = core === null ? spawn(python, [script], { stdio: ['pipe', 'pipe', 'inherit'], env }) : spawn('taskset', ['-c', String(core), python, script], { stdio: ['pipe', 'pipe', 'inherit'], env });
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

export interface CompareRow {
  case: string;
  workbenchMs: number | null;
  torchMs: number | null;
  ratio: number | null;
  workbenchRunsMs: number[];
  torchRunsMs: number[];
  maxAbsDiff: number | null;
  /** Anything the caller adds about the workbench's run (e.g. where the noise was drawn). */
  notes?: Record<string, string>;
  error?: string;
}

export interface SideBySideOptions {
  cases: readonly string[];
  rounds: number;
  /** Untimed runs of each side, taking turns, before the rounds. */
  warmups: number;
  /** PyTorch's thread count. */
  threads: number;
  /** The Python that runs torch_compare.py. */
  python: string;
  /** The path of bench/torch_compare.py. */
  script: string;
  /** Where PyTorch runs: 'cuda' falls back to the CPU, and says so, where CUDA is missing. */
  device: 'cpu' | 'cuda';
  /** Fraction of the CNN cases' images and the verify cases' inputs (BenchOptions.scale). */
  scale: number;
  /** The workbench's thread count, as shown. */
  workbenchThreads: string;
  /** The JSON report. */
  out: string;
  /** Extra facts about a case's workbench run, asked after its rounds (shown under the table). */
  notesFor?: (id: string) => Record<string, string> | undefined;
  /** The core both sides run on (this process is pinned to it already; PyTorch is started on it), or null. */
  core?: number | null;
  /** Each core's pace before the cases (corePace.ts), timed again after them; null where cores cannot be chosen. */
  paceBefore?: number[] | null;
}

/** Runs the cases in turns, prints the table, writes the report; the exit status (1 when a case failed or leaked). */
export async function runSideBySide(o: SideBySideOptions): Promise<number> {
  const backend = tf.getBackend();
  const torch = startTorch(o.python, o.script, o.threads, o.core ?? null);
  let torchInfo: Record<string, unknown> | null = null;
  if ('missing' in torch) console.log(`NOTE: ${torch.missing}\nTiming the workbench only.`);
  else {
    torchInfo = await torch.ask({ op: 'init', threads: o.threads, device: o.device });
    if (torchInfo.note) console.log(`NOTE: ${String(torchInfo.note)}`);
  }
  const collect = deadArrayCollector();
  if (!collect) console.log('NOTE: node runs without --expose-gc, so a case that reads back megabytes also pays, in each run, for the arrays of the runs before it (npm run bench:compare passes the flag).');
  const torchWhere = torchInfo ? String(torchInfo.device) : 'not available';
  console.log(`workbench: tfjs ${tf.version.tfjs} on ${backend}, ${o.workbenchThreads} thread(s); PyTorch: ${torchInfo ? `${String(torchInfo.torch)} on ${torchWhere}, ${String(torchInfo.threads)} thread(s)${torchInfo.blas ? `, BLAS ${String(torchInfo.blas)}` : ''}` : 'not available'}; ${o.warmups} warm-up(s), ${o.rounds} rounds${o.core != null ? `; both sides pinned to core ${o.core}` : ''}`);

  const rows: CompareRow[] = [];
  for (const id of o.cases) {
    const bench = BENCH_CASES.find((c) => c.id === id);
    if (!bench) throw new Error(`no bench case ${id}`);
    const dir = mkdtempSync(join(tmpdir(), `bench-compare-${id}-`));
    const before = tf.memory().numTensors;
    let prepared: Prepared | null = null;
    const row: CompareRow = { case: id, workbenchMs: null, torchMs: null, ratio: null, workbenchRunsMs: [], torchRunsMs: [], maxAbsDiff: null };
    process.stderr.write(`${id}: `);
    try {
      prepared = bench.prepare(o.scale);
      const live = 'missing' in torch ? null : torch;
      if (live) {
        const manifest = prepared.exchange ? await writeExchange(dir, id, prepared.exchange) : {};
        const ready = await live.ask({ op: 'prepare', case: id, manifest });
        row.maxAbsDiff = typeof ready.maxAbsDiff === 'number' ? ready.maxAbsDiff : null;
      }
      // Warm-ups (V8 and PyTorch both run their first passes slower: pgd-at-epoch's first three
      // took 253, 215, 155 ms and then 141–158), then turns.
      collect?.(true);
      for (let w = 0; w < o.warmups; w++) {
        await prepared.run();
        if (live) await live.ask({ op: 'run' });
      }
      for (let r = 0; r < o.rounds; r++) {
        collect?.();
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
      row.notes = o.notesFor?.(id);
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
  const paceAfter = o.paceBefore ? corePace() : null;

  const header = ['case', `workbench (${backend})`, `PyTorch ${torchInfo ? String(torchInfo.deviceKind).toUpperCase() : ''}`.trim(), 'workbench / PyTorch', 'threads (tfjs / torch)', 'max |Δ logits|'];
  const lines = rows.map((r) => [
    r.case,
    r.workbenchMs === null ? 'FAILED' : `${fmtMs(r.workbenchMs)} ms`,
    r.torchMs === null ? (r.error ?? '-') : `${fmtMs(r.torchMs)} ms`,
    r.ratio === null ? '-' : `${r.ratio.toFixed(2)}×`,
    `${o.workbenchThreads} / ${torchInfo ? String(torchInfo.threads) : '-'}`,
    r.maxAbsDiff === null ? '-' : r.maxAbsDiff.toExponential(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(['', fmt(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(fmt)].join('\n'));
  for (const r of rows) for (const [k, v] of Object.entries(r.notes ?? {})) console.log(`${r.case}: ${k} ${v}`);
  if (paceAfter) {
    const note = paceNote(paceAfter, 'after the cases');
    if (note) console.log(note);
  }
  const corePaceMs = o.paceBefore ? { before: o.paceBefore, after: paceAfter } : null;
  const report = { bench: 'compare', date: new Date().toISOString(), tfjs: tf.version.tfjs, backend, workbenchThreads: o.workbenchThreads, torch: torchInfo, rounds: o.rounds, warmups: o.warmups, scale: o.scale, collectsDeadArrays: collect !== null, core: o.core ?? null, corePaceMs, rows };
  mkdirSync(dirname(o.out), { recursive: true });
  writeFileSync(o.out, JSON.stringify(report, null, 2) + '\n');
  console.log(`wrote ${o.out}`);
  return rows.some((r) => r.error) ? 1 : 0;
}
