/**
 * Runs the command line as `npm run cli` does (`node --import tsx src/cli/main.ts …`) for the CLI
 * tests: one process, so a timeout kills the CLI itself and leaves nothing running behind.
 */
import { spawn, spawnSync } from 'node:child_process';
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

/** Runs the CLI without waiting for it (so that shards run side by side); resolves with its exit code and standard error. */
export function start(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

/**
 * Runs the CLI in the background and kills it with SIGKILL (kill -9: no handler runs) as soon as
 * `ready()` holds, polled every 10 ms (or once it has exited by itself); resolves when it is gone.
 */
export async function killWhen(args: string[], ready: () => boolean): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, stdio: 'ignore' });
  const closed = new Promise((resolve) => child.on('close', resolve));
  await new Promise<void>((resolve) => {
    const poll = setInterval(() => {
      if (ready() || child.exitCode !== null) {
        clearInterval(poll);
        child.kill('SIGKILL');
        resolve();
      }
    }, 10);
  });
  await closed;
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
