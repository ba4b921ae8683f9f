/**
 * Which lesson step is open, kept in the URL (`lesson=<id>&step=<n>`) so that a lecturer can
 * link to one step, and whether its action ran. Opening a step switches to the view it happens
 * in. A small store of its own beside the main one.
 */
import { create } from 'zustand';
import { useStore } from '../../state/store';
import { readLesson, writeUrl } from '../../state/urlState';
import { findLesson } from './content/lessons';
import type { LessonAction } from './lessonTypes';
import { runLessonAction } from './lessonActions';
import { stoppedJobCount } from '../../state/jobs';
import { type PresetRun, recordDuration } from '../../state/presetTimes';

export type ActionStatus = 'running' | 'done';

interface LessonState {
  lessonId: string | null;
  /** Counted from 1, as in the URL. */
  step: number;
  /** By step key ("<lesson>/<step>"). */
  status: Record<string, ActionStatus>;
}

export const useLesson = create<LessonState>(() => ({ lessonId: null, step: 1, status: {} }));

export const stepKey = (lessonId: string, step: number) => `${lessonId}/${step}`;

/** Opens step `step` (clamped to the lesson's steps) of a lesson, in its view; false for an unknown lesson. */
export function openStep(lessonId: string, step: number): boolean {
  const lesson = findLesson(lessonId);
  if (!lesson) return false;
  const n = Math.min(Math.max(1, Math.round(step)), lesson.steps.length);
  const view = lesson.steps[n - 1].view;
  useLesson.setState({ lessonId, step: n });
  const { config, requestedBackend, setView } = useStore.getState();
  writeUrl(config, view, requestedBackend, { lesson: lessonId, step: n });
  setView(view);
  return true;
}

/** Moves to the next (+1) or previous (−1) step; nothing past either end. */
export function moveStep(delta: 1 | -1): void {
  const { lessonId, step } = useLesson.getState();
  const lesson = lessonId ? findLesson(lessonId) : null;
  if (!lesson) return;
  const next = step + delta;
  if (next >= 1 && next <= lesson.steps.length) openStep(lesson.id, next);
}

/** Closes the lesson; the page stays in the view it shows. */
export function closeLesson(): void {
  useLesson.setState({ lessonId: null, step: 1 });
  const { config, view, requestedBackend } = useStore.getState();
  writeUrl(config, view, requestedBackend, null);
}

/** Opens the step the address names (on page load); an unknown lesson is dropped with a message. */
export function openStepFromUrl(): void {
  const position = readLesson();
  if (!position) return;
  if (!openStep(position.lesson, position.step)) {
    useStore.getState().pushMessage('warning', `There is no lesson "${position.lesson}": the Lessons view lists them.`);
    closeLesson();
  }
}

/** Runs the open step's action and records that it ran. */
/** A lesson step as a timed run: its reference time is the step's own estimate (seconds on the reference machine). */
export const lessonRun = (lessonId: string, step: number, seconds: number): PresetRun => ({ preset: `lesson-${lessonId}-${step}`, work: 1, referenceMsPerWork: seconds * 1000 });

export async function runStepAction(lessonId: string, step: number, action: LessonAction): Promise<void> {
  const key = stepKey(lessonId, step);
  useLesson.setState((s) => ({ status: { ...s.status, [key]: 'running' } }));
  const stopped = stoppedJobCount();
  const t0 = performance.now();
  try {
    await runLessonAction(action);
    // Only a run that went through is timed: the next estimate is this browser's own.
    if (stoppedJobCount() === stopped) recordDuration(lessonRun(lessonId, step, 0), useStore.getState().backend?.backend ?? null, performance.now() - t0);
  } finally {
    useLesson.setState((s) => ({ status: { ...s.status, [key]: 'done' } }));
  }
}
