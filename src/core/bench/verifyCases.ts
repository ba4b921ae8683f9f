/**
 * The verification benchmark cases (issue 6, item 11; registered in ./suite.ts): the time per
 * input of paper 004's verification, each next to one plain forward pass of the same batch,
 * which runBenchCase times interleaved with every run (Prepared.reference) and reports as
 * BenchResult.reference, with the ratio method / forward. IBP costs about two forward passes
 * (centre and radius through every layer, verify/ibp.ts), so the target of "IBP / forward" is ≈ 2.
 *
 * Three untrained seeded models (the cost does not depend on the weights), each with K + M
 * outputs, M = 3 abstain classes:
 *  - mlp2d: the default MLP (4 hidden layers of 64 ReLU units) on 2-D points, K = 3, 10,000
 *    seeded uniform points in [0, 1]², eps 0.1, no box (as the 2-D experiments);
 *  - mlp784: the image experiments' MLP (IMAGE_EXPERIMENT_DEFAULTS: 2 hidden layers of 128 ReLU
 *    units) on 784 flat inputs, K = 10, 1,000 inputs of seeded uniform pixels, eps 0.1 in [0, 1];
 *    CROWN on 100 of them (its intermediate bounds pass 2·128 rows per input back to the 784
 *    inputs: [B, 256, 784] floats, 80 MB at B = 100);
 *  - cnn: 28×28×1, 2 blocks of 3×3 conv (8 and 16 filters) + 2×2 max-pooling, dense 64, K = 10,
 *    1,000 images, eps 0.1 in [0, 1].
 * Per model: 'ibp' = the input box, ibpBounds (the logit bounds) and their read-back; 'abstain' =
 * verifyAbstain with IBP (mirror ascent, ABSTAIN_VERIFY_DEFAULTS.iterations = 100 iterations,
 * M = 3), the whole batch in one chunk (batchSize = the batch), with its read-backs; 'crown'
 * (MLPs only) = crownBounds, the CROWN logit bounds, and their read-back. The forward pass is
 * model.apply on the same batch with the read-back of the logits (as grid-forward and
 * cnn-forward-1k). BenchOptions.scale shrinks every batch (for quick tests).
 */
import * as tf from '@tensorflow/tfjs';
import type { BenchCase, Prepared } from './suite';
import { IMAGE_EXPERIMENT_DEFAULTS } from '../experiments/imageConfig';
import { createCnn } from '../models/cnn';
import { createMlp } from '../models/mlp';
import { Rng } from '../random';
import { crownBounds } from '../verify/crown';
import { ibpBounds, inputBox } from '../verify/ibp';
import { verifyAbstain } from '../verify/abstainVerification';

export type VerifyBenchCaseId =
  | 'verify-ibp-mlp2d'
  | 'verify-abstain-mlp2d'
  | 'verify-crown-mlp2d'
  | 'verify-ibp-mlp784'
  | 'verify-abstain-mlp784'
  | 'verify-crown-mlp784'
  | 'verify-ibp-cnn'
  | 'verify-abstain-cnn';

type ModelKind = 'mlp2d' | 'mlp784' | 'cnn';
type Method = 'ibp' | 'abstain' | 'crown';

/** The abstain classes of every verification case (paper 004: M = 3). */
export const VERIFY_BENCH_ABSTAIN = 3;
export const VERIFY_BENCH_EPS = 0.1;

interface ModelSpec {
  /** K, the regular classes. */
  numClasses: number;
  box: [number, number] | null;
  /** Inputs per run, per method. */
  batch: Record<Method, number>;
  build(): tf.LayersModel;
  inputs(n: number): tf.Tensor;
  what: string;
}

const M = VERIFY_BENCH_ABSTAIN;
const IMAGE_MLP = IMAGE_EXPERIMENT_DEFAULTS.model;

const MODELS: Record<ModelKind, ModelSpec> = {
  mlp2d: {
    numClasses: 3,
    box: null,
    batch: { ibp: 10_000, abstain: 1000, crown: 1000 },
    build: () => createMlp({ inputDim: 2, numClasses: 3 + M, seed: 1 }),
    inputs: (n) => tf.tensor2d(uniform(n * 2, 21), [n, 2]),
    what: 'the default 2-D MLP (4×64 ReLU, K = 3 + M = 3 outputs)',
  },
  mlp784: {
    numClasses: 10,
    box: [0, 1],
    batch: { ibp: 1000, abstain: 1000, crown: 100 },
    build: () => createMlp({ inputDim: 784, numClasses: 10 + M, depth: IMAGE_MLP.depth, width: IMAGE_MLP.width, activation: 'relu', seed: 1 }),
    inputs: (n) => tf.tensor2d(uniform(n * 784, 22), [n, 784]),
    what: `the image MLP on 784 inputs (${IMAGE_MLP.depth}×${IMAGE_MLP.width} ReLU, K = 10 + M = 3 outputs)`,
  },
  cnn: {
    numClasses: 10,
    box: [0, 1],
    batch: { ibp: 1000, abstain: 1000, crown: 0 },
    build: () => createCnn({ inputShape: [28, 28, 1], numClasses: 10 + M, convLayers: 2, filters: 8, dense: 64, normalize: null, seed: 1 }),
    inputs: (n) => tf.tensor4d(uniform(n * 784, 23), [n, 28, 28, 1]),
    what: 'a CNN on 28×28×1 (conv 8 and 16 filters with 2×2 max-pooling, dense 64, K = 10 + M = 3 outputs)',
  },
};

function uniform(count: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = rng.uniform();
  return out;
}

const METHOD_TEXT: Record<Method, string> = {
  ibp: 'IBP bounds (ibpBounds: input box, logit bounds, read-back)',
  abstain: 'verifyAbstain with IBP (M = 3, 100 mirror-ascent iterations, the batch in one chunk)',
  crown: 'CROWN bounds (crownBounds: input box, logit bounds, read-back)',
};

/** Short names of the methods, for the ratio ("IBP / forward"). */
export const VERIFY_METHOD_NAMES: Record<Method, string> = { ibp: 'IBP', abstain: 'verifyAbstain', crown: 'CROWN' };

function spec(id: VerifyBenchCaseId): { model: ModelKind; method: Method } {
  const [, method, model] = id.split('-') as [string, Method, ModelKind];
  return { model, method };
}

const fmtCount = (n: number) => (n >= 1000 ? `${n / 1000}k` : String(n));
const MODEL_LABEL: Record<ModelKind, string> = { mlp2d: '2-D MLP', mlp784: '784-MLP', cnn: 'CNN' };

function verifyCase(id: VerifyBenchCaseId): BenchCase {
  const { model, method } = spec(id);
  const m = MODELS[model];
  const n = m.batch[method];
  return {
    id,
    label: `${VERIFY_METHOD_NAMES[method]}, ${MODEL_LABEL[model]}, ${fmtCount(n)}`,
    description:
      `${METHOD_TEXT[method]} of ${m.what} on ${n.toLocaleString('en-US')} inputs at eps ${VERIFY_BENCH_EPS} (l∞${m.box ? ', box [0, 1]' : ''}), ` +
      'timed next to one forward pass of the same batch (reported as the reference, with the ratio). Untrained seeded weights, seeded uniform inputs: the timing does not depend on them.',
    workUnits: n,
    unit: 'inputs',
  };
}

export const VERIFY_BENCH_CASE_IDS: readonly VerifyBenchCaseId[] = [
  'verify-ibp-mlp2d',
  'verify-abstain-mlp2d',
  'verify-crown-mlp2d',
  'verify-ibp-mlp784',
  'verify-abstain-mlp784',
  'verify-crown-mlp784',
  'verify-ibp-cnn',
  'verify-abstain-cnn',
];

export const VERIFY_BENCH_CASES: readonly BenchCase[] = VERIFY_BENCH_CASE_IDS.map(verifyCase);

/** Reads back every tensor and disposes them. */
async function readBack(tensors: tf.Tensor[]): Promise<void> {
  try {
    await Promise.all(tensors.map((t) => t.data()));
  } finally {
    tf.dispose(tensors);
  }
}

function prepareVerify(id: VerifyBenchCaseId, scale: number): Prepared {
  const { model: kind, method } = spec(id);
  const m = MODELS[kind];
  const n = Math.max(1, Math.round(m.batch[method] * scale));
  const model = m.build();
  const x = m.inputs(n);
  const labels = Int32Array.from({ length: n }, (_, i) => i % m.numClasses);
  const bounds = (f: typeof ibpBounds) => async () => {
    const t0 = performance.now();
    const { lower, upper } = inputBox(x, VERIFY_BENCH_EPS, m.box);
    let out: { lower: tf.Tensor; upper: tf.Tensor };
    try {
      out = f(model, lower, upper);
    } finally {
      tf.dispose([lower, upper]);
    }
    await readBack([out.lower, out.upper]);
    return performance.now() - t0;
  };
  const runs: Record<Method, (signal?: AbortSignal | null) => Promise<number>> = {
    ibp: bounds(ibpBounds),
    crown: bounds(crownBounds),
    abstain: async (signal) => {
      const t0 = performance.now();
      await verifyAbstain(model, x, labels, VERIFY_BENCH_EPS, { numClasses: m.numClasses, box: m.box, bound: 'ibp', batchSize: n, signal });
      return performance.now() - t0;
    },
  };
  return {
    workUnits: n,
    run: runs[method],
    reference: {
      label: 'forward',
      async run() {
        const t0 = performance.now();
        await readBack([tf.tidy(() => model.apply(x, { training: false }) as tf.Tensor)]);
        return performance.now() - t0;
      },
    },
    dispose() {
      x.dispose();
      model.dispose();
    },
  };
}

export const VERIFY_PREPARE: Record<VerifyBenchCaseId, (scale: number) => Prepared> = Object.fromEntries(
  VERIFY_BENCH_CASE_IDS.map((id) => [id, (scale: number) => prepareVerify(id, scale)]),
) as Record<VerifyBenchCaseId, (scale: number) => Prepared>;

/** The ratio's name of a verification case, e.g. "IBP / forward". */
export function verifyRatioName(id: string): string | null {
  if (!(VERIFY_BENCH_CASE_IDS as readonly string[]).includes(id)) return null;
  return `${VERIFY_METHOD_NAMES[spec(id as VerifyBenchCaseId).method]} / forward`;
}

/** The target of "IBP / forward" (IBP pushes a centre and a radius through every layer). */
export const IBP_FORWARD_TARGET = 2;
