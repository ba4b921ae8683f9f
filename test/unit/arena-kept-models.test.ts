/**
 * Which kept model may stand for training an arena family (workers/arenaKeptModels.ts): only one
 * trained with the same training config, to the same epochs, on the same backend and tfjs, and on
 * images on the same records; the number of test images evaluated does not matter.
 */
import { describe, expect, test } from 'vitest';
import { defaultArenaConfig } from '../../src/core';
import { familyExperiment, familyImageExperiment } from '../../src/core/experiments/arenaTraining';
import { canonical, keptModelMatches } from '../../workers/arenaKeptModels';

const ON = 'wasm · tfjs 4.22.0';

describe('kept models in the arena', () => {
  test('2-D: the same config, epochs and backend match; another backend, tfjs, epoch count or setting does not', () => {
    const config = defaultArenaConfig();
    const exp = familyExperiment(config, 'trades');
    const key = { config: JSON.parse(JSON.stringify(exp)), epochsCompleted: exp.training.epochs, trainedOn: ON };
    expect(keptModelMatches(key, exp, null, ON)).toBe(true);
    expect(keptModelMatches(key, exp, null, 'webgpu · tfjs 4.22.0')).toBe(false);
    expect(keptModelMatches(key, exp, null, 'wasm · tfjs 4.23.0')).toBe(false);
    expect(keptModelMatches({ ...key, trainedOn: undefined }, exp, null, ON)).toBe(false);
    expect(keptModelMatches({ ...key, epochsCompleted: exp.training.epochs - 1 }, exp, null, ON)).toBe(false);
    expect(keptModelMatches(key, familyExperiment({ ...config, seed: 2 }, 'trades'), null, ON)).toBe(false);
    expect(keptModelMatches(key, familyExperiment(config, 'pgd-at'), null, ON)).toBe(false);
    // 2-D data is generated from the config: the test share is part of it.
    const other = familyExperiment({ ...config, data: { ...config.data, testFraction: 0.5 } }, 'trades');
    expect(keptModelMatches(key, other, null, ON)).toBe(false);
  });

  test('images: the same records are needed, and the test images evaluated do not matter', () => {
    const config = { ...defaultArenaConfig(), source: 'images' as const, count: 100 };
    const exp = familyImageExperiment(config, 'gaussian');
    const key = { config: JSON.parse(JSON.stringify(exp)), epochsCompleted: exp.training.epochs, trainedOn: ON, trainingRecords: '0123456789abcdef' };
    expect(keptModelMatches(key, exp, '0123456789abcdef', ON)).toBe(true);
    expect(keptModelMatches(key, exp, 'fedcba9876543210', ON)).toBe(false);
    expect(keptModelMatches(key, exp, null, ON)).toBe(false);
    expect(keptModelMatches({ ...key, trainingRecords: undefined }, exp, '0123456789abcdef', ON)).toBe(false);
    // Evaluating 20 test images instead of 100 trains the same model.
    expect(keptModelMatches(key, familyImageExperiment({ ...config, count: 20 }, 'gaussian'), '0123456789abcdef', ON)).toBe(true);
    expect(keptModelMatches(key, familyImageExperiment({ ...config, smoothing: { ...config.smoothing, sigma: 0.5 } }, 'gaussian'), '0123456789abcdef', ON)).toBe(false);
  });

  test('configs compare by content, whatever the order of their keys', () => {
    expect(canonical({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: null } })).toBe(canonical({ a: { c: null, d: [1, { e: 3, f: 2 }] }, b: 1 }));
    expect(canonical({ a: 1 })).not.toBe(canonical({ a: 2 }));
  });
});
