/**
 * Settings of randomized-smoothing PREDICT and CERTIFY (Cohen et al. 2019, as used by papers
 * 001, 002 and 003) as plain data, with their checks: shared by the page, the worker and the CLI
 * (no tfjs import).
 */

export interface SmoothingOptions {
  /** Standard deviation of the Gaussian noise (input units), in (0, SIGMA_MAX]. */
  sigma: number;
  /** Samples used to pick the top class (CERTIFY's selection step). */
  n0: number;
  /** Samples used to estimate (CERTIFY) or test (PREDICT) the top class. */
  n: number;
  /** Failure probability: one-sided (1 − alpha) bounds, or the level of PREDICT's test. */
  alpha: number;
  /** Noisy copies classified per forward pass. */
  batchSize: number;
  /** Seed of the noise: the same seed on the same backend gives the same counts. */
  seed: number;
}

/** Paper 002's evaluation settings (Cohen et al.'s defaults): n0 = 100, n = 100,000, alpha = 0.001. */
export const SMOOTHING_DEFAULTS: SmoothingOptions = {
  sigma: 0.25,
  n0: 100,
  n: 100_000,
  alpha: 0.001,
  batchSize: 1000,
  seed: 0,
};

const isCount = (v: number) => Number.isInteger(v) && v >= 1 && v <= 1e9;

/**
 * The largest sigma accepted (input units): float32 noise stays finite far beyond it, and no
 * input domain the workbench reads is wider (pixels lie in [0, 1], the 2-D data in a unit box).
 */
export const SIGMA_MAX = 1e4;

/** The problem with each bad field (absent when the field is usable). */
export function smoothingFieldProblems(o: SmoothingOptions): Partial<Record<keyof SmoothingOptions, string>> {
  const out: Partial<Record<keyof SmoothingOptions, string>> = {};
  if (!(Number.isFinite(o.sigma) && o.sigma > 0 && o.sigma <= SIGMA_MAX)) out.sigma = `sigma must be a number > 0 and at most ${SIGMA_MAX} (got ${o.sigma})`;
  if (!isCount(o.n0)) out.n0 = `n0 must be a whole number ≥ 1 (got ${o.n0})`;
  if (!isCount(o.n)) out.n = `n must be a whole number ≥ 1 (got ${o.n})`;
  if (!(o.alpha > 0 && o.alpha < 1)) out.alpha = `alpha must lie strictly between 0 and 1 (got ${o.alpha})`;
  if (!(Number.isInteger(o.batchSize) && o.batchSize >= 1 && o.batchSize <= 1_000_000)) out.batchSize = `batch size must be a whole number from 1 to 1,000,000 (got ${o.batchSize})`;
  if (!(Number.isInteger(o.seed) && o.seed >= 0 && o.seed <= 0xffffffff)) out.seed = `seed must be a whole number from 0 to 2^32 − 1 (got ${o.seed})`;
  return out;
}

/** The problems with a set of options, one message each (empty when they are usable). */
export function smoothingProblems(o: SmoothingOptions): string[] {
  return Object.values(smoothingFieldProblems(o));
}

/** Fills missing fields with the defaults and throws a RangeError naming every bad one. */
export function checkSmoothingOptions(options: Partial<SmoothingOptions>): SmoothingOptions {
  const o = { ...SMOOTHING_DEFAULTS, ...options };
  const problems = smoothingProblems(o);
  if (problems.length) throw new RangeError(`Smoothing settings refused: ${problems.join('; ')}.`);
  return o;
}
