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
