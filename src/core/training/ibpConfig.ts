/**
 * Settings of IBP training with abstain classes, as plain data (no tfjs import): Gowal et al.'s
 * interval bound propagation training (2018) with paper 004's K + M outputs (Section 4, Eq. 7,
 * 15, Theorem 3, Eq. 16; M = 1 is Sheikholeslami et al. 2021; M = 0 plain IBP training).
 * Shared by the page, the worker and the CLI. The loss itself is training/ibp.ts.
 */

export interface IbpConfig {
  /** M, the number of abstain (detection) outputs after the K regular ones; 0 = no abstain class. */
  abstainClasses: number;
  /** Share of the training steps spent in warm-up: eps = 0, natural loss only (Gowal et al.). */
  warmup: number;
  /** Share of the steps over which eps, kappa and lambda move linearly to their final values. */
  ramp: number;
  /** Final kappa: L = kappa·L_nat + (1 − kappa)·L_robust + lambda·L_robust-abstain (Gowal: 1 → 0.5). */
  kappaEnd: number;
  /**
   * Final lambda, the weight of Theorem 3's robust-abstain loss (0 during warm-up, then a linear
   * ramp); the trade-off knob. In paper 004's form L_nat + k1·L_robust + k2·L_robust-abstain
   * (Eq. 15) this is k1 = (1 − kappa)/kappa and k2 = lambda/kappa: at kappaEnd = 0.5, k1 = 1 and
   * k2 = 2·lambda. The paper ramps k2 after a phase at k2 = 0 (Section 5.1); here lambda ramps
   * together with eps after the warm-up.
   */
  lambdaEnd: number;
  /** Eq. 16: weight mu of the degeneracy regulariser (0 = off). */
  regulariserMu: number;
  /** Eq. 16: threshold on each abstain class's mean simplex weight; 0 = 1/(K + M). */
  regulariserThreshold: number;
  /** Mirror-ascent iterations for the simplex weights in each training step (Algorithm 1). */
  iterations: number;
}

/**
 * Defaults for the workbench's short runs. Gowal et al. (MNIST) warm up for 2K of 60K steps and
 * ramp over the next 10K, kappa 1 → 0.5; paper 004 trains the same way, with lambda ramped from
 * 0 (Section 5.1) and suggests M = K with the regulariser. With tens of epochs instead of 60K
 * steps the ramp takes a larger share here. lambda = 4 and mu = 10 are what the paper 004 preset
 * (experiments/abstainPreset.ts) needs on three Gaussians at eps 0.2: with lambda = 1 no input is
 * detected, and with mu = 1 the detections still collapse into one abstain class.
 */
export const IBP_DEFAULTS: IbpConfig = {
  abstainClasses: 3,
  warmup: 0.1,
  ramp: 0.5,
  kappaEnd: 0.5,
  lambdaEnd: 4,
  regulariserMu: 10,
  regulariserThreshold: 0,
  iterations: 20,
};

export interface IbpScheduleValues {
  /** Multiplier of the training eps (0 in warm-up, ramps to 1). */
  epsScale: number;
  kappa: number;
  lambda: number;
}

/** The schedule at training step `step` (0-based) of `totalSteps`. */
export function ibpSchedule(config: IbpConfig, step: number, totalSteps: number): IbpScheduleValues {
  const warm = config.warmup * totalSteps;
  const ramp = config.ramp * totalSteps;
  const p = step < warm ? 0 : ramp <= 0 ? 1 : Math.min(1, (step - warm + 1) / ramp);
  return { epsScale: p, kappa: 1 - p * (1 - config.kappaEnd), lambda: p * config.lambdaEnd };
}

/** The regulariser threshold in force: the configured one, or 1/(K + M). */
export function regulariserThreshold(config: IbpConfig, numClasses: number): number {
  return config.regulariserThreshold > 0 ? config.regulariserThreshold : 1 / (numClasses + config.abstainClasses);
}
