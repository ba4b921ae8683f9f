/**
 * Every attack the workbench runs, by id. A config with `kind` set to one of these ids runs
 * through `runAttack` (the page, the worker and the CLI use it with JSON configs); each attack's
 * own file also exports a typed function (pgd, apgdCe, …) that goes through the same runner.
 */
import * as tf from '@tensorflow/tfjs';
import type { AttackConfig } from './config';
import { type Attack, type AttackSettings, type RunControl, adversarialOf, attackWith, numLogitsOf, runSteps } from './runner';
import { fgsmAttack } from './fgsm';
import { pgdAttack } from './pgd';
import { apgdCeAttack } from './apgd';
import { adaptiveRconAttack } from './adaptive';
import { abstainPgdAttack } from './abstainPgd';
import { smoothAdvAttack } from './smoothAdv';

export const ATTACKS = {
  [fgsmAttack.id]: fgsmAttack,
  [pgdAttack.id]: pgdAttack,
  [apgdCeAttack.id]: apgdCeAttack,
  [adaptiveRconAttack.id]: adaptiveRconAttack,
  [abstainPgdAttack.id]: abstainPgdAttack,
  [smoothAdvAttack.id]: smoothAdvAttack,
} as Record<string, Attack<AttackSettings>>;

function attackOf(kind: unknown): Attack<AttackSettings> {
  const attack = typeof kind === 'string' ? ATTACKS[kind] : undefined;
  if (!attack) throw new Error(`attack: kind must be one of ${Object.keys(ATTACKS).join(', ')} (got ${JSON.stringify(kind)})`);
  return attack;
}

/** An attack's settings with `kind` naming it, e.g. the evaluation attack of the page and the CLI (AttackConfig). */
type KindConfig = Pick<AttackConfig, 'eps'> & Partial<AttackSettings> & { kind: string };

/** Runs the attack named by config.kind on one batch, synchronously (no checks, no chunks). */
export function attackBatch(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor1D, config: KindConfig): tf.Tensor {
  const attack = attackOf(config.kind);
  const out = runSteps(attack.steps(model, x, y, { ...attack.defaults, ...config } as AttackSettings, { model, numLogits: numLogitsOf(model, x) }));
  if (out instanceof tf.Tensor) return out;
  const { adversarial, ...rest } = out;
  tf.dispose(Object.values(rest));
  return adversarial;
}

/** Runs the attack named by config.kind over any number of inputs: checked, chunked, cancellable. */
export async function runAttack(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor1D, config: KindConfig, control: RunControl = {}): Promise<tf.Tensor> {
  return adversarialOf(attackWith(attackOf(config.kind), model, x, y, config, control));
}
