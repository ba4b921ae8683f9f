/**
 * `npm run bench [-- --backends wasm,cpu] [--cases grid-forward,split-40k] [--repeats N] [--out FILE]`
 *
 * Runs the benchmark cases of src/core/bench/suite.ts (all of them by default: the MLP cases of
 * issue 1 and the CNN cases of issue 3) on each tfjs backend that Node has (wasm, then cpu),
 * prints a table (case | backend | median | runs | throughput | tensors), checks the issue's
 * target for split-40k on wasm, and writes the table as JSON to bench/results/latest.json.
 *
 * Timed runs per case, after one warm-up: wasm 5, but 3 for the CNN epoch and PGD cases (10-20 s
 * a run); cpu 1. The cpu backend is 30-60x slower than wasm, so on cpu the two slow CNN cases
 * (cnn-epoch-5k, cnn-pgd10-1k: minutes a run) make no warm-up, only their one timed run; use
 * `--cases` to leave them out. --repeats sets the timed runs of every case (the cpu CNN cases
 * still skip the warm-up). Exit status 1 if a case leaked tensors, failed, or split-40k missed its
 * target.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { selectBackend } from '../src/core';
import { BENCH_CASES, SPLIT_40K_TARGET_MS, type BenchResult, runBenchCase } from '../src/core/bench/suite';
import { type Row, fmtMs, printTable } from './table';

const NODE_BACKENDS = ['wasm', 'cpu'] as const;
const DEFAULT_REPEATS: Record<string, number> = { wasm: 5, cpu: 1 };
/** Per backend, the cases that differ from the backend's default (timed runs, warm-up). */
const CASE_PLAN: Record<string, Record<string, { repeats?: number; warmup?: boolean; note?: string }>> = {
  wasm: { 'cnn-epoch-5k': { repeats: 3 }, 'cnn-pgd10-1k': { repeats: 3 } },
  cpu: {
    'cnn-epoch-5k': { repeats: 1, warmup: false, note: 'no warm-up; may take several minutes' },
    'cnn-pgd10-1k': { repeats: 1, warmup: false, note: 'no warm-up; may take several minutes' },
  },
};
const here = dirname(fileURLToPath(import.meta.url));

const USAGE = `Usage: npm run bench [-- options]

  --backends LIST  comma-separated, from: ${NODE_BACKENDS.join(', ')} (default: all, in that order)
  --cases LIST     comma-separated, from: ${BENCH_CASES.map((c) => c.id).join(', ')} (default: all)
  --repeats N      timed runs per case after one warm-up (default: wasm 5, cpu 1; the CNN epoch
                   and PGD cases: wasm 3, cpu 1 with no warm-up, as they take minutes on cpu)
  --out FILE       where to write the JSON table (default: bench/results/latest.json)
  --help`;

function fail(message: string): never {
  process.stderr.write(`error: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

function parseList(value: string | undefined, allowed: readonly string[], what: string): string[] {
  if (value === undefined) return [...allowed];
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = items.filter((s) => !allowed.includes(s));
  if (bad.length || items.length === 0) fail(`unknown ${what}: ${bad.join(', ') || '(none given)'}; choose from ${allowed.join(', ')}`);
  return items;
}

async function main(): Promise<number> {
  let values: { backends?: string; cases?: string; repeats?: string; out?: string; help?: boolean };
  try {
    values = parseArgs({
      args: process.argv.slice(2),
      options: { backends: { type: 'string' }, cases: { type: 'string' }, repeats: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const backends = parseList(values.backends, NODE_BACKENDS, 'backend');
  const cases = parseList(values.cases, BENCH_CASES.map((c) => c.id), 'case');
  let repeats: number | undefined;
  if (values.repeats !== undefined) {
    repeats = Number(values.repeats);
    if (!Number.isInteger(repeats) || repeats < 1) fail(`--repeats must be a whole number >= 1 (got "${values.repeats}")`);
  }
  const out = values.out ?? resolve(here, 'results', 'latest.json');

  const rows: Row[] = [];
  let problems = 0;
  for (const backend of backends) {
    try {
      await selectBackend(backend, [backend]);
    } catch (e) {
      process.stderr.write(`${backend}: not available (${e instanceof Error ? e.message : String(e)})\n`);
      for (const id of cases) {
        const label = BENCH_CASES.find((c) => c.id === id)!.label;
        rows.push({ case: id, label, backend, medianMs: null, runsMs: [], warmupMs: null, throughput: '', perSecond: null, tensorsLeaked: null, error: 'backend unavailable' });
      }
      problems++;
      continue;
    }
    for (const id of cases) {
      const label = BENCH_CASES.find((c) => c.id === id)!.label;
      const plan = CASE_PLAN[backend]?.[id] ?? {};
      const n = repeats ?? plan.repeats ?? DEFAULT_REPEATS[backend] ?? 3;
      const warmup = plan.warmup ?? true;
      process.stderr.write(`${id} on ${backend}${plan.note ? ` (${plan.note})` : ''}: ${warmup ? '' : 'runs'}`);
      try {
        const r: BenchResult = await runBenchCase(id, {
          repeats: n,
          warmup,
          onProgress: (p) => process.stderr.write(p.phase === 'warmup' ? `warm-up ${fmtMs(p.lastMs)} ms; runs` : ` ${fmtMs(p.lastMs)}`),
        });
        process.stderr.write(` ms\n`);
        rows.push({ case: id, label, backend: r.backend, medianMs: r.medianMs, runsMs: r.runsMs, warmupMs: r.warmupMs, throughput: r.throughput, perSecond: r.perSecond, tensorsLeaked: r.tensorsLeaked });
        if (r.tensorsLeaked !== 0) {
          process.stderr.write(`  ASSERTION FAILED: ${id} on ${backend} left ${r.tensorsLeaked} tensors (${r.tensorsBefore} -> ${r.tensorsAfter})\n`);
          problems++;
        }
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        process.stderr.write(`failed: ${msg}\n`);
        rows.push({ case: id, label, backend, medianMs: null, runsMs: [], warmupMs: null, throughput: '', perSecond: null, tensorsLeaked: null, error: msg });
        problems++;
      }
    }
  }

  console.log('');
  printTable(rows);

  const split = rows.find((r) => r.case === 'split-40k' && r.backend === 'wasm' && r.medianMs !== null);
  let target: { case: string; backend: string; targetMs: number; medianMs: number; pass: boolean } | null = null;
  if (split && split.medianMs !== null) {
    const pass = split.medianMs <= SPLIT_40K_TARGET_MS;
    target = { case: 'split-40k', backend: 'wasm', targetMs: SPLIT_40K_TARGET_MS, medianMs: split.medianMs, pass };
    console.log(
      `\nsplit-40k on wasm: ${fmtMs(split.medianMs)} ms — target ≤ ${SPLIT_40K_TARGET_MS} ms (2× PyTorch's ~0.19 s per 10k points × 4): ${pass ? 'PASS' : 'FAIL'}`,
    );
    if (!pass) problems++;
  }

  const report = {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
    tfjs: tf.version.tfjs,
    rows,
    target,
  };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
  console.log(`\nwrote ${out}`);
  return problems ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  },
);
