/**
 * One entry point for the evaluation attacks (FGSM, PGD, APGD-CE) driven by a JSON-serialisable
 * config, as the page, the worker and the CLI use them.
 */
import * as tf from '@tensorflow/tfjs';
import type { AttackConfig } from './config';
import { type RunControl, mapBatches } from './batched';
import { assertInsideBox } from './common';
import { fgsmBatch } from './fgsm';
import { pgdBatch } from './pgd';
import { apgdCeBatch } from './apgd';
import { deriveSeed } from '../random';

export { ATTACK_KINDS, ATTACK_DEFAULTS, ATTACK_LABELS, type AttackKind, type AttackConfig } from './config';

/** Runs the configured attack on one batch, synchronously. */
export function attackBatch(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor1D, config: AttackConfig): tf.Tensor {
  const threat = { norm: config.norm, eps: config.eps, box: config.box };
  switch (config.kind) {
    case 'fgsm':
      return fgsmBatch(model, x, y, threat);
    case 'pgd':
      return pgdBatch(model, x, y, { ...threat, steps: config.steps, stepSize: config.stepSize, restarts: config.restarts, randomStart: config.randomStart, seed: config.seed, keepFooled: true });
    case 'apgd-ce':
      return apgdCeBatch(model, x, y, { ...threat, steps: config.steps, restarts: config.restarts, seed: config.seed });
  }
}

/** Runs the configured attack over any number of inputs, chunked and cancellable. */
export async function runAttack(
  model: tf.LayersModel,
  x: tf.Tensor,
  y: tf.Tensor1D,
  config: AttackConfig,
  control: RunControl = {},
): Promise<tf.Tensor> {
  await assertInsideBox(x, config.box);
  return mapBatches(x, y, control, (xb, yb, k) => attackBatch(model, xb, yb, { ...config, seed: deriveSeed(config.seed, 'chunk', k) }));
}
