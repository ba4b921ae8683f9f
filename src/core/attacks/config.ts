/**
 * Attack settings as plain data (no tfjs import), shared by the page, the worker and the CLI.
 */

export type AttackNorm = 'linf' | 'l2';
/** Lower and upper bound of every input coordinate, e.g. [0, 1] for images; null = unbounded. */
export type Box = [number, number] | null;

export const ATTACK_KINDS = ['fgsm', 'pgd', 'apgd-ce'] as const;
export type AttackKind = (typeof ATTACK_KINDS)[number];

export interface AttackConfig {
  kind: AttackKind;
  norm: AttackNorm;
  eps: number;
  /** Iterations (PGD, APGD-CE; ignored by FGSM). */
  steps: number;
  /** PGD step size; 0 = 2.5·eps/steps. APGD-CE sets its own (starting at 2·eps). */
  stepSize: number;
  restarts: number;
  /** PGD: start from a uniform draw in the ball (APGD-CE always does). */
  randomStart: boolean;
  seed: number;
  box: Box;
}

export const ATTACK_DEFAULTS: AttackConfig = {
  kind: 'apgd-ce',
  norm: 'linf',
  eps: 0.1,
  steps: 40,
  stepSize: 0,
  restarts: 1,
  randomStart: true,
  seed: 0,
  box: null,
};

export const ATTACK_LABELS: Record<AttackKind, string> = {
  fgsm: 'FGSM',
  pgd: 'PGD',
  'apgd-ce': 'APGD-CE',
};

/** The adaptive (R-Con-aware) attacks' objectives of Rectified Rejection (attacks/adaptive.ts). */
export const ADAPTIVE_OBJECTIVES = ['ce-logrcon', 'ce-rr', 'con-rr', 'con-logrcon', 'multi-target'] as const;
export type AdaptiveObjective = (typeof ADAPTIVE_OBJECTIVES)[number];

export const ADAPTIVE_LABELS: Record<AdaptiveObjective, string> = {
  'ce-logrcon': 'CE + η·log R-Con',
  'ce-rr': 'CE + η·L_RR',
  'con-rr': 'Con + η·L_RR',
  'con-logrcon': 'Con + η·log R-Con',
  'multi-target': 'Con + η·L_RR, multi-target',
};
