/**
 * The page keeps its setup in the URL (as TensorFlow Playground does): the experiment config as
 * dotted search params, plus the view and the forced backend and WASM thread count. A copied link reproduces the setup.
 */
import { type ExperimentConfig, type FieldErrors, experimentFromSearch, experimentToSearch } from '../../core/settings';

export const VIEWS = ['playground', 'figure1', 'images', 'smoothing', 'rejection', 'verify', 'arena', 'bench', 'lessons'] as const;
export type View = (typeof VIEWS)[number];

export interface UrlState {
  config: ExperimentConfig;
  errors: FieldErrors;
  view: View;
  backend: string | null;
  /** The WASM thread count `threads=N` asks for (null: chosen by measurement). */
  threads: number | null;
  /** Why `threads=` in the address could not be used (null when absent or fine). */
  threadsProblem: string | null;
}

/** The most threads the WASM backend can use (it starts 8 pthreads). */
export const MAX_WASM_THREADS = 8;

/** `threads=N` read: a whole number from 1 to MAX_WASM_THREADS, or the reason it was refused. */
function readThreads(raw: string | null): { threads: number | null; threadsProblem: string | null } {
  if (raw === null) return { threads: null, threadsProblem: null };
  const n = Number(raw);
  if (raw.trim() !== '' && Number.isInteger(n) && n >= 1 && n <= MAX_WASM_THREADS) return { threads: n, threadsProblem: null };
  return { threads: null, threadsProblem: `threads=${JSON.stringify(raw)} in the address is not a whole number from 1 to ${MAX_WASM_THREADS}; the thread count is chosen by measurement instead.` };
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
    ...readThreads(params.get('threads')),
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
  // A forced thread count travels with the address, as the forced backend does.
  const threads = new URLSearchParams(window.location.search).get('threads');
  if (threads) params.set('threads', threads);
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
