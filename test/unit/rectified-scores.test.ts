/**
 * The page's reading of Con_τ and R-Con_τ from raw outputs (src/app/features/rcon/rconScores.ts),
 * which the temperature slider recomputes without the worker, against the core's tfjs versions.
 */
import * as tf from '@tensorflow/tfjs';
import { expect, test } from 'vitest';
import { readScores } from '../../src/app/features/rcon/rconScores';
import { confidenceFromLogits, rConFromOutputs } from '../../src/core/metrics/rejectorScores';
import { Rng } from '../../src/core/random';
import { useWasmBackend } from './helpers';

useWasmBackend();

test('Con and R-Con at several temperatures equal the core computation', () => {
  const rng = new Rng(3);
  const n = 50;
  const k = 4;
  const logits = Float32Array.from({ length: n * k }, () => 6 * rng.normal());
  const aux = Float32Array.from({ length: n }, () => 3 * rng.normal());
  for (const tau of [1, 0.5, 0.125, 2]) {
    const page = readScores(logits, aux, k, tau);
    const z = tf.tensor2d(logits, [n, k]);
    const a = tf.tensor1d(aux);
    const con = confidenceFromLogits(z, tau).dataSync();
    const rCon = rConFromOutputs(z, a, tau).dataSync();
    const pred = tf.argMax(z, 1).dataSync();
    for (let i = 0; i < n; i++) {
      expect(page.con[i]).toBeCloseTo(con[i], 5);
      expect(page.rCon![i]).toBeCloseTo(rCon[i], 5);
      expect(page.predictions[i]).toBe(pred[i]);
      expect(page.rCon![i]).toBeLessThanOrEqual(page.con[i]);
    }
    tf.dispose([z, a]);
  }
  // Lower temperature, higher confidence (Fig. 3: more inputs pass 1/(2 − ξ)).
  const hot = readScores(logits, aux, k, 1).con;
  const cold = readScores(logits, aux, k, 0.25).con;
  for (let i = 0; i < n; i++) expect(cold[i]).toBeGreaterThanOrEqual(hot[i] - 1e-7);
  expect(readScores(logits, null, k, 1).rCon).toBeNull();
  expect(() => readScores(logits, aux, k, 0)).toThrow(/temperature must be a number > 0/);
});

test('the page rejects an input with a non-finite logit or auxiliary logit at every temperature, as the worker does', () => {
  const logits = Float32Array.from([2, 0, NaN, 1, 0, 3]);
  const aux = Float32Array.from([1, 0, -Infinity]);
  for (const tau of [0.25, 1, 4]) {
    const r = readScores(logits, aux, 2, tau);
    expect(Array.from(r.predictions)).toEqual([0, -1, -1]);
    expect(r.con[0]).toBeGreaterThan(0.5);
    expect(r.con[1]).toBe(0);
    expect(r.rCon![1]).toBe(0);
    expect(r.rCon![2]).toBe(0);
  }
});
