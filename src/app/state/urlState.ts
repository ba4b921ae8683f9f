/**
 * The page keeps its setup in the URL (as TensorFlow Playground does): the experiment config as
 * dotted search params, plus the view and the forced backend. A copied link reproduces the setup.
 */
import { type ExperimentConfig, type FieldErrors, experimentFromSearch, experimentToSearch } from '../../core/settings';

export const VIEWS = ['playground', 'figure1', 'images', 'smoothing', 'rejection', 'verify', 'bench'] as const;
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

export function urlFor(config: ExperimentConfig, view: View, backend: string | null): string {
  const params = new URLSearchParams(experimentToSearch(config));
  if (view !== 'playground') params.set('view', view);
  if (backend) params.set('backend', backend);
  return `${window.location.pathname}?${params.toString()}`;
}

export function writeUrl(config: ExperimentConfig, view: View, backend: string | null): void {
  const url = urlFor(config, view, backend);
  if (url !== window.location.pathname + window.location.search) window.history.replaceState(null, '', url);
}
