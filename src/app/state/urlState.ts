/**
 * The page keeps its setup in the URL (as TensorFlow Playground does): the experiment config as
 * dotted search params, plus the view and the forced backend. A copied link reproduces the setup.
 */
import { type ExperimentConfig, type FieldErrors, experimentFromSearch, experimentToSearch } from '../../core/settings';

export const VIEWS = ['playground', 'figure1', 'images', 'smoothing', 'rejection', 'verify', 'bench', 'lessons'] as const;
export type View = (typeof VIEWS)[number];

export interface UrlState {
  config: ExperimentConfig;
  errors: FieldErrors;
  view: View;
  backend: string | null;
}

export function readUrl(search: string = window.location.search): UrlState {
  const params = new URLSearchParams(search);
  const { config, errors } = experimentFromSearch(search);
  const v = params.get('view');
  return {
    config,
    errors,
    view: (VIEWS as readonly string[]).includes(v ?? '') ? (v as View) : 'playground',
    backend: params.get('backend'),
  };
}

/** Whether the address asks for presentation mode (`present=1`). */
export function readPresenting(search: string = window.location.search): boolean {
  return new URLSearchParams(search).get('present') === '1';
}

/** An open lesson step in the URL: `lesson=<id>&step=<n>`, the step counted from 1. */
export interface LessonPosition {
  lesson: string;
  step: number;
}

/** The lesson step a search string opens, or null; a missing or unusable step reads as 1. */
export function readLesson(search: string = window.location.search): LessonPosition | null {
  const params = new URLSearchParams(search);
  const lesson = params.get('lesson');
  if (!lesson) return null;
  const step = Number(params.get('step') ?? '1');
  return { lesson, step: Number.isInteger(step) && step >= 1 ? step : 1 };
}

/** The page's URL for a setup; the open lesson step (by default the one in the address bar) comes along. */
export function urlFor(config: ExperimentConfig, view: View, backend: string | null, lesson: LessonPosition | null = readLesson()): string {
  const params = new URLSearchParams(experimentToSearch(config));
  if (view !== 'playground') params.set('view', view);
  if (backend) params.set('backend', backend);
  if (lesson) {
    params.set('lesson', lesson.lesson);
    params.set('step', String(lesson.step));
  }
  // Presentation mode travels with the address too, so a lecturer's link opens in it.
  if (readPresenting()) params.set('present', '1');
  return `${window.location.pathname}?${params.toString()}`;
}

export function writeUrl(config: ExperimentConfig, view: View, backend: string | null, lesson: LessonPosition | null = readLesson()): void {
  const url = urlFor(config, view, backend, lesson);
  if (url !== window.location.pathname + window.location.search) window.history.replaceState(null, '', url);
}
