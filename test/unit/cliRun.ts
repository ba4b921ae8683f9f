/**
 * Runs the command line as `npm run cli` does (`node --import tsx src/cli/main.ts …`) for the CLI
 * tests: one process, so a timeout kills the CLI itself and leaves nothing running behind.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

export const ROOT = resolve(__dirname, '..', '..');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function cli(...args: string[]): Run {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 110_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export interface TrainedModelDir {
  /** The temporary folder (removed after the file's tests). */
  dir: string;
  /** The config file written there. */
  config: string;
  /** The model trained from it by `cli train --save-model`. */
  modelDir: string;
}

/**
 * Before the file's tests: writes `configJson` into a fresh temporary folder and trains a model
 * from it with the CLI (`train CONFIG --save-model DIR`); after them, removes the folder. The
 * returned object is filled in by the time the tests run.
 */
export function useTrainedModel(prefix: string, configJson: unknown, ...trainArgs: string[]): TrainedModelDir {
  const setup: TrainedModelDir = { dir: '', config: '', modelDir: '' };
  beforeAll(() => {
    setup.dir = mkdtempSync(join(tmpdir(), prefix));
    setup.config = join(setup.dir, 'tiny.json');
    setup.modelDir = join(setup.dir, 'model');
    writeFileSync(setup.config, JSON.stringify(configJson));
    const r = cli('train', setup.config, ...trainArgs, '--save-model', setup.modelDir, '--out', join(setup.dir, 'train.json'));
    if (r.code !== 0) throw new Error(`train failed (${r.code}):\n${r.stderr}`);
  });
  afterAll(() => {
    if (setup.dir) rmSync(setup.dir, { recursive: true, force: true });
  });
  return setup;
}
