/** Lesson: robust inaccuracy, the 4-way split and ERA. */
import type { Lesson } from '../lessonTypes';
import { GAUSSIANS } from './setups';

export const ERA_LESSON: Lesson = {
  id: 'era',
  title: 'Robust inaccuracy, the 4-way split and ERA',
  summary: 'Split the points into robust or not and right or wrong, see adversarial training create robust mistakes, and remove them with ERA.',
  papers: ['era'],
  steps: [
    {
      title: 'Four kinds of points',
      view: 'playground',
      text: [
        'An attack sorts the points into four groups: robust and accurate, robust but inaccurate, non-robust and accurate, non-robust and inaccurate.',
        'Robust means that no point within eps changes the prediction.',
        '[[era]] call the share of robust but wrong points the robust inaccuracy. We train a standard model on three Gaussian classes and attack it.',
      ],
      action: { label: 'Train and attack', seconds: 2, run: { kind: 'playground', config: GAUSSIANS, display: { colourBySplit: true, arrows: 'non-robust' } } },
      callouts: [
        { anchor: '[data-testid=split-table]', text: 'The 2 × 2 table gives the four shares; robust accuracy is the top-left cell, robust inaccuracy the top-right one.' },
        { anchor: '[data-testid=regions-plot]', text: 'Circles: robust and right. Crosses: robust but wrong. Triangles and squares: the attack changed the prediction (right and wrong before the attack). The legend names each.' },
      ],
    },
    {
      title: 'Adversarial training makes robust mistakes',
      view: 'playground',
      text: [
        'Adversarial training (here TRADES) makes many more points robust — the wrong ones included.',
        'A robust mistake is the worst kind of error: the prediction does not move under attack, so checking whether the prediction is stable cannot reveal it.',
        'Same data, same attack, trained with TRADES instead.',
      ],
      action: { label: 'Train with TRADES', seconds: 5, run: { kind: 'playground', config: { ...GAUSSIANS, 'training.method': 'trades' }, display: { colourBySplit: true, arrows: 'non-robust' } } },
      callouts: [
        { anchor: '[data-testid=metrics-panel]', text: 'Robust accuracy is higher than the standard model’s, but robust inaccuracy is no longer 0.' },
        { anchor: '[data-testid=regions-plot]', text: 'Look for crosses (robust & inaccurate) near the small third class in the top middle: TRADES tends to swallow it into a neighbour, robustly.' },
      ],
    },
    {
      title: 'ERA: robustness without robust mistakes',
      view: 'figure1',
      text: [
        'ERA ([[era]]) adds a term to TRADES that makes wrong predictions non-robust, so that a robustness check can still catch them.',
        'This preset trains standard, TRADES and ERA models on the same points and shows them side by side, as in the paper’s Figure 1.',
        'It uses 400 points and 8 epochs instead of 1,250 and 20, so the numbers are noisier than the paper’s.',
      ],
      action: { label: 'Run the three models', seconds: 12, run: { kind: 'figure1', size: 400, epochs: 8 } },
      callouts: [
        { anchor: '[data-testid=fig1-panel-trades]', text: 'TRADES: high robust accuracy, with some robust mistakes (crosses).' },
        { anchor: '[data-testid=fig1-panel-era]', text: 'ERA: about the same robust accuracy, and the crosses — robust but wrong — are gone or nearly so.' },
        { anchor: '[data-testid=fig1-panel-standard]', text: 'Standard training: accurate, but many points are not robust (triangles).' },
      ],
    },
  ],
};
