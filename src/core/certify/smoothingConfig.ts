/**
 * Settings of randomized-smoothing PREDICT and CERTIFY (Cohen et al. 2019, as used by papers
 * 001, 002 and 003) as plain data, with their checks (the zod rules of fieldSchema.ts): shared by
 * the page, the worker and the CLI (no tfjs import).
 */
import { type FieldRule, namedFieldProblems } from '../experiments/fieldSchema';

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

/**
 * The largest sigma accepted (input units): float32 noise stays finite far beyond it, and no
 * input domain the workbench reads is wider (pixels lie in [0, 1], the 2-D data in a unit box).
 */
export const SIGMA_MAX = 1e4;

/** What each option allows. */
export const SMOOTHING_RULES: Record<keyof SmoothingOptions, FieldRule> = {
  sigma: { type: 'num', min: 0, max: SIGMA_MAX, minExclusive: true },
  n0: { type: 'int', min: 1, max: 1e9 },
  n: { type: 'int', min: 1, max: 1e9 },
  alpha: { type: 'num', min: 0, max: 1, minExclusive: true, maxExclusive: true },
  batchSize: { type: 'int', min: 1, max: 1_000_000 },
  seed: { type: 'int', min: 0, max: 0xffffffff },
};

const NAMES: Record<keyof SmoothingOptions, string> = { sigma: 'sigma', n0: 'n0', n: 'n', alpha: 'alpha', batchSize: 'batch size', seed: 'seed' };

/** The problem with each bad field (absent when the field is usable): `alpha must be > 0 and < 1 (got 1)`. */
export function smoothingFieldProblems(o: SmoothingOptions): Partial<Record<keyof SmoothingOptions, string>> {
  return namedFieldProblems(SMOOTHING_RULES, o, NAMES);
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
