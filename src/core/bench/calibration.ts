/**
 * The small representative job the page times on each backend it could use, at its first start
 * on a device, to choose the fastest (the Bench view shows the figures):
 *  - an MLP PGD step: the inner attack of one training batch of the 2-D playground — PGD-10 l∞
 *    (eps 0.1) on 10 points (TRAIN_DEFAULTS' batch) against the default MLP: small kernels, where
 *    launch and thread-synchronisation costs decide;
 *  - a CNN forward pass: the default image CNN on 64 images (its training batch), with read-back:
 *    large convolutions, where raw compute and threads pay.
 * A backend's score is the time of the whole job, the sum of the two times: what a session
 * that trains small models and evaluates larger ones spends (threads slow the first, in small
 * kernels, and speed up the second).
 */
import * as tf from '@tensorflow/tfjs';
import { runAttack } from '../attacks/registry';
import { TRAIN_DEFAULTS } from '../training/trainer';
import { readBack } from './case';
import { BENCH_SPLIT_ATTACK } from './cases/grid2d';
import { benchCnn, benchImages, benchMlp, uniform } from './fixtures';

export interface CalibrationTimes {
  /** Time of PGD-10 on one 10-point batch of the default MLP (ms): the fastest run. */
  mlpPgdStepMs: number;
  /** Time of the default CNN's forward pass on 64 images (ms): the fastest run. */
  cnnForwardMs: number;
}

const CNN_IMAGES = 64;
export const CALIBRATION_RUNS = 5;

/** The time of the whole job, both parts (ms; lower is faster). */
export function calibrationScore(t: CalibrationTimes): number {
  return t.mlpPgdStepMs + t.cnnForwardMs;
}

/** The faster of two measurements of the same candidate, job by job. */
export function fasterTimes(a: CalibrationTimes, b: CalibrationTimes): CalibrationTimes {
  return { mlpPgdStepMs: Math.min(a.mlpPgdStepMs, b.mlpPgdStepMs), cnnForwardMs: Math.min(a.cnnForwardMs, b.cnnForwardMs) };
}

/**
 * Times both jobs on the active backend: one warm-up run each, then `runs` timed runs, keeping the
 * fastest — the run least disturbed by whatever else the machine did (the page starts while it
 * measures); leaves no tensor behind.
 */
export async function calibrate(runs = CALIBRATION_RUNS): Promise<CalibrationTimes> {
  if (!Number.isInteger(runs) || runs < 1 || runs > 50) throw new Error(`calibrate: runs must be a whole number from 1 to 50; got ${runs}`);
  const batch = TRAIN_DEFAULTS.batchSize;
  const mlp = benchMlp();
  const cnn = benchCnn();
  const points = tf.tensor2d(uniform(batch * 2, 21), [batch, 2]);
  const labels = tf.tensor1d(Int32Array.from({ length: batch }, (_, i) => i % 3), 'int32');
  const images = benchImages(CNN_IMAGES, 22);
  const time = async (work: () => Promise<void>) => {
    await work();
    const out: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await work();
      out.push(performance.now() - t0);
    }
    return Math.min(...out);
  };
  try {
    const mlpPgdStepMs = await time(async () => readBack([await runAttack(mlp, points, labels, BENCH_SPLIT_ATTACK)]));
    const cnnForwardMs = await time(() => readBack([tf.tidy(() => cnn.apply(images.x, { training: false }) as tf.Tensor)]));
    return { mlpPgdStepMs, cnnForwardMs };
  } finally {
    tf.dispose([points, labels, images.x, images.y]);
    mlp.dispose();
    cnn.dispose();
  }
}
