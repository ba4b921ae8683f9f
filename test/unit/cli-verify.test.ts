/**
 * `verify` on the command line (src/cli/commands/verify.ts), run as a user runs it: a tiny 2-D
 * model trained by `train` with method ibp and M = 2 abstain classes, verified with IBP and CROWN
 * and attacked with PGD; the JSON totals and the per-input TSV equal verifyAbstain and
 * abstainErrorTable called directly on the same model and inputs. Also: the input selection
 * flags, bad arguments (exit status 2 with a message), an image config with a tiny CNN (IBP only;
 * --bound crown refused), and Ctrl-C (exit status 130) keeping the finished batches.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { ROOT, cli, killWhen, useTrainedModel } from './cliRun';
import { abstainErrorTable, makeDataset2d, normaliseExperiment, verifyAbstain, type AbstainVerdicts } from '../../src/core';
import { readModelDir } from '../../src/cli/files';
import { verifyInChunks } from '../../src/cli/commands/verify';
import { useWasmBackend } from './helpers';

useWasmBackend();

const TINY = {
  version: 1,
  seed: 1,
  data: { kind: 'gaussians3', size: 240, testFraction: 0.25 },
  model: { depth: 2, width: 32 },
  training: {
    method: 'ibp',
    epochs: 10,
    batchSize: 32,
    optimizer: 'adam',
    learningRate: 0.01,
    ibp: { abstainClasses: 2, lambdaEnd: 0.5, regulariserMu: 1 },
    attack: { eps: 0.1, steps: 1 },
  },
  evaluation: { attack: { kind: 'fgsm' } },
};
const K = 3;
const M = 2;
const N = 60;
/** Larger than the training eps, so that some certificates fail and some hold. */
const EPS = 0.2;

const FASHION = 'public/data/fashion-mnist-subset';
const DATA = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'].flatMap((f) => ['--data', `${FASHION}/${f}`]);
const TINY_IMAGE = {
  kind: 'image',
  version: 1,
  seed: 2,
  data: { trainLimit: 200, testLimit: 60 },
  model: { kind: 'cnn', convLayers: 1, filters: 4, dense: 0 },
  training: { method: 'ibp', epochs: 1, batchSize: 20, optimizer: 'adam', learningRate: 0.01, ibp: { abstainClasses: 2, lambdaEnd: 0.5 }, attack: { eps: 0.02 } },
  evaluation: { attack: { kind: 'pgd', norm: 'linf', eps: 0.02, steps: 2 }, count: 12 },
};

const setup = useTrainedModel('cli-verify-', TINY);

function testSet() {
  const ds = makeDataset2d(normaliseExperiment(TINY).data);
  return { x: tf.tensor2d(ds.xTest, [ds.yTest.length, 2]), labels: ds.yTest };
}

function readTsv(path: string): { header: string[]; rows: string[][] } {
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
  return { header: lines[0].split('\t'), rows: lines.slice(1).map((l) => l.split('\t')) };
}

const share = (a: Uint8Array) => a.reduce((s, v) => s + v, 0) / a.length;

/** The TSV's columns of one bound against verifyAbstain's verdicts, input by input (float32 exact). */
function expectRowsMatch(tsv: { header: string[]; rows: string[][] }, bound: string, v: AbstainVerdicts, indices: number[], labels: ArrayLike<number>) {
  const col = (name: string) => {
    const j = tsv.header.indexOf(name);
    expect(j, name).toBeGreaterThanOrEqual(0);
    return j;
  };
  const T = K - 1;
  tsv.rows.forEach((row, i) => {
    expect(Number(row[col('idx')])).toBe(indices[i]);
    expect(Number(row[col('label')])).toBe(labels[i]);
    expect(Number(row[col('prediction')])).toBe(v.cleanPrediction[i]);
    expect(Number(row[col('abstained')])).toBe(v.cleanPrediction[i] >= K ? 1 : 0);
    expect(Number(row[col(`certified_${bound}`)])).toBe(v.certified[i]);
    expect(Number(row[col(`verified_${bound}`)])).toBe(v.verified[i]);
    expect(Math.fround(Number(row[col(`margin_${bound}`)]))).toBe(v.margin[i]);
    for (let t = 0; t < K; t++) {
      const cell = row[col(`lambda_${bound}_t${t}`)];
      if (t === labels[i]) {
        expect(cell).toBe('-');
        continue;
      }
      const j = Array.from(v.targets.subarray(i * T, (i + 1) * T)).indexOf(t);
      const want = Array.from(v.lambda.subarray((i * T + j) * (M + 1), (i * T + j + 1) * (M + 1)));
      expect(cell.split(',').map((s) => Math.fround(Number(s)))).toEqual(want);
    }
  });
}

describe('cli verify on a 2-D IBP model with M = 2 abstain classes', () => {
  test('the totals and per-input verdicts equal verifyAbstain and abstainErrorTable called directly', async () => {
    const out = join(setup.dir, 'verify.json');
    const tsvPath = join(setup.dir, 'verify.tsv');
    const r = cli('verify', setup.config, '--model', setup.modelDir, '--eps', String(EPS), '--iterations', '30', '--batch', '16', '--pgd-steps', '10', '--seed', '5', '--out', out, '--per-input', tsvPath);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/verify: 60 inputs, K = 3 classes, M = 2 abstain classes, eps 0.2/);
    expect(r.stderr).toMatch(/^ibp\s+[\d.]+%\s+[\d.]+%/m);
    expect(r.stderr).toMatch(/^crown\s+[\d.]+%/m);
    expect(r.stderr).toMatch(/^PGD-10\s+[\d.]+%/m);
    const json = JSON.parse(readFileSync(out, 'utf8'));
    expect(json).toMatchObject({ command: 'verify', n: N, K, M, eps: EPS, bounds: ['ibp', 'crown'], iterations: 30, batch: 16, box: null, interrupted: false });
    expect(json.config.training.method).toBe('ibp');

    const { model } = await readModelDir(setup.modelDir);
    const { x, labels } = testSet();
    try {
      const direct: Record<string, AbstainVerdicts> = {};
      for (const bound of ['ibp', 'crown'] as const) {
        const v = await verifyAbstain(model, x, labels, EPS, { numClasses: K, box: null, bound, iterations: 30, batchSize: 16 });
        direct[bound] = v;
        expect(json.verification[bound].verifiedError).toBe(v.verifiedError);
        expect(json.verification[bound].certified).toBe(share(v.certified));
        expect(json.verification[bound].msPerInput).toBeGreaterThan(0);
        expect(json.standardError).toBe(v.standardError);
        expect(json.abstainClean).toBe(v.abstainClean);
      }
      // A meaningful case: some certificates hold and some fail, and CROWN is at least as tight.
      expect(share(direct.ibp.certified)).toBeGreaterThan(0);
      expect(share(direct.ibp.certified)).toBeLessThan(1);
      expect(json.verification.crown.verifiedError).toBeLessThanOrEqual(json.verification.ibp.verifiedError);

      const tsv = readTsv(tsvPath);
      expect(tsv.rows).toHaveLength(N);
      expect(tsv.header).toEqual([
        'idx', 'label', 'prediction', 'abstained',
        'certified_ibp', 'verified_ibp', 'margin_ibp', 'certified_crown', 'verified_crown', 'margin_crown',
        'lambda_ibp_t0', 'lambda_ibp_t1', 'lambda_ibp_t2', 'lambda_crown_t0', 'lambda_crown_t1', 'lambda_crown_t2',
      ]);
      const all = Array.from({ length: N }, (_, i) => i);
      expectRowsMatch(tsv, 'ibp', direct.ibp, all, labels);
      expectRowsMatch(tsv, 'crown', direct.crown, all, labels);

      const y = tf.tensor1d(labels, 'int32');
      const table = await abstainErrorTable(model, x, y, { eps: EPS, numClasses: K, steps: 10, norm: 'linf', stepSize: 0, restarts: 1, randomStart: true, box: null, seed: 5 });
      y.dispose();
      expect(json.pgd).toMatchObject({
        steps: 10,
        seed: 5,
        n: N,
        pgdError: table.pgdError,
        detected: table.detected,
        detectedPerClass: table.detectedPerClass,
        attackSuccess: table.attackSuccess,
        standardError: table.standardError,
      });
      expect(json.pgd.detectedPerClass).toHaveLength(M);
    } finally {
      x.dispose();
      model.dispose();
    }
  });

  test('--skip/--max and --count pick the inputs; --bound ibp leaves out the CROWN columns; --pgd-steps 0 no PGD table', async () => {
    const tsvPath = join(setup.dir, 'skip.tsv');
    const r = cli('verify', setup.config, '--model', setup.modelDir, '--skip', '3', '--max', '7', '--bound', 'ibp', '--pgd-steps', '0', '--iterations', '10', '--per-input', tsvPath);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({ n: 7, selected: 7, bounds: ['ibp'], pgd: null, eps: 0.1 }); // eps: the training attack's
    expect(json.verification.crown).toBeUndefined();
    const tsv = readTsv(tsvPath);
    expect(tsv.rows.map((row) => Number(row[0]))).toEqual([0, 3, 6, 9, 12, 15, 18]);
    expect(tsv.header.filter((h) => h.includes('crown'))).toEqual([]);
    expect(tsv.header).toHaveLength(4 + 3 + K);

    const { model } = await readModelDir(setup.modelDir);
    const { x, labels } = testSet();
    const idx = [0, 3, 6, 9, 12, 15, 18];
    const xs = tf.gather(x, idx);
    try {
      const v = await verifyAbstain(model, xs, idx.map((i) => labels[i]), 0.1, { numClasses: K, box: null, bound: 'ibp', iterations: 10 });
      expectRowsMatch(tsv, 'ibp', v, idx, idx.map((i) => labels[i]));
      expect(json.verification.ibp.verifiedError).toBe(v.verifiedError);
    } finally {
      tf.dispose([x, xs]);
      model.dispose();
    }

    const c = cli('verify', setup.config, '--model', setup.modelDir, '--count', '5', '--bound', 'crown', '--pgd-steps', '3', '--iterations', '5');
    expect(c.code, c.stderr).toBe(0);
    const cj = JSON.parse(c.stdout);
    expect(cj).toMatchObject({ n: 5, bounds: ['crown'] });
    expect(cj.pgd.n).toBe(5);
  });

  test('bad arguments exit with status 2 and say what is wrong', () => {
    const bad = cli('verify', setup.config, '--model', setup.modelDir, '--bound', 'alpha', '--eps=-1', '--iterations', '1.5', '--count', '3', '--skip', '2', '--pgd-steps', 'x');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--bound must be ibp, crown or both \(got "alpha"\)/);
    expect(bad.stderr).toMatch(/--eps must be a number >= 0/);
    expect(bad.stderr).toMatch(/--iterations must be a whole number/);
    expect(bad.stderr).toMatch(/either --count or --skip\/--max/);
    expect(bad.stderr).toMatch(/--pgd-steps must be a number/);

    const noModel = cli('verify', setup.config);
    expect(noModel.code).toBe(2);
    expect(noModel.stderr).toMatch(/--model DIR is required/);
    const data = cli('verify', setup.config, '--model', setup.modelDir, '--data', 'x.bin');
    expect(data.code).toBe(2);
    expect(data.stderr).toMatch(/--data is for image configs/);
    const both = cli('verify', setup.config, '--model', setup.modelDir, '--per-input', '-');
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/would both go to stdout/);
    const missing = cli('verify', setup.config, '--model', join(setup.dir, 'nowhere'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/does not exist/);
  });

  test('limits on what is read: a config, a model and a weight file over the limit are refused by name, and the flags raise them', () => {
    // A limit below the config's size: refused before reading, naming the file, its size and the limit.
    const small = cli('verify', setup.config, '--model', setup.modelDir, '--max-file-mb', '0.00001');
    expect(small.code).toBe(2);
    expect(small.stderr).toMatch(/\.json is [0-9.]+ MB; the workbench reads config files up to 0\.0 MB\. Raise the limit with --max-file-mb/);
    const params = cli('verify', setup.config, '--model', setup.modelDir, '--max-params', '10', '--count', '4');
    expect(params.code).toBe(2);
    expect(params.stderr).toMatch(/weights\.bin is [0-9.]+ MB; the workbench reads weight files up to 0\.0 MB\. Raise the limit with --max-params/);
    expect(cli('verify', setup.config, '--model', setup.modelDir, '--max-params', '2.5').stderr).toMatch(/--max-params must be a whole number ≥ 1, got "2\.5"/);
    expect(cli('verify', setup.config, '--model', setup.modelDir, '--max-file-mb', 'lots').stderr).toMatch(/--max-file-mb must be a number > 0 \(MB\), got "lots"/);
  });

  test('Ctrl-C (SIGINT) exits with status 130 and writes the batches finished before it', async () => {
    const tsvPath = join(setup.dir, 'interrupted.tsv');
    // node --import tsx: the signal reaches the CLI itself (the tsx command would relay it).
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'verify', setup.config, '--model', setup.modelDir, '--batch', '4', '--iterations', '1000', '--pgd-steps', '5', '--per-input', tsvPath], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    // Interrupt once the first batch is in the TSV (not after a fixed delay, which a loaded
    // machine may not reach): the CLI appends each finished batch as it goes.
    const poll = setInterval(() => {
      if (sent || !existsSync(tsvPath)) return;
      if (readFileSync(tsvPath, 'utf8').trimEnd().split('\n').length > 1) {
        sent = true;
        child.kill('SIGINT');
      }
    }, 20);
    child.on('close', () => clearInterval(poll));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/Interrupted: the results hold the \d+ of 60 inputs verified before the interruption; no PGD table/);
    const json = JSON.parse(stdout);
    expect(json.interrupted).toBe(true);
    expect(json.pgd).toBeNull();
    expect(json.n).toBeGreaterThan(0);
    expect(json.n).toBeLessThan(N);
    expect(json.n % 4).toBe(0);
    expect(readTsv(tsvPath).rows).toHaveLength(json.n);
  });

  test('kill -9 mid-run leaves a whole totals JSON (a checkpoint per batch, written through a temporary file and a rename) that agrees with the TSV, and --resume ends as an uninterrupted run', async () => {
    const tsvPath = join(setup.dir, 'killed.tsv');
    const jsonPath = join(setup.dir, 'killed.json');
    const rows = () => (existsSync(tsvPath) ? readFileSync(tsvPath, 'utf8').trimEnd().split('\n').length - 1 : 0);
    await killWhen(['verify', setup.config, '--model', setup.modelDir, '--batch', '4', '--iterations', '1000', '--pgd-steps', '0', '--per-input', tsvPath, '--out', jsonPath], () => rows() >= 8);
    const json = JSON.parse(readFileSync(jsonPath, 'utf8'));
    expect(json.interrupted).toBe(true);
    expect(json.n).toBeGreaterThanOrEqual(4);
    expect(json.n % 4).toBe(0);
    // The JSON follows the TSV by at most the batch the kill fell between.
    expect(rows() - json.n).toBeGreaterThanOrEqual(0);
    expect(rows() - json.n).toBeLessThanOrEqual(4);
    expect(json.verification.ibp.certified).toBeGreaterThanOrEqual(0);

    // --resume keeps the whole batches and ends as an uninterrupted run: the TSV byte for byte, the JSON but its times.
    const flags = ['--batch', '4', '--iterations', '1000', '--pgd-steps', '3'];
    const resumed = cli('verify', setup.config, '--model', setup.modelDir, ...flags, '--per-input', tsvPath, '--out', jsonPath, '--resume');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/--resume: (\d+) of 60 inputs kept/);
    // A kill during a write may leave its temporary file; the next run's write removes it.
    expect(readdirSync(setup.dir).filter((f) => f.startsWith('.killed.json.'))).toHaveLength(0);
    const kept = Number(/--resume: (\d+) of/.exec(resumed.stderr)![1]);
    expect(kept).toBeGreaterThanOrEqual(4);
    expect(kept % 4).toBe(0);
    const wholeTsv = join(setup.dir, 'whole.tsv');
    const wholeJson = join(setup.dir, 'whole.json');
    expect(cli('verify', setup.config, '--model', setup.modelDir, ...flags, '--per-input', wholeTsv, '--out', wholeJson).code).toBe(0);
    expect(readFileSync(tsvPath, 'utf8')).toBe(readFileSync(wholeTsv, 'utf8'));
    const untimed = (path: string) => JSON.parse(readFileSync(path, 'utf8'), (k, v) => (/ms|Ms$/.test(k) ? undefined : v));
    expect(untimed(jsonPath)).toEqual(untimed(wholeJson));
    expect(untimed(jsonPath).interrupted).toBe(false);
    expect(untimed(jsonPath).n).toBe(60);
    // A TSV of another run is refused by name.
    writeFileSync(tsvPath, readFileSync(wholeTsv, 'utf8').replace(/\n(\d+)\t/, '\n999\t'));
    const other = cli('verify', setup.config, '--model', setup.modelDir, ...flags, '--per-input', tsvPath, '--resume');
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/--resume: .*killed\.tsv line 2 is input 999 .*the settings differ/);
    expect(cli('verify', setup.config, '--model', setup.modelDir, '--resume').stderr).toMatch(/--resume needs --per-input FILE/);
  }, 120_000);

  test('Ctrl-C on `npm run cli` (SIGINT to the whole process group, as a terminal sends it) loses nothing', async () => {
    const tsvPath = join(setup.dir, 'npm-interrupted.tsv');
    const child = spawn('npm', ['run', '-s', 'cli', '--', 'verify', setup.config, '--model', setup.modelDir, '--batch', '4', '--iterations', '1000', '--pgd-steps', '5', '--per-input', tsvPath], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    let sent = false;
    const poll = setInterval(() => {
      if (sent || !existsSync(tsvPath) || readFileSync(tsvPath, 'utf8').trimEnd().split('\n').length < 2) return;
      sent = true;
      process.kill(-child.pid!, 'SIGINT');
    }, 20);
    // npm itself may end by the signal; the CLI under it must still write everything it finished.
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
    clearInterval(poll);
    expect(code === 130 || signal === 'SIGINT', `${code} ${signal} ${stderr}`).toBe(true);
    expect(stderr).toMatch(/Interrupted: the results hold the \d+ of 60 inputs verified before the interruption/);
    const json = JSON.parse(stdout);
    expect(json.interrupted).toBe(true);
    expect(json.n).toBeGreaterThan(0);
    expect(readTsv(tsvPath).rows).toHaveLength(json.n);
  });

  test('an interruption keeps the finished batches, equal to the first inputs of the full run', async () => {
    const { model } = await readModelDir(setup.modelDir);
    const { x, labels } = testSet();
    const before = tf.memory().numTensors;
    try {
      const controller = new AbortController();
      const res = await verifyInChunks(model, x, labels, EPS, ['ibp', 'crown'], {
        numClasses: K,
        box: null,
        iterations: 20,
        batch: 16,
        signal: controller.signal,
        onChunk: (done) => {
          if (done >= 32) controller.abort();
        },
      });
      expect(res).toMatchObject({ done: 32, interrupted: true });
      for (const bound of ['ibp', 'crown'] as const) {
        const part = res.runs[bound]!.verdicts;
        const full = await verifyAbstain(model, x, labels, EPS, { numClasses: K, box: null, bound, iterations: 20, batchSize: 16 });
        expect(part.n).toBe(32);
        expect(Array.from(part.margin)).toEqual(Array.from(full.margin.subarray(0, 32)));
        expect(Array.from(part.lambda)).toEqual(Array.from(full.lambda.subarray(0, 32 * (K - 1) * (M + 1))));
        expect(Array.from(part.cleanPrediction)).toEqual(Array.from(full.cleanPrediction.subarray(0, 32)));
        const verified = Array.from(full.verified.subarray(0, 32)).reduce((s, v) => s + v, 0);
        expect(part.verifiedError).toBe(1 - verified / 32);
      }
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      x.dispose();
      model.dispose();
    }
  });
});

describe('cli verify on an image setup.config with a tiny CNN', () => {
  test('verifies with IBP only (the default for a CNN), and --bound crown is refused', async () => {
    const imageConfig = join(setup.dir, 'tiny-image.json');
    const imageModel = join(setup.dir, 'image-model');
    writeFileSync(imageConfig, JSON.stringify(TINY_IMAGE));
    const t = cli('train', imageConfig, ...DATA, '--save-model', imageModel, '--out', join(setup.dir, 'train-image.json'));
    expect(t.code, t.stderr).toBe(0);

    const tsvPath = join(setup.dir, 'image.tsv');
    const r = cli('verify', imageConfig, ...DATA, '--model', imageModel, '--iterations', '20', '--pgd-steps', '3', '--per-input', tsvPath);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({ n: 12, K: 10, M: 2, eps: 0.02, box: [0, 1], bounds: ['ibp'], model: { crown: false } });
    expect(json.verification.ibp.verifiedError).toBeGreaterThanOrEqual(json.standardError);
    expect(json.pgd.detectedPerClass).toHaveLength(2);
    const tsv = readTsv(tsvPath);
    expect(tsv.rows).toHaveLength(12);
    expect(tsv.header).toHaveLength(4 + 3 + 10);
    expect(tsv.header.some((h) => h.includes('crown'))).toBe(false);

    const crown = cli('verify', imageConfig, ...DATA, '--model', imageModel, '--bound', 'crown');
    expect(crown.code).toBe(2);
    expect(crown.stderr).toMatch(/--bound crown needs CROWN, which supports MLPs only/);
    expect(crown.stderr).toMatch(/conv2d/);
    const noData = cli('verify', imageConfig, '--model', imageModel);
    expect(noData.code).toBe(2);
    expect(noData.stderr).toMatch(/needs its dataset files/);
  });
});
