/** The views by the names a user sees in the header (and lessons say "in the … view"). */
import type { View } from '../state/urlState';

export const VIEW_LABELS: Record<View, string> = {
  playground: 'Playground',
  lessons: 'Lessons',
  figure1: 'Robust inaccuracy',
  images: 'Images',
  smoothing: 'Smoothing',
  rejection: 'Rectified Rejection',
  verify: 'Verification',
  arena: 'Arena',
  bench: 'Bench',
};
