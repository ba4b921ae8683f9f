/**
 * PGD adversarial training (Madry et al. 2018; paper 001 Eq. 6): mean cross-entropy on the
 * PGD adversarial examples, max_{x' in B} CE(f(x'), y), with a uniform random start.
 */
import * as tf from '@tensorflow/tfjs';
import { crossEntropy } from '../attacks/common';
import { type PgdOptions, pgdBatch } from '../attacks/pgd';
import { logits } from '../models/forward';
import type { LossParams, TrainingMethod } from './method';

/** The training attack as PGD options: one run from a uniform random start (also ERA's search). */
export function trainingPgdOptions(p: LossParams, seed: number): PgdOptions {
  return {
    norm: p.attack.norm,
    eps: p.attack.eps,
    steps: p.attack.steps,
    stepSize: p.attack.stepSize,
    restarts: 1,
    randomStart: true,
    seed,
    box: p.box,
  };
}

export const pgdAt: TrainingMethod = {
  prepare: (model, x, y, p, seed) => ({ xAdv: pgdBatch(model, x, y, trainingPgdOptions(p, seed)) }),
  loss: (model, _x, y, prepared) => tf.tidy(() => tf.mean(crossEntropy(logits(model, prepared.xAdv), y)) as tf.Scalar),
};
