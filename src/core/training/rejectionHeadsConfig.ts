/**
 * Settings of the training methods that learn a rejector head next to the classifier, as plain
 * data (no tfjs import): Rectified Rejection (paper 000, Eq. 4-5; training/rconRejection.ts)
 * and the SelectiveNet baseline of paper 000 (Geifman & El-Yaniv 2019; training/selectiveNet.ts).
 * Shared by the page, the worker and the CLI.
 */

/**
 * Where L_RR stops gradients (paper 000, Section 4.1):
 *  - 'paper' (default): on f(x*)[y] as the BCE target (always), and on f(x*)[y_m] inside
 *    R-Con = f(x*)[y_m]·A(x*) for the inputs with y_m = y. "Note that we stop gradients on the
 *    flows of f(x)[y] → BCE loss, and f(x)[y_m] → R-Con when y_m = y" (Section 4.1). The
 *    authors' released code does exactly this when run as its README says
 *    (train_cifar.py --SGconfidenceW: the target `robust_con_y` is always detached, the
 *    confidence `robust_con_pre` is detached at the indices where the adversarial input x* is
 *    classified correctly).
 *  - 'target-only': only the target is detached; the confidence f(x*)[y_m] keeps its gradient
 *    for every input. This is what the released code does without --SGconfidenceW (its
 *    argparse default), and the form its adaptive attack (eval_cifar.py, adaptive_BCE) uses.
 * The paper's form is the default: it is what the paper defines and the README's RR command
 * runs; the stop-gradient on correct inputs keeps L_RR from pulling the classifier's confidence
 * on easy examples (Section 1 and 4.1).
 */
export const RR_STOP_GRADIENTS = ['paper', 'target-only'] as const;
export type RrStopGradient = (typeof RR_STOP_GRADIENTS)[number];

export interface RrConfig {
  /** Weight lambda of L_RR in Eq. 5 (paper 000: 1, "without tuning"). */
  lambda: number;
  /**
   * Softmax temperature tau inside L_RR only (both f[y] and f[y_m] use softmax(z / tau));
   * the classification loss L_T keeps tau = 1 (paper 000, Table 5: log2 tau in {-1..-4}).
   */
  temperature: number;
  stopGradient: RrStopGradient;
}

/** Paper 000, Section 6: lambda = 1; tau = 1 in the main results (Table 5 studies tau < 1). */
export const RR_DEFAULTS: RrConfig = { lambda: 1, temperature: 1, stopGradient: 'paper' };

/**
 * SelectiveNet (Geifman & El-Yaniv 2019, Eq. 2-4) as paper 000 trains it for its baseline
 * ("PGD-AT SNet"): L = alpha·[r(f, g) + lambda·max(0, c − phi(g))^2] + (1 − alpha)·L_h.
 */
export interface SelectiveNetConfig {
  /** Target coverage c in (0, 1]. */
  coverage: number;
  /** Weight lambda of the quadratic coverage penalty. */
  lambda: number;
  /** Weight alpha of the selective loss; 1 − alpha goes to the auxiliary head's cross-entropy. */
  alpha: number;
}

/**
 * The values of paper 000's released SelectiveNet baseline (README of P2333/Rectified-Rejection:
 * --coverage 0.7 --Lambda 16, beta = 0.5 in train_cifar_SelectiveNet.py). SelectiveNet's own
 * paper uses lambda = 32 and alpha = 0.5 with c chosen per experiment.
 */
export const SELECTIVENET_DEFAULTS: SelectiveNetConfig = { coverage: 0.7, lambda: 16, alpha: 0.5 };

/** Which extra heads a model has: none (plain classifier), RR's auxiliary A_phi, or SelectiveNet's selection g and auxiliary h. */
export const MODEL_HEADS = ['none', 'rr', 'selectivenet'] as const;
export type ModelHeads = (typeof MODEL_HEADS)[number];
