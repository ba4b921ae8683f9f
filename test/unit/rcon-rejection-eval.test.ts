/**
 * Paper 000's rejection evaluation (src/core/experiments/rconRejectionEval.ts and its config and
 * metrics files) on a small RR model trained with 'rr-pgd-at' on three Gaussians: the shapes of
 * the returned sets, the scores against the raw outputs, the metrics against metrics/selective.ts
 * applied to the returned arrays, PGD lowering the accuracy, adaptive sets only for RR models,
 * no tensor leak, cancellation, and the config's defaults and validation.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { CancelledError } from '../../src/core/cancel';
import { evaluateRejection } from '../../src/core/experiments/rconRejectionEval';
import {
  REJECTION_EVAL_DEFAULTS,
  type RejectionEvalConfig,
  defaultRejectionEvalConfig,
  parseRejectionEvalConfig,
  pgdSetting,
  rejectionEvalDefaults2d,
  rejectionEvalModelProblems,
  validateRejectionEvalConfig,
  withAdaptiveObjectives,
} from '../../src/core/experiments/rconRejectionEvalConfig';
import { subsampleIndices } from '../../src/core/experiments/rconRejectionMetrics';
import { createRrModel, createSelectiveNetModel } from '../../src/core/models/heads';
import { createMlp } from '../../src/core/models/mlp';
import { accuracyCoverageCurve, coupledRejection, rocAuc, tprAccuracy } from '../../src/core/metrics/selective';
import { TRAIN_DEFAULTS, train } from '../../src/core/training/trainer';
import { threeBlobs, useWasmBackend } from './helpers';

useWasmBackend();

let model: tf.LayersModel;
let x: tf.Tensor2D;
let labels: Int32Array;
const K = 3;

/**
 * The 2-D defaults with fewer steps (speed), the larger l_inf eps raised to 0.6 (the blobs are
 * far apart: 0.2 changes few predictions) and a temperature other than 1 (to check it is applied).
 */
function testConfig(over: Partial<RejectionEvalConfig> = {}): RejectionEvalConfig {
  const c = rejectionEvalDefaults2d();
  c.settings[2] = pgdSetting('linf', 0.6, 10, '2d');
  c.settings = c.settings.map((s) => (s.kind === 'clean' ? s : { ...s, steps: 5 }));
  return { ...c, count: 70, temperature: 0.5, seed: 4, ...over };
}

beforeAll(async () => {
  const d = threeBlobs(400, 5);
  model = createRrModel({ kind: 'mlp', inputDim: 2, numClasses: K, depth: 2, width: 32, seed: 3 });
  const xt = tf.tensor2d(d.xTrain, [d.yTrain.length, 2]);
  const yt = tf.tensor1d(d.yTrain, 'int32');
  const r = await train(model, { x: xt, y: yt }, { ...TRAIN_DEFAULTS, method: 'rr-pgd-at', epochs: 6, batchSize: 32, optimizer: 'adam', learningRate: 0.01, attack: { norm: 'linf', eps: 0.1, steps: 3, stepSize: 0 } });
  expect(r.status).toBe('completed');
  tf.dispose([xt, yt]);
  x = tf.tensor2d(d.xTest, [d.yTest.length, 2]);
  labels = d.yTest;
});

const softmaxMax = (z: Float32Array, i: number, tau: number) => {
  const row = Array.from(z.subarray(i * K, (i + 1) * K), (v) => v / tau);
  const m = Math.max(...row);
  const s = row.reduce((a, v) => a + Math.exp(v - m), 0);
  return 1 / s;
};

describe('evaluateRejection on an RR model', () => {
  let ev: Awaited<ReturnType<typeof evaluateRejection>>;
  const config = testConfig();

  beforeAll(async () => {
    const before = tf.memory().numTensors;
    const fractions: number[] = [];
    ev = await evaluateRejection(model, x, labels, config, { onProgress: (f) => fractions.push(f) }, null);
    expect(tf.memory().numTensors, 'no tensor leaks').toBe(before);
    expect(fractions.length).toBeGreaterThan(0);
    expect(fractions[fractions.length - 1]).toBe(1);
    for (let i = 1; i < fractions.length; i++) expect(fractions[i]).toBeGreaterThanOrEqual(fractions[i - 1]);
  });

  test('returns one set per setting with arrays of the right shapes', () => {
    const n = Math.min(70, labels.length);
    expect(ev.n).toBe(n);
    expect(ev.numClasses).toBe(K);
    expect(ev.heads).toBe('rr');
    expect(ev.scoreNames).toEqual(['confidence', 'rcon', 'energy']);
    expect(ev.skipped).toEqual([]);
    expect(ev.sets.map((s) => s.id)).toEqual(config.settings.map((s) => s.id));
    expect(ev.sets.map((s) => s.adversarial)).toEqual([false, true, true, true, true]);
    expect(ev.sets.some((s) => s.kind === 'adaptive')).toBe(true);
    for (const s of ev.sets) {
      expect(s.predictions).toHaveLength(n);
      expect(s.correct).toHaveLength(n);
      expect(s.logits).toHaveLength(n * K);
      expect(s.aux).toHaveLength(n);
      expect(s.selection).toBeNull();
      expect(Object.keys(s.scores).sort()).toEqual(['confidence', 'energy', 'rcon']);
      for (const v of Object.values(s.scores)) expect(v).toHaveLength(n);
    }
    expect(ev.metrics).toHaveLength(ev.sets.length * 3);
    expect(ev.coupled).toHaveLength(ev.sets.length);
  });

  test('scores, predictions and correctness agree with the raw outputs (at the config temperature)', () => {
    for (const s of ev.sets) {
      for (let i = 0; i < ev.n; i++) {
        const row = Array.from(s.logits.subarray(i * K, (i + 1) * K));
        const pred = row.indexOf(Math.max(...row));
        expect(s.predictions[i]).toBe(pred);
        expect(s.correct[i]).toBe(pred === labels[i] ? 1 : 0);
        const con = softmaxMax(s.logits, i, config.temperature);
        expect(s.scores.confidence![i]).toBeCloseTo(con, 5);
        expect(s.scores.rcon![i]).toBeCloseTo(con / (1 + Math.exp(-s.aux![i])), 5);
        const m = Math.max(...row);
        expect(s.scores.energy![i]).toBeCloseTo(m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0)), 4);
      }
    }
  });

  test('metrics equal metrics/selective.ts applied to the returned arrays', () => {
    for (const m of ev.metrics) {
      const set = ev.sets.find((s) => s.id === m.set)!;
      const scores = set.scores[m.score]!;
      const acc = set.correct.reduce((a, v) => a + v, 0) / ev.n;
      expect(m.n).toBe(ev.n);
      expect(m.accuracy).toBe(acc);
      const t = tprAccuracy(scores, set.correct, 0.95);
      expect(m.tpr).toEqual({ target: 0.95, accuracy: t.accuracy, coverage: t.coverage, threshold: t.threshold, kept: t.kept, keptCorrect: t.keptCorrect, tprKept: t.tprKept });
      const nc = set.correct.reduce((a, v) => a + v, 0);
      if (nc > 0 && nc < ev.n) expect(m.auc).toBe(rocAuc(scores, set.correct));
      else expect(m.auc).toBeNaN();
      const full = accuracyCoverageCurve(scores, set.correct);
      const c = m.curve!;
      expect(c.fullPoints).toBe(full.thresholds.length);
      expect(c.area).toBe(full.area);
      expect(c.coverage.length).toBeLessThanOrEqual(200);
      expect(c.coverage[0]).toBe(full.coverage[0]);
      expect(c.coverage[c.coverage.length - 1]).toBe(1);
      const idx = subsampleIndices(full.thresholds.length, 200);
      expect(c.accuracy).toEqual(idx.map((i) => full.accuracy[i]));
      expect(c.threshold).toEqual(idx.map((i) => full.thresholds[i]));
    }
    for (const cs of ev.coupled) {
      const set = ev.sets.find((s) => s.id === cs.set)!;
      const ref = coupledRejection(set.scores.confidence!, set.scores.rcon!, set.correct, 0.2);
      expect(cs.xi).toBe(0.2);
      expect(cs.conThreshold).toBe(1 / 1.8);
      expect(cs.counts).toEqual(ref.counts);
      expect(cs.coverage).toBe(ref.coverage);
      expect(cs.separation).toEqual(ref.separation);
      expect((cs as unknown as Record<string, unknown>).accepted).toBeUndefined(); // counts only, no per-input arrays
    }
  });

  test('PGD lowers the accuracy (more at the larger eps), adaptive too', () => {
    const acc = (id: string) => ev.metrics.find((m) => m.set === id && m.score === 'confidence')!.accuracy;
    const [clean, p1, p2, pl2, ad] = ev.sets.map((s) => acc(s.id));
    expect(clean).toBeGreaterThan(0.6);
    expect(p1).toBeLessThanOrEqual(clean);
    expect(p2).toBeLessThanOrEqual(p1 + 1e-9);
    expect(pl2).toBeLessThanOrEqual(clean);
    expect(ad).toBeLessThanOrEqual(clean);
    expect(p2).toBeLessThan(clean);
  });

  test('the same seed reproduces the sets; the curve can be left out', async () => {
    const c = testConfig({ settings: testConfig().settings.slice(1, 2) });
    const a = await evaluateRejection(model, x, labels, c, { curves: false });
    const b = await evaluateRejection(model, x, tf.tensor1d(labels, 'int32'), c, { curves: false, batchSize: 16 });
    expect(Array.from(a.sets[0].logits)).toEqual(Array.from(ev.sets[1].logits));
    expect(Array.from(b.sets[0].predictions)).toEqual(Array.from(a.sets[0].predictions));
    expect(a.metrics[0].curve).toBeUndefined();
  });

  test("adaptive attacks read R-Con at the config's temperature unless the setting names its own (1: the authors' attack)", async () => {
    const adaptive = config.settings.find((s) => s.kind === 'adaptive')!;
    expect(adaptive.attackTemperature).toBeUndefined();
    const run = async (attackTemperature?: number) => (await evaluateRejection(model, x, labels, { ...config, settings: [{ ...adaptive, ...(attackTemperature === undefined ? {} : { attackTemperature }) }] }, { curves: false })).sets[0].logits;
    // config.temperature is 0.5: the default attacks at 0.5, the same points as naming 0.5.
    const byDefault = await run();
    expect(Array.from(byDefault)).toEqual(Array.from(ev.sets.find((s) => s.id === adaptive.id)!.logits));
    expect(Array.from(await run(0.5))).toEqual(Array.from(byDefault));
    expect(Array.from(await run(1))).not.toEqual(Array.from(byDefault));
    expect(validateRejectionEvalConfig({ ...config, settings: [{ ...adaptive, attackTemperature: 0 }] })['settings.0.attackTemperature']).toMatch(/got 0/);
    const pgdOne = config.settings.find((s) => s.kind === 'pgd')!;
    expect(validateRejectionEvalConfig({ ...config, settings: [{ ...pgdOne, attackTemperature: 1 }] })['settings.0.attackTemperature']).toBe('applies to adaptive settings only (this one is "pgd")');
  });

  test('sets an interrupted run finished are kept, not computed again, and the rest come out as in one run', async () => {
    const seen: string[] = [];
    const resumed = await evaluateRejection(model, x, labels, config, { done: ev.sets.slice(0, 2), onSet: (s) => seen.push(s.id) });
    expect(seen).toEqual(ev.sets.slice(2).map((s) => s.id));
    expect(resumed.sets[0]).toBe(ev.sets[0]);
    expect(resumed.metrics).toEqual(ev.metrics);
    expect(resumed.coupled).toEqual(ev.coupled);
    // Sets of other settings or inputs are refused by place.
    await expect(evaluateRejection(model, x, labels, config, { done: [ev.sets[1]] })).rejects.toThrow(/control\.done\[0\] is the set "pgd\d+-linf-[^"]*" but the setting run at that place is "clean"/);
    const short = { ...ev.sets[0], predictions: ev.sets[0].predictions.slice(1) };
    await expect(evaluateRejection(model, x, labels, config, { done: [short] })).rejects.toThrow(/holds 69 inputs .* but this evaluation has 70 inputs/);
  });
});

describe('evaluateRejection on models without RR head', () => {
  test('a plain classifier gets confidence and energy; adaptive settings are skipped', async () => {
    const plain = createMlp({ inputDim: 2, numClasses: K, depth: 1, width: 8, seed: 1 });
    const config = testConfig({ count: 20 });
    const before = tf.memory().numTensors;
    const ev = await evaluateRejection(plain, x, labels, config);
    expect(tf.memory().numTensors).toBe(before);
    expect(ev.heads).toBe('none');
    expect(ev.scoreNames).toEqual(['confidence', 'energy']);
    expect(ev.sets.some((s) => s.kind === 'adaptive')).toBe(false);
    expect(ev.sets).toHaveLength(4);
    expect(ev.skipped.map((s) => s.id)).toEqual([config.settings[4].id]);
    expect(ev.skipped[0].reason).toMatch(/RR model/);
    expect(ev.coupled).toEqual([]);
    for (const s of ev.sets) {
      expect(s.aux).toBeNull();
      expect(Object.keys(s.scores).sort()).toEqual(['confidence', 'energy']);
    }
    expect(ev.metrics).toHaveLength(8);
    plain.dispose();
  });

  test('a SelectiveNet model gets the selection score and its logits', async () => {
    const snet = createSelectiveNetModel({ kind: 'mlp', inputDim: 2, numClasses: K, depth: 1, width: 8, seed: 1 });
    const config = testConfig({ count: 20, settings: testConfig().settings.slice(0, 2) });
    const ev = await evaluateRejection(snet, x, labels, config);
    expect(ev.heads).toBe('selectivenet');
    expect(ev.scoreNames).toEqual(['confidence', 'energy', 'selection']);
    for (const s of ev.sets) {
      expect(s.selection).toHaveLength(20);
      for (let i = 0; i < 20; i++) expect(s.scores.selection![i]).toBeCloseTo(1 / (1 + Math.exp(-s.selection![i])), 5);
    }
    expect(ev.coupled).toEqual([]);
    snet.dispose();
  });
});

describe('evaluateRejection control and checks', () => {
  test('cancelling stops with CancelledError and leaks nothing', async () => {
    const controller = new AbortController();
    const before = tf.memory().numTensors;
    const run = evaluateRejection(model, x, labels, testConfig(), {
      signal: controller.signal,
      onProgress: (f, stage) => {
        if (stage.index === 1 && f > 0.2) controller.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(tf.memory().numTensors).toBe(before);
  });

  test('an invalid config or a label count that differs is refused; count is capped', async () => {
    await expect(evaluateRejection(model, x, labels, testConfig({ tpr: 0 }))).rejects.toThrow(/tpr/);
    await expect(evaluateRejection(model, x, labels.subarray(1), testConfig())).rejects.toThrow(/labels/);
    const ev = await evaluateRejection(model, x, labels, testConfig({ count: 10_000, settings: [testConfig().settings[0]] }));
    expect(ev.n).toBe(labels.length);
  });

  test('inputs outside the box are refused', async () => {
    await expect(evaluateRejection(model, x, labels, testConfig(), {}, [0, 1])).rejects.toThrow(/outside the input box/);
  });
});

describe('rejection evaluation config', () => {
  test('image defaults follow paper 000 (8/255, 16/255, l_2 128/255, adaptive CE + log R-Con)', () => {
    const c = defaultRejectionEvalConfig();
    expect(c).toEqual(REJECTION_EVAL_DEFAULTS);
    expect(c).not.toBe(REJECTION_EVAL_DEFAULTS);
    expect(c.temperature).toBe(1);
    expect(c.tpr).toBe(0.95);
    expect(c.xi).toBe(0.2);
    expect(c.settings.map((s) => [s.kind, s.norm, s.eps, s.steps])).toEqual([
      ['clean', 'linf', 0, 1],
      ['pgd', 'linf', 8 / 255, 10],
      ['pgd', 'linf', 16 / 255, 10],
      ['pgd', 'l2', 128 / 255, 10],
      ['adaptive', 'linf', 8 / 255, 10],
    ]);
    expect(c.settings[4]).toMatchObject({ objective: 'ce-logrcon', eta: 1 });
    expect(c.settings[1].label).toBe('PGD-10 l_inf 8/255');
    expect(validateRejectionEvalConfig(c)).toEqual({});
    const d = rejectionEvalDefaults2d();
    expect(d.settings.map((s) => s.eps)).toEqual([0, 0.1, 0.2, 0.2, 0.1]);
    expect(validateRejectionEvalConfig(d)).toEqual({});
    expect(new Set(d.settings.map((s) => s.id)).size).toBe(5);
  });

  test('validation names each bad field', () => {
    const c = defaultRejectionEvalConfig();
    const bad = { ...c, count: 0, temperature: 0, tpr: 1.5, xi: 1, settings: [{ ...c.settings[1], eps: -1, steps: 0, restarts: 0 }, { ...c.settings[1], objective: 'nope' as never, eta: -1 }] };
    const e = validateRejectionEvalConfig(bad);
    expect(Object.keys(e).sort()).toEqual(['count', 'settings.0.eps', 'settings.0.restarts', 'settings.0.steps', 'settings.1.eta', 'settings.1.id', 'settings.1.objective', 'temperature', 'tpr', 'xi'].sort());
    expect(validateRejectionEvalConfig({ ...c, tpr: 1, xi: 0 })).toEqual({});
    expect(validateRejectionEvalConfig({ ...c, settings: [] })).toHaveProperty('settings');
  });

  test('parsing fills defaults and flags unknown fields; adaptive needs an RR model', () => {
    const { config, errors } = parseRejectionEvalConfig({ count: 5, settings: [{ id: 'a', kind: 'adaptive', eps: 0.3 }, { id: 'c', kind: 'clean' }] }, '2d');
    expect(errors).toEqual({});
    expect(config.count).toBe(5);
    expect(config.tpr).toBe(0.95);
    expect(config.settings[0]).toMatchObject({ id: 'a', label: 'a', kind: 'adaptive', norm: 'linf', eps: 0.3, steps: 10, restarts: 1, objective: 'ce-logrcon', eta: 1 });
    expect(parseRejectionEvalConfig({ foo: 1, settings: [{ id: 'x', bar: 2 }] }).errors).toEqual({ foo: 'is not a known field', 'settings.0.bar': 'is not a known field' });
    expect(rejectionEvalModelProblems(config, 'rr')).toEqual({});
    expect(Object.keys(rejectionEvalModelProblems(config, 'none'))).toEqual(['a']);
    expect(Object.keys(rejectionEvalModelProblems(config, 'selectivenet'))).toEqual(['a']);
  });

  test('withAdaptiveObjectives puts one adaptive setting per objective at the adaptive eps', () => {
    const c = withAdaptiveObjectives(defaultRejectionEvalConfig(), ['ce-logrcon', 'ce-rr', 'con-rr', 'con-logrcon', 'multi-target'], 'image', 2);
    const a = c.settings.filter((s) => s.kind === 'adaptive');
    expect(a.map((s) => s.objective)).toEqual(['ce-logrcon', 'ce-rr', 'con-rr', 'con-logrcon', 'multi-target']);
    for (const s of a) expect(s).toMatchObject({ eps: 8 / 255, norm: 'linf', eta: 2 });
    expect(c.settings).toHaveLength(9);
    expect(validateRejectionEvalConfig(c)).toEqual({});
  });

  test('subsampleIndices keeps the ends and at most the requested number', () => {
    expect(subsampleIndices(5, 200)).toEqual([0, 1, 2, 3, 4]);
    const idx = subsampleIndices(1000, 200);
    expect(idx.length).toBeLessThanOrEqual(200);
    expect(idx[0]).toBe(0);
    expect(idx[idx.length - 1]).toBe(999);
    expect(subsampleIndices(0, 200)).toEqual([]);
  });
});
