/** Lesson: sample rejection in randomized smoothing. */
import type { Lesson } from '../lessonTypes';
import { MOONS, QUICK_CERTIFY } from './setups';

/** A base model trained on clean points only (the "pretrained" classifier), smoothed at σ = 0.25. */
const BASE = { ...MOONS, 'training.epochs': 20 };

/** A few epochs on 240 training points, so that the denoiser and rejectors train in seconds. */
const QUICK_REJECTION = { denoiserEpochs: 8, rejectorEpochs: 5, noiseDraws: 8, trainBatchSize: 32, trainMax: 240 };

export const REJECTION_LESSON: Lesson = {
  id: 'sample-rejection',
  title: 'Sample rejection in randomized smoothing',
  summary: 'Smooth a model that never saw noise, put a denoiser and rejectors in front of it, and certify with rejected samples.',
  papers: ['rejection', 'cohen'],
  steps: [
    {
      title: 'Smoothing a model that never saw noise',
      view: 'smoothing',
      text: [
        'Randomized smoothing ([[cohen]]) works best with a base model trained on noise, but often we only have a model trained on clean inputs.',
        'Here is the baseline: a standard model, smoothed with σ = 0.25 and certified on 60 test points.',
      ],
      action: { label: 'Train and certify', seconds: 3, run: { kind: 'sample-rejection', config: BASE, smoothing: QUICK_CERTIFY, rejection: QUICK_REJECTION, run: 'plain' } },
      callouts: [
        { anchor: '[data-testid=certified-curve-plot]', text: 'The curve of the plain smoothed model: remember where it drops to 0.' },
        { anchor: '[data-testid=certify-runs]', text: 'The abstain column: how often the noisy votes were too close to call.' },
      ],
    },
    {
      title: 'A denoiser and rejectors',
      view: 'smoothing',
      text: [
        '[[rejection]] put a denoiser D in front of the classifier: it learns to map a noisy point back to the clean one.',
        'Then one rejector per class learns to flag the noisy samples whose denoised prediction differs from the clean prediction.',
        'We train both on the training points.',
      ],
      action: { label: 'Train denoiser and rejectors', seconds: 3, run: { kind: 'sample-rejection', config: BASE, smoothing: QUICK_CERTIFY, rejection: QUICK_REJECTION, run: 'train' } },
      callouts: [
        { anchor: '[data-testid=rejection-system]', text: '“target b = 1” is how often the prediction flips under noise; “rejected” is how often the rejectors flag a sample. Ideally the two match.' },
        { anchor: '[data-testid=rejection-losses]', text: 'Each loss should fall from the first to the last epoch.' },
      ],
    },
    {
      title: 'Certify with rejection',
      view: 'smoothing',
      text: [
        'Now each noisy sample counts for the top class, as rejected, or for another class.',
        'A rejected sample is not a vote for a rival class, so the certificate uses two lower bounds — on the top class, and on the top class or rejected — and the radius is σ/2 · (Φ⁻¹ of the first + Φ⁻¹ of the second).',
        'We certify the same 60 points with rejection.',
      ],
      action: { label: 'Certify with rejection', seconds: 3, run: { kind: 'sample-rejection', config: BASE, smoothing: QUICK_CERTIFY, rejection: QUICK_REJECTION, run: 'certify' } },
      callouts: [
        { anchor: '[data-testid=certified-curve-plot]', text: 'Compare the run “with rejection” to the plain run of step 1.' },
        { anchor: '[data-testid=rejection-histogram-plot]', text: 'Each dot is a test point: votes for the top class against rejected samples. Dots on the dashed line x1 + x2 = N got no vote for any other class.' },
      ],
    },
  ],
};
