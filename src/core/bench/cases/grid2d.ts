/**
 * The 2-D family: the default MLP (4 hidden layers of 64 ReLU units, 3 classes) on the gaussians3
 * points and the 200 x 200 grid of the 2-D views.
 *  - grid-forward: one forward pass on the 40,000 grid points and the read-back of the logits.
 *  - trades-epoch: one TRADES epoch with the Merkli et al. / Appendix A.2 settings (TRAIN_DEFAULTS:
 *    batch 10, SGD lr 0.1, PGD-10 l_inf eps 0.1, beta 6) on 1,000 gaussians3 points: 100
 *    batches, plus the trainer's end-of-epoch clean evaluation.
 *  - pgd-at-epoch, rr-pgd-at-epoch, rr-trades-epoch: the extra time per training epoch that
 *    Rectified Rejection (Pang et al.; training/rconRejection.ts) adds to plain adversarial
 *    training, which Pang et al. says costs little extra computation (target: at most 15% over the
 *    plain method). One epoch with the settings of trades-epoch (RR: RR_DEFAULTS, lambda 1, tau 1)
 *    of PGD-AT on the default MLP, RR-PGD-AT on the RR model with the same backbone (classifier +
 *    auxiliary head A_phi, as experiments/runner.ts buildModel builds it for the method), and
 *    RR-TRADES, whose plain counterpart is trades-epoch.
 *  - split-40k: the 4-way robustness split (robustnessSplit) of the 40,000 grid points under
 *    PGD-10 l_inf eps 0.1 (1 restart, random start), labels from groundTruthLabels2d. Target on
 *    WASM: <= 1500 ms (2x PyTorch's ~0.19 s per 10k points, x 4).
 */
import * as tf from '@tensorflow/tfjs';
import type { AttackConfig } from '../../attacks/config';
import { DATASET2D_DEFAULTS, groundTruthLabels2d, makeDataset2d } from '../../data/synthetic2d';
import { robustnessSplit } from '../../metrics/robustness';
import { createModelWithHeads } from '../../models/heads';
import { methodHeads } from '../../training/method';
import { TRAIN_DEFAULTS } from '../../training/trainer';
import { type BenchCase, forwardPass, owning, prepareEpoch, timed } from '../case';
import { GRID_POINTS, benchGrid, benchMlp } from '../fixtures';

const TRAIN_POINTS = 1000;

/** The evaluation attack of split-40k: PGD-10 l_inf (eps 0.1, step 2.5·eps/10, one restart). */
export const BENCH_SPLIT_ATTACK: AttackConfig = {
  kind: 'pgd',
  norm: 'linf',
  eps: 0.1,
  steps: 10,
  stepSize: 0,
  restarts: 1,
  randomStart: true,
  seed: 1,
  box: null,
};

/** split-40k's target on WASM (ms): twice PyTorch's time on the same CPU. */
export const SPLIT_40K_TARGET_MS = 1500;

type AdvMethod = 'pgd-at' | 'trades' | 'rr-pgd-at' | 'rr-trades';

/**
 * One epoch of `method` with the Merkli et al. defaults on 1,000 gaussians3 points, from a fresh model
 * of seed 1 each run: the default MLP, or for RR's methods the RR model on the same backbone
 * (createModelWithHeads(methodHeads(method)), as experiments/runner.ts buildModel).
 */
function mlpEpoch(id: string, method: AdvMethod) {
  return () => {
    const ds = makeDataset2d({ ...DATASET2D_DEFAULTS, kind: 'gaussians3', size: TRAIN_POINTS, testFraction: 0 });
    const x = tf.tensor2d(ds.xTrain, [ds.yTrain.length, 2]);
    const y = tf.tensor1d(ds.yTrain, 'int32');
    const build = () => createModelWithHeads(methodHeads(method), { kind: 'mlp', inputDim: 2, numClasses: ds.numClasses, seed: 1 });
    return prepareEpoch(id, x, y, { ...TRAIN_DEFAULTS, method, epochs: 1, seed: 1 }, build);
  };
}

/** The settings every epoch case of this family shares, in its description. */
const EPOCH_SETTINGS = 'batch 10, SGD lr 0.1, PGD-10 l∞ eps 0.1';
const epochCase = { family: 'grid2d', workUnits: TRAIN_POINTS, unit: 'examples' } as const;

export const GRID2D_CASES: readonly BenchCase[] = [
  {
    id: 'grid-forward',
    family: 'grid2d',
    label: 'MLP forward, 200×200 grid',
    description: 'Forward pass of the default MLP (4×64 ReLU, 3 classes) on 40,000 grid points, with read-back of the logits.',
    workUnits: GRID_POINTS,
    unit: 'points',
    prepare() {
      const model = benchMlp();
      const x = tf.tensor2d(benchGrid(), [GRID_POINTS, 2]);
      return owning([x, model], { run: forwardPass(model, x), exchange: { model, inputs: { x } } });
    },
  },
  {
    ...epochCase,
    id: 'trades-epoch',
    label: 'TRADES epoch, 1,000 points',
    description: `One TRADES epoch (Merkli et al. defaults: ${EPOCH_SETTINGS}, β 6) on 1,000 gaussians3 points: 100 batches and the end-of-epoch evaluation.`,
    prepare: mlpEpoch('trades-epoch', 'trades'),
  },
  {
    ...epochCase,
    id: 'pgd-at-epoch',
    label: 'PGD-AT epoch, 1,000 points',
    description: `One PGD-AT epoch (Merkli et al. defaults: ${EPOCH_SETTINGS}) of the default MLP on 1,000 gaussians3 points: 100 batches and the end-of-epoch evaluation. The plain counterpart of RR-PGD-AT.`,
    prepare: mlpEpoch('pgd-at-epoch', 'pgd-at'),
  },
  {
    ...epochCase,
    id: 'rr-pgd-at-epoch',
    label: 'RR-PGD-AT epoch, 1,000 points',
    description:
      'One PGD-AT + Rectified Rejection epoch (Pang et al.; λ 1, τ 1) of the RR model (the default MLP + auxiliary head A_φ) with the settings of PGD-AT epoch: its time over PGD-AT epoch is the extra cost of RR.',
    plainCounterpart: 'pgd-at-epoch',
    prepare: mlpEpoch('rr-pgd-at-epoch', 'rr-pgd-at'),
  },
  {
    ...epochCase,
    id: 'rr-trades-epoch',
    label: 'RR-TRADES epoch, 1,000 points',
    description:
      'One TRADES + Rectified Rejection epoch (Pang et al.; λ 1, τ 1, β 6) of the RR model (the default MLP + auxiliary head A_φ) with the settings of TRADES epoch: its time over TRADES epoch is the extra cost of RR.',
    plainCounterpart: 'trades-epoch',
    prepare: mlpEpoch('rr-trades-epoch', 'rr-trades'),
  },
  {
    id: 'split-40k',
    family: 'grid2d',
    label: '4-way split, 40k points, PGD-10',
    description: 'robustnessSplit of the 40,000 grid points under PGD-10 l∞ (eps 0.1, 1 restart): attack, clean and adversarial predictions, read-back.',
    workUnits: GRID_POINTS,
    unit: 'points',
    prepare() {
      const model = benchMlp();
      const grid = benchGrid();
      const labels = groundTruthLabels2d('gaussians3', grid);
      const x = tf.tensor2d(grid, [GRID_POINTS, 2]);
      const y = tf.tensor1d(labels, 'int32');
      return owning([x, y, model], { run: timed((signal) => robustnessSplit(model, x, labels, BENCH_SPLIT_ATTACK, { signal })), exchange: { model, inputs: { x, y } } });
    },
  },
];
