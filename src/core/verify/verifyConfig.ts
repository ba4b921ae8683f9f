/** Defaults of the abstain-class verification (paper 004, Algorithm 1), as plain data (no tfjs). */
export const ABSTAIN_VERIFY_DEFAULTS = {
  /** Mirror-ascent iterations (Algorithm 1). */
  iterations: 100,
  /** Multiplier of the step eta_k (see verify/abstainSimplex.ts). */
  stepSize: 1,
};
