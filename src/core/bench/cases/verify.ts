/**
 * The verification family: the time per input of paper 004's verification, each next to one
 * plain forward pass of the same batch, which the runner times interleaved with every run
 * (Prepared.reference) and reports as BenchResult.reference, with the ratio method / forward. IBP
 * costs about two forward passes (centre and radius through every layer, verify/ibp.ts), so the
 * target of "IBP / forward" is ≈ 2.
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
import { IMAGE_EXPERIMENT_DEFAULTS } from '../../experiments/imageConfig';
import { createCnn } from '../../models/cnn';
import { createMlp } from '../../models/mlp';
import { crownBounds } from '../../verify/crown';
import { ibpBounds, inputBox } from '../../verify/ibp';
import { verifyAbstain } from '../../verify/abstainVerification';
import { type BenchCase, forwardPass, owning, readBack, scaled, timed } from '../case';
import { uniform } from '../fixtures';

type ModelKind = 'mlp2d' | 'mlp784' | 'cnn';
type Method = 'ibp' | 'abstain' | 'crown';

/** The abstain classes of every verification case (paper 004: M = 3). */
const M = 3;
const EPS = 0.1;

interface ModelSpec {
  /** K, the regular classes. */
  numClasses: number;
  box: [number, number] | null;
  /** Inputs per run, per method. */
  batch: Record<Method, number>;
  build(): tf.LayersModel;
  inputs(n: number): tf.Tensor;
  what: string;
  label: string;
}

const IMAGE_MLP = IMAGE_EXPERIMENT_DEFAULTS.model;

const MODELS: Record<ModelKind, ModelSpec> = {
  mlp2d: {
    numClasses: 3,
    box: null,
    batch: { ibp: 10_000, abstain: 1000, crown: 1000 },
    build: () => createMlp({ inputDim: 2, numClasses: 3 + M, seed: 1 }),
    inputs: (n) => tf.tensor2d(uniform(n * 2, 21), [n, 2]),
    what: 'the default 2-D MLP (4×64 ReLU, K = 3 + M = 3 outputs)',
    label: '2-D MLP',
  },
  mlp784: {
    numClasses: 10,
    box: [0, 1],
    batch: { ibp: 1000, abstain: 1000, crown: 100 },
    build: () => createMlp({ inputDim: 784, numClasses: 10 + M, depth: IMAGE_MLP.depth, width: IMAGE_MLP.width, activation: 'relu', seed: 1 }),
    inputs: (n) => tf.tensor2d(uniform(n * 784, 22), [n, 784]),
    what: `the image MLP on 784 inputs (${IMAGE_MLP.depth}×${IMAGE_MLP.width} ReLU, K = 10 + M = 3 outputs)`,
    label: '784-MLP',
  },
  cnn: {
    numClasses: 10,
    box: [0, 1],
    batch: { ibp: 1000, abstain: 1000, crown: 0 },
    build: () => createCnn({ inputShape: [28, 28, 1], numClasses: 10 + M, convLayers: 2, filters: 8, dense: 64, normalize: null, seed: 1 }),
    inputs: (n) => tf.tensor4d(uniform(n * 784, 23), [n, 28, 28, 1]),
    what: 'a CNN on 28×28×1 (conv 8 and 16 filters with 2×2 max-pooling, dense 64, K = 10 + M = 3 outputs)',
    label: 'CNN',
  },
};

const METHOD_TEXT: Record<Method, string> = {
  ibp: 'IBP bounds (ibpBounds: input box, logit bounds, read-back)',
  abstain: 'verifyAbstain with IBP (M = 3, 100 mirror-ascent iterations, the batch in one chunk)',
  crown: 'CROWN bounds (crownBounds: input box, logit bounds, read-back)',
};

/** Short names of the methods, for the ratio ("IBP / forward"). */
const METHOD_NAMES: Record<Method, string> = { ibp: 'IBP', abstain: 'verifyAbstain', crown: 'CROWN' };

/** The cases, in their order: CROWN handles MLPs only, so the CNN has none. */
const SPECS: ReadonlyArray<{ model: ModelKind; method: Method }> = [
  { model: 'mlp2d', method: 'ibp' },
  { model: 'mlp2d', method: 'abstain' },
  { model: 'mlp2d', method: 'crown' },
  { model: 'mlp784', method: 'ibp' },
  { model: 'mlp784', method: 'abstain' },
  { model: 'mlp784', method: 'crown' },
  { model: 'cnn', method: 'ibp' },
  { model: 'cnn', method: 'abstain' },
];

const caseId = (model: ModelKind, method: Method) => `verify-${method}-${model}`;
const fmtCount = (n: number) => (n >= 1000 ? `${n / 1000}k` : String(n));

/** The method's timed run on the model's batch x (with its labels for verifyAbstain). */
function methodRun(method: Method, m: ModelSpec, model: tf.LayersModel, x: tf.Tensor, n: number) {
  if (method === 'abstain') {
    const labels = Int32Array.from({ length: n }, (_, i) => i % m.numClasses);
    return timed((signal) => verifyAbstain(model, x, labels, EPS, { numClasses: m.numClasses, box: m.box, bound: 'ibp', batchSize: n, signal }));
  }
  const bounds = method === 'ibp' ? ibpBounds : crownBounds;
  return timed(async () => {
    const { lower, upper } = inputBox(x, EPS, m.box);
    let out: { lower: tf.Tensor; upper: tf.Tensor };
    try {
      out = bounds(model, lower, upper);
    } finally {
      tf.dispose([lower, upper]);
    }
    await readBack([out.lower, out.upper]);
  });
}

function verifyCase(kind: ModelKind, method: Method): BenchCase {
  const m = MODELS[kind];
  const n = m.batch[method];
  return {
    id: caseId(kind, method),
    family: 'verify',
    label: `${METHOD_NAMES[method]}, ${m.label}, ${fmtCount(n)}`,
    description:
      `${METHOD_TEXT[method]} of ${m.what} on ${n.toLocaleString('en-US')} inputs at eps ${EPS} (l∞${m.box ? ', box [0, 1]' : ''}), ` +
      'timed next to one forward pass of the same batch (reported as the reference, with the ratio). Untrained seeded weights, seeded uniform inputs: the timing does not depend on them.',
    workUnits: n,
    unit: 'inputs',
    prepare(scale) {
      const batch = scaled(n, scale);
      const model = m.build();
      const x = m.inputs(batch);
      return owning([x, model], { workUnits: batch, run: methodRun(method, m, model, x, batch), reference: { label: 'forward', run: forwardPass(model, x) }, exchange: { model, inputs: { x } } });
    },
  };
}

export const VERIFY_CASES: readonly BenchCase[] = SPECS.map(({ model, method }) => verifyCase(model, method));

export const VERIFY_BENCH_CASE_IDS: readonly string[] = VERIFY_CASES.map((c) => c.id);

/** The ratio's name of a verification case, e.g. "IBP / forward"; null for the other cases. */
export function verifyRatioName(id: string): string | null {
  const spec = SPECS.find((s) => caseId(s.model, s.method) === id);
  return spec ? `${METHOD_NAMES[spec.method]} / forward` : null;
}

/** The target of "IBP / forward" (IBP pushes a centre and a radius through every layer). */
export const IBP_FORWARD_TARGET = 2;
