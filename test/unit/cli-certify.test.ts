/**
 * `certify` and `predict` on the command line (src/cli/commands/certify.ts), run as a user runs
 * them: their log parses as Cohen et al.'s format, agrees with the core run in-process on the same
 * model and seed, and bad flags are refused with a message and exit status 2.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, test } from 'vitest';
import { cli, killWhen, useTrainedModel } from './cliRun';
import { parseCertificationLog } from '../../src/core/certify/log';
import { pickIndices, runSmoothingOnSet } from '../../src/core/certify/run';
import { modelClassifier } from '../../src/core/certify/smoothing';
import { makeDataset2d, normaliseExperiment } from '../../src/core';
import { readModelDir } from '../../src/cli/files';
import { useWasmBackend } from './helpers';

useWasmBackend();


const TINY = { version: 1, seed: 4, data: { kind: 'gaussians3', size: 80, testFraction: 0.25 }, training: { method: 'standard', epochs: 3, batchSize: 10 } };
const setup = useTrainedModel('cli-certify-', TINY);

const FLAGS = ['--sigma', '0.25', '--n0', '20', '--n', '400', '--alpha', '0.01', '--batch', '200', '--skip', '2', '--max', '5', '--seed', '11'];

describe('cli certify / predict', () => {
  test('certify writes the reference log, equal to the core run on the same model and seed', async () => {
    const out = join(setup.dir, 'certify.tsv');
    const r = cli('certify', setup.config, '--model', setup.modelDir, ...FLAGS, '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/certified accuracy: r=0: [\d.]+%/);
    expect(r.stderr).toMatch(/ACR \d\.\d{4}/);
    const text = readFileSync(out, 'utf8');
    expect(text.split('\n')[0]).toBe('idx\tlabel\tpredict\tradius\tcorrect\ttime');
    const log = parseCertificationLog(text);
    expect(log.rows.map((row) => row.idx)).toEqual([0, 2, 4, 6, 8]);

    const { model } = await readModelDir(setup.modelDir);
    const ds = makeDataset2d(normaliseExperiment(TINY).data);
    const x = tf.tensor2d(ds.xTest, [ds.yTest.length, 2]);
    const core = await runSmoothingOnSet('certify', modelClassifier(model), x, ds.yTest, pickIndices(ds.yTest.length, 2, 5), { sigma: 0.25, n0: 20, n: 400, alpha: 0.01, batchSize: 200, seed: 11 });
    x.dispose();
    model.dispose();
    log.rows.forEach((row, i) => {
      const c = core.rows[i];
      expect([row.label, row.predict, row.correct]).toEqual([c.label, c.predict, c.correct]);
      expect(row.radius).toBeCloseTo(c.radius ?? 0, 2); // the log keeps 3 significant digits
    });
    expect(log.rows.some((row) => row.predict >= 0 && (row.radius ?? 0) > 0)).toBe(true);
  });

  test('rows are written as they are done: after kill -9, --resume finishes the log as an uninterrupted run writes it', async () => {
    const flags = ['--sigma', '0.25', '--n0', '50', '--n', '20000', '--batch', '2000', '--max', '12', '--seed', '3'];
    const killed = join(setup.dir, 'killed.tsv');
    const rowsIn = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter((l) => /^\d/.test(l)).length : 0);
    // Kill the run outright (no handler runs) once three rows are on disk.
    await killWhen(['certify', setup.config, '--model', setup.modelDir, ...flags, '--out', killed], () => rowsIn(killed) >= 3);
    const kept = rowsIn(killed);
    expect(kept).toBeGreaterThanOrEqual(3);
    expect(kept).toBeLessThan(12);
    const resumed = cli('certify', setup.config, '--model', setup.modelDir, ...flags, '--out', killed, '--resume');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(new RegExp(`--resume: ${kept}|--resume: ${kept + 1}`));
    const whole = join(setup.dir, 'whole.tsv');
    expect(cli('certify', setup.config, '--model', setup.modelDir, ...flags, '--out', whole).code).toBe(0);
    // Byte for byte but the time column (each run times its own inputs).
    const withoutTime = (path: string) => readFileSync(path, 'utf8').split('\n').map((l) => l.split('\t').slice(0, -1).join('\t'));
    expect(withoutTime(killed)).toEqual(withoutTime(whole));
    expect(rowsIn(whole)).toBe(12);
    // --resume needs a file; an unwritable --out is refused before anything runs.
    expect(cli('certify', setup.config, '--model', setup.modelDir, ...flags, '--resume').stderr).toMatch(/--resume needs --out FILE/);
    const unwritable = cli('certify', setup.config, '--model', setup.modelDir, ...flags, '--out', '/proc/nope/log.tsv');
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr).toMatch(/Cannot write \/proc\/nope\/log\.tsv/);
  }, 120_000);

  test('predict writes the predict.py log to stdout', () => {
    const r = cli('predict', setup.config, '--model', setup.modelDir, ...FLAGS);
    expect(r.code, r.stderr).toBe(0);
    const log = parseCertificationLog(r.stdout);
    expect(log.kind).toBe('predict');
    expect(log.rows).toHaveLength(5);
    expect(log.rows.every((row) => row.predict >= -1 && row.predict < 3)).toBe(true);
  });

  test('bad settings are refused with every problem named', () => {
    const r = cli('certify', setup.config, '--model', setup.modelDir, '--sigma', '0', '--n', '0', '--alpha', '2');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/sigma must be > 0 and ≤ 10000/);
    expect(r.stderr).toMatch(/n must be between 1 and 1000000000 \(got 0\)/);
    expect(r.stderr).toMatch(/alpha must be > 0 and < 1/);
    const noSigma = cli('certify', setup.config, '--model', setup.modelDir);
    expect(noSigma.code).toBe(2);
    expect(noSigma.stderr).toMatch(/--sigma is required/);
    // A batch whose noisy copies would not fit in memory is refused before the run, with the largest that fits.
    const big = cli('certify', setup.config, '--model', setup.modelDir, '--sigma', '0.25', '--n', '1000000', '--batch', '1000000', '--max', '1');
    expect(big.code).toBe(2);
    expect(big.stderr).toMatch(/--batch 1000000: batch size 1,000,000 needs about [0-9.]+ GB for this model \([0-9,]+ bytes per noisy copy\); the largest batch that fits in 1 GiB is [0-9,]+/);
  });
});
