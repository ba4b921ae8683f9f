/**
 * What to try after a playground run, by the method just trained: the page suggests one next step
 * and can take it (set the method and train, or open the view that takes the model further).
 */
import type { TrainingMethodName } from '../../../core/settings';
import type { View } from '../../state/urlState';

export interface NextStep {
  text: string;
  action: string;
  /** Train this method next (in the playground, with the other settings kept)… */
  method?: TrainingMethodName;
  /** …or open this view, where the trained model is already chosen. */
  view?: View;
}

export function nextStepAfter(method: TrainingMethodName): NextStep | null {
  switch (method) {
    case 'standard':
      return { text: 'A standard model is accurate but an attack flips many points (the non-robust categories). Now train adversarially and compare.', action: 'Train with TRADES', method: 'trades' };
    case 'trades':
    case 'pgd-at':
      return {
        text: 'Adversarial training made more points robust — but look for points that are robust and wrong (black ×): robust inaccuracy. ERA trains to abstain from those.',
        action: 'Train with ERA',
        method: 'era',
      };
    case 'era':
      return { text: 'ERA trades a few robust-and-wrong points for non-robust ones. Compose it with a standard model in "Selector & composition", or see all three side by side.', action: 'Open the Figure 1 comparison', view: 'figure1' };
    case 'gaussian':
    case 'cat-rs':
    case 'cra':
      return { text: 'A model trained under Gaussian noise is ready to be smoothed: certify each test point with a radius no attack can cross.', action: 'Certify it in Smoothing', view: 'smoothing' };
    case 'rr-pgd-at':
    case 'rr-trades':
    case 'selectivenet-pgd-at':
      return { text: 'This model has a rejection head: compare rejecting by confidence, by R-Con and by both under attack.', action: 'Evaluate it in Rectified Rejection', view: 'rejection' };
    case 'ibp':
      return { text: 'This model has abstain classes and was trained with interval bounds: verify which test points are provably safe.', action: 'Verify it in Verification', view: 'verify' };
    default:
      return null;
  }
}
