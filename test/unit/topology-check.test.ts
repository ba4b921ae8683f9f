/**
 * A model.json is checked before tfjs builds anything: declared sizes that disagree with the
 * weights, shapes that are not whole positive numbers, and parameter counts over the limit are
 * refused by name, and no tensor is allocated.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { createMlp, modelFromArtifacts, modelToArtifacts } from '../../src/core';

async function artifacts() {
  const model = createMlp({ inputDim: 2, numClasses: 3, depth: 1, width: 8, seed: 1 });
  const a = await modelToArtifacts(model);
  model.dispose();
  return a;
}

type Layer = { class_name: string; config: Record<string, unknown> };
const layers = (json: unknown) => ((json as { modelTopology: { config: { layers: Layer[] } } }).modelTopology.config.layers);
const weights = (json: unknown) => (json as { weightsManifest: Array<{ weights: Array<{ name: string; shape: number[] }> }> }).weightsManifest[0].weights;

describe('model.json sizes are checked before anything is allocated', () => {
  test('a Dense layer declaring 20 million units while its kernel holds 8 is refused, allocating nothing', async () => {
    const { modelJson, weights: bin } = await artifacts();
    const json = structuredClone(modelJson);
    const dense = layers(json).find((l) => l.class_name === 'Dense')!;
    dense.config.units = 20_000_000;
    const before = tf.memory().numTensors;
    const rss = process.memoryUsage().rss;
    await expect(modelFromArtifacts(json, bin)).rejects.toThrow(new RegExp(`layer "${String(dense.config.name)}" declares units = 20000000 but its kernel in the weights manifest has shape \\[2, 8\\]`));
    expect(tf.memory().numTensors).toBe(before);
    expect(process.memoryUsage().rss - rss).toBeLessThan(500 * 2 ** 20);
  });

  test('a weight of shape [-2, 32] is refused by its name', async () => {
    const { modelJson, weights: bin } = await artifacts();
    const json = structuredClone(modelJson);
    const w = weights(json)[0];
    w.shape = [-2, 32];
    await expect(modelFromArtifacts(json, bin)).rejects.toThrow(new RegExp(`weight "${w.name}" has shape \\[-2,32\\]; every dimension must be a whole number ≥ 1`));
  });

  test('a manifest over the parameter limit is refused, with the count and the limit', async () => {
    const { modelJson, weights: bin } = await artifacts();
    // 2·8 + 8 + 8·3 + 3 = 51 parameters.
    await expect(modelFromArtifacts(modelJson, bin, { maxParams: 50 })).rejects.toThrow(/declares 51 parameters, over the limit of 50/);
    // Within the limit it loads.
    const model = await modelFromArtifacts(modelJson, bin, { maxParams: 51 });
    expect(model.countParams()).toBe(51);
    model.dispose();
  });

  test('units that are not a whole number, and input shapes with negative sizes, are refused', async () => {
    const { modelJson, weights: bin } = await artifacts();
    const json = structuredClone(modelJson);
    layers(json).find((l) => l.class_name === 'Dense')!.config.units = 2.5;
    await expect(modelFromArtifacts(json, bin)).rejects.toThrow(/declares units = 2\.5; expected a whole number/);
    const json2 = structuredClone(modelJson);
    const first = layers(json2)[0];
    first.config.batch_input_shape = [null, -2];
    await expect(modelFromArtifacts(json2, bin)).rejects.toThrow(/has input shape \[null,-2\]/);
  });
});
