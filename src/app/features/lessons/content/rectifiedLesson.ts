/** Lesson: Rectified Rejection — R-Con against confidence, and Theorem 1's coupled rejection. */
import type { Lesson } from '../lessonTypes';

/** The coupled-rejection preset on 400 points for 8 epochs (the preset itself: 1,250 points, 20 epochs). */
const PRESET = { kind: 'rectified', size: 400, epochs: 8 } as const;

export const RECTIFIED_LESSON: Lesson = {
  id: 'rectified',
  title: 'Rectified Rejection: R-Con against confidence',
  summary: 'Score adversarial examples with confidence and with R-Con, and watch two thresholds separate right from wrong answers.',
  papers: ['rr'],
  steps: [
    {
      title: 'Confidence is not enough under attack',
      view: 'rejection',
      text: [
        'A rejector refuses to answer when a score is low; the usual score is the confidence, the largest softmax probability.',
        'Adversarial examples are often wrong with high confidence. [[rr]] train a second head A and multiply: R-Con = confidence · A, which should be high only where the answer is right.',
        'We train such a model with PGD adversarial training, then attack its test points with PGD-10 at twice the training radius, where many answers go wrong.',
      ],
      action: { label: 'Train and attack', seconds: 5, run: { ...PRESET, set: 'pgd' } },
      callouts: [
        { anchor: '[data-testid=rr-scatter-plot]', text: 'Each mark is a PGD example, coloured right or wrong (see the legend). Wrong ones with high confidence (far right) often have a small R-Con (low).' },
        { anchor: '[data-testid=rr-metrics-table]', text: 'Compare the ROC-AUC of confidence and R-Con on the PGD rows: the higher, the better the score tells right from wrong.' },
      ],
    },
    {
      title: 'Theorem 1: two coupled thresholds',
      view: 'rejection',
      text: [
        'Theorem 1 says: first keep only the inputs with confidence above 1/(2 − ξ); among those, R-Con above 1/2 means right and below 1/2 means wrong — provided the head A is off by at most ξ.',
        'We set ξ = 0.5, so the first threshold is 2/3. Drag the ξ slider yourself afterwards.',
      ],
      action: { label: 'Run with ξ = 0.5', seconds: 5, run: { ...PRESET, set: 'pgd', xi: 0.5 } },
      callouts: [
        { anchor: '[data-testid=rr-scatter-plot]', text: 'The dashed vertical line is confidence = 1/(2 − ξ); the solid horizontal line is R-Con = 1/2.' },
        { anchor: '[data-testid=rr-coupled]', text: '“separation at 1/2”: the share of inputs past the first threshold that R-Con = 1/2 puts on the right side.' },
      ],
    },
    {
      title: 'The softmax temperature',
      view: 'rejection',
      text: [
        'Confidence and R-Con are read from a softmax at temperature τ; a lower τ sharpens the probabilities.',
        'Sharper confidences let more inputs past the first threshold, as in the paper’s Figure 3. We read the scores at τ = 0.25.',
      ],
      action: { label: 'Run with τ = 0.25', seconds: 5, run: { ...PRESET, set: 'pgd', xi: 0.5, temperature: 0.25 } },
      callouts: [
        { anchor: '[data-testid=rr-coupled]', text: '“pass stage 1” grows compared with step 2.' },
        { anchor: '[data-testid=rr-temperature]', text: 'This slider moves τ; every score and table is re-read at once.' },
      ],
    },
    {
      title: 'An attack that knows the rejector',
      view: 'rejection',
      text: [
        'A fair test attacks the rejector too: the adaptive attack here maximises the classification loss and R-Con at the same time.',
        'We show the adaptive examples on the same plots.',
      ],
      action: { label: 'Show the adaptive attack', seconds: 6, run: { ...PRESET, set: 'adaptive' } },
      callouts: [
        { anchor: '[data-testid=rr-scatter-plot]', text: 'Wrong answers that reach high R-Con are the attack’s successes against the rejector.' },
        { anchor: '[data-testid=rr-coverage-plot]', text: 'Accuracy on the kept inputs as fewer are kept: a curve that rises to the left means the score rejects the wrong answers first.' },
      ],
    },
  ],
};
