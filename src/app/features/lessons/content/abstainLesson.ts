/** Lesson: verification with several abstain classes. */
import type { Lesson } from '../lessonTypes';

/** The data, model and IBP training of the abstain preset (three Gaussians, 600 points, eps 0.2), for 12 epochs. */
const IBP = {
  'data.kind': 'gaussians3',
  'data.size': 600,
  'model.depth': 2,
  'model.width': 64,
  'training.method': 'ibp',
  'training.epochs': 12,
  'training.batchSize': 32,
  'training.optimizer': 'adam',
  'training.learningRate': 0.005,
  'training.attack.eps': 0.2,
  'evaluation.attack.kind': 'pgd',
  'evaluation.attack.eps': 0.2,
  'evaluation.attack.steps': 20,
  'evaluation.gridResolution': 100,
};

export const ABSTAIN_LESSON: Lesson = {
  id: 'abstain',
  title: 'Verification with several abstain classes',
  summary: 'Prove that no point in a box fools a model, let the model answer “detected” instead, and give it several ways to say so.',
  papers: ['abstain'],
  steps: [
    {
      title: 'Verified, not just attacked',
      view: 'verify',
      text: [
        'An attack can only show that a point is not robust; verification proves that no point in its eps-box changes the answer.',
        'Interval bound propagation (IBP) pushes the whole box through the network, layer by layer, and bounds every output; a model trained with these bounds is much easier to verify.',
        'We train an IBP model without abstain classes, verify it with IBP and CROWN, and attack it with PGD.',
      ],
      action: { label: 'Train and verify', seconds: 3, run: { kind: 'verify', config: { ...IBP, 'training.ibp.abstainClasses': 0 } } },
      callouts: [
        { anchor: '[data-testid=verify-table]', text: 'Verified error: the share of test points not proven right over their whole box. CROWN’s bounds are tighter than IBP’s, so its verified error is never higher.' },
        { anchor: '[data-testid=verify-pgd-table]', text: 'The PGD error is what an attack actually finds: never above the verified error.' },
        { anchor: '[data-testid=verify-boxes-plot]', text: 'Each test point’s eps-box: solid where verified, dashed where not.' },
      ],
    },
    {
      title: 'Abstain classes count as success',
      view: 'verify',
      text: [
        '[[abstain]] give the network M extra “abstain” outputs. Under attack, landing in an abstain class counts as detected, which is also a success.',
        'So a point is verified when every point of its box goes to the right class or to some abstain class.',
        'We train the same model with M = 3 abstain classes and verify it.',
      ],
      action: { label: 'Train with abstain classes', seconds: 5, run: { kind: 'verify', config: { ...IBP, 'training.ibp.abstainClasses': 3 } } },
      callouts: [
        { anchor: '[data-testid=verify-table]', text: 'Compare the verified error of the two rows: M = 0 and M = 3.' },
        { anchor: '[data-testid=verify-boxes-plot]', text: 'Hatched grey regions are the abstain outputs, usually between the classes.' },
      ],
    },
    {
      title: 'Several abstain classes need a regulariser',
      view: 'verify',
      text: [
        'Without help, the network tends to use only one of its abstain classes; a regulariser penalises abstain classes that go unused.',
        'The preset trains four models — no abstain class, one, and three without and with the regulariser — verifies them and attacks them, with 8 epochs each.',
      ],
      action: { label: 'Run the four models', seconds: 10, run: { kind: 'abstain-preset', epochs: 8 } },
      callouts: [
        { anchor: '[data-testid=verify-tradeoff-plot]', text: 'Standard against verified error, one point per model: lower left is better.' },
        { anchor: '[data-testid=verify-detect-plot]', text: 'Where the detected attacks land: without the regulariser they pile into one abstain class, with it they spread out.' },
      ],
    },
  ],
};
