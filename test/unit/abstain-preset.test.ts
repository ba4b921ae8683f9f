/**
 * The preset "Multiple abstain classes — paper 004" (experiments/abstainPreset.ts), over seeds
 * 1-4: what holds on every seed. The regularised M = 3 model verifies clearly more than plain IBP
 * (M = 0) and spreads its detections over several abstain classes; the unregularised M = 3
 * model, whenever it detects at all, piles its detections into one abstain class (the paper's
 * degeneracy, Fig. 4). Single seeds of M = 1 and unregularised M = 3 vary (see the preset file).
 */
import { describe, expect, test } from 'vitest';
import { abstainErrorTable, abstainPresetRuns, abstainTradeoffRuns, datasetTensors, disposeDataset, runTraining, verifyAbstain, validateExperiment } from '../../src/core';
import { expectNoTensorLeak, useWasmBackend } from './helpers';

useWasmBackend();

const SEEDS = [1, 2, 3, 4];

async function outcome(id: string, seed: number): Promise<{ standard: number; verified: number; verifiedCrown: number; pgd: number; detectedPerClass: number[] }> {
  const run = abstainPresetRuns().find((r) => r.id === id)!;
  const config = { ...structuredClone(run.config), seed };
  const { dataset, model, result } = await runTraining(config);
  expect(result.status).toBe('completed');
  const t = datasetTensors(dataset);
  try {
    const eps = config.training.attack.eps;
    const v = await verifyAbstain(model, t.xTest, dataset.yTest, eps, { numClasses: 3 });
    const vc = await verifyAbstain(model, t.xTest, dataset.yTest, eps, { numClasses: 3, bound: 'crown' });
    const table = await abstainErrorTable(model, t.xTest, t.yTest, { numClasses: 3, eps, steps: 20, seed: 1 });
    return { standard: v.standardError, verified: v.verifiedError, verifiedCrown: vc.verifiedError, pgd: table.pgdError, detectedPerClass: table.detectedPerClass };
  } finally {
    disposeDataset(t);
    model.dispose();
  }
}

describe('paper 004 preset', () => {
  test('every preset and trade-off config is valid', () => {
    for (const run of [...abstainPresetRuns(), ...abstainTradeoffRuns()]) expect(validateExperiment(run.config), run.id).toEqual({});
    expect(abstainTradeoffRuns()).toHaveLength(10);
  });

  test('over seeds 1-4: the regulariser verifies more than M = 0 and spreads detections; unregularised detections pile into one class', async () => {
    await expectNoTensorLeak(async () => {
      for (const seed of SEEDS) {
        const plain = await outcome('paper004-ibp', seed);
        const multi = await outcome('paper004-multi', seed);
        const reg = await outcome('paper004-multi-reg', seed);
        for (const r of [plain, multi, reg]) {
          expect(r.standard).toBeLessThan(0.06);
          // Sound verifiers: CROWN never looser than IBP, PGD never finds more than they allow.
          expect(r.verifiedCrown).toBeLessThanOrEqual(r.verified);
          expect(r.pgd).toBeLessThanOrEqual(r.verifiedCrown + 1e-9);
        }
        expect(reg.verified, `seed ${seed}`).toBeLessThan(plain.verified - 0.05);
        expect(reg.detectedPerClass.filter((c) => c > 0).length, `seed ${seed}`).toBeGreaterThanOrEqual(2);
        const total = multi.detectedPerClass.reduce((a, b) => a + b, 0);
        if (total > 10) expect(Math.max(...multi.detectedPerClass) / total, `seed ${seed}`).toBeGreaterThan(0.9);
      }
    });
  }, 240000);
});
