/**
 * The abstain arena: its config refuses bad fields by name; each family's decisions are what its
 * rule says (hand-built models); every column of a run's table is the function it summarises
 * applied to the run's own per-input decisions; a certificate never claims more than the attacks
 * leave; the same seed gives the same table; a cancel keeps the finished rows; nothing leaks.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { ABSTAIN_DECISION, type ArenaConfig, type ArenaRow, abstainOutcomes, arenaCsv, defaultArenaConfig, isCancelled, normaliseArenaConfig, runArena } from '../../src/core';
import { familyDecider, logitDecisions, towards } from '../../src/core/experiments/arenaDecisions';
import { fixedDenseModel, useWasmBackend } from './helpers';

useWasmBackend();

function small(families: ArenaConfig['families']): ArenaConfig {
  const c = defaultArenaConfig();
  c.data = { ...c.data, size: 200 };
  c.budget = { epochs: 3, trainingAttackSteps: 5, attackSteps: 10, attackRestarts: 1 };
  c.smoothing = { ...c.smoothing, predictSamples: 200, certifyN0: 20, certifyN: 1000 };
  c.gridResolution = 8;
  c.families = families;
  return c;
}

describe('arena config', () => {
  test('the defaults are valid and run every family', () => {
    const c = normaliseArenaConfig({});
    expect(c.families).toHaveLength(10);
    expect(c.threat).toEqual({ norm: 'linf', eps: 0.1 });
  });
  test('switching to images sets eps 8/255, σ 0.25, fewer noisy copies, and leaves out sample rejection', async () => {
    const { arenaSourceDefaults, ARENA_FAMILIES } = await import('../../src/core/experiments/arenaConfig');
    const d = arenaSourceDefaults('images');
    expect(d.threat).toEqual({ norm: 'linf', eps: 8 / 255 });
    expect(d.smoothing).toMatchObject({ sigma: 0.25, predictSamples: 200, certifyN: 2000 });
    expect(d.families).toEqual(ARENA_FAMILIES.filter((f) => f !== 'sample-rejection'));
    expect(arenaSourceDefaults('2d').families).toEqual([...ARENA_FAMILIES]);
    // A config file on images takes them for the fields it leaves out, and keeps the ones it gives.
    const c = normaliseArenaConfig({ source: 'images', smoothing: { certifyN: 500 } });
    expect(c).toMatchObject({ threat: d.threat, count: 100, families: d.families, smoothing: { ...d.smoothing, certifyN: 500 } });
    expect(normaliseArenaConfig({ source: 'images', threat: { norm: 'l2' } }).threat).toEqual({ norm: 'l2', eps: 8 / 255 });
    expect(normaliseArenaConfig(c)).toEqual(c);
  });

  test('bad fields are refused by name, with the value and what is allowed', () => {
    expect(() => normaliseArenaConfig({ threat: { eps: 0 } })).toThrow(/threat\.eps must be > 0.*\(got 0\)/);
    expect(() => normaliseArenaConfig({ families: ['standard', 'svm'] })).toThrow(/families has "svm"; allowed: standard, pgd-at/);
    expect(() => normaliseArenaConfig({ families: ['rr', 'rr'] })).toThrow(/families names a family twice/);
    expect(() => normaliseArenaConfig({ families: [] })).toThrow(/families must be a non-empty list/);
    expect(() => normaliseArenaConfig({ budget: { epochs: 1.5 } })).toThrow(/budget\.epochs/);
    expect(() => normaliseArenaConfig({ colour: 'red' })).toThrow(/colour is not a known field/);
  });
});

describe('arena decisions', () => {
  test('an abstain-class output means abstain, a non-finite row is a wrong answer (K + M)', async () => {
    // Logits = x·I over 3 outputs (K = 2 regular classes, 1 abstain class).
    const model = fixedDenseModel([{ kernel: [[1, 0, 0], [0, 1, 0], [0, 0, 1]], bias: [0, 0, 0] }]);
    const x = tf.tensor2d([[3, 1, 0], [0, 2, 1], [0, 1, 5], [NaN, 0, 0]]);
    expect(Array.from(await logitDecisions(model, x, 2))).toEqual([0, 1, ABSTAIN_DECISION, 3]);
    tf.dispose([x]);
    model.dispose();
  });
  test('the selector attack’s point lies on the segment to the far point, at most eps from x', async () => {
    const x = tf.tensor2d([[0, 0], [1, 1], [0, 0]]);
    const far = tf.tensor2d([[0.4, -0.1], [1.05, 1], [0.3, 0.4]]);
    const linf = (await towards(x, far, 'linf', 0.2).array()) as number[][];
    expect(linf[0][0]).toBeCloseTo(0.2, 6);
    expect(linf[0][1]).toBeCloseTo(-0.05, 6);
    expect(linf[1]).toEqual([expect.closeTo(1.05, 6), 1]);
    const l2 = (await towards(x, far, 'l2', 0.25).array()) as number[][];
    expect(l2[2][0]).toBeCloseTo(0.15, 6);
    expect(l2[2][1]).toBeCloseTo(0.2, 6);
    tf.dispose([x, far]);
  });
});

/** Checks one finished row against the functions it summarises. */
function checkRow(row: ArenaRow, labels: number[]): void {
  expect(row.status, `${row.family}: ${row.note}`).toBe('done');
  const d = row.decisions!;
  expect(d.clean).toHaveLength(labels.length);
  expect(row.outcomes).toEqual(abstainOutcomes({ labels, clean: d.clean, attacked: d.attacked }));
  row.attacks.forEach((a, j) => expect(a.robustAccuracy).toEqual(abstainOutcomes({ labels, clean: d.clean, attacked: [d.attacked[j]] }).robustAccuracy));
  // The worst attack per input leaves no more than the strongest single attack.
  expect(row.outcomes!.robustAccuracy.k).toBeLessThanOrEqual(Math.min(...row.attacks.map((a) => a.robustAccuracy.k)));
  const o = row.outcomes!;
  for (const g of row.guarantees) {
    // A certificate covers the whole ball, so it cannot claim more than the attacks leave.
    const empiricalSafe = row.family.startsWith('ibp') ? o.robustErrorAbstainSuccess.n - o.robustErrorAbstainSuccess.k : row.family === 'gaussian' || row.family === 'sample-rejection' ? o.cleanAccuracy.k : o.robustAccuracy.k;
    expect(g.share.k, `${row.family} ${g.id}`).toBeLessThanOrEqual(empiricalSafe);
  }
  expect(row.grid!.decisions).toHaveLength(64);
  // The sample-rejection row trains the denoiser and the rejectors, the budget's epochs each.
  expect(row.cost!.epochs).toBe(row.family === 'sample-rejection' ? 6 : 3);
}

describe('a small arena', () => {
  test('every column is the function it summarises, on the run’s own decisions; the tensor count is unchanged', async () => {
    const config = small(['standard', 'era-selector', 'rr', 'gaussian', 'sample-rejection', 'ibp-m3']);
    const before = tf.memory().numTensors;
    const seen: string[] = [];
    const result = await runArena(config, { onRow: (r) => seen.push(r.family) });
    expect(tf.memory().numTensors).toBe(before);
    expect(seen).toEqual(['standard', 'era-selector', 'rr', 'gaussian', 'sample-rejection', 'ibp-m3']);
    expect(result.labels).toHaveLength(40);
    for (const row of result.rows) checkRow(row, result.labels);
    const byFamily = Object.fromEntries(result.rows.map((r) => [r.family, r]));
    expect(byFamily.standard.outcomes!.cleanAbstention.k).toBe(0);
    expect(byFamily.rr.attacks.map((a) => a.id)).toEqual(['pgd', 'apgd-ce', 'adaptive']);
    expect(byFamily['era-selector'].attacks.map((a) => a.id)).toEqual(['pgd', 'apgd-ce', 'selector']);
    expect(byFamily['ibp-m3'].attacks.map((a) => a.id)).toEqual(['pgd', 'apgd-ce', 'abstain-pgd']);
    expect(byFamily.gaussian.guarantees.map((g) => g.id)).toEqual(['certified']);
    expect(byFamily['sample-rejection'].guarantees[0].definition).toMatch(/Theorem 3\.1, with rejection/);
    expect(byFamily['sample-rejection'].attacks.map((a) => a.id)).toEqual(['pgd', 'apgd-ce', 'smooth-adv']);
    expect(byFamily.standard.guarantees.map((g) => g.id)).toEqual(['verified-ibp', 'verified-crown']);
    expect(byFamily.rr.guaranteeNote).toMatch(/No certificate/);
    // The composition needs the standard model, which ran first.
    expect(byFamily['era-selector'].paperMeasure!.value).toBeGreaterThanOrEqual(0);
    expect(byFamily['ibp-m3'].paperMeasure!.label).toMatch(/verified error/);
    // Rectified Rejection keeps 95% of the correct clean inputs: its clean abstention is small but its threshold is set.
    expect(byFamily.rr.outcomes!.cleanAbstention.value).toBeLessThan(0.2);
    const csv = arenaCsv(result).trim().split('\n');
    expect(csv).toHaveLength(7);
    expect(csv[0].split(',').slice(0, 6)).toEqual(['family', 'label', 'status', 'cleanAccuracy', 'cleanAccuracy_lower', 'cleanAccuracy_upper']);
    expect(Number(csv[1].split(',')[3])).toBe(byFamily.standard.outcomes!.cleanAccuracy.value);
  }, 120_000);

  test('the same seed gives the same table; another seed another', async () => {
    const config = small(['pgd-at']);
    const a = await runArena(config);
    const b = await runArena(config);
    expect(b.rows[0].decisions).toEqual(a.rows[0].decisions);
    expect(b.rows[0].outcomes).toEqual(a.rows[0].outcomes);
    const c = await runArena({ ...config, seed: 2 });
    expect(c.rows[0].grid!.decisions).not.toEqual(a.rows[0].grid!.decisions);
  }, 60_000);

  test('under l2, the IBP families say why they are not run, and the rest run', async () => {
    const config = small(['standard', 'ibp-m1']);
    config.threat = { norm: 'l2', eps: 0.1 };
    const r = await runArena(config);
    expect(r.rows[1]).toMatchObject({ family: 'ibp-m1', status: 'not-run', note: expect.stringMatching(/l∞ boxes/) });
    expect(r.rows[0].guaranteeNote).toMatch(/l2 threat model/);
  }, 60_000);

  test('a cancel stops the run with the finished rows reported and no tensor left', async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const rows: ArenaRow[] = [];
    const run = runArena(small(['standard', 'trades', 'ibp-m1']), { signal: controller.signal, onRow: (r) => (rows.push(r), controller.abort()) });
    const error = await run.catch((e: unknown) => e);
    expect(isCancelled(error)).toBe(true);
    expect(rows.map((r) => r.family)).toEqual(['standard']);
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);
});

describe('arena decisions on images', () => {
  test('every attack of every family keeps its points in the pixel box [0, 1]', async () => {
    const config = defaultArenaConfig();
    config.source = 'images';
    config.threat = { norm: 'linf', eps: 0.5 };
    config.budget = { ...config.budget, attackSteps: 3 };
    // A linear "image" model over 3 pixels (K = 2), inputs near the box's edges.
    const model = fixedDenseModel([{ kernel: [[1, -1], [2, -2], [-1, 1]], bias: [0, 0] }]);
    const x = tf.tensor2d([[0.05, 0.9, 0.5], [0.95, 0.1, 0.0], [0.5, 0.5, 1.0]]);
    const y = tf.tensor1d([1, 0, 0], 'int32');
    const before = tf.memory().numTensors;
    for (const family of ['standard', 'era-selector'] as const) {
      const decider = await familyDecider(family, model, config, 2, x, new Int32Array([1, 0, 0]), 1);
      for (const attack of decider.attacks) {
        const adv = await attack.run(x, y, {});
        const v = await adv.data();
        adv.dispose();
        expect(Math.min(...v), `${family} ${attack.id}`).toBeGreaterThanOrEqual(0);
        expect(Math.max(...v), `${family} ${attack.id}`).toBeLessThanOrEqual(1);
      }
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
    model.dispose();
  });
});

describe('PREDICT with a class that cannot win (paper 003’s R)', () => {
  test('votes for R count against the real classes but R is never returned; no real vote at all abstains', async () => {
    const { predictMany } = await import('../../src/core/certify/smoothedGrid');
    // A "classifier" voting class 2 (= R when only 2 classes can win) for every noisy copy.
    const alwaysR = { numClasses: 3, classify: (x: tf.Tensor) => tf.fill([x.shape[0]], 2, 'int32') as tf.Tensor1D };
    const x = tf.zeros([4, 2]);
    const options = { sigma: 0.1, n: 50, n0: 10, alpha: 0.001, batchSize: 1000, seed: 1 };
    expect(Array.from((await predictMany(alwaysR, x, options, {}, 2)).predictions)).toEqual([-1, -1, -1, -1]);
    expect(Array.from((await predictMany(alwaysR, x, options)).predictions)).toEqual([2, 2, 2, 2]);
    await expect(predictMany(alwaysR, x, options, {}, 4)).rejects.toThrow(/winners must be a whole number from 1 to 3 \(got 4\)/);
    x.dispose();
  });
});

describe('the library hooks', () => {
  test('a model kept from an earlier run with exactly the family’s settings stands in for training it, with the same table', async () => {
    const { familyExperiment } = await import('../../src/core/experiments/arenaTraining');
    const { runTraining } = await import('../../src/core/experiments/runner');
    const config = small(['standard', 'trades']);
    config.gridResolution = 0;
    const kept: string[] = [];
    const plain = await runArena(config, { library: { find: async () => null, keep: async (family, exp, records) => void kept.push(`${family}:${JSON.stringify(exp) === JSON.stringify(familyExperiment(config, family))}:${records}`) } });
    // 2-D data is generated from the config: no records to fingerprint.
    expect(kept).toEqual(['standard:true:null', 'trades:true:null']);
    const before = tf.memory().numTensors;
    const asked: string[] = [];
    const reused = await runArena(config, {
      library: {
        find: async (family, exp) => {
          asked.push(family);
          // Stands for the library: the same config trained again gives the same weights.
          return family === 'trades' ? { model: (await runTraining(exp as Parameters<typeof runTraining>[0])).model, name: 'kept trades' } : null;
        },
      },
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(asked).toEqual(['standard', 'trades']);
    expect(reused.rows[1].note).toMatch(/taken from the library \(“kept trades”\)/);
    expect(reused.rows[0].note).toBeNull();
    expect(reused.rows.map((r) => r.decisions)).toEqual(plain.rows.map((r) => r.decisions));
  }, 60_000);

  test('a family that abstains on every clean input says so in its row', async () => {
    const config = small(['standard', 'ibp-m1']);
    config.gridResolution = 0;
    // Three classes and one abstain class: the abstain logit wins everywhere.
    const result = await runArena(config, { library: { find: async (family) => (family === 'ibp-m1' ? { model: fixedDenseModel([{ kernel: [[0, 0, 0, 0], [0, 0, 0, 0]], bias: [0, 0, 0, 5] }]), name: 'always abstains' } : null) } });
    const [standard, ibp] = result.rows;
    expect(ibp.outcomes!.cleanAbstention.value).toBe(1);
    expect(ibp.note).toMatch(/taken from the library.*It abstained on every clean test input: under this budget the family found the trivial answer/);
    expect(standard.outcomes!.cleanAbstention.value).toBe(0);
    expect(standard.note).toBeNull();
  }, 60_000);

  test('on images the library is asked with the fingerprint of the records the family trains on', async () => {
    const { familyImageExperiment } = await import('../../src/core/experiments/arenaTraining');
    const { selectRecords } = await import('../../src/core/experiments/runner');
    const { recordsFingerprint } = await import('../../src/core');
    // 60 training and 10 test images of 6×6×1 over three classes (class c brighter in row c).
    const images = (n: number, offset: number) => {
      const labels = Int32Array.from({ length: n }, (_, i) => i % 3);
      const px = new Float32Array(n * 36);
      for (let i = 0; i < n; i++) for (let j = 0; j < 36; j++) px[i * 36 + j] = ((i + offset) * 7 + j * 3) % 11 / 20 + (Math.floor(j / 12) === labels[i] ? 0.4 : 0);
      return { images: px, labels, shape: [6, 6, 1] as [number, number, number], numClasses: 3, source: 'toy' };
    };
    const data = { train: images(60, 0), test: images(10, 100) };
    const config = defaultArenaConfig();
    config.source = 'images';
    config.images = { ...config.images, trainLimit: 30, model: { ...config.images.model, kind: 'mlp' } };
    config.count = 10;
    config.budget = { epochs: 1, trainingAttackSteps: 1, attackSteps: 1, attackRestarts: 1 };
    config.families = ['standard'];
    const asked: Array<string | null> = [];
    const kept: Array<string | null> = [];
    await runArena(config, { library: { find: async (_f, _exp, records) => (asked.push(records), null), keep: async (_f, _exp, records) => void kept.push(records) } }, data);
    const want = recordsFingerprint(selectRecords(data.train, 30, familyImageExperiment(config, 'standard')));
    expect(asked).toEqual([want]);
    expect(kept).toEqual([want]);
    // Other training records (a different limit) give another fingerprint: a model kept from them is not reused.
    expect(recordsFingerprint(selectRecords(data.train, 60, familyImageExperiment(config, 'standard')))).not.toBe(want);
  }, 60_000);
});

describe('one evaluation per input tensor', () => {
  test('decide and score share one PREDICT per tensor; another tensor, or a failed call, computes again', async () => {
    const { oncePerTensor } = await import('../../src/core/experiments/arenaDecisions');
    let calls = 0;
    let fail = false;
    const once = oncePerTensor(async (x) => {
      calls++;
      if (fail) throw new Error('cancelled');
      return (await x.data())[0];
    });
    const a = tf.tensor1d([3]);
    const b = tf.tensor1d([3]);
    expect([await once(a), await once(a)]).toEqual([3, 3]);
    expect(calls).toBe(1);
    expect(await once(b)).toBe(3);
    expect(calls).toBe(2);
    const c = tf.tensor1d([5]);
    fail = true;
    await expect(once(c)).rejects.toThrow('cancelled');
    fail = false;
    expect(await once(c)).toBe(5);
    expect(calls).toBe(4);
    tf.dispose([a, b, c]);
  });
});

describe('attack targets', () => {
  test('a wrong answer is attacked as itself: an attack on the label leaves it alone, one on the answer moves it', async () => {
    const { attackTargets } = await import('../../src/core/experiments/arenaDecisions');
    // Answers: right, wrong (2 for label 0), abstained, not finite (K = 3 marks it).
    expect(Array.from(attackTargets([1, 2, -1, 3], [1, 0, 2, 1], 3))).toEqual([1, 2, 2, 1]);
    const { linearTwoClassModel } = await import('./helpers');
    const { runAttack } = await import('../../src/core');
    // Class 0 where x0 > 0: the point (0.05, 0) with label 1 is answered 0, 0.05 from the boundary.
    const model = linearTwoClassModel([1, 0]);
    const x = tf.tensor2d([[0.05, 0]]);
    const settings = { kind: 'pgd', norm: 'linf' as const, eps: 0.1, steps: 10, randomStart: false, seed: 1, box: null };
    const onLabel = tf.tensor1d([1], 'int32');
    const onAnswer = tf.tensor1d(attackTargets([0], [1], 2), 'int32');
    const a = await runAttack(model, x, onLabel, settings);
    const b = await runAttack(model, x, onAnswer, settings);
    expect(Array.from(await logitDecisions(model, a, 2))).toEqual([0]); // not moved: counted robust and wrong
    expect(Array.from(await logitDecisions(model, b, 2))).toEqual([1]); // moved: not robustly wrong
    tf.dispose([x, onLabel, onAnswer, a, b]);
    model.dispose();
  });
});
