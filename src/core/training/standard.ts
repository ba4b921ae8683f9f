/** Standard training: mean cross-entropy on clean inputs (L_std of paper 001, Fig. 1). */
import * as tf from '@tensorflow/tfjs';
import { crossEntropy } from '../attacks/common';
import { logits } from '../models/forward';
import type { TrainingMethod } from './method';

export const standard: TrainingMethod = {
  prepare: () => ({}),
  loss: (model, x, y) => tf.tidy(() => tf.mean(crossEntropy(logits(model, x), y)) as tf.Scalar),
};
