/**
 * The randomized-smoothing family:
 *  - noise-1m: 1,000,000 N(0, 1) draws with gaussianNoise (Philox4x32-10 + Box–Muller; a WGSL or
 *    GLSL kernel on webgpu/webgl, WebAssembly SIMD on wasm/cpu) and their read-back, in draws/s. Each
 *    run draws a new stream (the run's number), so no run can reuse an earlier one's numbers.
 *  - certify-mlp / certify-cnn: Cohen et al.'s CERTIFY of one input — noise on the device,
 *    forward passes, class counts, Clopper–Pearson — with the default MLP (n = 100,000 in batches
 *    of 10,000) and the default image CNN (n = 10,000 in batches of 1,000), in noise draws per
 *    second. Each run uses a new seed, for the same reason.
 */
import * as tf from '@tensorflow/tfjs';
import { certify } from '../../certify/smoothing';
import { gaussianNoise } from '../../noise/gaussianNoise';
import { type BenchCase, type Prepared, owning, readBack, scaled, timed } from '../case';
import { benchCnn, benchImages, benchMlp } from '../fixtures';

const NOISE_DRAWS = 1_000_000;
const CERTIFY_N0 = 100;
const CERTIFY_MLP_N = 100_000;
const CERTIFY_CNN_N = 10_000;

/** CERTIFY of x with n0 + n noisy copies in batches of `batchSize`, a new seed each run. Owns model and x. */
function prepareCertify(model: tf.LayersModel, x: tf.Tensor, n: number, batchSize: number): Prepared {
  let seed = 0;
  return owning([x, model], {
    workUnits: CERTIFY_N0 + n,
    exchange: { model, inputs: { x } },
    run: timed((signal) => certify(model, x, { sigma: 0.25, n0: CERTIFY_N0, n, alpha: 0.001, batchSize, seed: seed++ }, { signal })),
  });
}

export const SMOOTHING_CASES: readonly BenchCase[] = [
  {
    id: 'noise-1m',
    family: 'smoothing',
    label: 'Gaussian noise, 1M draws',
    description:
      'gaussianNoise: 1,000,000 N(0, 1) draws (Philox4x32-10 + Box–Muller; a WGSL/GLSL kernel on webgpu/webgl, WebAssembly SIMD on wasm/cpu) and their read-back: the noise of randomized-smoothing certification.',
    workUnits: NOISE_DRAWS,
    unit: 'draws',
    prepare() {
      let stream = 0;
      return owning([], { run: timed(() => readBack([gaussianNoise([NOISE_DRAWS], { sigma: 1, seed: 1, stream: stream++ })])) });
    },
  },
  {
    id: 'certify-mlp',
    family: 'smoothing',
    label: 'CERTIFY, 2-D MLP, n = 100k',
    description:
      "Cohen et al.'s CERTIFY of one 2-D point with the default MLP (4×64 ReLU, 3 classes): n0 = 100 + n = 100,000 noisy copies (σ 0.25) in batches of 10,000 — noise on the device, forward passes, counts — and the statistics. Throughput in noise draws (forward passes) per second.",
    workUnits: CERTIFY_N0 + CERTIFY_MLP_N,
    unit: 'draws',
    prepare: () => prepareCertify(benchMlp(), tf.tensor1d([0.1, -0.2]), CERTIFY_MLP_N, 10_000),
  },
  {
    id: 'certify-cnn',
    family: 'smoothing',
    label: 'CERTIFY, CNN, n = 10k',
    description:
      "Cohen et al.'s CERTIFY of one 28×28×1 image with the default image CNN: n0 = 100 + n = 10,000 noisy copies (σ 0.25) in batches of 1,000 (n scales with BenchOptions.scale). Throughput in noise draws (forward passes) per second.",
    workUnits: CERTIFY_N0 + CERTIFY_CNN_N,
    unit: 'draws',
    prepare(scale) {
      const { x, y } = benchImages(1, 14);
      y.dispose();
      const image = tf.squeeze(x, [0]);
      x.dispose();
      return prepareCertify(benchCnn(), image, scaled(CERTIFY_CNN_N, scale), 1000);
    },
  },
];
