/**
 * A smoothing batch's memory is estimated from the model before anything is drawn: a batch that
 * would not fit is refused with the largest that does, and no tensor is left behind.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { bytesPerCopy, certify, checkBatchFits, createCnn, createMlp, predict } from '../../src/core';

describe('batch memory', () => {
  test('bytes per copy: the input three times and every layer output twice, as float32', () => {
    const mlp = createMlp({ inputDim: 2, numClasses: 3, depth: 2, width: 16, seed: 1 });
    // Layers: 16, 16, 3 outputs.
    expect(bytesPerCopy(mlp)).toBe(4 * (3 * 2 + 2 * (16 + 16 + 3)));
    mlp.dispose();
  });

  test('an oversized batch is refused with the largest that fits; within it the run goes on', async () => {
    const mlp = createMlp({ inputDim: 2, numClasses: 3, depth: 4, width: 64, seed: 1 });
    const x = tf.tensor2d([[0.3, 0.4]]);
    const before = tf.memory().numTensors;
    const per = bytesPerCopy(mlp);
    const largest = Math.floor(2 ** 30 / per);
    await expect(certify(mlp, x, { sigma: 0.25, n0: 10, n: 1_000_000, batchSize: 1_000_000 })).rejects.toThrow(
      new RegExp(`batch size 1,000,000 needs about [0-9.]+ GB for this model \\(${per.toLocaleString('en')} bytes per noisy copy\\); the largest batch that fits in 1 GiB is ${largest.toLocaleString('en')}`),
    );
    await expect(predict(mlp, x, { sigma: 0.25, n: 1_000_000, batchSize: 1_000_000 })).rejects.toThrow(/the largest batch that fits/);
    expect(tf.memory().numTensors).toBe(before);
    // A batch larger than n only ever draws n at once: never refused for that.
    const r = await predict(mlp, x, { sigma: 0.25, n: 100, batchSize: 1_000_000 });
    expect(r.counts.reduce((a, b) => a + b, 0)).toBe(100);
    x.dispose();
    mlp.dispose();
  });

  test('the default batch of 1,000 fits the workbench’s CIFAR-size CNN', () => {
    const cnn = createCnn({ inputShape: [32, 32, 3], numClasses: 10, seed: 1 });
    expect(() => checkBatchFits(bytesPerCopy(cnn), 1000)).not.toThrow();
    cnn.dispose();
  });
});
