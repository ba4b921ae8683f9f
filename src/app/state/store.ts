/**
 * What the page shows, in one zustand store: the settings (the experiment config and its field
 * errors), the backend, the dataset, trained-model summaries, plot data, jobs and messages.
 * Tensors never reach this store; only plain data from the worker does.
 */
import { create } from 'zustand';
import {
  type ImageExperimentConfig,
  defaultImageExperiment,
  validateImageExperiment,
  type Dataset2d,
  type EpochStats,
  type ExperimentConfig,
  type FieldErrors,
  type GridPrediction,
  setPath,
  validateExperiment,
} from '../../core/settings';
import type { BackendInfo, CompositionView, EvalSet, EvaluationView, GridSplitView, ImageAttackView, ImageDatasetView, ImageModelSummary, LibraryItem, ModelSummary } from '../../../workers/protocol';
import { type View, readUrl, writeUrl } from './urlState';
import type { BackendChoice } from './backendChoice';

export interface JobState {
  id: string;
  label: string;
  fraction: number;
  etaMs: number | null;
  /** Short status line, e.g. "epoch 3/20, batch 40/80". */
  detail: string;
}

export interface Message {
  id: number;
  kind: 'error' | 'warning' | 'info';
  text: string;
}

export interface DisplayOptions {
  showTrain: boolean;
  showTest: boolean;
  /** Colour the evaluated points by their 4-way category instead of their label. */
  colourBySplit: boolean;
  /** Draw clean → adversarial arrows. */
  arrows: 'none' | 'non-robust' | 'all';
  /** Overlay the grid's 4-way split when computed. */
  showGridSplit: boolean;
  evalSet: EvalSet;
}

export interface AppState {
  config: ExperimentConfig;
  /** Problems with the current settings, by dotted field path (shown beside each field). */
  fieldErrors: FieldErrors;
  view: View;
  requestedBackend: string | null;
  /** The WASM thread count the address forces (threads=N), or null. */
  requestedThreads: number | null;
  /** The figures the backend was chosen by (null: forced by the address, or none measured). */
  backendChoice: BackendChoice | null;
  /** The candidate being timed while the page chooses its backend at a first start. */
  measuringBackend: string | null;
  backend: BackendInfo | null;
  backendError: string | null;
  deviceLost: string | null;
  /** Generated datasets by datasetKey(data config). */
  datasets: Record<string, Dataset2d>;
  models: Record<string, ModelSummary>;
  activeModelId: string | null;
  grids: Record<string, GridPrediction>;
  /** Epoch curves of each model (live while it trains). */
  histories: Record<string, EpochStats[]>;
  evaluations: Record<string, EvaluationView>;
  gridSplits: Record<string, GridSplitView>;
  composition: CompositionView | null;
  jobs: Record<string, JobState>;
  messages: Message[];
  display: DisplayOptions;
  compose: { robustId: string | null; coreId: string | null };
  /** What is saved in this browser (IndexedDB). */
  library: { models: LibraryItem[]; runs: LibraryItem[]; datasets: LibraryItem[] };
  /** The image workflow: settings, the loaded dataset, image models and their attacks. */
  imageConfig: ImageExperimentConfig;
  imageErrors: FieldErrors;
  imageDataset: ImageDatasetView | null;
  imageModels: Record<string, ImageModelSummary>;
  activeImageModelId: string | null;
  imageAttacks: Record<string, ImageAttackView>;
  setImageField: (path: string, value: unknown) => void;
  setField: (path: string, value: unknown) => void;
  setConfig: (config: ExperimentConfig) => void;
  setView: (view: View) => void;
  setDisplay: (patch: Partial<DisplayOptions>) => void;
  pushMessage: (kind: Message['kind'], text: string) => void;
  dismissMessage: (id: number) => void;
}

const initialUrl = typeof window !== 'undefined' ? readUrl() : null;
let messageCounter = 0;

function errorsFor(config: ExperimentConfig, urlErrors: FieldErrors = {}): FieldErrors {
  return { ...urlErrors, ...validateExperiment(config) };
}

export const useStore = create<AppState>()((set, get) => ({
  config: initialUrl!.config,
  fieldErrors: errorsFor(initialUrl!.config, initialUrl!.errors),
  view: initialUrl!.view,
  requestedBackend: initialUrl!.backend,
  requestedThreads: initialUrl!.threads,
  backendChoice: null,
  measuringBackend: null,
  backend: null,
  backendError: null,
  deviceLost: null,
  datasets: {},
  models: {},
  activeModelId: null,
  grids: {},
  histories: {},
  evaluations: {},
  gridSplits: {},
  composition: null,
  jobs: {},
  messages: [
    ...(Object.keys(initialUrl!.errors).length ? [{ id: ++messageCounter, kind: 'warning' as const, text: `Some settings in the link could not be used and kept their defaults: ${Object.keys(initialUrl!.errors).join(', ')}.` }] : []),
    ...(initialUrl!.threadsProblem ? [{ id: ++messageCounter, kind: 'warning' as const, text: initialUrl!.threadsProblem }] : []),
  ],
  display: { showTrain: true, showTest: true, colourBySplit: true, arrows: 'non-robust', showGridSplit: true, evalSet: 'test' },
  compose: { robustId: null, coreId: null },
  library: { models: [], runs: [], datasets: [] },
  imageConfig: defaultImageExperiment(),
  imageErrors: {},
  imageDataset: null,
  imageModels: {},
  activeImageModelId: null,
  imageAttacks: {},
  setImageField: (path, value) => {
    const imageConfig = setPath(get().imageConfig, path, value);
    set({ imageConfig, imageErrors: validateImageExperiment(imageConfig) });
  },
  setField: (path, value) => {
    const config = setPath(get().config, path, value);
    set({ config, fieldErrors: errorsFor(config) });
    writeUrl(config, get().view, get().requestedBackend);
  },
  setConfig: (config) => {
    set({ config, fieldErrors: errorsFor(config) });
    writeUrl(config, get().view, get().requestedBackend);
  },
  setView: (view) => {
    set({ view });
    writeUrl(get().config, view, get().requestedBackend);
  },
  setDisplay: (patch) => set({ display: { ...get().display, ...patch } }),
  // One notice at a time: a job's closing notice replaces the last one; errors stay (the last
  // three) until dismissed, so a failure is never pushed out by the notice that follows it.
  pushMessage: (kind, text) => {
    const kept = get().messages.filter((m) => m.kind === 'error' || kind === 'error');
    set({ messages: [...kept.slice(-2), { id: ++messageCounter, kind, text }] });
  },
  dismissMessage: (id) => set({ messages: get().messages.filter((m) => m.id !== id) }),
}));

export function datasetKey(data: Dataset2d['config']): string {
  return JSON.stringify(data);
}

/** True when none of the given field paths (or prefixes) has an error. */
export function fieldsValid(errors: FieldErrors, prefixes: string[]): boolean {
  return !Object.keys(errors).some((k) => prefixes.some((p) => k === p || k.startsWith(p + '.')));
}
