/** Training settings as plain data (no tfjs import), shared by the page, the worker and the CLI. */
import type { TrainingAttack, TrainingMethodName } from './method';
import { CAT_RS_DEFAULTS, CRA_DEFAULTS, type CatRsConfig, type CraConfig, SMOOTHED_TRAINING_SIGMA } from './smoothedTrainingConfig';
import { IBP_DEFAULTS, type IbpConfig } from './ibpConfig';
import { RR_DEFAULTS, SELECTIVENET_DEFAULTS, type RrConfig, type SelectiveNetConfig } from './rejectionHeadsConfig';

export interface TrainConfig {
  method: TrainingMethodName;
  epochs: number;
  batchSize: number;
  optimizer: 'sgd' | 'adam';
  learningRate: number;
  /** SGD momentum (0 = plain SGD). */
  momentum: number;
  seed: number;
  /** The attack used by PGD-AT, TRADES and ERA while training. */
  attack: TrainingAttack;
  /** Input box for the training attack (null = unbounded). */
  box: [number, number] | null;
  tradesBeta: number;
  eraBeta: number;
  /** Noise standard deviation of Gaussian augmentation, CAT-RS and CRA (input units). */
  sigma: number;
  /** CAT-RS settings (paper 002, Algorithm 1). */
  catRs: CatRsConfig;
  /** CRA settings (paper 001, Eq. 9-11). */
  cra: CraConfig;
  /** Rectified Rejection settings (paper 000, Eq. 4-5), for 'rr-pgd-at' and 'rr-trades'. */
  rr: RrConfig;
  /** SelectiveNet settings (the baseline of paper 000), for 'selectivenet-pgd-at'. */
  selectiveNet: SelectiveNetConfig;
  /** IBP training with K + M outputs (paper 004), for 'ibp'. */
  ibp: IbpConfig;
}

/** Paper 001, Appendix A.2 (the Figure 1 setup): 20 epochs, lr 0.1, batch 10, PGD-10, beta 6. */
export const TRAIN_DEFAULTS: TrainConfig = {
  method: 'trades',
  epochs: 20,
  batchSize: 10,
  optimizer: 'sgd',
  learningRate: 0.1,
  momentum: 0,
  seed: 1,
  attack: { norm: 'linf', eps: 0.1, steps: 10, stepSize: 0 },
  box: null,
  tradesBeta: 6,
  // Paper 001 varies beta for its Pareto fronts and gives none for Figure 1; 0.25 is what the
  // authors' released code uses for the toy data.
  eraBeta: 0.25,
  sigma: SMOOTHED_TRAINING_SIGMA.toy2d,
  catRs: { ...CAT_RS_DEFAULTS },
  cra: { ...CRA_DEFAULTS },
  rr: { ...RR_DEFAULTS },
  selectiveNet: { ...SELECTIVENET_DEFAULTS },
  ibp: { ...IBP_DEFAULTS },
};
