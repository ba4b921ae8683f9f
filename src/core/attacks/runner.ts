/**
 * The attack contract and its one runner. An attack is a record (`Attack`): its id and label,
 * its defaults, a `problems` check of its own settings, and `steps`, which attacks one batch on
 * the device step by step: a generator that yields after every step and returns the outputs.
 * `attackWith` is the only way an attack runs over a data set: it fills the defaults, checks the
 * threat model, the attack's own settings and the data (shapes, labels, inputs inside the box)
 * before touching a tensor, then runs the steps chunk by chunk (seed derived per chunk), checking
 * the abort signal and yielding to the event loop between steps so that a cancel takes effect
 * within one step, clips every adversarial input to the box, and disposes everything but the
 * result. Training runs the same steps to the end at once (`runSteps`). Adding an attack
 * is one file that exports an `Attack` plus one line in registry.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { checkpoint } from '../cancel';
import { deriveSeed } from '../random';
import { logits as modelLogits } from '../models/forward';
import { assertInsideBox, type ThreatModel } from './common';

export interface RunControl {
  signal?: AbortSignal | null;
  /** Fraction of the work done, in [0, 1]. */
  onProgress?: (fraction: number) => void;
  /** Inputs per chunk (default: the attack's, else defaultChunk's). */
  batchSize?: number;
  /**
   * The index of the first chunk within a longer run (default 0): each chunk's random start is
   * drawn from the run's seed and its index, so a shard of the inputs that starts at chunk c of
   * the whole run (and passes c) draws the very starts the whole run would.
   */
  firstChunk?: number;
}

export const DEFAULT_CHUNK = 8192;

/** On a GPU backend a chunk's activations, every layer's together, may hold this many floats (64 MiB). */
const GPU_CHUNK_FLOATS = 2 ** 24;
/** The most inputs a chunk takes on a GPU backend, however small they are. */
const GPU_CHUNK_MAX = 65536;

/** Floats per input over the outputs of every layer, nested models' layers included; null if a layer has no single shape. */
function activationFloats(model: tf.LayersModel): number | null {
  let total = 0;
  for (const layer of model.layers) {
    if (layer instanceof tf.LayersModel) {
      const inner = activationFloats(layer);
      if (inner === null) return null;
      total += inner;
      continue;
    }
    let shapes: (number | null)[][];
    try {
      shapes = (Array.isArray(layer.outputShape[0]) ? layer.outputShape : [layer.outputShape]) as (number | null)[][];
    } catch {
      // A layer called on inputs of several shapes has no single output shape.
      return null;
    }
    for (const shape of shapes) {
      if (shape.slice(1).some((d) => d === null)) return null;
      total += shape.slice(1).reduce<number>((a, b) => a * (b as number), 1);
    }
  }
  return total;
}

/**
 * Inputs per chunk when neither the caller nor the attack says: DEFAULT_CHUNK, and on webgpu and
 * webgl more where the model is small: as many as keep the chunk's activations (the inputs and
 * every layer's output, taped for the gradient) within GPU_CHUNK_FLOATS, up to GPU_CHUNK_MAX. A
 * GPU backend spends most of a small model's step dispatching kernels, whatever their size: on an
 * H200, the 4-way split of the 40,000 grid points took 260–365 ms in chunks of 8,192 and 61–68 ms
 * in one chunk. The chunk's seed is derived from its index, so past DEFAULT_CHUNK inputs the
 * random starts on a GPU differ from WASM's (each backend still repeats its own numbers).
 */
export function defaultChunk(model: tf.LayersModel, x: tf.Tensor, backend: string = tf.getBackend()): number {
  if (backend !== 'webgpu' && backend !== 'webgl') return DEFAULT_CHUNK;
  const layers = activationFloats(model);
  if (layers === null) return DEFAULT_CHUNK;
  const perInput = x.shape.slice(1).reduce((a, b) => a * b, 1) + layers;
  return Math.min(GPU_CHUNK_MAX, Math.max(DEFAULT_CHUNK, Math.floor(GPU_CHUNK_FLOATS / perInput)));
}

/** What an attack's checks and batches may know about the model besides the config. */
export interface AttackContext {
  model: tf.LayersModel;
  /** Width of the model's first output (the logits). */
  numLogits: number;
}

/** The per-input outputs of a batch: the adversarial inputs and, for some attacks, more (e.g. success flags). */
export type AttackOutput = { adversarial: tf.Tensor } & Record<string, tf.Tensor>;

/** Every attack's settings start with the threat model B_p(x, eps) ∩ box and a seed. */
export interface AttackSettings extends ThreatModel {
  seed: number;
}

export interface Attack<C extends AttackSettings> {
  readonly id: string;
  readonly label: string;
  /** Every setting but eps, which a caller must always give. */
  readonly defaults: Omit<C, 'eps'>;
  /** Inputs per chunk when the caller does not say. */
  readonly chunk?: number;
  /** Problems with the attack's own settings (the runner checks the threat model and the data); context null = no model at hand yet. */
  problems(config: C, context: AttackContext | null): string[];
  /** Labels must be integers in [0, labelLimit); by default the number of logits. */
  labelLimit?(config: C, context: AttackContext): number;
  /** One batch on the device, step by step (x lies in the box). */
  steps(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor1D, config: C, context: AttackContext): Steps<tf.Tensor | AttackOutput>;
}

/**
 * An attack's work on one batch: a generator that yields after each step and returns its
 * result. Each step runs inside a tf.tidy, so whatever a step makes and does not keep is freed
 * when the step ends; what the attack carries to the next step it keeps in a `Held`, which it
 * frees in a `finally`, so that a run ended early (a cancel: the runner calls `return()`) leaves
 * no tensor behind.
 */
export type Steps<T> = Generator<void, T, void>;

/** One step of the generator, inside a tidy (its result's tensors survive it). */
function step<T>(steps: Steps<T>): IteratorResult<void, T> {
  return tf.tidy(() => steps.next() as unknown as tf.TensorContainer) as unknown as IteratorResult<void, T>;
}

/** Runs the steps to the end at once (inside a training step, where nothing interrupts). */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const r = step(steps);
    if (r.done) return r.value;
  }
}

/** Runs the steps, checking the signal and letting messages in between steps; a cancel ends the generator (its finally frees what it held). */
async function driveSteps<T>(steps: Steps<T>, signal: AbortSignal | null | undefined): Promise<T> {
  let r: IteratorResult<void, T> = { done: false, value: undefined };
  try {
    r = step(steps);
    while (!r.done) {
      await checkpoint(signal);
      r = step(steps);
    }
    return r.value;
  } finally {
    if (!r.done) steps.return(undefined as never);
  }
}

/**
 * Tensors an attack carries from one step to the next, by name, kept out of the steps' tidy
 * scopes: `set` replaces (freeing the old one), `take` hands one out as an ordinary tensor of the
 * current scope, `dispose` frees the rest — in a generator's `finally`, also when a cancel ends
 * the run early.
 */
export class Held {
  private readonly tensors: Record<string, tf.Tensor> = {};
  set<T extends tf.Tensor>(key: string, t: T): T {
    const old = this.tensors[key];
    if (old && old !== t) old.dispose();
    this.tensors[key] = tf.keep(t);
    return t;
  }
  get<T extends tf.Tensor = tf.Tensor>(key: string): T {
    const t = this.tensors[key];
    if (!t) throw new Error(`internal: no tensor held as ${key}`);
    return t as T;
  }
  take<T extends tf.Tensor = tf.Tensor>(key: string): T {
    const t = this.get<T>(key);
    delete this.tensors[key];
    // A clone shares the data and, unlike the kept original, belongs to the caller's scope.
    const out = t.clone();
    t.dispose();
    return out;
  }
  dispose(): void {
    for (const key of Object.keys(this.tensors)) {
      this.tensors[key].dispose();
      delete this.tensors[key];
    }
  }
}

/** "name must be an integer ≥ min (got v)", or nothing. */
export function intAtLeast(name: string, v: unknown, min: number): string[] {
  return typeof v === 'number' && Number.isInteger(v) && v >= min ? [] : [`${name} must be an integer ≥ ${min} (got ${String(v)})`];
}

/** "name must be a finite number ≥ min (got v)", or nothing. */
export function finiteAtLeast(name: string, v: unknown, min: number, note = ''): string[] {
  return typeof v === 'number' && Number.isFinite(v) && v >= min ? [] : [`${name} must be a finite number ≥ ${min}${note} (got ${String(v)})`];
}

function threatProblems(c: AttackSettings): string[] {
  const problems: string[] = [];
  if (c.norm !== 'linf' && c.norm !== 'l2') problems.push(`norm must be 'linf' or 'l2' (got ${String(c.norm)})`);
  problems.push(...finiteAtLeast('eps', c.eps, 0));
  const box = c.box;
  if (box != null && !(Array.isArray(box) && box.length === 2 && Number.isFinite(box[0]) && Number.isFinite(box[1]) && box[0] < box[1])) {
    problems.push(`box must be [lo, hi] with finite lo < hi, or null (got ${JSON.stringify(box)})`);
  }
  if (!(typeof c.seed === 'number' && Number.isFinite(c.seed))) problems.push(`seed must be a finite number (got ${String(c.seed)})`);
  return problems;
}

/** The width of the model's first output (the logits), from its shape or, if that is open, one forward pass. */
export function numLogitsOf(model: tf.LayersModel, x: tf.Tensor): number {
  const shape = model.outputs[0].shape;
  const last = shape[shape.length - 1];
  if (typeof last === 'number') return last;
  const z = tf.tidy(() => modelLogits(model, tf.slice(x, 0, 1)));
  const k = z.shape[1];
  z.dispose();
  return k;
}

/**
 * The settings with the attack's defaults filled in, checked (against the model when a context
 * is given); throws one error naming every problem.
 */
export function checkAttackSettings<C extends AttackSettings>(attack: Attack<C>, options: Partial<C> & Pick<C, 'eps'>, context: AttackContext | null = null): C {
  const config = { ...attack.defaults, ...options } as C;
  const problems = [...threatProblems(config), ...attack.problems(config, context)];
  if (problems.length) throw new Error(`${attack.label}: ${problems.join('; ')}`);
  return config;
}

async function checkData<C extends AttackSettings>(attack: Attack<C>, x: tf.Tensor, y: tf.Tensor1D, config: C, context: AttackContext): Promise<void> {
  if (y.rank !== 1 || y.shape[0] !== x.shape[0]) throw new Error(`${attack.label}: x has ${x.shape[0]} inputs but y has shape [${y.shape}]`);
  const limit = attack.labelLimit?.(config, context) ?? context.numLogits;
  const labels = await y.data();
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    if (!(Number.isInteger(v) && v >= 0 && v < limit)) {
      const what = attack.labelLimit ? `labels must be regular classes, integers in [0, K) = [0, ${limit})` : `labels must be integers in [0, ${limit}) (the model's classes)`;
      throw new Error(`${attack.label}: ${what}; label ${v} at index ${i}`);
    }
  }
  await assertInsideBox(x, config.box);
}

function outputOf(out: tf.Tensor | AttackOutput): AttackOutput {
  return out instanceof tf.Tensor ? { adversarial: out } : out;
}

/**
 * Runs an attack over any number of inputs: checked, chunked, cancellable, clipped to the box.
 * Returns the adversarial inputs and any other per-input outputs of the attack, in input order.
 */
export async function attackWith<C extends AttackSettings>(
  attack: Attack<C>,
  model: tf.LayersModel,
  x: tf.Tensor,
  y: tf.Tensor1D,
  options: Partial<C> & Pick<C, 'eps'>,
  control: RunControl = {},
): Promise<AttackOutput> {
  if (x.rank < 2) throw new Error(`${attack.label}: x must be a batch of inputs, [n, ...] (got shape [${x.shape}])`);
  const context: AttackContext = { model, numLogits: x.shape[0] > 0 ? numLogitsOf(model, x) : 0 };
  const config = checkAttackSettings(attack, options, context);
  await checkData(attack, x, y, config, context);
  const n = x.shape[0];
  const size = Math.max(1, control.batchSize ?? attack.chunk ?? defaultChunk(model, x));
  const box = config.box;
  const firstChunk = control.firstChunk ?? 0;
  if (!(Number.isInteger(firstChunk) && firstChunk >= 0)) throw new Error(`${attack.label}: firstChunk must be a whole number ≥ 0 (got ${firstChunk})`);
  const parts: AttackOutput[] = [];
  try {
    for (let start = 0, k = 0; start < n; start += size, k++) {
      await checkpoint(control.signal);
      const len = Math.min(size, n - start);
      const whole = start === 0 && len === n;
      const xb = whole ? x : tf.slice(x, start, len);
      const yb = whole ? y : tf.slice(y, start, len);
      try {
        const out = outputOf(await driveSteps(attack.steps(model, xb, yb, { ...config, seed: deriveSeed(config.seed, 'chunk', firstChunk + k) }, context), control.signal));
        if (box) {
          // The attacks project onto the box themselves; clipping again is exact (a no-op) for points already inside.
          const raw = out.adversarial;
          out.adversarial = tf.clipByValue(raw, box[0], box[1]);
          raw.dispose();
        }
        parts.push(out);
      } finally {
        if (!whole) tf.dispose([xb, yb]);
      }
      control.onProgress?.((start + len) / n);
    }
    if (n === 0) {
      await checkpoint(control.signal);
      control.onProgress?.(1);
      return { adversarial: x.clone() };
    }
    if (parts.length === 1) {
      const only = parts[0];
      parts.length = 0;
      return only;
    }
    const merged: Record<string, tf.Tensor> = {};
    for (const key of Object.keys(parts[0])) merged[key] = tf.concat(parts.map((p) => p[key]), 0);
    return merged as AttackOutput;
  } finally {
    for (const p of parts) tf.dispose(Object.values(p));
  }
}

/** The adversarial inputs alone (the other outputs disposed). */
export async function adversarialOf(run: Promise<AttackOutput>): Promise<tf.Tensor> {
  const { adversarial, ...rest } = await run;
  tf.dispose(Object.values(rest));
  return adversarial;
}

/**
 * The typed public function of an attack (pgd, apgdCe, …): settings and run control in one
 * object (or the control as a second argument), through the shared runner; returns the
 * adversarial inputs. `fixed` are settings the function starts from before the caller's.
 */
export function attackFunction<C extends AttackSettings>(attack: Attack<C>, fixed: Partial<C> = {}) {
  return (model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor1D, options: Partial<C> & Pick<C, 'eps'> & RunControl, control: RunControl = {}): Promise<tf.Tensor> => {
    const { signal, onProgress, batchSize, firstChunk, ...settings } = options;
    const run = { signal, onProgress, batchSize, firstChunk, ...control };
    return adversarialOf(attackWith(attack, model, x, y, { ...fixed, ...settings } as Partial<C> & Pick<C, 'eps'>, run));
  };
}
