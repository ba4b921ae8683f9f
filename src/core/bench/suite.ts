/**
 * The benchmark cases of the workbench, on whatever tfjs backend is active: the page's bench
 * view runs them in the compute worker (webgpu, webgl, wasm, cpu), `npm run bench` in Node (wasm,
 * cpu). Pure core: no file system, no DOM.
 *
 * Every case builds its tensors once, makes one warm-up run (kernel compilation, WASM memory
 * growth, shader caches), then times `repeats` runs and reports the median. A run ends with a
 * read-back of its result (`await data()`), so asynchronous backends are timed to completion.
 * The tensor count after a case is compared with the count before it (`tensorsLeaked`).
 *
 *  - grid-forward: the default MLP (4 hidden layers of 64 ReLU units, 3 classes) on a 200 x 200
 *    grid, 40,000 points: one forward pass and the read-back of the logits.
 *  - trades-epoch: one TRADES epoch with the paper 001 / Appendix A.2 settings (TRAIN_DEFAULTS:
 *    batch 10, SGD lr 0.1, PGD-10 l_inf eps 0.1, beta 6) on 1,000 gaussians3 points: 100 batches,
 *    plus the trainer's end-of-epoch clean evaluation.
 *  - pgd-at-epoch / rr-pgd-at-epoch, rr-trades-epoch (issue 5, item 12): the extra time per
 *    training epoch that Rectified Rejection (paper 000; training/rconRejection.ts) adds to
 *    plain adversarial training, which paper 000 says costs little extra computation (target:
 *    at most 15% over the plain method). One epoch with the same settings as trades-epoch
 *    (TRAIN_DEFAULTS: batch 10, SGD lr 0.1, PGD-10 l_inf eps 0.1; RR: RR_DEFAULTS, lambda 1,
 *    tau 1) on the same 1,000 gaussians3 points, of PGD-AT on the default MLP, RR-PGD-AT on the
 *    RR model with the same backbone (createRrModel: classifier + auxiliary head A_phi, as
 *    experiments/runner.ts buildModel builds it for the method), and RR-TRADES, whose plain
 *    counterpart is trades-epoch. Pairs: pgd-at-epoch / rr-pgd-at-epoch, trades-epoch /
 *    rr-trades-epoch (RR_OVERHEAD_PAIRS).
 *  - split-40k: the 4-way robustness split (robustnessSplit) of the 40,000 grid points under
 *    PGD-10 l_inf eps 0.1 (1 restart, random start), labels from groundTruthLabels2d. The issue's
 *    target for WASM: <= 1500 ms (2x PyTorch's ~0.19 s per 10k points, x 4).
 *
 * The image cases (issue 3, item 10) use the workbench's default image CNN (createCnn with
 * CNN_DEFAULTS: 2 blocks of 3x3 conv + 2x2 max-pooling with 16 and 32 filters, dense 64, seed 1)
 * for Fashion-MNIST-shaped inputs, 28 x 28 x 1 pixels in [0, 1] and 10 classes:
 *  - cnn-forward-1k: one forward pass on 1,000 images and the read-back of the logits.
 *  - cnn-epoch-5k: one standard (cross-entropy) training epoch on 5,000 images, batch 64, Adam
 *    lr 1e-3: 79 batches, plus the trainer's end-of-epoch clean evaluation of the 5,000 images.
 *  - cnn-at-epoch-500 / cnn-rr-at-epoch-500 (issue 5, item 12): one PGD-AT epoch of the default
 *    CNN and one RR-PGD-AT epoch of the RR model on the same backbone (createRrModel), on 500
 *    images, batch 64, Adam lr 1e-3, with paper 000's training attack PGD-10 l_inf eps 8/255
 *    (step 2/255) in [0, 1]: 8 batches, plus the end-of-epoch clean evaluation. The CNN pair of
 *    RR_OVERHEAD_PAIRS.
 *  - cnn-pgd10-1k: the evaluation attack PGD-10 l_inf (eps 8/255, step 2.5·eps/10, random start,
 *    one restart) in the [0, 1] box on 1,000 images, and the read-back of the adversarial images
 *    (the attack only: no clean or adversarial predictions).
 * Their images are seeded uniform pixels in [0, 1] with labels i % 10, not real Fashion-MNIST:
 * this file has no file system (it also runs in the page's worker), and the dense kernels of these
 * cases cost the same whatever the pixel values. `BenchOptions.scale` shrinks their image counts
 * (for quick tests); the throughput is always per image actually processed.
 *
 * The models are untrained (seeded initial weights): the cost of these operations does not
 * depend on the weights' values.
 *
 * Randomized smoothing (issue 4, item 10):
 *  - noise-1m: 1,000,000 N(0, 1) draws with gaussianNoise (Philox4x32-10 + Box–Muller; a WGSL or
 *    GLSL kernel on webgpu/webgl, JavaScript on wasm/cpu) and their read-back, in draws/s. Each
 *    run draws a new stream (the run's number), so no run can reuse an earlier one's numbers.
 *  - certify-mlp / certify-cnn (issue 4, item 11): Cohen et al.'s CERTIFY of one input — noise on
 *    the device, forward passes, class counts, Clopper–Pearson — with the default MLP (n = 100,000
 *    in batches of 10,000) and the default image CNN (n = 10,000 in batches of 1,000), in noise
 *    draws per second. Each run uses a new seed.
 *
 * Verification (issue 6, item 11): the verify-* cases of ./verifyCases.ts (IBP bounds,
 * verifyAbstain and CROWN per input, each timed next to a forward pass of the same batch).
 */
import * as tf from '@tensorflow/tfjs';
import type { AttackConfig } from '../attacks/attack';
import { CancelledError, throwIfAborted } from '../cancel';
import { DATASET2D_DEFAULTS, groundTruthLabels2d, makeDataset2d, makeGrid2d } from '../data/synthetic2d';
import { runAttack } from '../attacks/attack';
import { robustnessSplit } from '../metrics/robustness';
import { gaussianNoise } from '../noise/gaussianNoise';
import { certify } from '../certify/smoothing';
import { CNN_DEFAULTS, createCnn } from '../models/cnn';
import { createModelWithHeads } from '../models/heads';
import { createMlp } from '../models/mlp';
import { methodHeads } from '../training/method';
import { Rng } from '../random';
import { TRAIN_DEFAULTS, type TrainConfig, train } from '../training/trainer';
import { VERIFY_BENCH_CASES, VERIFY_PREPARE, type VerifyBenchCaseId } from './verifyCases';

export type BenchCaseId =
  | 'grid-forward'
  | 'trades-epoch'
  | 'pgd-at-epoch'
  | 'rr-pgd-at-epoch'
  | 'rr-trades-epoch'
  | 'split-40k'
  | 'cnn-forward-1k'
  | 'cnn-epoch-5k'
  | 'cnn-at-epoch-500'
  | 'cnn-rr-at-epoch-500'
  | 'cnn-pgd10-1k'
  | 'certify-mlp'
  | 'certify-cnn'
  | 'noise-1m'
  | VerifyBenchCaseId;

export interface BenchCase {
  id: BenchCaseId;
  label: string;
  description: string;
  /** Units of work per run (for the throughput) and their name. */
  workUnits: number;
  unit: string;
}

export const BENCH_GRID_RESOLUTION = 200;
const GRID_POINTS = BENCH_GRID_RESOLUTION * BENCH_GRID_RESOLUTION;
const TRADES_POINTS = 1000;
/** A square around the default three Gaussians (in [0, 1]², std 0.05). */
const GRID_BOUNDS = { xMin: -0.1, xMax: 1.1, yMin: -0.1, yMax: 1.1 };

/** The evaluation attack of split-40k: PGD-10 l_inf (eps 0.1, step 2.5·eps/10, one restart). */
export const BENCH_SPLIT_ATTACK: AttackConfig = {
  kind: 'pgd',
  norm: 'linf',
  eps: 0.1,
  steps: 10,
  stepSize: 0,
  restarts: 1,
  randomStart: true,
  seed: 1,
  box: null,
};

/** The target of the issue for split-40k on WASM (ms). */
export const SPLIT_40K_TARGET_MS = 1500;

/** Fashion-MNIST's shape: 28 x 28 grey pixels, 10 classes. */
const IMAGE_SHAPE: [number, number, number] = [28, 28, 1];
const IMAGE_CLASSES = 10;
const CNN_FORWARD_IMAGES = 1000;
const CNN_EPOCH_IMAGES = 5000;
const CNN_PGD_IMAGES = 1000;
const CNN_AT_IMAGES = 500;
const NOISE_DRAWS = 1_000_000;

/** The training of cnn-epoch-5k: one standard (cross-entropy) epoch, batch 64, Adam lr 1e-3. */
export const BENCH_CNN_TRAIN: TrainConfig = {
  ...TRAIN_DEFAULTS,
  method: 'standard',
  epochs: 1,
  batchSize: 64,
  optimizer: 'adam',
  learningRate: 1e-3,
  momentum: 0,
  seed: 1,
  box: [0, 1],
};

/**
 * The training of cnn-at-epoch-500 and cnn-rr-at-epoch-500 (as cnn-epoch-5k, with paper 000's
 * training attack: PGD-10 l_inf eps 8/255, step 2.5·eps/10 = 2/255). The method is set per case.
 */
export const BENCH_CNN_AT_TRAIN: TrainConfig = {
  ...BENCH_CNN_TRAIN,
  method: 'pgd-at',
  attack: { norm: 'linf', eps: 8 / 255, steps: 10, stepSize: 0 },
};

/**
 * The pairs (plain adversarial training, the same with Rectified Rejection) whose epoch times
 * give RR's overhead, (median RR epoch / median plain epoch − 1), against RR_OVERHEAD_TARGET
 * (issue 5, item 12).
 */
export const RR_OVERHEAD_PAIRS: ReadonlyArray<{ plain: BenchCaseId; rr: BenchCaseId }> = [
  { plain: 'pgd-at-epoch', rr: 'rr-pgd-at-epoch' },
  { plain: 'trades-epoch', rr: 'rr-trades-epoch' },
  { plain: 'cnn-at-epoch-500', rr: 'cnn-rr-at-epoch-500' },
];

/** The target for RR's extra time per epoch: at most 15% over the plain method. */
export const RR_OVERHEAD_TARGET = 0.15;

/** RR's overhead of a pair, median RR / median plain − 1 (0.1 = 10% extra). */
export function rrOverhead(plainMedianMs: number, rrMedianMs: number): number {
  return rrMedianMs / plainMedianMs - 1;
}

/** The attack of cnn-pgd10-1k: PGD-10 l_inf, eps 8/255 (step 2.5·eps/10, one restart) in [0, 1]. */
export const BENCH_CNN_ATTACK: AttackConfig = {
  kind: 'pgd',
  norm: 'linf',
  eps: 8 / 255,
  steps: 10,
  stepSize: 0,
  restarts: 1,
  randomStart: true,
  seed: 1,
  box: [0, 1],
};

const CERTIFY_MLP_N0 = 100;
const CERTIFY_MLP_N = 100_000;
const CERTIFY_CNN_N0 = 100;
const CERTIFY_CNN_N = 10_000;

export const BENCH_CASES: readonly BenchCase[] = [
  {
    id: 'grid-forward',
    label: 'MLP forward, 200×200 grid',
    description: 'Forward pass of the default MLP (4×64 ReLU, 3 classes) on 40,000 grid points, with read-back of the logits.',
    workUnits: GRID_POINTS,
    unit: 'points',
  },
  {
    id: 'trades-epoch',
    label: 'TRADES epoch, 1,000 points',
    description:
      'One TRADES epoch (paper 001 defaults: batch 10, SGD lr 0.1, PGD-10 l∞ eps 0.1, β 6) on 1,000 gaussians3 points: 100 batches and the end-of-epoch evaluation.',
    workUnits: TRADES_POINTS,
    unit: 'examples',
  },
  {
    id: 'pgd-at-epoch',
    label: 'PGD-AT epoch, 1,000 points',
    description:
      'One PGD-AT epoch (paper 001 defaults: batch 10, SGD lr 0.1, PGD-10 l∞ eps 0.1) of the default MLP on 1,000 gaussians3 points: 100 batches and the end-of-epoch evaluation. The plain counterpart of RR-PGD-AT.',
    workUnits: TRADES_POINTS,
    unit: 'examples',
  },
  {
    id: 'rr-pgd-at-epoch',
    label: 'RR-PGD-AT epoch, 1,000 points',
    description:
      'One PGD-AT + Rectified Rejection epoch (paper 000; λ 1, τ 1) of the RR model (the default MLP + auxiliary head A_φ) with the settings of PGD-AT epoch: its time over PGD-AT epoch is the extra cost of RR.',
    workUnits: TRADES_POINTS,
    unit: 'examples',
  },
  {
    id: 'rr-trades-epoch',
    label: 'RR-TRADES epoch, 1,000 points',
    description:
      'One TRADES + Rectified Rejection epoch (paper 000; λ 1, τ 1, β 6) of the RR model (the default MLP + auxiliary head A_φ) with the settings of TRADES epoch: its time over TRADES epoch is the extra cost of RR.',
    workUnits: TRADES_POINTS,
    unit: 'examples',
  },
  {
    id: 'split-40k',
    label: '4-way split, 40k points, PGD-10',
    description: 'robustnessSplit of the 40,000 grid points under PGD-10 l∞ (eps 0.1, 1 restart): attack, clean and adversarial predictions, read-back.',
    workUnits: GRID_POINTS,
    unit: 'points',
  },
  {
    id: 'cnn-forward-1k',
    label: 'CNN forward, 1,000 images',
    description:
      'Forward pass of the default image CNN (2 conv blocks, 16 filters, dense 64; 28×28×1, 10 classes) on 1,000 images, with read-back of the logits. Seeded uniform pixels in [0, 1]: the timing does not depend on the pixel values.',
    workUnits: CNN_FORWARD_IMAGES,
    unit: 'images',
  },
  {
    id: 'cnn-epoch-5k',
    label: 'CNN epoch, 5,000 images',
    description:
      'One standard (cross-entropy) training epoch of the default image CNN on 5,000 Fashion-MNIST-shaped images (28×28×1, 10 classes), batch 64, Adam lr 1e-3: 79 batches and the end-of-epoch evaluation. Seeded uniform pixels in [0, 1]: the timing does not depend on the pixel values.',
    workUnits: CNN_EPOCH_IMAGES,
    unit: 'images',
  },
  {
    id: 'cnn-at-epoch-500',
    label: 'CNN PGD-AT epoch, 500 images',
    description:
      'One PGD-AT epoch (PGD-10 l∞ eps 8/255, step 2/255, in [0, 1]; batch 64, Adam lr 1e-3) of the default image CNN on 500 Fashion-MNIST-shaped images: 8 batches and the end-of-epoch evaluation. The plain counterpart of CNN RR-PGD-AT. Seeded uniform pixels in [0, 1]: the timing does not depend on the pixel values.',
    workUnits: CNN_AT_IMAGES,
    unit: 'images',
  },
  {
    id: 'cnn-rr-at-epoch-500',
    label: 'CNN RR-PGD-AT epoch, 500 images',
    description:
      'One PGD-AT + Rectified Rejection epoch (paper 000; λ 1, τ 1) of the RR model on the default image CNN (+ auxiliary head A_φ) with the settings of CNN PGD-AT epoch: its time over that case is the extra cost of RR. Seeded uniform pixels in [0, 1]: the timing does not depend on the pixel values.',
    workUnits: CNN_AT_IMAGES,
    unit: 'images',
  },
  {
    id: 'cnn-pgd10-1k',
    label: 'CNN PGD-10, 1,000 images',
    description:
      'PGD-10 l∞ (eps 8/255, 1 restart, random start) in the [0, 1] box against the default image CNN on 1,000 images: the attack only, with read-back of the adversarial images. Seeded uniform pixels in [0, 1]: the timing does not depend on the pixel values.',
    workUnits: CNN_PGD_IMAGES,
    unit: 'images',
  },
  {
    id: 'noise-1m',
    label: 'Gaussian noise, 1M draws',
    description:
      'gaussianNoise: 1,000,000 N(0, 1) draws (Philox4x32-10 + Box–Muller; a WGSL/GLSL kernel on webgpu/webgl, JavaScript on wasm/cpu) and their read-back: the noise of randomized-smoothing certification.',
    workUnits: NOISE_DRAWS,
    unit: 'draws',
  },
  {
    id: 'certify-mlp',
    label: 'CERTIFY, 2-D MLP, n = 100k',
    description:
      "Cohen et al.'s CERTIFY of one 2-D point with the default MLP (4×64 ReLU, 3 classes): n0 = 100 + n = 100,000 noisy copies (σ 0.25) in batches of 10,000 — noise on the device, forward passes, counts — and the statistics. Throughput in noise draws (forward passes) per second.",
    workUnits: CERTIFY_MLP_N0 + CERTIFY_MLP_N,
    unit: 'draws',
  },
  {
    id: 'certify-cnn',
    label: 'CERTIFY, CNN, n = 10k',
    description:
      "Cohen et al.'s CERTIFY of one 28×28×1 image with the default image CNN: n0 = 100 + n = 10,000 noisy copies (σ 0.25) in batches of 1,000 (n scales with BenchOptions.scale). Throughput in noise draws (forward passes) per second.",
    workUnits: CERTIFY_CNN_N0 + CERTIFY_CNN_N,
    unit: 'draws',
  },
  ...VERIFY_BENCH_CASES,
];

export interface BenchProgress {
  id: string;
  phase: 'warmup' | 'run';
  /** 1-based index of the finished run (0 for the warm-up). */
  run: number;
  runs: number;
  lastMs: number;
}

export interface BenchOptions {
  /** Timed runs after the warm-up (default 5). */
  repeats?: number;
  /** Make the warm-up run (default true). */
  warmup?: boolean;
  /**
   * Fraction of the images of the CNN cases (cnn-*) and of the inputs of the verify-* cases to
   * use, in (0, 1] (default 1): e.g. 0.1 runs cnn-epoch-5k on 500 images, for quick tests. The
   * throughput counts the images actually used.
   * The other cases ignore it.
   */
  scale?: number;
  signal?: AbortSignal | null;
  onProgress?: (p: BenchProgress) => void;
}

export interface BenchResult {
  id: string;
  label: string;
  backend: string;
  medianMs: number;
  runsMs: number[];
  warmupMs: number | null;
  /** Median throughput, e.g. "812k points/s". */
  throughput: string;
  perSecond: number;
  unit: string;
  /** Units of work per run (the case's workUnits, or fewer with BenchOptions.scale). */
  workUnits: number;
  tensorsBefore: number;
  tensorsAfter: number;
  /** tensorsAfter − tensorsBefore; 0 when the case cleaned up after itself. */
  tensorsLeaked: number;
  /** The case's reference (e.g. a forward pass of the same batch), timed next to each run; ratio = medianMs / its median. */
  reference?: { label: string; medianMs: number; runsMs: number[]; ratio: number };
}

export interface Prepared {
  /** Units of work per run (the case's workUnits unless scaled down). */
  workUnits?: number;
  /** One timed run; resolves with its duration in ms. */
  run(signal?: AbortSignal | null): Promise<number>;
  /** Timed before each run (and the warm-up) of the case, interleaved; resolves with its duration in ms. */
  reference?: { label: string; run(): Promise<number> };
  dispose(): void;
}

function now(): number {
  return performance.now();
}

function prepareGridForward(): Prepared {
  const model = createMlp({ inputDim: 2, numClasses: 3, seed: 1 });
  const x = tf.tensor2d(makeGrid2d(GRID_BOUNDS, BENCH_GRID_RESOLUTION), [GRID_POINTS, 2]);
  return {
    async run() {
      const t0 = now();
      const z = tf.tidy(() => model.apply(x, { training: false }) as tf.Tensor);
      try {
        await z.data();
      } finally {
        z.dispose();
      }
      return now() - t0;
    },
    dispose() {
      x.dispose();
      model.dispose();
    },
  };
}

type AdvMethod = 'pgd-at' | 'trades' | 'rr-pgd-at' | 'rr-trades';

/**
 * One epoch of `method` with the paper 001 defaults on 1,000 gaussians3 points, from a fresh model
 * of seed 1 each run: the default MLP, or for RR's methods the RR model on the same backbone
 * (createModelWithHeads(methodHeads(method)), as experiments/runner.ts buildModel).
 */
function prepareMlpEpoch(id: BenchCaseId, method: AdvMethod): Prepared {
  const ds = makeDataset2d({ ...DATASET2D_DEFAULTS, kind: 'gaussians3', size: TRADES_POINTS, testFraction: 0 });
  const x = tf.tensor2d(ds.xTrain, [ds.yTrain.length, 2]);
  const y = tf.tensor1d(ds.yTrain, 'int32');
  const config: TrainConfig = { ...TRAIN_DEFAULTS, method, epochs: 1, seed: 1 };
  return prepareEpoch(id, x, y, config, () => createModelWithHeads(methodHeads(method), { kind: 'mlp', inputDim: 2, numClasses: ds.numClasses, seed: 1 }));
}

/**
 * One training epoch per run on (x, y), from a fresh model each run (`build`), so that every run
 * does the same work from the same weights. Owns x and y.
 */
function prepareEpoch(id: BenchCaseId, x: tf.Tensor, y: tf.Tensor1D, config: TrainConfig, build: () => tf.LayersModel, workUnits?: number): Prepared {
  return {
    workUnits,
    async run(signal) {
      const model = build();
      try {
        const t0 = now();
        const result = await train(model, { x, y }, config, undefined, signal);
        const ms = now() - t0;
        if (result.status === 'cancelled') throw new CancelledError();
        if (result.status !== 'completed') throw new Error(`${id}: training ${result.status}: ${result.message}`);
        return ms;
      } finally {
        model.dispose();
      }
    },
    dispose() {
      x.dispose();
      y.dispose();
    },
  };
}

function prepareSplit40k(): Prepared {
  const model = createMlp({ inputDim: 2, numClasses: 3, seed: 1 });
  const grid = makeGrid2d(GRID_BOUNDS, BENCH_GRID_RESOLUTION);
  const labels = groundTruthLabels2d('gaussians3', grid);
  const x = tf.tensor2d(grid, [GRID_POINTS, 2]);
  return {
    async run(signal) {
      const t0 = now();
      await robustnessSplit(model, x, labels, BENCH_SPLIT_ATTACK, { signal });
      return now() - t0;
    },
    dispose() {
      x.dispose();
      model.dispose();
    },
  };
}

/**
 * n Fashion-MNIST-shaped images (NHWC, 28 x 28 x 1) of seeded uniform pixels in [0, 1) and
 * labels i % 10.
 */
function benchImages(n: number, seed: number): { x: tf.Tensor4D; y: tf.Tensor1D } {
  const rng = new Rng(seed);
  const [h, w, c] = IMAGE_SHAPE;
  const pixels = new Float32Array(n * h * w * c);
  for (let i = 0; i < pixels.length; i++) pixels[i] = rng.uniform();
  const labels = Int32Array.from({ length: n }, (_, i) => i % IMAGE_CLASSES);
  return { x: tf.tensor4d(pixels, [n, h, w, c]), y: tf.tensor1d(labels, 'int32') };
}

function benchCnn(): tf.Sequential {
  return createCnn({ ...CNN_DEFAULTS, inputShape: IMAGE_SHAPE, numClasses: IMAGE_CLASSES, seed: 1 });
}

function prepareCnnForward(n: number): Prepared {
  const model = benchCnn();
  const { x, y } = benchImages(n, 11);
  y.dispose();
  return {
    workUnits: n,
    async run() {
      const t0 = now();
      const z = tf.tidy(() => model.apply(x, { training: false }) as tf.Tensor);
      try {
        await z.data();
      } finally {
        z.dispose();
      }
      return now() - t0;
    },
    dispose() {
      x.dispose();
      model.dispose();
    },
  };
}

function prepareCnnEpoch(n: number): Prepared {
  const { x, y } = benchImages(n, 12);
  return prepareEpoch('cnn-epoch-5k', x, y, BENCH_CNN_TRAIN, benchCnn, n);
}

/** One PGD-AT or RR-PGD-AT epoch (BENCH_CNN_AT_TRAIN) on n images, from a fresh model of seed 1 each run. */
function prepareCnnAtEpoch(id: BenchCaseId, method: 'pgd-at' | 'rr-pgd-at', n: number): Prepared {
  const { x, y } = benchImages(n, 15);
  const build = () => createModelWithHeads(methodHeads(method), { kind: 'cnn', ...CNN_DEFAULTS, inputShape: IMAGE_SHAPE, numClasses: IMAGE_CLASSES, seed: 1 });
  return prepareEpoch(id, x, y, { ...BENCH_CNN_AT_TRAIN, method }, build, n);
}

function prepareCnnPgd(n: number): Prepared {
  const model = benchCnn();
  const { x, y } = benchImages(n, 13);
  return {
    workUnits: n,
    async run(signal) {
      const t0 = now();
      const xAdv = await runAttack(model, x, y, BENCH_CNN_ATTACK, { signal });
      try {
        await xAdv.data();
      } finally {
        xAdv.dispose();
      }
      return now() - t0;
    },
    dispose() {
      tf.dispose([x, y]);
      model.dispose();
    },
  };
}

function prepareNoise(): Prepared {
  let stream = 0;
  return {
    async run() {
      const t0 = now();
      const z = gaussianNoise([NOISE_DRAWS], { sigma: 1, seed: 1, stream: stream++ });
      try {
        await z.data();
      } finally {
        z.dispose();
      }
      return now() - t0;
    },
    dispose() {},
  };
}

function prepareCertify(model: tf.LayersModel, x: tf.Tensor, n0: number, n: number, batchSize: number): Prepared {
  let seed = 0;
  return {
    workUnits: n0 + n,
    async run(signal) {
      const t0 = now();
      await certify(model, x, { sigma: 0.25, n0, n, alpha: 0.001, batchSize, seed: seed++ }, { signal });
      return now() - t0;
    },
    dispose() {
      x.dispose();
      model.dispose();
    },
  };
}

function prepareCertifyMlp(): Prepared {
  return prepareCertify(createMlp({ inputDim: 2, numClasses: 3, seed: 1 }), tf.tensor1d([0.1, -0.2]), CERTIFY_MLP_N0, CERTIFY_MLP_N, 10_000);
}

function prepareCertifyCnn(n: number): Prepared {
  const { x, y } = benchImages(1, 14);
  y.dispose();
  const image = tf.squeeze(x, [0]);
  x.dispose();
  return prepareCertify(benchCnn(), image, CERTIFY_CNN_N0, n, 1000);
}

/** The case's image count scaled by `scale` (at least 1). */
const scaled = (n: number, scale: number) => Math.max(1, Math.round(n * scale));

const PREPARE: Record<BenchCaseId, (scale: number) => Prepared> = {
  'grid-forward': prepareGridForward,
  'trades-epoch': () => prepareMlpEpoch('trades-epoch', 'trades'),
  'pgd-at-epoch': () => prepareMlpEpoch('pgd-at-epoch', 'pgd-at'),
  'rr-pgd-at-epoch': () => prepareMlpEpoch('rr-pgd-at-epoch', 'rr-pgd-at'),
  'rr-trades-epoch': () => prepareMlpEpoch('rr-trades-epoch', 'rr-trades'),
  'split-40k': prepareSplit40k,
  'cnn-forward-1k': (scale) => prepareCnnForward(scaled(CNN_FORWARD_IMAGES, scale)),
  'cnn-epoch-5k': (scale) => prepareCnnEpoch(scaled(CNN_EPOCH_IMAGES, scale)),
  'cnn-at-epoch-500': (scale) => prepareCnnAtEpoch('cnn-at-epoch-500', 'pgd-at', scaled(CNN_AT_IMAGES, scale)),
  'cnn-rr-at-epoch-500': (scale) => prepareCnnAtEpoch('cnn-rr-at-epoch-500', 'rr-pgd-at', scaled(CNN_AT_IMAGES, scale)),
  'cnn-pgd10-1k': (scale) => prepareCnnPgd(scaled(CNN_PGD_IMAGES, scale)),
  'noise-1m': prepareNoise,
  'certify-mlp': prepareCertifyMlp,
  'certify-cnn': (scale) => prepareCertifyCnn(scaled(CERTIFY_CNN_N, scale)),
  ...VERIFY_PREPARE,
};

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** "812k points/s", "1.23M points/s", "95.2 examples/s". */
export function formatRate(perSecond: number, unit: string): string {
  if (!Number.isFinite(perSecond)) return `? ${unit}/s`;
  const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
  if (perSecond >= 1e6) return `${fmt(perSecond / 1e6)}M ${unit}/s`;
  if (perSecond >= 1e3) return `${fmt(perSecond / 1e3)}k ${unit}/s`;
  return `${fmt(perSecond)} ${unit}/s`;
}

/**
 * Runs one case on the active backend: a warm-up run, then `repeats` timed runs. Throws
 * CancelledError when the signal fires (between runs, or inside a run's own checkpoints).
 */
export async function runBenchCase(id: string, options: BenchOptions = {}): Promise<BenchResult> {
  const info = BENCH_CASES.find((c) => c.id === id);
  if (!info) throw new Error(`Unknown benchmark case "${id}" (cases: ${BENCH_CASES.map((c) => c.id).join(', ')})`);
  const repeats = Math.max(1, Math.floor(options.repeats ?? 5));
  const scale = options.scale ?? 1;
  if (!(scale > 0 && scale <= 1)) throw new Error(`scale must be in (0, 1] (got ${scale})`);
  const { signal, onProgress } = options;
  throwIfAborted(signal);
  const tensorsBefore = tf.memory().numTensors;
  const prepared = PREPARE[info.id](scale);
  const workUnits = prepared.workUnits ?? info.workUnits;
  const runsMs: number[] = [];
  const referenceMs: number[] = [];
  let warmupMs: number | null = null;
  try {
    if (options.warmup ?? true) {
      await prepared.reference?.run();
      warmupMs = await prepared.run(signal);
      onProgress?.({ id, phase: 'warmup', run: 0, runs: repeats, lastMs: warmupMs });
    }
    for (let r = 1; r <= repeats; r++) {
      throwIfAborted(signal);
      if (prepared.reference) referenceMs.push(await prepared.reference.run());
      const ms = await prepared.run(signal);
      runsMs.push(ms);
      onProgress?.({ id, phase: 'run', run: r, runs: repeats, lastMs: ms });
    }
  } finally {
    prepared.dispose();
  }
  const tensorsAfter = tf.memory().numTensors;
  const medianMs = median(runsMs);
  const perSecond = (workUnits * 1000) / medianMs;
  return {
    id,
    label: info.label,
    backend: tf.getBackend(),
    medianMs,
    runsMs,
    warmupMs,
    throughput: formatRate(perSecond, info.unit),
    perSecond,
    unit: info.unit,
    workUnits,
    tensorsBefore,
    tensorsAfter,
    tensorsLeaked: tensorsAfter - tensorsBefore,
    reference: prepared.reference && { label: prepared.reference.label, medianMs: median(referenceMs), runsMs: referenceMs, ratio: medianMs / median(referenceMs) },
  };
}
