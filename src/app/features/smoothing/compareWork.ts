/**
 * The size of "Compare training for smoothing", and what a comparison costs: the page shows its
 * expected duration before it is pressed (state/presetTimes.ts scales these reference figures by
 * this device's measured speed).
 */
import type { ExperimentConfig, TrainingMethodName } from '../../../core/settings';
import type { NoiseRejectionSettings } from './noiseRejection';
import type { SmoothingSettings } from './smoothing';

export const COMPARE_METHODS: readonly TrainingMethodName[] = ['gaussian', 'cat-rs', 'cra'];

/**
 * The preset's size: 500 points and 8 epochs per method, n = 10,000 draws on 100 test inputs, and a
 * small rejection system (the papers: CIFAR-10, n = 100,000 on 500 inputs, 90 denoiser epochs).
 * The comparison with the Playground's and the Smoothing view's own settings is the full-size run.
 */
export const COMPARE_PRESET = {
  playground: { 'data.size': 500, 'training.epochs': 8 },
  smoothing: { n: 10_000, max: 100, skip: 1 },
  rejection: { denoiserEpochs: 8, rejectorEpochs: 5, noiseDraws: 8, trainMax: 240 },
} as const;

/**
 * A comparison's work in milliseconds on the reference machine (2 cores, WASM), from its sizes:
 * fitted to the preset's parts measured there (training 0.58 ms per training point and epoch and
 * method; certification 2.45 µs per draw, 5.4 µs with rejection; the rejection system 0.064 ms per
 * training input and epoch; 1.4 s between the jobs). The page scales it by this device's speed.
 */
export function compareWork(config: ExperimentConfig, smoothing: SmoothingSettings, rejection: NoiseRejectionSettings, withRejection: boolean): number {
  const test = Math.round(config.data.size * config.data.testFraction);
  const inputs = Math.min(smoothing.max, Math.ceil(test / Math.max(1, smoothing.skip)));
  const draws = smoothing.n * inputs;
  const train = 0.58 * (config.data.size - test) * config.training.epochs * COMPARE_METHODS.length;
  const certify = 2.45e-3 * draws * COMPARE_METHODS.length;
  const reject = withRejection ? 0.064 * (rejection.denoiserEpochs + rejection.rejectorEpochs) * Math.min(rejection.trainMax, config.data.size - test) + 5.4e-3 * draws : 0;
  return Math.round(train + certify + reject + 1400);
}

