/**
 * The command line on image experiments (a config with "kind": "image", dataset files given with
 * --data), run as a user runs it: `npm run cli -- <command> …` (node --import tsx src/cli/main.ts) in a child process, on
 * the shipped Fashion-MNIST subset and a tiny CNN. Checks the result JSON, the model folder round
 * trip (train --save-model, then attack --model gives the same clean predictions), evaluate with
 * a core model, --format csv (images and 2-D points), and the messages for bad input.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cli, killWhen } from './cliRun';

const SPLIT_NAMES = ['robustAccurate', 'robustInaccurate', 'nonRobustAccurate', 'nonRobustInaccurate'];
const FASHION = 'public/data/fashion-mnist-subset';
const DATA = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'].flatMap((f) => ['--data', `${FASHION}/${f}`]);



const EPS = 8 / 255;
const TINY = {
  kind: 'image',
  version: 1,
  seed: 2,
  data: { trainLimit: 200, testLimit: 100 },
  model: { kind: 'cnn', convLayers: 1, filters: 4, dense: 0 },
  training: { epochs: 1, batchSize: 20, optimizer: 'adam', learningRate: 0.01 },
  evaluation: { attack: { kind: 'pgd', norm: 'linf', eps: EPS, steps: 3 }, count: 40 },
};
const N = 40;

let dir: string;
let config: string;
let modelDir: string;
let trained: any;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cli-images-test-'));
  config = join(dir, 'tiny-image.json');
  modelDir = join(dir, 'model');
  writeFileSync(config, JSON.stringify(TINY));
  const out = join(dir, 'train.json');
  const r = cli('train', config, ...DATA, '--save-model', modelDir, '--out', out);
  if (r.code !== 0) throw new Error(`train failed (${r.code}):\n${r.stderr}`);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/epoch 1\/1 .*loss/);
  trained = JSON.parse(readFileSync(out, 'utf8'));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);

function checkRecords(images: any[]): void {
  expect(images).toHaveLength(N);
  images.forEach((r, i) => {
    expect(r.index).toBe(i);
    expect(r.clean).toBeUndefined(); // no pixel arrays
    expect(SPLIT_NAMES).toContain(r.category);
    const robust = r.adversarialPrediction === r.prediction;
    const accurate = r.prediction === r.label;
    expect(r.category).toBe(SPLIT_NAMES[robust ? (accurate ? 0 : 1) : accurate ? 2 : 3]);
    for (const c of [r.confidence, r.adversarialConfidence]) {
      expect(c).toBeGreaterThan(0);
      expect(c).toBeLessThanOrEqual(1);
    }
    expect(r.perturbationNorm).toBeLessThanOrEqual(EPS + 1e-6);
  });
}

describe('cli train on image files', () => {
  test('writes the result JSON with plausible values', () => {
    const r = trained;
    expect(r.command).toBe('train');
    expect(r.backend).toBe('wasm');
    expect(r.config.kind).toBe('image');
    expect(r.config.model.normalize).toBe(false); // defaults filled in
    expect(r.config.evaluation.attack.randomStart).toBe(true);

    const d = r.dataset;
    expect(d.files.map((f: any) => f.records)).toEqual([2000, 2000, 500, 500]);
    expect(d.shape).toEqual([28, 28, 1]);
    expect(d.numClasses).toBe(10);
    expect(d.classNames[0]).toBe('T-shirt/top');
    expect(d.train).toEqual({ records: 200, available: 2000 });
    expect(d.test).toEqual({ records: 100, available: 500 });
    expect(d.testSource).toBe('file');

    expect(r.training.status).toBe('completed');
    expect(r.training.history).toHaveLength(1);
    expect(Number.isFinite(r.training.history[0].objective)).toBe(true);

    const m = r.metrics;
    expect(m.n).toBe(N);
    for (const k of ['naturalAccuracy', 'robustAccuracy', 'robustInaccuracy']) {
      expect(m[k]).toBeGreaterThanOrEqual(0);
      expect(m[k]).toBeLessThanOrEqual(1);
    }
    expect(m.naturalAccuracy).toBeGreaterThan(0.2); // 10 classes: chance is 0.1
    expect(m.robustAccuracy).toBeLessThanOrEqual(m.naturalAccuracy);
    expect(Object.keys(m.fractions)).toEqual(SPLIT_NAMES);
    expect(sum(m.fractions)).toBeCloseTo(1, 10);
    expect(sum(m.counts)).toBe(N);
    checkRecords(r.images);
    expect(r.images.filter((i: any) => i.prediction === i.label).length / N).toBeCloseTo(m.naturalAccuracy, 12);
    expect(r.timing.totalMs).toBeGreaterThan(0);
  });

  test('an image training killed after an epoch resumes from its checkpoint and ends as an uninterrupted run', async () => {
    const longer = join(dir, 'four-epochs.json');
    writeFileSync(longer, JSON.stringify({ ...TINY, training: { ...TINY.training, epochs: 4 } }));
    const out = join(dir, 'killed-images.json');
    const ckpt = `${out}.checkpoint.json`;
    await killWhen(['train', longer, ...DATA, '--out', out], () => existsSync(ckpt));
    expect(existsSync(out)).toBe(false);
    const kept = JSON.parse(readFileSync(ckpt, 'utf8')).epochs;
    expect(kept).toBeGreaterThanOrEqual(1);
    expect(kept).toBeLessThan(4);
    const resumed = cli('train', longer, ...DATA, '--out', out, '--resume');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(new RegExp(`--resume: ${kept} of 4 epochs kept`));
    const whole = join(dir, 'whole-images.json');
    expect(cli('train', longer, ...DATA, '--out', whole).code).toBe(0);
    const untimed = (path: string) => readFileSync(path, 'utf8').replace(/"timing": \{[^}]*\}/, '');
    expect(untimed(out)).toBe(untimed(whole));
  }, 120_000);

  test('--save-model stores the image config in model.json', () => {
    const json = JSON.parse(readFileSync(join(modelDir, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest[0].paths).toEqual(['./weights.bin']);
    const w = json.userDefinedMetadata.workbench;
    expect(w.experiment.kind).toBe('image');
    expect(w.experiment.model.filters).toBe(4);
    expect(w.inputShape).toEqual([28, 28, 1]);
    expect(w.numClasses).toBe(10);
    // conv 3×3×1×4 + 4, then 14·14·4 → 10 logits
    expect(readFileSync(join(modelDir, 'weights.bin')).length).toBe((9 * 4 + 4 + 14 * 14 * 4 * 10 + 10) * 4);
  });
});

describe('cli attack and evaluate on a saved image model', () => {
  test('attack --model gives the same clean predictions and records', () => {
    const r = cli('attack', config, ...DATA, '--model', modelDir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/training a model/);
    const a = JSON.parse(r.stdout);
    expect(a.model).toEqual({ source: 'loaded', dir: modelDir });
    expect(a.images.map((i: any) => i.prediction)).toEqual(trained.images.map((i: any) => i.prediction));
    expect(a.images).toEqual(trained.images); // same seed: the same attack
    checkRecords(a.images);
    expect(a.metrics.perturbation.withinEps).toBe(true);
    expect(a.metrics.changedPredictions).toBe(a.images.filter((i: any) => i.prediction !== i.adversarialPrediction).length);
  });

  test('attack --format csv writes a header and one row per image', () => {
    const out = join(dir, 'attack.csv');
    const r = cli('attack', config, ...DATA, '--model', modelDir, '--format', 'csv', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('index,label,prediction,adversarialPrediction,confidence,adversarialConfidence,perturbationNorm,category');
    expect(lines).toHaveLength(N + 1);
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows.map((c) => Number(c[2]))).toEqual(trained.images.map((i: any) => i.prediction));
    expect(rows.map((c) => c[7])).toEqual(trained.images.map((i: any) => i.category));
  });

  test('evaluate: split at eps, selector at 2·eps, composition with a core model', () => {
    const r = cli('evaluate', config, ...DATA, '--model', modelDir, '--compose-core', modelDir);
    expect(r.code, r.stderr).toBe(0);
    const e = JSON.parse(r.stdout);
    expect(e.attack.twoEps).toBeCloseTo(2 * EPS, 12);
    expect(e.metrics.atEps).toEqual(trained.metrics);
    expect(e.metrics.atTwoEps.robustness).toBeLessThanOrEqual(1);
    expect(e.metrics.selector.selectionRate).toBeCloseTo(trained.metrics.robustness, 12);
    // With F_core = F_robust, H(x) = F(x) on clean inputs.
    const c = e.metrics.composition;
    expect(c.composition.naturalAccuracy).toBeCloseTo(trained.metrics.naturalAccuracy, 12);
    expect(c.coreModel.robustAccuracy).toBeCloseTo(trained.metrics.robustAccuracy, 12);
    expect(e.images).toHaveLength(N);
    expect(e.images.map((i: any) => i.compositionPrediction)).toEqual(trained.images.map((i: any) => i.prediction));
    expect(e.images.map((i: any) => i.categoryAtEps)).toEqual(trained.images.map((i: any) => i.category));
    // Robust selection needs selection.
    for (const i of e.images) expect(i.robustlySelected).toBeLessThanOrEqual(i.selected);
  });
});

describe('cli --format csv on a 2-D config', () => {
  test('one row per test point, pairs split into two columns', () => {
    const twoD = join(dir, 'tiny-2d.json');
    writeFileSync(twoD, JSON.stringify({ version: 1, seed: 3, data: { kind: 'gaussians3', size: 60, testFraction: 0.25 }, training: { epochs: 1, batchSize: 10 }, evaluation: { attack: { kind: 'fgsm' } } }));
    const r = cli('attack', twoD, '--format', 'csv');
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('x0,x1,y,adversarial0,adversarial1,predictions,adversarialPredictions,changed,perturbationNorms,categories');
    expect(lines).toHaveLength(15 + 1);
    for (const l of lines.slice(1)) expect(SPLIT_NAMES).toContain(l.split(',')[9]);
  });
});

describe('cli image errors', () => {
  test('an image config without --data', () => {
    const r = cli('train', config);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/needs its dataset files: give them with --data FILE/);
  });

  test('a malformed CIFAR file is refused with its name', () => {
    const bad = join(dir, 'data_batch_1.bin');
    writeFileSync(bad, new Uint8Array(100));
    const r = cli('attack', config, '--data', bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/data_batch_1\.bin.*100 bytes/);
    expect(r.stderr).not.toMatch(/unexpected failure/);
  });

  test('a model whose input shape does not fit the images', () => {
    // 50 CIFAR-10 records (label byte + 32×32×3 pixels) with no test file: 20% are held out.
    const cifarDir = join(dir, 'cifar');
    const cifar = join(cifarDir, 'data_batch_1.bin');
    const bytes = new Uint8Array(50 * 3073);
    for (let i = 0; i < 50; i++) {
      bytes[i * 3073] = i % 10;
      for (let j = 1; j < 3073; j++) bytes[i * 3073 + j] = (i * 31 + j * 7) % 256;
    }
    mkdirSync(cifarDir, { recursive: true });
    writeFileSync(cifar, bytes);
    const cifarModel = join(dir, 'cifar-model');
    const t = cli('train', config, '--data', cifar, '--save-model', cifarModel);
    expect(t.code, t.stderr).toBe(0);
    expect(t.stderr).toMatch(/held out as the test set/);
    const trainedCifar = JSON.parse(t.stdout);
    expect(trainedCifar.dataset.shape).toEqual([32, 32, 3]);
    expect(trainedCifar.dataset.testSource).toBe('held out');
    expect(trainedCifar.metrics.n).toBe(10);

    const r = cli('attack', config, ...DATA, '--model', cifarModel);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/does not fit the --data images: its input shape is 32×32×3 but the images are 28×28×1/);
  });
});

describe('cli certify on images', () => {
  test('certifies the first test images of the --data files and writes the reference log', () => {
    const r = cli('certify', config, ...DATA, '--model', modelDir, '--sigma', '0.25', '--n0', '20', '--n', '200', '--batch', '100', '--max', '3');
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('idx\tlabel\tpredict\tradius\tcorrect\ttime');
    expect(lines.slice(1).map((l) => Number(l.split('\t')[0]))).toEqual([0, 1, 2]);
    for (const l of lines.slice(1)) {
      const [, label, predict, radius, correct] = l.split('\t');
      expect(Number(predict)).toBeGreaterThanOrEqual(-1);
      expect(Number(predict)).toBeLessThan(10);
      expect(Number(radius)).toBeGreaterThanOrEqual(0);
      expect(correct).toBe(predict === label ? '1' : '0');
    }
  });
});
