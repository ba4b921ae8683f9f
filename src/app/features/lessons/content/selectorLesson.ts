/** Lesson: abstaining with the robustness-indicator selector, and 2-compositional models. */
import type { Lesson } from '../lessonTypes';
import { GAUSSIANS } from './setups';

const ROBUST = { ...GAUSSIANS, 'training.method': 'trades' };

export const SELECTOR_LESSON: Lesson = {
  id: 'selector',
  title: 'Abstaining with the robustness-indicator selector',
  summary: 'Answer only where a model is robust, hand the other inputs to a second model, and measure the combination.',
  papers: ['era'],
  steps: [
    {
      title: 'Robustness as a reason to answer',
      view: 'playground',
      text: [
        'A robustness-indicator selector answers an input only when the attack cannot change the model’s prediction within eps, and abstains otherwise ([[era]]).',
        'So the inputs it keeps and gets right are the robust and accurate ones; those it keeps and gets wrong are the robust mistakes.',
        'We train a robust model with TRADES and attack it.',
      ],
      action: { label: 'Train the robust model', seconds: 5, run: { kind: 'playground', config: ROBUST, display: { colourBySplit: true, arrows: 'non-robust' } } },
      callouts: [
        { anchor: '[data-testid=split-table]', text: 'Top row: the inputs the selector keeps. Bottom row: the inputs where it abstains.' },
        { anchor: '[data-testid=regions-plot]', text: 'The selector abstains at the triangles and squares (non-robust), mostly close to the class borders.' },
      ],
    },
    {
      title: 'A core model for the rest',
      view: 'playground',
      text: [
        'Abstaining is safe but unhelpful, so the abstained inputs go to a second, “core” model.',
        'The core model is trained the standard way: very accurate on clean inputs, hardly robust.',
      ],
      action: { label: 'Train the core model', seconds: 2, run: { kind: 'playground', config: GAUSSIANS, display: { colourBySplit: true, arrows: 'non-robust' } } },
      callouts: [
        { anchor: '[data-testid=metrics-panel]', text: 'Natural accuracy is high, robust accuracy lower than the TRADES model’s.' },
        { anchor: '[data-testid=model-list]', text: 'Both models are now kept in the page, ready to be combined.' },
      ],
    },
    {
      title: 'The 2-compositional model',
      view: 'playground',
      text: [
        'The composition H uses the robust model where the selector answers and the core model everywhere else.',
        'Under attack the selector’s own decision must not flip, so a robust selection is checked on a ball of twice the radius, 2·eps.',
        'We compose the two models and attack the composition.',
      ],
      action: { label: 'Compose them', seconds: 6, run: { kind: 'compose', config: GAUSSIANS, robust: { 'training.method': 'trades' }, core: { 'training.method': 'standard' } } },
      callouts: [
        { anchor: '[data-testid=composition-result]', text: 'Row “composition H”: natural accuracy usually above the robust model’s and close to the core model’s, and a robust accuracy that only robustly selected inputs earn, so at most the robust model’s.' },
        { anchor: '[data-testid=composition]', text: '“Robustly selected (2·eps)” is lower than “selected at eps”: guaranteeing the selection costs some coverage.' },
      ],
    },
  ],
};
