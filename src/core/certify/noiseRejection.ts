/**
 * Denoised smoothing with sample rejection — paper 003 (Sheikholeslami, Lin, Metzen, Zhang &
 * Kolter), Section 3, Theorem 3.1, Algorithm 1 and Appendix 6.1.
 *
 * Base classifier with rejection, Eq. 1, applied to the denoised noisy input (Eq. 3):
 *   f_R(z) = f(z) if h_{f(z)}(z) = 0, R if h_{f(z)}(z) = 1,     z = D(x + ε),
 * with h_k(z) = 1 iff the sigmoid output H_k(z) ≥ `threshold` (0.5 by default). Class R is index
 * K, so f_R is a BaseClassifier with K + 1 classes and smoothing.ts' sampler counts it.
 * Smoothed classifier, Eq. 2/3: g_R(x) = argmax over the K real classes c of P(f_R(D(x + ε)) = c);
 * it never outputs R.
 *
 * CERTIFY (Theorem 3.1; the paper's Algorithm 2 was lost in the text we have, so this is Cohen's
 * CERTIFY with the paper's two bounds, as the text around it describes):
 *  1. ĉA = the most frequent of the K real classes among n0 selection samples of f_R;
 *  2. from n fresh samples: countTop = #{f_R = ĉA}, countRejected = #{f_R = R};
 *     pA_lower  = one-sided Clopper–Pearson lower bound on P(f_R = ĉA)        from countTop,
 *     pAR_lower = one-sided Clopper–Pearson lower bound on P(f_R ∈ {ĉA, R})  from countTop + countRejected,
 *     each at confidence 1 − α: "Function LOWERCONFBOUND(s, n0, 1 − α) returns a one-sided
 *     (1 − α) lower confidence interval for the Binomial parameter q given a sample
 *     s ~ Binomial(n0, q), which similar to Cohen et al. [2019], has been evaluated via
 *     Clopper–Pearson interval" (Section 3.2). The paper does not split α between the two bounds;
 *     as both must hold at once, the pair holds with probability ≥ 1 − 2α (union bound).
 *     `splitAlpha: true` uses α/2 for each (Bonferroni) so that the certificate holds with
 *     probability ≥ 1 − α;
 *  3. radius ρ = σ/2 · (Φ⁻¹(pA_lower) + Φ⁻¹(pAR_lower)) (Theorem 3.1), certified iff ρ > 0, else
 *     abstain. The paper: "Condition pA > pB is substituted by the more restrictive condition
 *     pA ≥ pA_lower ≥ 1 − pA_lower − pR_lower ≥ pB which leads to pA_lower > ½(1 − pR_lower),
 *     which if not met, the algorithm abstains from certification." With pA+R = pA + pR this is
 *     pA_lower > 1 − pAR_lower, i.e. Φ⁻¹(pA_lower) > −Φ⁻¹(pAR_lower), i.e. ρ > 0; it also gives
 *     the theorem's premise pA_lower ≥ p̄B, as p̄B = 1 − pAR_lower.
 * With a rejector that never rejects, pAR_lower = pA_lower and ρ = σ Φ⁻¹(pA_lower): Cohen's
 * CERTIFY (same seeds, same counts, same radius as certifyBase).
 *
 * PREDICT (Algorithm 1): counts of f_R over n samples; ĉA, ĉB the top two of the K real classes
 * (g_R never outputs R); return ĉA iff the two-sided binomial test of nA out of nA + nB at 1/2
 * has p-value ≤ α, else abstain.
 *
 * The sample seeds are those of smoothing.ts (deriveSeed(seed, 'select' | 'estimate' | 'predict')).
 */
import * as tf from '@tensorflow/tfjs';
import { type Denoiser, denoise } from '../models/denoiser';
import { type RejectorHeads, modelRejectors, ownHead } from '../models/noiseRejectors';
import { deriveSeed } from '../random';
import { ABSTAIN, type BaseClassifier, type CertifyResult, type SampleControl, modelClassifier, sampleCounts, selectThenEstimate, topTwo, votesLost } from './smoothing';
import { SMOOTHING_DEFAULTS, type SmoothingOptions, smoothingProblems } from './smoothingConfig';
import { binomTestTwoSided, clopperPearsonLower, normInv } from './stats';
import { type FieldRule, namedProblems } from '../experiments/fieldSchema';
import { type RunOnSet, certifyOutcome, predictOutcome, runModeOnSet } from './run';

export interface NoiseRejectionOptions extends SmoothingOptions {
  /** h_k = 1 (reject) iff the sigmoid output H_k ≥ threshold. */
  threshold: number;
  /** Use α/2 for each of the two lower bounds (joint confidence 1 − α); the paper uses α for each. */
  splitAlpha: boolean;
}

/** Paper 003's certification settings (App. 6.3: α = 0.01, N = 10,000); n0 = 100 as Cohen et al. */
export const NOISE_REJECTION_DEFAULTS: NoiseRejectionOptions = {
  ...SMOOTHING_DEFAULTS,
  n0: 100,
  n: 10_000,
  alpha: 0.01,
  threshold: 0.5,
  splitAlpha: false,
};

const NOISE_REJECTION_RULES: Record<string, FieldRule> = { threshold: { type: 'num', min: 0, max: 1 }, splitAlpha: { type: 'bool' } };

export function noiseRejectionProblems(o: NoiseRejectionOptions): string[] {
  return [...smoothingProblems(o), ...namedProblems(NOISE_REJECTION_RULES, o, { threshold: 'the rejection threshold' })];
}

export function checkNoiseRejectionOptions(options: Partial<NoiseRejectionOptions>): NoiseRejectionOptions {
  const o = { ...NOISE_REJECTION_DEFAULTS, ...options };
  const problems = noiseRejectionProblems(o);
  if (problems.length) throw new RangeError(`Smoothing-with-rejection settings refused: ${problems.join('; ')}.`);
  return o;
}

/** The three parts of the system S = {D, f, {h_k}} (Fig. 2). */
export interface RejectionSystem {
  /** f: a classifier model (argmax of its logits) or any BaseClassifier with K classes. */
  classifier: tf.LayersModel | BaseClassifier;
  /** D, or null for none (smoothing with rejection on the raw noisy input). */
  denoiser: Denoiser;
  /** The K rejectors: a rejector model (K head logits) or K heads with outputs in [0, 1]. */
  rejectors: tf.LayersModel | RejectorHeads;
}

function asClassifier(c: tf.LayersModel | BaseClassifier): BaseClassifier {
  return c instanceof tf.LayersModel ? modelClassifier(c) : c;
}

function asHeads(r: tf.LayersModel | RejectorHeads): RejectorHeads {
  return r instanceof tf.LayersModel ? modelRejectors(r) : r;
}

/**
 * f_R ∘ D of Eq. 1/3 as a BaseClassifier with K + 1 classes: on a batch of noisy inputs it returns
 * f(D(x)) where h_{f(D(x))}(D(x)) = 0 and K (= R, "rejected") where it is 1.
 */
export function rejectionClassifier(system: RejectionSystem, threshold = NOISE_REJECTION_DEFAULTS.threshold): BaseClassifier {
  const f = asClassifier(system.classifier);
  const heads = asHeads(system.rejectors);
  const K = f.numClasses;
  if (heads.numClasses !== K) throw new Error(`The rejectors have ${heads.numClasses} heads but the classifier has ${K} classes (one head per class).`);
  return {
    numClasses: K + 1,
    classify: (x) =>
      tf.tidy(() => {
        const z = denoise(system.denoiser, x);
        const raw = tf.cast(f.classify(z), 'int32') as tf.Tensor1D;
        // f votes −1 where its output is not finite; such a draw (or one whose head is not
        // finite) votes for nothing here too, so it counts for neither ĉA nor R.
        const cls = tf.maximum(raw, tf.scalar(0, 'int32')) as tf.Tensor1D;
        const h = heads.probabilities(z);
        // H_{f(z)}(z): the head of the predicted class only.
        const hOwn = ownHead(h, cls);
        const valid = tf.logicalAnd(tf.greaterEqual(raw, 0), tf.isFinite(hOwn));
        const reject = tf.greaterEqual(hOwn, threshold);
        const vote = tf.where(reject, tf.fill(cls.shape, K, 'int32'), cls);
        return tf.where(valid, vote, tf.fill(cls.shape, -1, 'int32')) as tf.Tensor1D;
      }),
  };
}

/** Theorem 3.1's radius σ/2 · (Φ⁻¹(pA_lower) + Φ⁻¹(pAR_lower)) (may be ≤ 0 or −∞). */
export function rejectionRadius(sigma: number, pALower: number, pARLower: number): number {
  return (sigma / 2) * (normInv(pALower) + normInv(pARLower));
}

/**
 * CERTIFY's result with rejection: radius = σ/2 (Φ⁻¹(pA_lower) + Φ⁻¹(pAR_lower)) when certified
 * (> 0), else 0; counts (n estimation samples) and selectionCounts (n0 selection samples) of f_R
 * over the K real classes, then R (index K); topClass = ĉA, the top real class of the selection
 * samples (also when abstaining).
 */
export interface RejectionCertifyResult extends CertifyResult {
  pARLower: number;
  /** Estimation samples of ĉA not rejected (counts[ĉA]). */
  countTop: number;
  /** Estimation samples rejected (counts[K]). */
  countRejected: number;
  /** The confidence level of each bound: α, or α/2 with splitAlpha. */
  alphaPerBound: number;
}

/**
 * CERTIFY or PREDICT of g_R at one input x (no batch axis, or a batch axis of 1), given the parts
 * of the system S = {D, f, {h_k}}.
 */
type OneInputWithRejection<R> = (
  classifier: tf.LayersModel | BaseClassifier,
  denoiser: Denoiser,
  rejectors: tf.LayersModel | RejectorHeads,
  x: tf.Tensor,
  options?: Partial<NoiseRejectionOptions>,
  control?: SampleControl,
) => Promise<R>;

/** The checked settings, f_R ∘ D and K (f_R's classes less R) for one input. */
function oneInputSetup(system: RejectionSystem, options: Partial<NoiseRejectionOptions>) {
  const o = checkNoiseRejectionOptions(options);
  const base = rejectionClassifier(system, o.threshold);
  return { o, base, K: base.numClasses - 1 };
}

/** CERTIFY of g_R at one input: Theorem 3.1. */
export const certifyWithRejection: OneInputWithRejection<RejectionCertifyResult> = async (classifier, denoiser, rejectors, x, options = {}, control = {}) => {
  const { o, base, K } = oneInputSetup({ classifier, denoiser, rejectors }, options);
  const { selectionCounts, topClass, counts } = await selectThenEstimate(base, x, o, control, K);
  const countTop = counts[topClass];
  const countRejected = counts[K];
  const alphaPerBound = o.splitAlpha ? o.alpha / 2 : o.alpha;
  const pALower = clopperPearsonLower(countTop, o.n, alphaPerBound);
  const pARLower = clopperPearsonLower(countTop + countRejected, o.n, alphaPerBound);
  const rho = rejectionRadius(o.sigma, pALower, pARLower);
  const certified = rho > 0;
  return {
    prediction: certified ? topClass : ABSTAIN,
    radius: certified ? rho : 0,
    counts,
    selectionCounts,
    topClass,
    pALower,
    pARLower,
    countTop,
    countRejected,
    alphaPerBound,
    votesLost: votesLost(counts, o.n),
  };
};

export interface RejectionPredictResult {
  /** ĉA, or ABSTAIN (−1). */
  prediction: number;
  /** Counts of f_R over the n samples: K real classes, then R (index K). */
  counts: number[];
  countRejected: number;
  /** Two-sided binomial test p-value of nA out of nA + nB at 1/2 (top two real classes). */
  pValue: number;
  /** Draws whose output was not finite (a vote for no class). */
  votesLost: number;
}

/** PREDICT of g_R at one input (Algorithm 1): the top two real classes, a binomial test at level α. */
export const predictWithRejection: OneInputWithRejection<RejectionPredictResult> = async (classifier, denoiser, rejectors, x, options = {}, control = {}) => {
  const { o, base, K } = oneInputSetup({ classifier, denoiser, rejectors }, options);
  const counts = await sampleCounts(base, x, o.n, o.sigma, o.batchSize, deriveSeed(o.seed, 'predict'), control);
  const { top, nA, nB } = topTwo(counts, K);
  // With nA + nB = 0 (everything rejected) there is nothing to test: abstain.
  const pValue = nA + nB > 0 ? binomTestTwoSided(nA, nA + nB, 0.5) : 1;
  return { prediction: nA + nB > 0 && pValue <= o.alpha ? top : ABSTAIN, counts, countRejected: counts[K], pValue, votesLost: votesLost(counts, o.n) };
};

/**
 * CERTIFY ('certify') or PREDICT ('predict') with rejection on the inputs x[indices] (batch axis
 * first) with labels y, as run.ts' runSmoothingOnSet does for plain smoothing: input i uses seed
 * deriveSeed(options.seed, 'input', i); rows carry countTop / countRejected (certify) and
 * pLower = pA_lower. A cancelled run keeps the finished rows.
 */
export const runRejectionOnSet: RunOnSet<RejectionSystem, NoiseRejectionOptions> = async (mode, system, x, labels, indices, options, control = {}) => {
  const o = checkNoiseRejectionOptions(options);
  // Built once per run: a model's classifier / heads wrappers.
  const classifier = asClassifier(system.classifier);
  const rejectors = asHeads(system.rejectors);
  return runModeOnSet(mode, x, labels, indices, o, {
    certify: async (xi, seed, c) => {
      const r = await certifyWithRejection(classifier, system.denoiser, rejectors, xi, { ...o, seed }, c);
      return { ...certifyOutcome(r), countTop: r.countTop, countRejected: r.countRejected };
    },
    predict: async (xi, seed, c) => {
      const r = await predictWithRejection(classifier, system.denoiser, rejectors, xi, { ...o, seed }, c);
      return { ...predictOutcome(r), countRejected: r.countRejected };
    },
  }, control);
};
