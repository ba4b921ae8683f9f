/**
 * The image family: the workbench's default image CNN (createCnn with CNN_DEFAULTS: 2 blocks of
 * 3x3 conv + 2x2 max-pooling with 16 and 32 filters, dense 64, seed 1) on Fashion-MNIST-shaped
 * inputs, 28 x 28 x 1 pixels in [0, 1] and 10 classes:
 *  - cnn-forward-1k: one forward pass on 1,000 images and the read-back of the logits.
 *  - cnn-epoch-5k: one standard (cross-entropy) training epoch on 5,000 images, batch 64, Adam
 *    lr 1e-3: 79 batches, plus the trainer's end-of-epoch clean evaluation of the 5,000 images.
 *  - cnn-at-epoch-500 / cnn-rr-at-epoch-500: one PGD-AT epoch of the default CNN and one
 *    RR-PGD-AT epoch of the RR model on the same backbone (createModelWithHeads), on 500 images,
 *    batch 64, Adam lr 1e-3, with Pang et al.'s training attack PGD-10 l_inf eps 8/255 (step
 *    2/255) in [0, 1]: 8 batches, plus the end-of-epoch clean evaluation. The CNN pair of
 *    RR_OVERHEAD_PAIRS.
 *  - cnn-pgd10-1k: the evaluation attack PGD-10 l_inf (eps 8/255, step 2.5·eps/10, random start,
 *    one restart) in the [0, 1] box on 1,000 images, and the read-back of the adversarial images
 *    (the attack only: no clean or adversarial predictions).
 * The images are seeded uniform pixels with labels i % 10, not real Fashion-MNIST (see
 * ../fixtures.ts). `BenchOptions.scale` shrinks their image counts (for quick tests); the
 * throughput is always per image actually processed.
 */
import type { AttackConfig } from '../../attacks/config';
import { runAttack } from '../../attacks/registry';
import { CNN_DEFAULTS } from '../../models/cnn';
import { createModelWithHeads } from '../../models/heads';
import { methodHeads } from '../../training/method';
import { TRAIN_DEFAULTS, type TrainConfig } from '../../training/trainer';
import { type BenchCase, forwardPass, owning, prepareEpoch, readBack, scaled, timed } from '../case';
import { IMAGE_CLASSES, IMAGE_SHAPE, benchCnn, benchImages } from '../fixtures';

const FORWARD_IMAGES = 1000;
const EPOCH_IMAGES = 5000;
const PGD_IMAGES = 1000;
const AT_IMAGES = 500;

/** The training of cnn-epoch-5k: one standard (cross-entropy) epoch, batch 64, Adam lr 1e-3. */
export const BENCH_CNN_TRAIN: TrainConfig = {
  ...TRAIN_DEFAULTS,
  method: 'standard',
  epochs: 1,
  batchSize: 64,
  optimizer: 'adam',
  learningRate: 1e-3,
  momentum: 0,
  seed: 1,
  box: [0, 1],
};

/**
 * The training of cnn-at-epoch-500 and cnn-rr-at-epoch-500 (as cnn-epoch-5k, with Pang et al.'s
 * training attack: PGD-10 l_inf eps 8/255, step 2.5·eps/10 = 2/255). The method is set per case.
 */
export const BENCH_CNN_AT_TRAIN: TrainConfig = {
  ...BENCH_CNN_TRAIN,
  method: 'pgd-at',
  attack: { norm: 'linf', eps: 8 / 255, steps: 10, stepSize: 0 },
};

/** The attack of cnn-pgd10-1k: PGD-10 l_inf, eps 8/255 (step 2.5·eps/10, one restart) in [0, 1]. */
export const BENCH_CNN_ATTACK: AttackConfig = {
  kind: 'pgd',
  norm: 'linf',
  eps: 8 / 255,
  steps: 10,
  stepSize: 0,
  restarts: 1,
  randomStart: true,
  seed: 1,
  box: [0, 1],
};

/** One PGD-AT or RR-PGD-AT epoch (BENCH_CNN_AT_TRAIN) on the scaled images, from a fresh model of seed 1 each run. */
function atEpoch(id: string, method: 'pgd-at' | 'rr-pgd-at') {
  return (scale: number) => {
    const n = scaled(AT_IMAGES, scale);
    const { x, y } = benchImages(n, 15);
    const build = () => createModelWithHeads(methodHeads(method), { kind: 'cnn', ...CNN_DEFAULTS, inputShape: IMAGE_SHAPE, numClasses: IMAGE_CLASSES, seed: 1 });
    return prepareEpoch(id, x, y, { ...BENCH_CNN_AT_TRAIN, method }, build, n);
  };
}

/** Why the synthetic images do not bias the timings, in every description of this family. */
const PIXELS_NOTE = 'Seeded uniform pixels in [0, 1]: the timing does not depend on the pixel values.';
const imageCase = { family: 'image', unit: 'images' } as const;

export const IMAGE_CASES: readonly BenchCase[] = [
  {
    ...imageCase,
    id: 'cnn-forward-1k',
    label: 'CNN forward, 1,000 images',
    description: `Forward pass of the default image CNN (2 conv blocks, 16 filters, dense 64; 28×28×1, 10 classes) on 1,000 images, with read-back of the logits. ${PIXELS_NOTE}`,
    workUnits: FORWARD_IMAGES,
    prepare(scale) {
      const n = scaled(FORWARD_IMAGES, scale);
      const model = benchCnn();
      const { x, y } = benchImages(n, 11);
      y.dispose();
      return owning([x, model], { workUnits: n, run: forwardPass(model, x), exchange: { model, inputs: { x } } });
    },
  },
  {
    ...imageCase,
    id: 'cnn-epoch-5k',
    label: 'CNN epoch, 5,000 images',
    description: `One standard (cross-entropy) training epoch of the default image CNN on 5,000 Fashion-MNIST-shaped images (28×28×1, 10 classes), batch 64, Adam lr 1e-3: 79 batches and the end-of-epoch evaluation. ${PIXELS_NOTE}`,
    workUnits: EPOCH_IMAGES,
    prepare(scale) {
      const n = scaled(EPOCH_IMAGES, scale);
      const { x, y } = benchImages(n, 12);
      return prepareEpoch('cnn-epoch-5k', x, y, BENCH_CNN_TRAIN, benchCnn, n);
    },
  },
  {
    ...imageCase,
    id: 'cnn-at-epoch-500',
    label: 'CNN PGD-AT epoch, 500 images',
    description: `One PGD-AT epoch (PGD-10 l∞ eps 8/255, step 2/255, in [0, 1]; batch 64, Adam lr 1e-3) of the default image CNN on 500 Fashion-MNIST-shaped images: 8 batches and the end-of-epoch evaluation. The plain counterpart of CNN RR-PGD-AT. ${PIXELS_NOTE}`,
    workUnits: AT_IMAGES,
    prepare: atEpoch('cnn-at-epoch-500', 'pgd-at'),
  },
  {
    ...imageCase,
    id: 'cnn-rr-at-epoch-500',
    label: 'CNN RR-PGD-AT epoch, 500 images',
    description: `One PGD-AT + Rectified Rejection epoch (Pang et al.; λ 1, τ 1) of the RR model on the default image CNN (+ auxiliary head A_φ) with the settings of CNN PGD-AT epoch: its time over that case is the extra cost of RR. ${PIXELS_NOTE}`,
    workUnits: AT_IMAGES,
    plainCounterpart: 'cnn-at-epoch-500',
    prepare: atEpoch('cnn-rr-at-epoch-500', 'rr-pgd-at'),
  },
  {
    ...imageCase,
    id: 'cnn-pgd10-1k',
    label: 'CNN PGD-10, 1,000 images',
    description: `PGD-10 l∞ (eps 8/255, 1 restart, random start) in the [0, 1] box against the default image CNN on 1,000 images: the attack only, with read-back of the adversarial images. ${PIXELS_NOTE}`,
    workUnits: PGD_IMAGES,
    prepare(scale) {
      const n = scaled(PGD_IMAGES, scale);
      const model = benchCnn();
      const { x, y } = benchImages(n, 13);
      return owning([x, y, model], { workUnits: n, run: timed(async (signal) => readBack([await runAttack(model, x, y, BENCH_CNN_ATTACK, { signal })])), exchange: { model, inputs: { x, y } } });
    },
  },
];
