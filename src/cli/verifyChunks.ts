/**
 * The CLI's verification in chunks (`verify` command): verifyAbstain over the inputs `batch` at a
 * time for each bound, so that per-input rows can be written as chunks finish and Ctrl-C keeps
 * the finished chunks. The verdicts equal those of one verifyAbstain call with that batch size.
 */
import * as tf from '@tensorflow/tfjs';
import { type AbstainVerdicts, type BoundMethod, emptyVerdicts, isCancelled, placeVerdicts, verdictsOver, verifyAbstain } from '../core';

export interface BoundRun {
  verdicts: AbstainVerdicts;
  /** Wall time of the verifyAbstain calls of this bound (ms). */
  totalMs: number;
}

export interface ChunkedVerification {
  /** Inputs finished (all bounds), from the start. */
  done: number;
  interrupted: boolean;
  runs: Partial<Record<BoundMethod, BoundRun>>;
}

/** The per-input verdicts a resumed run takes from its TSV, per bound, for its first `done` inputs. */
export interface ResumedRows {
  done: number;
  verdicts: Partial<Record<BoundMethod, Pick<AbstainVerdicts, 'cleanPrediction' | 'certified' | 'verified' | 'margin'>>>;
}

export interface ChunkOptions {
  numClasses: number;
  box: [number, number] | null;
  iterations: number;
  batch: number;
  signal?: AbortSignal | null;
  /** The verdicts of the first inputs, read back from an interrupted run (--resume): the run goes on after them. */
  resume?: ResumedRows;
  /**
   * After each chunk: inputs done so far, of n, the chunk's verdicts per bound (its input i is
   * input start + i) and `runs()`, the totals over every input done so far (for a checkpoint).
   */
  onChunk?: (done: number, n: number, chunk: { start: number; verdicts: Partial<Record<BoundMethod, AbstainVerdicts>>; runs: () => ChunkedVerification['runs'] }) => void;
}

/**
 * verifyAbstain over x in chunks of `batch` inputs (batchSize = batch), once per bound and
 * chunk, so that the verdicts equal those of one verifyAbstain call over all of x with that batch
 * size. When the signal fires, stops after the chunk in progress and returns the chunks finished
 * (interrupted = true).
 */
export async function verifyInChunks(model: tf.LayersModel, x: tf.Tensor, labels: ArrayLike<number>, eps: number, bounds: BoundMethod[], o: ChunkOptions): Promise<ChunkedVerification> {
  const n = x.shape[0];
  const K = o.numClasses;
  const C = model.outputs[0].shape[model.outputs[0].shape.length - 1] as number;
  const M = C - K;
  const acc = new Map<BoundMethod, { v: AbstainVerdicts; ms: number }>(bounds.map((b) => [b, { v: emptyVerdicts(n, K, M, eps, b), ms: 0 }]));
  let done = o.resume?.done ?? 0;
  if (o.resume) {
    for (const [bound, a] of acc) {
      const r = o.resume.verdicts[bound];
      if (!r) continue;
      a.v.cleanPrediction.set(r.cleanPrediction);
      a.v.certified.set(r.certified);
      a.v.verified.set(r.verified);
      a.v.margin.set(r.margin);
    }
  }
  let interrupted = false;
  while (done < n) {
    if (o.signal?.aborted) {
      interrupted = true;
      break;
    }
    const len = Math.min(o.batch, n - done);
    const xb = tf.slice(x, done, len);
    const yb = Array.from({ length: len }, (_, i) => labels[done + i]);
    const parts: Array<[BoundMethod, AbstainVerdicts, number]> = [];
    try {
      for (const bound of bounds) {
        const t0 = performance.now();
        const v = await verifyAbstain(model, xb, yb, eps, { numClasses: K, box: o.box, bound, iterations: o.iterations, batchSize: o.batch, signal: o.signal });
        parts.push([bound, v, performance.now() - t0]);
      }
    } catch (e) {
      if (!isCancelled(e)) throw e;
      interrupted = true;
      break;
    } finally {
      xb.dispose();
    }
    for (const [bound, v, ms] of parts) {
      const a = acc.get(bound)!;
      a.ms += ms;
      placeVerdicts(a.v, v, done);
    }
    const start = done;
    done += len;
    const upTo = done;
    o.onChunk?.(done, n, { start, verdicts: Object.fromEntries(parts.map(([b, v]) => [b, v])), runs: () => runsOver(upTo) });
  }
  return { done, interrupted, runs: runsOver(done) };

  function runsOver(count: number): ChunkedVerification['runs'] {
    const runs: ChunkedVerification['runs'] = {};
    for (const [bound, a] of acc) runs[bound] = { verdicts: verdictsOver(a.v, labels, count, a.ms), totalMs: a.ms };
    return runs;
  }
}

/** One untimed one-input pass per bound, so that the first timed bound does not pay the start-up. */
export async function warmUp(model: tf.LayersModel, x: tf.Tensor, labels: Int32Array, eps: number, bounds: BoundMethod[], K: number, box: [number, number] | null): Promise<void> {
  const one = tf.slice(x, 0, 1);
  try {
    for (const bound of bounds) await verifyAbstain(model, one, [labels[0]], eps, { numClasses: K, box, bound, iterations: 2 });
  } finally {
    one.dispose();
  }
}

/** A time in ms to 4 significant digits. */
