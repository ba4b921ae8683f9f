/**
 * The preset "Coupled rejection — paper 000, Figure 1" at full size on WASM: PGD-AT + RR on the
 * three Gaussians, then PGD-10 on the 250 test points. Pins the numbers the page shows for the
 * preset's seed (the same seed on the same backend gives the same numbers), and checks the
 * invariants of the scatter: R-Con ≤ Con everywhere, and Theorem 1's first stage filters more at
 * the larger eps.
 */
import * as tf from '@tensorflow/tfjs';
import { expect, test } from 'vitest';
import { COUPLED_REJECTION_PRESET, REJECTION_CLEAN_SETTING, defaultRejectionEvalConfig, evaluateRejection, pgdSetting, runTraining } from '../../src/core';
import { useWasmBackend } from './helpers';

useWasmBackend();

test('the preset trains an RR model whose R-Con ranks PGD-10 examples at least as well as confidence', async () => {
  const p = COUPLED_REJECTION_PRESET;
  const { dataset, model, result } = await runTraining(p.config, () => {}, null);
  expect(result.status).toBe('completed');
  const x = tf.tensor2d(dataset.xTest, [dataset.yTest.length, 2]);
  const config = { ...defaultRejectionEvalConfig('2d'), xi: p.xi, settings: [REJECTION_CLEAN_SETTING, pgdSetting('linf', p.eps, 10, '2d'), pgdSetting('linf', p.eps2, 10, '2d')] };
  const ev = await evaluateRejection(model, x, dataset.yTest, config, {}, null);
  x.dispose();
  model.dispose();
  const metric = (set: string, score: string) => ev.metrics.find((m) => m.set === set && m.score === score)!;
  const [clean, pgd1, pgd2] = ev.sets;
  expect(metric(clean.id, 'confidence').accuracy).toBeCloseTo(246 / 250, 10);
  expect(metric(pgd2.id, 'confidence').accuracy).toBeLessThan(metric(pgd1.id, 'confidence').accuracy);
  // At the training eps, R-Con separates correct from wrong PGD-10 examples better than confidence.
  expect(metric(pgd1.id, 'rcon').auc).toBeGreaterThan(metric(pgd1.id, 'confidence').auc);
  for (const set of ev.sets) {
    const con = set.scores.confidence!;
    const rCon = set.scores.rcon!;
    for (let i = 0; i < con.length; i++) expect(rCon[i]).toBeLessThanOrEqual(con[i] + 1e-7);
  }
  const [c0, c1, c2] = ev.coupled;
  expect(c0.counts.rejectedStage1).toBeLessThanOrEqual(c1.counts.rejectedStage1);
  expect(c1.counts.rejectedStage1).toBeLessThan(c2.counts.rejectedStage1);
  expect(c2.separation.accuracy).toBeGreaterThan(0.8);
}, 300_000);
