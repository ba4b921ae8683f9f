/**
 * src/core/models/io.ts: a model saved to (model.json, weights.bin) artifacts loads back with
 * identical weights and predictions, the JSON has the shape of tfjs' browserDownloads output,
 * and broken artifacts are refused with a clear message.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, test } from 'vitest';
import { createMlp, selectBackend } from '../../src/core';
import { WEIGHTS_FILE_NAME, manifestByteLength, modelFromArtifacts, modelToArtifacts } from '../../src/core/models/io';

beforeAll(async () => {
  await selectBackend('wasm', ['wasm', 'cpu']);
});

describe('model artifacts', () => {
  test('round trip keeps topology, weights and predictions; no tensors leak', async () => {
    const before = tf.memory().numTensors;
    const model = createMlp({ inputDim: 2, numClasses: 3, depth: 2, width: 8, activation: 'tanh', seed: 5 });
    const { modelJson, weights } = await modelToArtifacts(model, { experiment: { seed: 5 } });

    // The layout of tfjs' browserDownloads model.json, with the weight file named weights.bin.
    expect(Object.keys(modelJson).slice(0, 5)).toEqual(['modelTopology', 'format', 'generatedBy', 'convertedBy', 'weightsManifest']);
    expect(modelJson.format).toBe('layers-model');
    expect(modelJson.weightsManifest).toHaveLength(1);
    expect(modelJson.weightsManifest[0].paths).toEqual([`./${WEIGHTS_FILE_NAME}`]);
    expect(modelJson.weightsManifest[0].weights.map((w) => w.shape)).toEqual([[2, 8], [8], [8, 8], [8], [8, 3], [3]]);
    expect(weights.byteLength).toBe((2 * 8 + 8 + 8 * 8 + 8 + 8 * 3 + 3) * 4);
    expect(manifestByteLength(modelJson.weightsManifest)).toBe(weights.byteLength);
    expect(modelJson.userDefinedMetadata).toEqual({ experiment: { seed: 5 } });

    // What a file system does to them: text and bytes.
    const text = JSON.stringify(modelJson);
    const bytes = new Uint8Array(weights.slice(0));
    const loaded = await modelFromArtifacts(JSON.parse(text), bytes);
    expect(loaded.inputs[0].shape).toEqual([null, 2]);
    expect(loaded.outputs[0].shape).toEqual([null, 3]);
    expect(loaded.getUserDefinedMetadata()).toEqual({ experiment: { seed: 5 } });

    const a = model.getWeights().map((w) => Array.from(w.dataSync()));
    const b = loaded.getWeights().map((w) => Array.from(w.dataSync()));
    expect(b).toEqual(a);
    const x = tf.randomNormal([50, 2], 0, 1, 'float32', 3);
    const za = model.predict(x) as tf.Tensor;
    const zb = loaded.predict(x) as tf.Tensor;
    expect(Array.from(zb.dataSync())).toEqual(Array.from(za.dataSync()));
    tf.dispose([x, za, zb]);
    model.dispose();
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  test('the default 4x64 ReLU MLP round-trips too', async () => {
    const model = createMlp({ inputDim: 2, numClasses: 2 });
    const { modelJson, weights } = await modelToArtifacts(model);
    expect(modelJson.userDefinedMetadata).toBeUndefined();
    const loaded = await modelFromArtifacts(modelJson, weights);
    expect(loaded.layers.map((l) => l.getConfig().units)).toEqual([64, 64, 64, 64, 2]);
    model.dispose();
    loaded.dispose();
  });

  test('refuses a weight file of the wrong size', async () => {
    const model = createMlp({ inputDim: 2, numClasses: 3, depth: 1, width: 4 });
    const { modelJson, weights } = await modelToArtifacts(model);
    model.dispose();
    await expect(modelFromArtifacts(modelJson, weights.slice(0, weights.byteLength - 4))).rejects.toThrow(/weight file has \d+ bytes but model.json describes \d+/);
  });

  test('refuses JSON that is not a layers model', async () => {
    await expect(modelFromArtifacts({ hello: 1 }, new ArrayBuffer(0))).rejects.toThrow(/Not a tfjs layers model: .*modelTopology/);
    await expect(modelFromArtifacts([], new ArrayBuffer(0))).rejects.toThrow(/JSON object/);
    await expect(modelFromArtifacts({ modelTopology: {}, format: 'graph-model', weightsManifest: [] }, new ArrayBuffer(0))).rejects.toThrow(/graph-model/);
  });
});
