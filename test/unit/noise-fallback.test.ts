/**
 * Where the WASM SIMD generator cannot run (no SIMD, or a synchronous compile refused),
 * gaussianNoise on wasm/cpu draws exactly the float64 JavaScript reference philoxNormals and says
 * so ('javascript'). The module is replaced by one that answers "unavailable".
 */
import * as tf from '@tensorflow/tfjs';
import { expect, test, vi } from 'vitest';
import { gaussianNoise, noiseSource } from '../../src/core/noise/gaussianNoise';
import { philoxNormals } from '../../src/core/noise/philox';
import { useWasmBackend } from './helpers';

vi.mock('../../src/core/noise/simd', () => ({ simdNormals: () => false }));

useWasmBackend();

test('without the SIMD module, gaussianNoise draws the JavaScript reference exactly', async () => {
  const before = tf.memory().numTensors;
  const t = gaussianNoise([5, 819], { seed: 3, stream: 4, sigma: 0.5 });
  expect(noiseSource()).toBe('javascript');
  const v = (await t.data()) as Float32Array;
  t.dispose();
  expect(tf.memory().numTensors).toBe(before);
  expect(v).toEqual(philoxNormals(new Float32Array(5 * 819), 3, 4, 0.5));
});
