/** Colours shared by the plots: one hue per class, one per 4-way category (paper 001, Fig. 1). */
import type { SplitCategoryName } from '../../core/settings';

export const CLASS_COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b'];
export const CLASS_TINTS = ['#d6e6f4', '#ffe3c9', '#d4eed4', '#e6dcf0', '#eadbd6'];

export const SPLIT_COLORS: Record<SplitCategoryName, string> = {
  robustAccurate: '#2e7d32',
  robustInaccurate: '#d62728',
  nonRobustAccurate: '#f2b705',
  nonRobustInaccurate: '#7b3294',
};

export const SPLIT_SYMBOLS: Record<SplitCategoryName, string> = {
  robustAccurate: 'circle',
  robustInaccurate: 'x',
  nonRobustAccurate: 'triangle-up',
  nonRobustInaccurate: 'square',
};

/**
 * Abstain (detection) outputs of paper 004's K + M models: greys and grey-tinted hues, one per
 * abstain class a_1..a_M, never a regular class colour (and drawn hatched in decision regions).
 */
export const ABSTAIN_COLORS = ['#3d3d3d', '#7d7d7d', '#4f6d7a', '#8c7f6d', '#a3a3a3', '#5e5068'];
export const ABSTAIN_TINTS = ['#c4c4c4', '#dcdcdc', '#cad6dc', '#ddd7cf', '#ebebeb', '#d7d2db'];

/** The colour of output `index` of a model with K regular classes (indices ≥ K are abstain classes). */
export function outputColor(index: number, numClasses: number, tint = false): string {
  if (index < numClasses) return (tint ? CLASS_TINTS : CLASS_COLORS)[index % CLASS_COLORS.length];
  const a = index - numClasses;
  return (tint ? ABSTAIN_TINTS : ABSTAIN_COLORS)[a % ABSTAIN_COLORS.length];
}

/** Colours of runs drawn side by side (certification runs, models of a sweep). */
export const RUN_COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];
