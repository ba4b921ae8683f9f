/**
 * The preset "Multiple abstain classes — paper 004" (experiments/abstainPreset.ts) reproduces the
 * paper's qualitative findings on toy data: abstain classes lower the verified error at the same
 * standard error; M = 3 without the regulariser leaves its abstain classes idle (degeneracy);
 * with Eq. 16's regulariser the detections spread over several abstain classes.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { abstainErrorTable, abstainPresetRuns, abstainTradeoffRuns, datasetTensors, disposeDataset, runTraining, verifyAbstain, validateExperiment } from '../../src/core';
import { useWasmBackend } from './helpers';

useWasmBackend();

describe('paper 004 preset', () => {
  test('every preset and trade-off config is valid', () => {
    for (const run of [...abstainPresetRuns(), ...abstainTradeoffRuns()]) expect(validateExperiment(run.config), run.id).toEqual({});
    expect(abstainTradeoffRuns()).toHaveLength(10);
  });

  test('single and regularised multiple abstain classes verify more; unregularised M = 3 degenerates', async () => {
    const results: Record<string, { standard: number; verified: number; verifiedCrown: number; detectedPerClass: number[] }> = {};
    for (const run of abstainPresetRuns()) {
      const { dataset, model, result } = await runTraining(run.config);
      expect(result.status).toBe('completed');
      const t = datasetTensors(dataset);
      try {
        const eps = run.config.training.attack.eps;
        const v = await verifyAbstain(model, t.xTest, dataset.yTest, eps, { numClasses: 3 });
        const vc = await verifyAbstain(model, t.xTest, dataset.yTest, eps, { numClasses: 3, bound: 'crown' });
        const table = await abstainErrorTable(model, t.xTest, t.yTest, { numClasses: 3, eps, steps: 20, seed: 1 });
        expect(vc.verifiedError).toBeLessThanOrEqual(v.verifiedError);
        expect(table.pgdError).toBeLessThanOrEqual(vc.verifiedError + 1e-9); // PGD finds no more than the verifier allows
        results[run.id] = { standard: v.standardError, verified: v.verifiedError, verifiedCrown: vc.verifiedError, detectedPerClass: table.detectedPerClass };
      } finally {
        disposeDataset(t);
        model.dispose();
      }
    }
    const r = results;
    for (const k of Object.keys(r)) expect(r[k].standard, k).toBeLessThan(0.06);
    expect(r['paper004-single'].verified).toBeLessThan(r['paper004-ibp'].verified - 0.05);
    expect(r['paper004-multi-reg'].verified).toBeLessThan(r['paper004-multi'].verified - 0.05);
    expect(r['paper004-multi'].detectedPerClass.reduce((a, b) => a + b, 0)).toBeLessThan(5);
    expect(r['paper004-multi-reg'].detectedPerClass.filter((c) => c > 0).length).toBeGreaterThanOrEqual(2);
    expect(tf.memory().numTensors).toBeLessThan(50);
  }, 120000);
});
