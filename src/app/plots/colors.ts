/**
 * The page's one visual language. Colour means class: regions and points take their class's hue
 * from Okabe & Ito's palette, which stays apart under every colour-vision deficiency. The 4-way
 * split of Merkli et al. is told by marker shape and by a grey level that no class uses (light
 * for robust & accurate, black for the robust mistakes the paper is about), the same in every
 * view. Right/wrong outcomes (verified, certified correct) are black solid vs vermillion dashed.
 * test/unit/palette.test.ts checks the distances under a deuteranopia simulation.
 */
import type { SplitCategoryName } from '../../core/settings';

export const CLASS_COLORS = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9'];
/** Each class colour mixed 80% towards white: the regions' colour where the model is at chance. */
export const CLASS_TINTS = ['#cce3f0', '#faeccc', '#ccece3', '#f5e4ed', '#ddf0fb'];

export const SPLIT_COLORS: Record<SplitCategoryName, string> = {
  robustAccurate: '#e0e0e0',
  robustInaccurate: '#000000',
  nonRobustAccurate: '#a6a6a6',
  nonRobustInaccurate: '#595959',
};

/** Outcome strokes: right (verified, certified and correct) and wrong (not verified, certified but wrong). */
export const OUTCOME_RIGHT = '#111111';
export const OUTCOME_WRONG = '#d55e00';

export const SPLIT_SYMBOLS: Record<SplitCategoryName, string> = {
  robustAccurate: 'circle',
  robustInaccurate: 'x',
  nonRobustAccurate: 'triangle-up',
  nonRobustInaccurate: 'square',
};

/**
 * Abstain (detection) outputs of Baharlouei et al.'s K + M models: greys and grey-tinted hues, one per
 * abstain class a_1..a_M, never a regular class colour (and drawn hatched in decision regions).
 */
export const ABSTAIN_COLORS = ['#3d3d3d', '#8a8a8a', '#cfcfcf', '#8c7f6d', '#a3a3a3', '#5e5068'];
export const ABSTAIN_TINTS = ['#c4c4c4', '#dcdcdc', '#eeeeee', '#ddd7cf', '#ebebeb', '#d7d2db'];

/** The colour of output `index` of a model with K regular classes (indices ≥ K are abstain classes). */
export function outputColor(index: number, numClasses: number, tint = false): string {
  if (index < numClasses) return (tint ? CLASS_TINTS : CLASS_COLORS)[index % CLASS_COLORS.length];
  const a = index - numClasses;
  return (tint ? ABSTAIN_TINTS : ABSTAIN_COLORS)[a % ABSTAIN_COLORS.length];
}

/** Colours of runs or scores drawn side by side (certification runs, models of a sweep, rejector scores): Okabe & Ito's, the first four checked under colour-blindness in palette.test.ts. */
export const RUN_COLORS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#000000', '#f0e442'];
