/** Lesson: randomized smoothing — noise, votes, the certified radius and the certified-accuracy curve — then CAT-RS against Gaussian training. */
import type { Lesson } from '../lessonTypes';
import { QUICK_CERTIFY, SMOOTH_MOONS } from './setups';

export const SMOOTHING_LESSON: Lesson = {
  id: 'smoothing',
  title: 'Randomized smoothing and certified radii',
  summary: 'Let a model vote under Gaussian noise, turn the vote into a certified radius, read the certified-accuracy curve, and compare two ways to train for it.',
  papers: ['cohen', 'catrs'],
  steps: [
    {
      title: 'Noise and votes',
      view: 'smoothing',
      text: [
        'Randomized smoothing turns a classifier f into a smoothed classifier g: add Gaussian noise of size σ to the input many times, let f classify every noisy copy, and answer with the class that wins the vote ([[cohen]]).',
        'When no class wins clearly, g abstains.',
        'The base model is trained on noisy copies of the points (Gaussian augmentation, σ = 0.25).',
      ],
      action: { label: 'Train and smooth', seconds: 3, run: { kind: 'smoothing', config: SMOOTH_MOONS, smoothing: QUICK_CERTIFY, run: ['grid'] } },
      callouts: [
        { anchor: '[data-testid=smoothed-regions-plot]', text: 'Grey cells: g abstains because the vote is too close to call — along the boundary between the moons.' },
        { anchor: '[data-testid=smoothing-settings]', text: 'σ sets the noise; n is the number of noisy copies per input.' },
      ],
    },
    {
      title: 'A certified radius',
      view: 'smoothing',
      text: [
        'CERTIFY guesses the top class from a few noisy copies, then counts it among n = 2,000 fresh ones.',
        'From the count it takes a lower bound pA on the top class’s probability; then no l2 perturbation smaller than σ·Φ⁻¹(pA) can change g’s answer, except with probability alpha = 0.001.',
        'We certify 60 test points.',
      ],
      action: { label: 'Certify', seconds: 3, run: { kind: 'smoothing', config: SMOOTH_MOONS, smoothing: QUICK_CERTIFY, run: ['grid', 'certify'] } },
      callouts: [
        { anchor: '[data-testid=smoothed-regions-plot]', text: 'Each circle is a test point’s certified radius: large far from the boundary, small or missing close to it.' },
        { anchor: '[data-testid=latest-inputs]', text: 'The counts column shows the votes; an abstained input has no radius.' },
      ],
    },
    {
      title: 'The certified-accuracy curve',
      view: 'smoothing',
      text: [
        'Certified accuracy at radius r is the share of test points that are certified correct with a radius of at least r; plotted against r, it is the curve smoothing papers report.',
        'Its average, the ACR, is the mean radius with wrong or abstained points counted as 0.',
        'We certify again with n = 10,000 copies: a tighter bound gives larger radii.',
      ],
      action: { label: 'Certify with more samples', seconds: 3, run: { kind: 'smoothing', config: SMOOTH_MOONS, smoothing: { ...QUICK_CERTIFY, n: 10000 }, run: ['certify'] } },
      callouts: [
        { anchor: '[data-testid=certified-curve-plot]', text: 'The new curve reaches further to the right: with more samples the same model certifies larger radii.' },
        { anchor: '[data-testid=certify-runs]', text: 'The ACR column grows with n; the r = 0 column (accuracy of g) hardly changes.' },
      ],
    },
    {
      title: 'CAT-RS against Gaussian training',
      view: 'smoothing',
      text: [
        'Gaussian augmentation treats every noisy copy alike. CAT-RS ([[catrs]]) looks at how many noisy copies of a point the model already gets right.',
        'On points that are often wrong under noise it learns only from the easiest copies; on points that are always right it adds a worst-case noise term to push their radius further.',
        'We train both on the same data and certify each.',
      ],
      action: { label: 'Train both and certify', seconds: 6, run: { kind: 'smoothing-methods', config: SMOOTH_MOONS, methods: ['gaussian', 'cat-rs'], smoothing: QUICK_CERTIFY } },
      callouts: [
        { anchor: '[data-testid=certified-curve-plot]', text: 'Compare the Gaussian and CAT-RS curves at large radii, where CAT-RS aims to do better; on a run this small the gap can go either way.' },
        { anchor: '[data-testid=certify-runs]', text: 'Compare the ACR of the two runs.' },
      ],
    },
  ],
};
