/**
 * `npm run bench:compare [-- --cases LIST] [--rounds N] [--threads N] [--pin auto|none] [--out FILE]`
 *
 * The workbench (tfjs wasm in Node) against PyTorch on the same CPU, side by side in one run
 * (./sideBySide.ts: both sides take turns on the same weights and inputs). The JSON report goes to
 * --out (default bench/results/compare.json). Without Debian's python3-torch it says how to
 * install it and still times the workbench.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import '@tensorflow/tfjs-backend-wasm';
import { heapHelperStarted, selectBackend } from '../src/core';
import { threadsProblem, wasmThreadCount, withWasmThreads } from '../src/cli/wasmThreads';
import { fail, parseCommandLine, parseList, parseRepeats } from './cli';
import { corePace, paceNote, pinMainThread } from './corePace';
import { COMPARE_CASES, runSideBySide } from './sideBySide';

const here = dirname(fileURLToPath(import.meta.url));

const USAGE = `Usage: npm run bench:compare [-- options]

  --cases LIST    comma-separated, from: ${COMPARE_CASES.join(', ')} (default: all)
  --rounds N      timed runs of each side per case, taking turns (default 5)
  --warmups N     untimed runs of each side per case before the rounds (default 3)
  --threads N     the thread count of both sides, 1 to 8 (default 1): tfjs wasm's threaded build and torch.set_num_threads
  --pin auto|none on 1 thread, run both sides on the core that runs a fixed loop fastest at the
                  start (auto, the default, where taskset is found), or where the system puts them
  --out FILE      the JSON report (default: bench/results/compare.json)
  --help`;

async function main(): Promise<number> {
  const values = parseCommandLine<{ cases?: string; rounds?: string; warmups?: string; threads?: string; pin?: string; out?: string }>(USAGE, {
    cases: { type: 'string' },
    rounds: { type: 'string' },
    warmups: { type: 'string' },
    threads: { type: 'string' },
    pin: { type: 'string' },
    out: { type: 'string' },
  });
  if (!values) return 0;
  const cases = parseList(USAGE, values.cases, COMPARE_CASES, 'case');
  const rounds = parseRepeats(USAGE, values.rounds, 5, '--rounds');
  const warmups = parseRepeats(USAGE, values.warmups, 3, '--warmups');
  const threads = values.threads === undefined ? 1 : Number(values.threads);
  const problem = threadsProblem('--threads', threads, `"${values.threads}"`);
  if (problem) fail(USAGE, problem);
  const pin = values.pin ?? 'auto';
  if (pin !== 'auto' && pin !== 'none') fail(USAGE, `--pin must be auto or none (got "${pin}")`);
  // Each core's pace first; on one thread both sides then run on the faster core (corePace.ts says why).
  const paceBefore = corePace();
  const uneven = paceBefore && paceNote(paceBefore, 'before the cases');
  if (uneven) console.log(uneven);
  let core: number | null = null;
  if (threads === 1 && pin === 'auto' && paceBefore) {
    const fastest = paceBefore.indexOf(Math.min(...paceBefore));
    if (pinMainThread(fastest)) core = fastest;
  }
  await withWasmThreads(threads, () => selectBackend('wasm', ['wasm']));
  if (!(await heapHelperStarted())) process.stderr.write('note: the heap helper thread did not start, so the workbench computes on one thread\n');
  const wasmThreads = wasmThreadCount();
  if (wasmThreads !== threads) process.stderr.write(`note: tfjs wasm runs on ${wasmThreads} thread(s), not the ${threads} asked for\n`);
  return runSideBySide({
    cases,
    rounds,
    warmups,
    threads,
    python: '/usr/bin/python3',
    script: join(here, 'torch_compare.py'),
    device: 'cpu',
    scale: 1,
    workbenchThreads: String(wasmThreads),
    out: resolve(values.out ?? join(here, 'results', 'compare.json')),
    core,
    paceBefore,
  });
}

process.exitCode = await main();
