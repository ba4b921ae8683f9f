/**
 * `evaluate-rejection` (src/cli/commands/evaluateRejection.ts), run as a user runs it: a tiny RR
 * model trained with `train --save-model` ('rr-pgd-at' on three Gaussians), then paper 000's
 * rejection evaluation of the saved folder. Checks the metrics JSON (structure, ranges, the flags
 * reaching the config), the per-input arrays against the logits, a plain model (confidence and
 * energy only, adaptive settings skipped), an image config, and exit status 2 for bad input.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cli, killWhen } from './cliRun';




const TINY_RR = {
  version: 1,
  seed: 3,
  data: { kind: 'gaussians3', size: 120, testFraction: 0.25 },
  model: { depth: 2, width: 16 },
  training: { method: 'rr-pgd-at', epochs: 3, batchSize: 10, optimizer: 'adam', learningRate: 0.01, attack: { steps: 3, eps: 0.1 } },
  evaluation: { attack: { kind: 'pgd', steps: 5 } },
};
const TINY_PLAIN = { ...TINY_RR, training: { ...TINY_RR.training, method: 'standard' } };
const N_TEST = 30;
const K = 3;

let dir: string;
let config: string;
let plainConfig: string;
let rrModel: string;
let plainModel: string;
let result: any;
let stderr: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cli-rejection-test-'));
  config = join(dir, 'rr.json');
  plainConfig = join(dir, 'plain.json');
  rrModel = join(dir, 'rr-model');
  plainModel = join(dir, 'plain-model');
  writeFileSync(config, JSON.stringify(TINY_RR));
  writeFileSync(plainConfig, JSON.stringify(TINY_PLAIN));
  for (const [c, m] of [
    [config, rrModel],
    [plainConfig, plainModel],
  ]) {
    const r = cli('train', c, '--save-model', m, '--out', join(dir, 'train.json'));
    if (r.code !== 0) throw new Error(`train failed (${r.code}):\n${r.stderr}`);
  }
  const out = join(dir, 'rejection.json');
  const r = cli('evaluate-rejection', config, '--model', rrModel, '--out', out);
  if (r.code !== 0) throw new Error(`evaluate-rejection failed (${r.code}):\n${r.stderr}`);
  expect(r.stdout).toBe('');
  stderr = r.stderr;
  result = JSON.parse(readFileSync(out, 'utf8'));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const inUnit = (v: unknown) => typeof v === 'number' && v >= 0 && v <= 1;

describe('cli evaluate-rejection on an RR model', () => {
  test('writes the config used, the model heads, per setting × score metrics and the coupled summaries', () => {
    const r = result;
    expect(r.command).toBe('evaluate-rejection');
    expect(r.config.training.method).toBe('rr-pgd-at');
    expect(r.model).toMatchObject({ source: 'loaded', dir: rrModel, heads: 'rr', numClasses: K, trainedTemperature: 1 });
    expect(r.evaluation).toMatchObject({ temperature: 1, tpr: 0.95, xi: 0.2, seed: TINY_RR.seed });
    expect(r.evaluation.settings.map((s: any) => [s.kind, s.norm, s.eps])).toEqual([
      ['clean', 'linf', 0],
      ['pgd', 'linf', 0.1],
      ['pgd', 'linf', 0.2],
      ['pgd', 'l2', 0.2],
      ['adaptive', 'linf', 0.1],
    ]);
    expect(r.temperatureSource).toBe('default');
    expect(r.box).toBeNull();
    expect(r.n).toBe(N_TEST);
    expect(r.scores).toEqual(['confidence', 'rcon', 'energy']);
    expect(r.skipped).toEqual([]);
    expect(r.perInput).toBeUndefined(); // only with --per-input
    const ids = r.evaluation.settings.map((s: any) => s.id);
    expect(r.sets.map((s: any) => s.id)).toEqual(ids);

    expect(r.metrics).toHaveLength(ids.length * 3);
    for (const m of r.metrics) {
      expect(ids).toContain(m.set);
      expect(r.scores).toContain(m.score);
      expect(m.n).toBe(N_TEST);
      expect(inUnit(m.accuracy)).toBe(true);
      expect(m.tpr.target).toBe(0.95);
      expect(m.tpr.accuracy === null || inUnit(m.tpr.accuracy)).toBe(true);
      expect(inUnit(m.tpr.coverage)).toBe(true);
      expect(m.tpr.kept).toBeLessThanOrEqual(N_TEST);
      expect(m.auc === null || inUnit(m.auc)).toBe(true);
      expect(m.curve.coverage.length).toBe(m.curve.accuracy.length);
      expect(m.curve.coverage.length).toBeLessThanOrEqual(200);
      expect(m.curve.coverage[m.curve.coverage.length - 1]).toBe(1);
      // The curve's last point keeps every input: its accuracy is the accuracy on all inputs.
      expect(m.curve.accuracy[m.curve.accuracy.length - 1]).toBeCloseTo(m.accuracy, 12);
    }
    const acc = (id: string) => r.sets.find((s: any) => s.id === id).accuracy;
    for (const id of ids.slice(1, 4)) expect(acc(id)).toBeLessThanOrEqual(acc('clean'));

    expect(r.coupled.map((c: any) => c.set)).toEqual(ids);
    for (const c of r.coupled) {
      expect(c.xi).toBe(0.2);
      expect(c.conThreshold).toBeCloseTo(1 / 1.8, 12);
      expect(c.counts.total).toBe(N_TEST);
      expect(c.counts.rejectedStage1 + c.counts.passedStage1).toBe(N_TEST);
      expect(c.counts.rejectedStage2 + c.counts.accepted).toBe(c.counts.passedStage1);
      expect(c.counts.acceptedCorrect + c.counts.acceptedWrong).toBe(c.counts.accepted);
      expect(c.accepted).toBeUndefined(); // counts only
    }

    // Each rejector on the arena's footing: one clean threshold; the attacks grouped by threat model.
    expect(r.footing.map((f: any) => f.score)).toEqual(r.scores);
    for (const f of r.footing) {
      expect(f.threats.map((t: any) => [t.norm, t.eps, t.sets.length])).toEqual([
        ['linf', 0.1, 2],
        ['linf', 0.2, 1],
        ['l2', 0.2, 1],
      ]);
      for (const t of f.threats) {
        const o = t.outcomes;
        expect(o.cleanAccuracy.n).toBe(N_TEST);
        expect(o.robustAccuracy.k).toBeLessThanOrEqual(N_TEST - o.robustErrorAbstainSuccess.k);
        expect(N_TEST - o.robustErrorAbstainSuccess.k).toBeLessThanOrEqual(o.cleanAccuracy.k);
        expect(o.robustAccuracy.lower).toBeLessThanOrEqual(o.robustAccuracy.value);
        expect(o.robustAccuracy.upper).toBeGreaterThanOrEqual(o.robustAccuracy.value);
      }
      // The clean threshold keeps about tpr of the right clean inputs: the clean measures agree with the set's TPR row.
      const cleanMetric = r.metrics.find((m: any) => m.set === 'clean' && m.score === f.score);
      expect(f.threshold).toBe(cleanMetric.tpr.threshold);
      expect(f.threats[0].outcomes.cleanAccuracy.k).toBe(cleanMetric.tpr.keptCorrect);
    }
  });

  test('prints a short table on stderr', () => {
    expect(stderr).toMatch(/setting\s+score\s+acc\s+TPR-95 acc\s+AUC/);
    expect(stderr).toMatch(/Clean\s+confidence\s+\d+\.\d%/);
    expect(stderr).toMatch(/PGD-10 l_inf 0\.1\s+rcon/);
    expect(stderr).toMatch(/coupled \(xi=0\.2\)/);
    expect(stderr).toMatch(/wrote /);
  });

  test('the flags reach the config; --per-input writes arrays that match the logits', () => {
    const r = cli('evaluate-rejection', config, '--model', rrModel, '--count', '12', '--temperature', '0.5', '--xi', '0.1', '--tpr', '0.9', '--eta', '2', '--adaptive', 'ce-logrcon,con-rr', '--per-input');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.n).toBe(12);
    expect(j.evaluation).toMatchObject({ count: 12, temperature: 0.5, xi: 0.1, tpr: 0.9 });
    expect(j.temperatureSource).toBe('flag');
    const adaptive = j.evaluation.settings.filter((s: any) => s.kind === 'adaptive');
    expect(adaptive.map((s: any) => [s.objective, s.eta])).toEqual([
      ['ce-logrcon', 2],
      ['con-rr', 2],
    ]);
    // Without --attack-temperature the attacks read R-Con at the scoring temperature (absent = config.temperature).
    expect(adaptive.every((s: any) => s.attackTemperature === undefined)).toBe(true);
    const authors = JSON.parse(cli('evaluate-rejection', config, '--model', rrModel, '--count', '12', '--adaptive', 'ce-logrcon', '--attack-temperature', '1').stdout);
    expect(authors.evaluation.settings.filter((s: any) => s.kind === 'adaptive').map((s: any) => s.attackTemperature)).toEqual([1]);
    expect(j.coupled.every((c: any) => c.xi === 0.1)).toBe(true);
    expect(j.metrics.every((m: any) => m.tpr.target === 0.9)).toBe(true);
    expect(j.perInput.map((p: any) => p.id)).toEqual(j.sets.map((s: any) => s.id));
    for (const p of j.perInput) {
      expect(p.predictions).toHaveLength(12);
      expect(p.correct).toHaveLength(12);
      expect(p.aux).toHaveLength(12);
      expect(p.logits).toHaveLength(12);
      for (let i = 0; i < 12; i++) {
        const z: number[] = p.logits[i].map((v: number) => v / 0.5);
        const m = Math.max(...z);
        const con = 1 / z.reduce((a, v) => a + Math.exp(v - m), 0);
        expect(p.scores.confidence[i]).toBeCloseTo(con, 5);
        expect(p.scores.rcon[i]).toBeCloseTo(con / (1 + Math.exp(-p.aux[i])), 5);
        expect(p.predictions[i]).toBe(p.logits[i].indexOf(Math.max(...p.logits[i])));
      }
    }
  });

  test('--eval-config sets the settings (the flags still override)', () => {
    const file = join(dir, 'eval.json');
    writeFileSync(file, JSON.stringify({ count: 8, settings: [{ id: 'c', kind: 'clean' }, { id: 'big', label: 'PGD big', kind: 'pgd', eps: 0.5, steps: 4, restarts: 2 }] }));
    const r = cli('evaluate-rejection', config, '--model', rrModel, '--eval-config', file, '--xi', '0.3');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.n).toBe(8);
    expect(j.evaluation.xi).toBe(0.3);
    expect(j.sets.map((s: any) => [s.id, s.label])).toEqual([
      ['c', 'c'],
      ['big', 'PGD big'],
    ]);
    expect(j.evaluation.settings[1]).toMatchObject({ eps: 0.5, steps: 4, restarts: 2 });
  });
});

describe('cli evaluate-rejection loses nothing to an interruption', () => {
  test('kill -9 mid-run keeps every finished setting (JSON and sets log), and --resume ends as an uninterrupted run', async () => {
    // Long settings (300 PGD steps each), so that the kill falls between two of them.
    const evalFile = join(dir, 'slow.json');
    const long = { steps: 300, restarts: 1 };
    writeFileSync(evalFile, JSON.stringify({ count: 30, settings: [{ id: 'clean', kind: 'clean' }, { id: 'p1', kind: 'pgd', eps: 0.1, ...long }, { id: 'p2', kind: 'pgd', eps: 0.2, ...long }, { id: 'a', kind: 'adaptive', eps: 0.1, ...long }] }));
    const flags = ['--model', rrModel, '--eval-config', evalFile, '--per-input'];
    const out = join(dir, 'killed.json');
    const setLog = `${out}.sets.jsonl`;
    const finishedSets = () => (existsSync(setLog) ? readFileSync(setLog, 'utf8').split('\n').length - 2 : 0);
    await killWhen(['evaluate-rejection', config, ...flags, '--out', out], () => finishedSets() >= 2);
    const partial = JSON.parse(readFileSync(out, 'utf8'));
    const killedLog = readFileSync(setLog, 'utf8');
    expect(partial.interrupted).toBe(true);
    // The JSON follows the sets log by at most the setting the kill fell after.
    expect(partial.sets.length).toBeGreaterThanOrEqual(1);
    expect(partial.sets.length).toBeLessThan(4);
    expect(partial.sets[0].id).toBe('clean');
    expect(partial.metrics.length).toBe(partial.sets.length * 3);

    const resumed = cli('evaluate-rejection', config, ...flags, '--out', out, '--resume');
    expect(resumed.code, resumed.stderr).toBe(0);
    const kept = Number(/--resume: (\d+) of 4 settings kept/.exec(resumed.stderr)?.[1]);
    expect(kept).toBeGreaterThanOrEqual(2);
    expect(existsSync(setLog), 'the sets log is removed once the run completes').toBe(false);
    // A kill during a write may leave its temporary file; the next run's write removes it.
    expect(readdirSync(dir).filter((f) => f.startsWith('.killed.json.'))).toHaveLength(0);
    const whole = join(dir, 'whole.json');
    expect(cli('evaluate-rejection', config, ...flags, '--out', whole).code).toBe(0);
    const untimed = (path: string) => JSON.parse(readFileSync(path, 'utf8'), (k, v) => (/ms|Ms$/.test(k) ? undefined : v));
    expect(untimed(out)).toEqual(untimed(whole));
    expect(untimed(out).interrupted).toBe(false);
    // Every per-input number is the same, bit for bit, whether computed or read back.
    expect(readFileSync(out, 'utf8').replace(/"timing": \{[^}]*\}/, '')).toBe(readFileSync(whole, 'utf8').replace(/"timing": \{[^}]*\}/, ''));

    // The log of another evaluation is refused by name; --resume needs --out.
    writeFileSync(setLog, killedLog);
    const other = cli('evaluate-rejection', config, ...flags, '--xi', '0.5', '--out', out, '--resume');
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/--resume: .*killed\.json\.sets\.jsonl line 1 is the log of another evaluation/);
    expect(cli('evaluate-rejection', config, '--model', rrModel, '--resume').stderr).toMatch(/--resume needs --out FILE/);
  }, 120_000);
});

describe('cli evaluate-rejection on a plain model', () => {
  test('reports confidence and energy, skips the adaptive attack and the coupled rejector', () => {
    const r = cli('evaluate-rejection', plainConfig, '--model', plainModel, '--count', '10');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.model.heads).toBe('none');
    expect(j.scores).toEqual(['confidence', 'energy']);
    expect(j.sets.map((s: any) => s.kind)).toEqual(['clean', 'pgd', 'pgd', 'pgd']);
    expect(j.skipped).toHaveLength(1);
    expect(j.skipped[0].reason).toMatch(/RR model/);
    expect(j.coupled).toEqual([]);
    expect(j.metrics).toHaveLength(8);
    expect(r.stderr).toMatch(/no rejector head/);
    expect(r.stderr).toMatch(/skipped Adaptive/);
  });
});

describe('cli evaluate-rejection on an image config', () => {
  test('uses the image defaults (8/255, 16/255, l_2 128/255) in the box [0, 1]', () => {
    const FASHION = 'public/data/fashion-mnist-subset';
    const data = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'].flatMap((f) => ['--data', `${FASHION}/${f}`]);
    const imageConfig = join(dir, 'image.json');
    const model = join(dir, 'image-model');
    writeFileSync(
      imageConfig,
      JSON.stringify({
        kind: 'image',
        version: 1,
        seed: 2,
        data: { trainLimit: 100, testLimit: 40 },
        model: { kind: 'cnn', convLayers: 1, filters: 4, dense: 0 },
        training: { method: 'rr-pgd-at', epochs: 1, batchSize: 20, optimizer: 'adam', learningRate: 0.01, attack: { steps: 2 } },
        evaluation: { attack: { kind: 'pgd', steps: 3 }, count: 40 },
      }),
    );
    const t = cli('train', imageConfig, ...data, '--save-model', model, '--out', join(dir, 'image-train.json'));
    expect(t.code, t.stderr).toBe(0);
    const r = cli('evaluate-rejection', imageConfig, ...data, '--model', model, '--count', '16');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.model.heads).toBe('rr');
    expect(j.box).toEqual([0, 1]);
    expect(j.n).toBe(16);
    expect(j.dataset.shape).toEqual([28, 28, 1]);
    expect(j.evaluation.settings.map((s: any) => s.label)).toEqual(['Clean', 'PGD-10 l_inf 8/255', 'PGD-10 l_inf 16/255', 'PGD-10 l_2 128/255', 'Adaptive CE + η·log R-Con (η=1) l_inf 8/255']);
    expect(j.metrics).toHaveLength(15);
    expect(j.coupled).toHaveLength(5);
  });
});

describe('cli evaluate-rejection refuses bad input with exit status 2', () => {
  test.each([
    [['--count', '0'], /--count must be between 1 and 10000000 \(got 0\)/],
    [['--count', 'abc'], /--count must be a number/],
    [['--temperature', '0'], /--temperature must be > 0 and ≤ 1000000 \(got 0\)/],
    [['--xi', '1'], /--xi must be ≥ 0 and < 1 \(got 1\)/],
    [['--tpr', '1.5'], /--tpr must be > 0 and ≤ 1 \(got 1.5\)/],
    [['--eta=-1'], /--eta must be ≥ 0 and ≤ 1000000 \(got -1\)/],
    [['--attack-temperature', '0'], /--attack-temperature must be > 0 and ≤ 1000000 \(got 0\)/],
    [['--adaptive', 'none', '--attack-temperature', '1'], /--attack-temperature applies to the adaptive attacks, and this run has none/],
    [['--adaptive', 'nope'], /--adaptive must be/],
    [['--bogus'], /Unknown option '--bogus'/],
  ])('%s', (flags, message) => {
    const r = cli('evaluate-rejection', config, '--model', rrModel, ...flags);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  test('a missing --model, a missing folder, --data on a 2-D config, a bad --eval-config', () => {
    const noModel = cli('evaluate-rejection', config);
    expect(noModel.code).toBe(2);
    expect(noModel.stderr).toMatch(/--model DIR is required/);
    const missing = cli('evaluate-rejection', config, '--model', join(dir, 'nope'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/does not exist/);
    const data = cli('evaluate-rejection', config, '--model', rrModel, '--data', 'x.bin');
    expect(data.code).toBe(2);
    expect(data.stderr).toMatch(/--data is for image configs/);
    const file = join(dir, 'bad-eval.json');
    writeFileSync(file, JSON.stringify({ xi: 2, settings: [{ id: 'a', kind: 'pgd', steps: 0 }], extra: 1 }));
    const bad = cli('evaluate-rejection', config, '--model', rrModel, '--eval-config', file);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/xi must be ≥ 0 and < 1 \(got 2\)/);
    expect(bad.stderr).toMatch(/settings\.0\.steps/);
    expect(bad.stderr).toMatch(/extra is not a known field/);
  });

  test('--help prints the usage; the main usage lists the command', () => {
    const h = cli('evaluate-rejection', '--help');
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/--per-input/);
    const m = cli('--help');
    expect(m.stdout).toMatch(/evaluate-rejection/);
  });
});
