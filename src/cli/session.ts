/**
 * What the commands share: the tfjs backend, Ctrl-C, progress lines on stderr, getting a model
 * (load a folder or train from the config), and turning core results into plain JSON.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import {
  DATASET2D_INFO,
  type Dataset2d,
  type ExperimentConfig,
  type RobustnessSplit,
  SPLIT_CATEGORIES,
  type TrainProgress,
  type TrainResult,
  heapHelperStarted,
  makeDataset2d,
  runTraining,
  selectBackend,
} from '../core';
import { EXIT, CliError } from './errors';
import { loadModelDir } from './files';
import { HEAP_HELPER_LOSS_NOTES, onHeapHelperLoss } from '../core/heapLanes';
import { status } from './status';
import { cliThreads, wasmThreadCount, withWasmThreads } from './wasmThreads';

export { status };

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

const pct = (v: number | null | undefined) => (v == null || Number.isNaN(v) ? '  -  ' : `${(100 * v).toFixed(1)}%`);

/** Activates --backend (default wasm) on --threads threads, falling back to the other Node backend if it fails. */
export async function initBackend(requested: string | undefined): Promise<string> {
  const wanted = requested ?? 'wasm';
  const choice = await withWasmThreads(wanted === 'wasm' ? cliThreads.count : 1, () => selectBackend(wanted, ['wasm', 'cpu']));
  if (choice.requestFailed) status.log(`warning: backend ${choice.requestFailed}; using ${choice.backend}`);
  if (choice.backend === 'wasm') {
    const helper = await heapHelperStarted();
    const threads = wasmThreadCount();
    const why = helper ? '' : ': the helper thread did not start';
    status.log(`backend wasm · ${threads} thread${threads === 1 ? '' : 's'}${threads < cliThreads.count ? ` (asked for ${cliThreads.count}${why})` : ''}`);
    if (threads === 2) onHeapHelperLoss((loss) => status.log(`warning: backend wasm · 1 thread from now on: ${HEAP_HELPER_LOSS_NOTES[loss]} (the results are the same; the run is slower)`));
  }
  return choice.backend;
}

/** SIGINTs this soon after the first are copies of it, not a second Ctrl-C (ms). */
const SIGINT_REPEAT_MS = 1000;

/**
 * An AbortSignal that the first Ctrl-C fires (the job stops at its next checkpoint); a second
 * Ctrl-C exits at once. A terminal sends Ctrl-C's SIGINT to every process of the job, and npm
 * and tsx relay it to their child as well, so this process can get several copies of one Ctrl-C
 * within milliseconds: a SIGINT less than SIGINT_REPEAT_MS after the first counts as the same one.
 */
export function interruptSignal(): AbortSignal {
  const controller = new AbortController();
  let first = 0;
  process.on('SIGINT', () => {
    if (controller.signal.aborted) {
      if (performance.now() - first < SIGINT_REPEAT_MS) return;
      process.exit(EXIT.cancelled);
    }
    first = performance.now();
    status.log('Interrupted: stopping (press Ctrl-C again to quit at once)…');
    controller.abort();
  });
  return controller.signal;
}

/** The progress callback of a training run: a live line per batch, a kept line per epoch. */
export function trainingProgress(): (p: TrainProgress) => void {
  let lastAcc: string = '';
  return (p) => {
    if (p.kind === 'batch') {
      status.update(
        `epoch ${p.epoch}/${p.epochs}  batch ${p.batch}/${p.batches}  loss ${p.objective.toFixed(4)}${lastAcc}  ` +
          `${formatDuration(p.elapsedMs)} elapsed, ~${formatDuration(p.etaMs)} left`,
      );
    } else {
      const s = p.stats;
      lastAcc = `  (last epoch: acc ${pct(s.trainAccuracy)})`;
      status.log(
        `epoch ${p.epoch}/${p.epochs}  loss ${s.objective.toFixed(4)}  train acc ${pct(s.trainAccuracy)}  test acc ${pct(s.testAccuracy)}  ` +
          `${formatDuration(p.elapsedMs)} elapsed, ~${formatDuration(p.etaMs)} left`,
      );
    }
  };
}

/** Progress of an attack over the test set (shown on a terminal only). */
export function attackProgress(label: string): (fraction: number) => void {
  return (f) => status.update(`${label}: ${(100 * f).toFixed(0)}%`);
}

export function trainingSummary(result: TrainResult) {
  return { status: result.status, message: result.message, epochsCompleted: result.epochsCompleted, history: result.history };
}

export interface ModelSource {
  model: tf.LayersModel;
  dataset: Dataset2d;
  /** How the model was obtained, for the result JSON. */
  source: { kind: 'loaded'; dir: string } | { kind: 'trained'; training: ReturnType<typeof trainingSummary> };
  trainMs: number;
}

/**
 * The model to evaluate: loaded from `dir` when given (checked against the config's dataset), or
 * trained from the config (said on stderr). Throws CliError when training does not complete.
 */
export async function obtainModel(config: ExperimentConfig, dir: string | undefined, signal: AbortSignal, command: string): Promise<ModelSource> {
  if (dir) {
    const dataset = makeDataset2d(config.data);
    const { model, metadata } = await loadModelDir(dir, {
      inputDim: 2,
      numClasses: dataset.numClasses,
      what: `the config's dataset "${config.data.kind}"`,
    });
    warnIfOtherData(metadata, config, dir);
    return { model, dataset, source: { kind: 'loaded', dir }, trainMs: 0 };
  }
  status.log(`${command}: no --model given, so training a model from the config first (${config.training.method}, ${config.training.epochs} epochs).`);
  const t0 = performance.now();
  const { dataset, model, result } = await runTraining(config, trainingProgress(), signal);
  status.done();
  const trainMs = performance.now() - t0;
  if (result.status !== 'completed') {
    model.dispose();
    throw new CliError(`Training ${result.status}: ${result.message}`, result.status === 'cancelled' ? EXIT.cancelled : EXIT.diverged);
  }
  return { model, dataset, source: { kind: 'trained', training: trainingSummary(result) }, trainMs };
}

/** A folder saved by `train --save-model` records its config; warn when the data differ. */
function warnIfOtherData(metadata: Record<string, unknown> | undefined, config: ExperimentConfig, dir: string): void {
  const saved = (metadata?.workbench as { experiment?: ExperimentConfig } | undefined)?.experiment;
  if (!saved?.data) return;
  if (JSON.stringify(saved.data) !== JSON.stringify(config.data)) {
    status.log(`warning: the model in ${dir} was trained on other data (${JSON.stringify(saved.data)}) than this config's (${JSON.stringify(config.data)})`);
  }
}

/** The metadata `train --save-model` stores in model.json (userDefinedMetadata). */
export function modelMetadata(config: ExperimentConfig, result: TrainResult): Record<string, unknown> {
  return {
    workbench: {
      savedBy: 'cli train',
      experiment: config,
      numClasses: DATASET2D_INFO[config.data.kind].numClasses,
      training: { status: result.status, epochsCompleted: result.epochsCompleted },
    },
  };
}

/** The shortest decimal that reads back as the same float32 (keeps the JSON small and exact). */
export function f32(v: number): number {
  if (!Number.isFinite(v)) return v;
  const target = Math.fround(v);
  for (let p = 1; p < 9; p++) {
    const r = Number(v.toPrecision(p));
    if (Math.fround(r) === target) return r;
  }
  return Number(v.toPrecision(9));
}

/** Row-major n x 2 coordinates as [[x, y], ...]. */
export function pointPairs(xs: Float32Array): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < xs.length; i += 2) out.push([f32(xs[i]), f32(xs[i + 1])]);
  return out;
}

/** A split with or without the adversarial points (the image attack leaves them out). */
export type SplitLike = Omit<RobustnessSplit, 'adversarial'>;

/** The aggregate numbers of a split (no per-point arrays). */
export function splitMetrics(split: SplitLike) {
  return {
    n: split.n,
    naturalAccuracy: split.naturalAccuracy,
    robustAccuracy: split.robustAccuracy,
    robustInaccuracy: split.robustInaccuracy,
    robustness: split.robustness,
    fractions: split.fractions,
    counts: split.counts,
  };
}

/** Per-point category names of a split. */
export function categoryNames(split: SplitLike): string[] {
  return Array.from(split.categories, (c) => SPLIT_CATEGORIES[c]);
}

/** Per-point norm of (adversarial − x) in the attack's norm. */
export function perturbationNorms(x: Float32Array, adversarial: Float32Array, norm: 'linf' | 'l2', dim = 2): number[] {
  const n = x.length / dim;
  const out: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (let j = 0; j < dim; j++) {
      const d = adversarial[i * dim + j] - x[i * dim + j];
      acc = norm === 'linf' ? Math.max(acc, Math.abs(d)) : acc + d * d;
    }
    out[i] = norm === 'linf' ? acc : Math.sqrt(acc);
  }
  return out;
}

/** Largest and mean perturbation norm, and whether every perturbation stays within eps. */
export function perturbationSummary(norms: number[], norm: 'linf' | 'l2', eps: number) {
  const max = norms.reduce((m, v) => Math.max(m, v), 0);
  const mean = norms.length ? norms.reduce((s, v) => s + v, 0) / norms.length : NaN;
  // float32 rounding of x + delta can exceed eps by a few ulps
  return { norm, eps, max, mean, withinEps: max <= eps * (1 + 1e-5) + 1e-6 };
}

export function roundTimes<T extends Record<string, number>>(t: T): T {
  return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Math.round(v)])) as T;
}
