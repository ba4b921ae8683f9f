/** Lesson: adversarial examples and PGD on 2-D data. */
import type { Lesson } from '../lessonTypes';
import { MOONS } from './setups';

export const PGD_LESSON: Lesson = {
  id: 'pgd',
  title: 'Adversarial examples and PGD on 2-D data',
  summary: 'Train a classifier on two moons, move its test points a little until it changes its mind, and train it to resist.',
  papers: ['madry'],
  steps: [
    {
      title: 'A classifier and its decision regions',
      view: 'playground',
      text: [
        'Each dot is a point in the plane, coloured by its class; circles are training points and diamonds test points.',
        'We train a small neural network to tell the two moons apart.',
        'The shaded background shows what the network predicts at every location: its decision regions.',
      ],
      action: { label: 'Train it', seconds: 3, run: { kind: 'playground', config: MOONS, display: { colourBySplit: false, arrows: 'none' } } },
      callouts: [
        { anchor: '[data-testid=regions-plot]', text: 'The border between the two shaded regions is the decision boundary; points close to it are the easiest to fool.' },
        { anchor: '[data-testid=curves]', text: 'The loss falls and the accuracy climbs epoch by epoch.' },
      ],
    },
    {
      title: 'FGSM: one step uphill',
      view: 'playground',
      text: [
        'An adversarial example is a point moved a tiny bit — here at most eps = 0.15 along each axis, a small square around the point — so that the prediction changes.',
        'FGSM takes one step of size eps in the direction that increases the loss the most (the sign of the gradient).',
        'We attack every test point of the model from step 1.',
      ],
      action: { label: 'Attack with FGSM', seconds: 3, run: { kind: 'playground', config: MOONS, display: { colourBySplit: true, arrows: 'all' } } },
      callouts: [
        { anchor: '[data-testid=regions-plot]', text: 'Each line runs from a test point to the point FGSM found. Circles kept their prediction; triangles and squares were flipped.' },
        { anchor: '[data-testid=metrics-panel]', text: 'Robust accuracy (correct and not flipped) is lower than natural accuracy (correct without an attack).' },
      ],
    },
    {
      title: 'PGD: many small steps',
      view: 'playground',
      text: [
        'Projected gradient descent (PGD) takes many small gradient steps and, after each one, projects the point back into the square of size eps.',
        'It is the standard strong attack of [[madry]]; where one FGSM step overshoots or stops short, ten PGD steps can still find a way across the boundary.',
        'Same model, same eps as with FGSM.',
      ],
      action: { label: 'Attack with PGD-10', seconds: 3, run: { kind: 'playground', config: { ...MOONS, 'evaluation.attack.kind': 'pgd' }, display: { colourBySplit: true, arrows: 'non-robust' } } },
      callouts: [
        { anchor: '[data-testid=metrics-panel]', text: 'Robust accuracy under PGD is usually the same as under FGSM or lower: a stronger attack flips more points.' },
        { anchor: '[data-testid=regions-plot]', text: 'The lines show only the flipped points; they end just across the decision boundary.' },
      ],
    },
    {
      title: 'Adversarial training',
      view: 'playground',
      text: [
        'Adversarial training fits the model on PGD examples instead of the clean points ([[madry]]).',
        'The model learns to keep every training point at least eps away from the boundary, at the cost of an attack per training step.',
        'We train it and attack it with the same PGD as before.',
      ],
      action: { label: 'Train with PGD', seconds: 5, run: { kind: 'playground', config: { ...MOONS, 'training.method': 'pgd-at', 'evaluation.attack.kind': 'pgd' }, display: { colourBySplit: true, arrows: 'non-robust' } } },
      callouts: [
        { anchor: '[data-testid=regions-plot]', text: 'The boundary now keeps a wider margin around the points, so fewer lines cross it.' },
        { anchor: '[data-testid=metrics-panel]', text: 'Robust accuracy is higher than the standard model’s in step 3; natural accuracy may drop a little.' },
      ],
    },
  ],
};
