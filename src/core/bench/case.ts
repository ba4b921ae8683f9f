/**
 * What a benchmark case is, and the pieces the case files (./cases/*.ts) build theirs from.
 *
 * A case is a small record: its id, its family, the text the tables and the bench view show, the
 * work one run does, and `prepare`, which builds the case's tensors and model once and returns
 * the timed run and the clean-up. The runner (./runner.ts) makes one warm-up run (kernel
 * compilation, WASM memory growth, shader caches), then times the runs and takes the median.
 * Every run ends with a read-back of its result (`await data()`), so that asynchronous backends
 * are timed to completion. Pure core: no file system, no DOM (the cases also run in the page's
 * worker).
 */
import * as tf from '@tensorflow/tfjs';
import { CancelledError } from '../cancel';
import { type TrainConfig, train } from '../training/trainer';

type BenchFamilyId = 'grid2d' | 'image' | 'smoothing' | 'verify' | 'arena';

export interface BenchCase {
  id: string;
  family: BenchFamilyId;
  label: string;
  description: string;
  /** Units of work per run (for the throughput) and their name. */
  workUnits: number;
  unit: string;
  /**
   * For a case that adds Rectified Rejection to a plain adversarial training: the id of that plain
   * case, whose epoch time RR's overhead is measured against (the pairs run interleaved).
   */
  plainCounterpart?: string;
  /**
   * Builds the case's tensors and model, once before its runs. `scale` in (0, 1] shrinks the
   * batches of the cases that honour it (BenchOptions.scale); the others ignore it.
   */
  prepare(scale: number): Prepared;
}

export interface BenchFamily {
  id: BenchFamilyId;
  label: string;
  cases: readonly BenchCase[];
}

/**
 * What an outside reference (bench/compare.ts with PyTorch) needs to do a case's work on the same
 * numbers: the model (for a training case its weights at the start of every run) and the inputs,
 * by name. Owned by the Prepared; nothing here is timed.
 */
export interface BenchExchange {
  model?: tf.LayersModel;
  inputs: Record<string, tf.Tensor>;
}

export interface Prepared {
  /** Units of work per run (the case's workUnits unless scaled down). */
  workUnits?: number;
  /** The model and inputs of the case, for a reference run of the same work elsewhere. */
  exchange?: BenchExchange;
  /** One timed run; resolves with its duration in ms. */
  run(signal?: AbortSignal | null): Promise<number>;
  /** Timed before each run (and the warm-up) of the case, interleaved; resolves with its duration in ms. */
  reference?: { label: string; run(): Promise<number> };
  dispose(): void;
}

type Run = (signal?: AbortSignal | null) => Promise<unknown>;

/** `work` as a timed run: resolves with its duration in ms. */
export function timed(work: Run): (signal?: AbortSignal | null) => Promise<number> {
  return async (signal) => {
    const t0 = performance.now();
    await work(signal);
    return performance.now() - t0;
  };
}

/** Reads back every tensor and disposes them. */
export async function readBack(tensors: tf.Tensor[]): Promise<void> {
  try {
    await Promise.all(tensors.map((t) => t.data()));
  } finally {
    tf.dispose(tensors);
  }
}

/** A timed forward pass of `model` on `x` (inference mode) with the read-back of its output. */
export function forwardPass(model: tf.LayersModel, x: tf.Tensor): () => Promise<number> {
  return timed(() => readBack([tf.tidy(() => model.apply(x, { training: false }) as tf.Tensor)]));
}

/** A Prepared whose dispose frees `owned` (tensors and models built for the case). */
export function owning(owned: ReadonlyArray<{ dispose(): void }>, prepared: Omit<Prepared, 'dispose'>): Prepared {
  return {
    ...prepared,
    dispose() {
      for (const o of owned) o.dispose();
    },
  };
}

/** A case's count scaled by `scale` (at least 1). */
export const scaled = (n: number, scale: number) => Math.max(1, Math.round(n * scale));

/**
 * One training epoch per run on (x, y), from a fresh model each run (`build`), so that every run
 * does the same work from the same weights. Owns x and y.
 */
export function prepareEpoch(id: string, x: tf.Tensor, y: tf.Tensor1D, config: TrainConfig, build: () => tf.LayersModel, workUnits?: number): Prepared {
  // Every run starts from these weights (build is seeded): the reference starts from them too.
  const initial = build();
  return owning([x, y, initial], {
    workUnits,
    exchange: { model: initial, inputs: { x, y } },
    async run(signal) {
      const model = build();
      try {
        const t0 = performance.now();
        const result = await train(model, { x, y }, config, undefined, signal);
        const ms = performance.now() - t0;
        if (result.status === 'cancelled') throw new CancelledError();
        if (result.status !== 'completed') throw new Error(`${id}: training ${result.status}: ${result.message}`);
        return ms;
      } finally {
        model.dispose();
      }
    },
  });
}
