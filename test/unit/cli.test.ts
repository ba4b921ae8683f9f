/**
 * The command line (src/cli), run as a user runs it: `npm run cli -- <command> …` (node --import tsx src/cli/main.ts) in a
 * child process, on a tiny experiment written to a temporary folder. Checks exit statuses, the
 * result JSON, the model folder round trip (train --save-model, then evaluate/attack --model
 * reproduce the same predictions), and the messages for bad input.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cli, killWhen } from './cliRun';
import { writeText } from '../../src/cli/files';

const SPLIT_NAMES = ['robustAccurate', 'robustInaccurate', 'nonRobustAccurate', 'nonRobustInaccurate'];



const TINY = {
  version: 1,
  seed: 3,
  data: { kind: 'gaussians3', size: 60, testFraction: 0.25 },
  training: { method: 'trades', epochs: 2, batchSize: 10, attack: { steps: 3 } },
  evaluation: { attack: { kind: 'apgd-ce', steps: 5 } },
};
const N_TEST = 15;

let dir: string;
let config: string;
let modelDir: string;
let trained: any;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cli-test-'));
  config = join(dir, 'tiny.json');
  modelDir = join(dir, 'model');
  writeFileSync(config, JSON.stringify(TINY));
  // The result goes to stdout when --out is absent: stdout must hold nothing but the JSON.
  const r = cli('train', config, '--save-model', modelDir);
  if (r.code !== 0) throw new Error(`train failed (${r.code}):\n${r.stderr}`);
  trained = JSON.parse(r.stdout);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);

describe('cli train', () => {
  test('writes the result JSON with plausible values', () => {
    const r = trained;
    expect(r.command).toBe('train');
    expect(r.backend).toBe('wasm');
    expect(r.config.data.size).toBe(60);
    expect(r.config.model).toEqual({ depth: 4, width: 64, activation: 'relu' }); // defaults filled in
    expect(r.training.status).toBe('completed');
    expect(r.training.history).toHaveLength(2);
    for (const h of r.training.history) expect(Number.isFinite(h.objective)).toBe(true);

    const m = r.metrics;
    for (const k of ['naturalAccuracy', 'robustAccuracy', 'robustInaccuracy']) {
      expect(m[k]).toBeGreaterThanOrEqual(0);
      expect(m[k]).toBeLessThanOrEqual(1);
    }
    expect(m.robustAccuracy).toBeLessThanOrEqual(m.naturalAccuracy);
    expect(Object.keys(m.fractions)).toEqual(SPLIT_NAMES);
    expect(sum(m.fractions)).toBeCloseTo(1, 10);
    expect(sum(m.counts)).toBe(N_TEST);
    expect(m.naturalAccuracy).toBeGreaterThan(0.5); // three well-separated Gaussians

    const p = r.points;
    expect(p.x).toHaveLength(N_TEST);
    expect(p.x[0]).toHaveLength(2);
    expect(p.y).toHaveLength(N_TEST);
    expect(p.predictions).toHaveLength(N_TEST);
    expect(p.adversarialPredictions).toHaveLength(N_TEST);
    expect(p.adversarial).toHaveLength(N_TEST);
    expect(p.categories).toHaveLength(N_TEST);
    for (const c of p.categories) expect(SPLIT_NAMES).toContain(c);
    // The categories agree with the predictions.
    p.categories.forEach((c: string, i: number) => {
      const robust = p.adversarialPredictions[i] === p.predictions[i];
      const accurate = p.predictions[i] === p.y[i];
      expect(c).toBe(SPLIT_NAMES[robust ? (accurate ? 0 : 1) : accurate ? 2 : 3]);
    });
    // Adversarial points lie in the l_inf ball of radius eps (float32 rounding aside).
    p.adversarial.forEach((a: number[], i: number) => {
      expect(Math.max(Math.abs(a[0] - p.x[i][0]), Math.abs(a[1] - p.x[i][1]))).toBeLessThanOrEqual(0.2 + 1e-6);
    });
    expect(r.timing.totalMs).toBeGreaterThan(0);
  });

  test('kill -9 mid-training keeps the last epoch (FILE.checkpoint.json), and --resume ends as an uninterrupted run', async () => {
    const long = join(dir, 'long.json');
    writeFileSync(long, JSON.stringify({ ...TINY, data: { ...TINY.data, size: 200 }, training: { ...TINY.training, method: 'pgd-at', epochs: 20, optimizer: 'adam', learningRate: 0.01, attack: { steps: 10 } } }));
    const out = join(dir, 'killed-train.json');
    const ckpt = `${out}.checkpoint.json`;
    const epochsKept = () => (existsSync(ckpt) ? JSON.parse(readFileSync(ckpt, 'utf8')).epochs : 0);
    await killWhen(['train', long, '--out', out], () => epochsKept() >= 3);
    expect(existsSync(out), 'no result yet: the run was stopped in training').toBe(false);
    const kept = epochsKept();
    expect(kept).toBeGreaterThanOrEqual(3);
    expect(kept).toBeLessThan(20);
    expect(readdirSync(dir).filter((f) => f.includes('checkpoint.json.') && f.endsWith('.tmp'))).toHaveLength(0);

    const resumed = cli('train', long, '--out', out, '--resume');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(new RegExp(`--resume: ${kept} of 20 epochs kept`));
    expect(existsSync(ckpt), 'the checkpoint is removed once the result is written').toBe(false);
    const whole = join(dir, 'whole-train.json');
    expect(cli('train', long, '--out', whole).code).toBe(0);
    const untimed = (path: string) => readFileSync(path, 'utf8').replace(/"timing": \{[^}]*\}/, '');
    expect(untimed(out)).toBe(untimed(whole));

    // A checkpoint of another config is refused by name; --resume needs --out.
    writeFileSync(ckpt, JSON.stringify({ format: 'train checkpoint', config: { other: 1 }, epochs: 1 }));
    const other = cli('train', long, '--out', out, '--resume');
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/--resume: .*killed-train\.json\.checkpoint\.json is the checkpoint of another config/);
    expect(cli('train', long, '--resume').stderr).toMatch(/--resume needs --out FILE/);
  }, 120_000);

  test('--save-model writes model.json + weights.bin in the tfjs format', () => {
    const json = JSON.parse(readFileSync(join(modelDir, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest[0].paths).toEqual(['./weights.bin']);
    expect(json.userDefinedMetadata.workbench.experiment.seed).toBe(3);
    expect(readFileSync(join(modelDir, 'weights.bin')).length).toBe((2 * 64 + 64 + 3 * (64 * 64 + 64) + 64 * 3 + 3) * 4);
  });

  test('--out writes the file and keeps stdout empty', () => {
    const out = join(dir, 'sub', 'result.json');
    const r = cli('train', config, '--out', out);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/epoch 2\/2 .*loss/);
    const again = JSON.parse(readFileSync(out, 'utf8'));
    // Same config, same seed: the same run.
    expect(again.points.predictions).toEqual(trained.points.predictions);
    expect(again.metrics).toEqual(trained.metrics);
  });
});

describe('cli evaluate and attack on a saved model', () => {
  test('evaluate --model reproduces the clean predictions and the split', () => {
    const out = join(dir, 'eval.json');
    const r = cli('evaluate', config, '--model', modelDir, '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/training a model/);
    const e = JSON.parse(readFileSync(out, 'utf8'));
    expect(e.model).toEqual({ source: 'loaded', dir: modelDir });
    expect(e.points.predictions).toEqual(trained.points.predictions);
    expect(e.points.categoriesAtEps).toEqual(trained.points.categories);
    expect(e.metrics.atEps).toEqual(trained.metrics);
    const s = e.metrics.selector;
    expect(s.selectionRate).toBeCloseTo(trained.metrics.robustness, 12);
    expect(s.robustSelection).toBeGreaterThanOrEqual(0);
    expect(s.robustSelection).toBeLessThanOrEqual(1);
    expect(e.attack.twoEps).toBeCloseTo(2 * e.attack.eps, 12);
    expect(e.attack.eps).toBe(0.1); // the default evaluation eps
    expect(e.metrics.atTwoEps.robustness).toBeLessThanOrEqual(1);
    expect(e.metrics.abstainModel.naturalAccuracy).toBeLessThanOrEqual(trained.metrics.naturalAccuracy);
    expect(e.metrics.composition).toBeUndefined();
  });

  test('evaluate --compose-core reports the composition next to its parts', () => {
    const r = cli('evaluate', config, '--model', modelDir, '--compose-core', modelDir);
    expect(r.code, r.stderr).toBe(0);
    const e = JSON.parse(r.stdout);
    const c = e.metrics.composition;
    // With F_core = F_robust, H(x) = F(x) on clean inputs.
    expect(c.composition.naturalAccuracy).toBeCloseTo(trained.metrics.naturalAccuracy, 12);
    expect(c.robustModel.naturalAccuracy).toBeCloseTo(trained.metrics.naturalAccuracy, 12);
    expect(c.coreModel.robustAccuracy).toBeCloseTo(trained.metrics.robustAccuracy, 12);
    // The authors' measure with F_core = F_robust: where S leaves an input to the core, that model
    // is not robust there, so only the robust and accurate inputs count: the model's R_acc.
    expect(c.authorsRobustAccuracy).toBeCloseTo(trained.metrics.robustAccuracy, 12);
    expect(e.points.compositionPredictions).toEqual(trained.points.predictions);
  });

  test('attack --model writes adversarial points, predictions and norms', () => {
    const r = cli('attack', config, '--model', modelDir);
    expect(r.code, r.stderr).toBe(0);
    const a = JSON.parse(r.stdout);
    expect(a.attack.kind).toBe('apgd-ce');
    expect(a.points.predictions).toEqual(trained.points.predictions);
    expect(a.points.adversarialPredictions).toEqual(trained.points.adversarialPredictions);
    expect(a.points.perturbationNorms).toHaveLength(N_TEST);
    expect(a.metrics.perturbation.withinEps).toBe(true);
    expect(a.metrics.changedPredictions).toBe(a.points.changed.filter(Boolean).length);
  });
});

describe('cli errors', () => {
  test('--help prints the usage', () => {
    const r = cli('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: npm run cli -- <command>/);
    const t = cli('train', '--help');
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/--save-model DIR/);
  });

  test('malformed JSON', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"version": 1, "data": {');
    const r = cli('train', bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.json is not valid JSON/);
  });

  test('invalid fields are named', () => {
    const invalid = join(dir, 'invalid.json');
    writeFileSync(invalid, JSON.stringify({ ...TINY, training: { ...TINY.training, epochs: 0 }, colour: 'red' }));
    const r = cli('train', invalid);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Invalid config/);
    expect(r.stderr).toMatch(/training\.epochs must be between 1 and 1000/);
    expect(r.stderr).toMatch(/colour is not a known field/);
  });

  test('missing config file', () => {
    const r = cli('attack', join(dir, 'nope.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nope\.json: no such file/);
  });

  test('model folder without weights.bin', () => {
    const half = join(dir, 'half');
    mkdirSync(half, { recursive: true });
    writeFileSync(join(half, 'model.json'), readFileSync(join(modelDir, 'model.json')));
    const r = cli('evaluate', config, '--model', half);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is missing weights\.bin/);
    expect(existsSync(join(half, 'weights.bin'))).toBe(false);
  });

  test('a model that does not fit the dataset', () => {
    const moons = join(dir, 'moons.json');
    writeFileSync(moons, JSON.stringify({ ...TINY, data: { ...TINY.data, kind: 'moons' } }));
    const r = cli('attack', moons, '--model', modelDir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/does not fit .*"moons".*needs 2 inputs and 2 classes/);
  });

  test('unknown command and option', () => {
    expect(cli('fly').code).toBe(2);
    const r = cli('train', config, '--epochs', '3');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Unknown option '--epochs'/);
  });

  test('an output that cannot be written is refused before the run, not after it (and never hangs)', () => {
    const r = cli('train', config, '--out', '/proc/nope/result.json');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Cannot write \/proc\/nope\/result\.json: no such file/);
    // Nothing was trained: the refusal came first.
    expect(r.stderr).not.toMatch(/epoch/i);
  });
});

test('writeText replaces a file through a temporary one and removes the temporaries of killed runs', () => {
  const folder = mkdtempSync(join(tmpdir(), 'write-text-'));
  try {
    const out = join(folder, 'r.json');
    // Left by a run killed mid-write (no process has this pid), and one of another file.
    const stale = join(folder, '.r.json.999999999.tmp');
    const other = join(folder, '.q.json.999999999.tmp');
    writeFileSync(stale, '{"half":');
    writeFileSync(other, 'x');
    writeText('{"whole": true}\n', out);
    expect(readFileSync(out, 'utf8')).toBe('{"whole": true}\n');
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(other)).toBe(true);
    expect(readdirSync(folder).sort()).toEqual(['.q.json.999999999.tmp', 'r.json']);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
