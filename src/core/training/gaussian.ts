/**
 * Gaussian augmentation training (Cohen et al. 2019; paper 002, Eq. 5; paper 001, Eq. 10):
 *   L = CE(f(x + delta), y),  delta ~ N(0, sigma² I),
 * one fresh draw per input and step, seeded from the batch seed (noiseDraws.ts), so a run is
 * reproducible. The base classifier it trains is then smoothed with the same sigma.
 */
import * as tf from '@tensorflow/tfjs';
import { crossEntropy } from '../attacks/common';
import { logits } from '../models/forward';
import type { TrainingMethod } from './method';
import { drawNoise } from '../noise/draws';
import { smoothedParams } from './smoothedTrainingConfig';

export const gaussian: TrainingMethod = {
  prepare: (_model, x, _y, p, seed) => ({ noise: drawNoise(x, 1, smoothedParams(p).sigma, seed, 'gaussian') }),
  loss: (model, x, y, prepared) => tf.tidy(() => tf.mean(crossEntropy(logits(model, tf.add(x, prepared.noise)), y)) as tf.Scalar),
};
