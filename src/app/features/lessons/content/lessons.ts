/** The lessons, in teaching order. */
import type { Lesson } from '../lessonTypes';
import { PGD_LESSON } from './pgdLesson';
import { ERA_LESSON } from './eraLesson';
import { SELECTOR_LESSON } from './selectorLesson';
import { SMOOTHING_LESSON } from './smoothingLesson';
import { REJECTION_LESSON } from './rejectionLesson';
import { RECTIFIED_LESSON } from './rectifiedLesson';
import { ABSTAIN_LESSON } from './abstainLesson';

export const LESSONS: readonly Lesson[] = [PGD_LESSON, ERA_LESSON, SELECTOR_LESSON, SMOOTHING_LESSON, REJECTION_LESSON, RECTIFIED_LESSON, ABSTAIN_LESSON];

export function findLesson(id: string): Lesson | null {
  return LESSONS.find((l) => l.id === id) ?? null;
}
