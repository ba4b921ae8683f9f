/**
 * The checkpoint of `train --out FILE`: FILE.checkpoint.json holds the config, the completed
 * epochs with their statistics, the weights and the optimizer's state (float32 values in base64,
 * exact), rewritten through a temporary file and a rename at the end of every epoch, so kill -9
 * at any moment leaves the last epoch's checkpoint whole. `--resume` starts from it (the config
 * must be the same) and the run ends as an uninterrupted one; the file is removed when the run
 * has written its result.
 */
import { existsSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import type { NamedArray, TrainCheckpoint } from '../core';
import { CliError, describeFsError } from './errors';
import { writeText } from './files';
import { cliLimits } from './limits';

export const trainCheckpointPath = (out: string) => `${out}.checkpoint.json`;

export interface TrainCheckpointFile {
  /** The checkpoint --resume starts from (null: from the start). */
  from: TrainCheckpoint | null;
  onEpoch: (c: TrainCheckpoint) => void;
  /** Removes the checkpoint: the run has written its result. */
  finish(): void;
}

const encode = (a: NamedArray) => ({ name: a.name, shape: a.shape, data: Buffer.from(a.values.buffer, a.values.byteOffset, a.values.byteLength).toString('base64') });

function decode(v: unknown, what: string): NamedArray {
  const o = v as { name?: unknown; shape?: unknown; data?: unknown };
  if (typeof o?.name !== 'string' || !Array.isArray(o.shape) || typeof o.data !== 'string') throw new Error(`${what} must have a name, a shape and base64 data`);
  const bytes = Buffer.from(o.data, 'base64');
  if (bytes.length % 4) throw new Error(`${what} ("${o.name}") holds ${bytes.length} bytes, not whole float32 values`);
  const values = new Float32Array(bytes.length / 4);
  new Uint8Array(values.buffer).set(bytes);
  return { name: o.name, shape: o.shape as number[], values };
}

function readCheckpoint(path: string, config: unknown): TrainCheckpoint {
  // Weights and two Adam accumulators in base64, besides the statistics.
  const limit = cliLimits.textBytes + Math.ceil((3 * 4 * cliLimits.params * 4) / 3);
  const size = statSync(path).size;
  if (size > limit) throw new CliError(`--resume: ${path} is ${size} bytes, over the ${limit} bytes a checkpoint of at most ${cliLimits.params} parameters takes (raise --max-params)`);
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new CliError(`--resume: ${path} is not a training checkpoint: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (o.format !== 'train checkpoint') throw new CliError(`--resume: ${path} is not a training checkpoint (no "format": "train checkpoint")`);
  if (JSON.stringify(o.config) !== JSON.stringify(config)) throw new CliError(`--resume: ${path} is the checkpoint of another config; run the same command as the interrupted run, or start afresh without --resume`);
  try {
    const arrays = (v: unknown, what: string) => {
      if (!Array.isArray(v)) throw new Error(`${what} must be an array`);
      return v.map((e, i) => decode(e, `${what}[${i}]`));
    };
    return { epochs: o.epochs as number, history: o.history as TrainCheckpoint['history'], weights: arrays(o.weights, 'weights'), optimizer: arrays(o.optimizer, 'optimizer') };
  } catch (e) {
    throw new CliError(`--resume: ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * The checkpoint beside `out` (none when the result goes to stdout). With `resume`, the
 * checkpoint there is read back and checked against `config`; without one, the run starts afresh.
 */
export function openTrainCheckpoint(out: string | undefined, config: unknown, resume: boolean): TrainCheckpointFile {
  if (!out || out === '-') {
    if (resume) throw new CliError('train: --resume needs --out FILE: the output of the run to continue');
    return { from: null, onEpoch: () => undefined, finish: () => undefined };
  }
  const path = trainCheckpointPath(out);
  const from = resume && existsSync(path) ? readCheckpoint(path, config) : null;
  return {
    from,
    onEpoch: (c) => writeText(JSON.stringify({ format: 'train checkpoint', config, epochs: c.epochs, history: c.history, weights: c.weights.map(encode), optimizer: c.optimizer.map(encode) }) + '\n', path),
    finish: () => {
      try {
        if (existsSync(path)) unlinkSync(path);
      } catch (e) {
        throw new CliError(`Cannot remove ${path}: ${describeFsError(e)}`);
      }
    },
  };
}
