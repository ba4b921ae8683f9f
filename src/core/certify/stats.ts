/**
 * Float64 statistics of randomized-smoothing certification, as in Cohen, Rosenfeld & Kolter,
 * "Certified Adversarial Robustness via Randomized Smoothing" (ICML 2019) and their code
 * (locuslab/smoothing, core.py), which paper 002 (CAT-RS) uses as is and paper 003 (denoised
 * smoothing with rejection) uses for its two lower bounds:
 *
 *   clopperPearsonLower(k, n, a) = statsmodels proportion_confint(k, n, alpha=2a, method="beta")[0]
 *                                  (CERTIFY's pA_lower; one-sided 1 − a Clopper–Pearson bound)
 *   clopperPearsonUpper(k, n, a) = the same call's [1]
 *   normInv(p), normCdf(x)       = scipy.stats.norm.ppf / norm.cdf (radius sigma · normInv(pA_lower))
 *   binomTestTwoSided(k, n, p)   = scipy.stats.binom_test(k, n, p) = binomtest(k, n, p).pvalue
 *                                  (PREDICT: binom_test(nA, nA + nB, 0.5) <= alpha)
 *
 * All special functions come from @stdlib (beta quantile, erfcinv, normal cdf, binomial pmf and
 * cdf); two @stdlib packages are bypassed where they lose precision against scipy:
 *  - normInv uses erfcinv, not @stdlib/stats-base-dists-normal-quantile (see normInv).
 *  - binomTestTwoSided follows scipy, not @stdlib/stats-binomial-test: that package computes the
 *    upper tail as 1 − cdf (p-values below ~1e-16 lose a tail or all precision, e.g. 7.9e-31
 *    instead of scipy's 1.58e-30 for k = 0 of n = 100; relative error 2.5e-8 for k = 51000 of
 *    n = 100000) and does not clip at 1. Here the upper tail P(X > j) is the cdf of
 *    n − X ~ Bin(n, 1 − p), without cancellation.
 * Reference values: scripts/make-stats-fixtures.py → test/fixtures/stats.json.
 */
import betaQuantile from '@stdlib/stats-base-dists-beta-quantile';
import binomialCdf from '@stdlib/stats-base-dists-binomial-cdf';
import binomialPmf from '@stdlib/stats-base-dists-binomial-pmf';
import erfcinv from '@stdlib/math-base-special-erfcinv';
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';

function checkCounts(k: number, n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be an integer >= 1, got ${n}`);
  if (!Number.isInteger(k) || k < 0 || k > n) {
    throw new RangeError(`k must be an integer in [0, n] = [0, ${n}], got ${k}`);
  }
}

function checkAlpha(alpha: number): void {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
}

function checkProbability(name: string, p: number): void {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`${name} must be in [0, 1], got ${p}`);
}

/**
 * One-sided (1 − alpha) Clopper–Pearson lower bound on p from k successes in n trials:
 * the alpha quantile of Beta(k, n − k + 1); 0 when k = 0.
 */
export function clopperPearsonLower(k: number, n: number, alpha: number): number {
  checkCounts(k, n);
  checkAlpha(alpha);
  return k === 0 ? 0 : betaQuantile(alpha, k, n - k + 1);
}

/**
 * One-sided (1 − alpha) Clopper–Pearson upper bound: the 1 − alpha quantile of Beta(k + 1, n − k);
 * 1 when k = n.
 */
export function clopperPearsonUpper(k: number, n: number, alpha: number): number {
  checkCounts(k, n);
  checkAlpha(alpha);
  return k === n ? 1 : betaQuantile(1 - alpha, k + 1, n - k);
}

/**
 * Standard normal quantile Φ⁻¹(p) = −√2 · erfcinv(2p), p in [0, 1]; −Infinity at 0, +Infinity at 1.
 * Not @stdlib/stats-base-dists-normal-quantile, which computes √2 · erfinv(2p − 1): the
 * subtraction loses the lower tail (relative error 4e-7 at p = 1e-12, −Infinity below ~1e-17).
 */
export function normInv(p: number): number {
  checkProbability('p', p);
  return 0 - Math.SQRT2 * erfcinv(2 * p); // 0 − …: +0 rather than −0 at p = 0.5
}

/** Standard normal cdf Φ(x). */
export function normCdf(x: number): number {
  if (Number.isNaN(x)) throw new RangeError('x must be a number, got NaN');
  return normalCdf(x, 0, 1);
}

/** P(X > j) for X ~ Bin(n, p), as P(n − X < n − j) (no 1 − cdf cancellation). */
function binomialSf(j: number, n: number, p: number): number {
  return binomialCdf(n - j - 1, n, 1 - p);
}

/**
 * Smallest i in [lo, hi] with pred(i) (pred false then true along [lo, hi]); hi + 1 if none.
 */
function firstTrue(lo: number, hi: number, pred: (i: number) => boolean): number {
  let a = lo;
  let b = hi + 1;
  while (a < b) {
    const mid = a + Math.floor((b - a) / 2);
    if (pred(mid)) b = mid;
    else a = mid + 1;
  }
  return a;
}

/**
 * Two-sided exact binomial test p-value of k successes in n trials against success probability p,
 * as scipy.stats.binom_test / binomtest: the probability of every outcome whose pmf is at most
 * pmf(k) · (1 + 1e-7), clipped to 1. The pmf is monotone on each side of n·p, so the outcomes on
 * the far side are counted by binary search (as binomtest does) instead of one by one.
 */
export function binomTestTwoSided(k: number, n: number, p = 0.5): number {
  checkCounts(k, n);
  checkProbability('p', p);
  const m = p * n;
  if (k === m) return 1;
  const d = binomialPmf(k, n, p) * (1 + 1e-7);
  let pval: number;
  if (k < m) {
    // y = #{i in [ceil(m), n] : pmf(i) <= d}; pmf is non-increasing there.
    const y = n + 1 - firstTrue(Math.ceil(m), n, (i) => binomialPmf(i, n, p) <= d);
    pval = binomialCdf(k, n, p) + binomialSf(n - y, n, p);
  } else {
    // y = #{i in [0, floor(m)] : pmf(i) <= d}; pmf is non-decreasing there.
    const y = firstTrue(0, Math.floor(m), (i) => binomialPmf(i, n, p) > d);
    pval = binomialCdf(y - 1, n, p) + binomialSf(k - 1, n, p);
  }
  return Math.min(1, pval);
}
