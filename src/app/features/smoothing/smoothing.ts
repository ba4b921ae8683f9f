/**
 * The page's randomized smoothing (Cohen et al.): settings, certification runs (made here or imported
 * from a log certified elsewhere), and the smoothed decision regions of 2-D models. A store of its
 * own, beside the main one; the worker does the sampling.
 */
import { create } from 'zustand';
import { type CertificationRow, MAX_TEXT_FILE_BYTES, SMOOTHING_DEFAULTS, fileTooLarge, averageCertifiedRadius, type SmoothingOptions, formatCertificationLog, parseCertificationLog, smoothingFieldProblems, type FieldRule, namedFieldProblems } from '../../../core/settings';
import type { CertifyOutcome, ModelSource, SmoothedGridView } from '../../../../workers/protocol';
import { download } from '../../ui/download';
import { proxy, worker } from '../../workerClient';
import { type ProgressCallback, progressProxy, withJob } from '../../state/jobs';
import { useStore } from '../../state/store';
import { recordRun } from '../../state/library';
import { sourceOfKey } from '../../state/modelSource';
import type { LibraryItem } from '../../../../workers/protocol';

export interface CertRun {
  id: string;
  name: string;
  mode: 'certify' | 'predict';
  /** Where it came from: a model of this page, or a log file. */
  origin: 'here' | 'imported';
  sigma: number | null;
  options: SmoothingOptions | null;
  /** For runs made here: which model, so the 2-D plot can draw the radii around its points. */
  source: ModelSource | null;
  rows: CertificationRow[];
  status: 'running' | 'done' | 'cancelled' | 'imported';
  backend?: string;
  noise?: 'device' | 'wasm' | 'javascript';
  drawsPerSecond?: number;
  elapsedMs?: number;
  /** Inputs planned (for runs made here). */
  planned?: number;
  /** Sheikholeslami et al.: certified with sample rejection (rows carry countTop / countRejected). */
  rejection?: { threshold: number; splitAlpha: boolean };
}

export interface SmoothingSettings extends SmoothingOptions {
  /** How many test inputs to certify (every skip-th). */
  max: number;
  skip: number;
  /** Samples per grid cell and grid resolution for the smoothed decision regions. */
  gridN: number;
  gridResolution: number;
  /** Merkli et al.'s selector: select iff the certified radius ≥ eps. */
  selectionEps: number;
}

export const SMOOTHING_SETTINGS_DEFAULTS: SmoothingSettings = {
  ...SMOOTHING_DEFAULTS,
  // Certifying 100,000 draws per input is the papers' setting; 10,000 keeps the page quick.
  n: 10_000,
  max: 100,
  skip: 1,
  gridN: 500,
  gridResolution: 60,
  selectionEps: 0.25,
};

/** The page's own settings besides the smoothing options. */
const PAGE_RULES: Record<string, FieldRule> = {
  max: { type: 'int', min: 1, max: 1_000_000 },
  skip: { type: 'int', min: 1, max: 1_000_000 },
  gridN: { type: 'int', min: 1, max: 1e9 },
  gridResolution: { type: 'int', min: 2, max: 400 },
  selectionEps: { type: 'num', min: 0, max: 1e4 },
};
const PAGE_NAMES = { max: 'inputs', gridN: 'grid samples', gridResolution: 'grid resolution', selectionEps: 'eps' };

/** The problem with each bad setting (absent when the setting is usable). */
export function settingProblems(s: SmoothingSettings): Partial<Record<keyof SmoothingSettings, string>> {
  return { ...smoothingFieldProblems(s), ...namedFieldProblems(PAGE_RULES, s, PAGE_NAMES) };
}

/** One message per problem with the settings (empty when they are usable). */
export function settingsProblems(s: SmoothingSettings): string[] {
  return Object.values(settingProblems(s));
}

interface SmoothingState {
  settings: SmoothingSettings;
  /** The chosen model: '2d:<id>' or 'image:<id>'. */
  sourceKey: string | null;
  runs: CertRun[];
  grids: Record<string, SmoothedGridView>;
  set: (patch: Partial<SmoothingSettings>) => void;
}

export const useSmoothing = create<SmoothingState>((setState) => ({
  settings: SMOOTHING_SETTINGS_DEFAULTS,
  sourceKey: null,
  runs: [],
  grids: {},
  set: (patch) => setState((s) => ({ settings: { ...s.settings, ...patch } })),
}));

let runCounter = 0;

export const nextRunId = () => `run-${++runCounter}`;

export function updateRun(id: string, patch: Partial<CertRun> | ((r: CertRun) => Partial<CertRun>)): void {
  useSmoothing.setState((s) => ({ runs: s.runs.map((r) => (r.id === id ? { ...r, ...(typeof patch === 'function' ? patch(r) : patch) } : r)) }));
}

/** The certification options of the settings. */
export function certifyOptionsOf(settings: SmoothingSettings): SmoothingOptions {
  return { sigma: settings.sigma, n0: settings.n0, n: settings.n, alpha: settings.alpha, batchSize: settings.batchSize, seed: settings.seed };
}

/** CERTIFY or PREDICT on the chosen model's test inputs; the run's curve grows input by input. */
export async function runCertification(mode: 'certify' | 'predict'): Promise<void> {
  const { settings, sourceKey } = useSmoothing.getState();
  const { pushMessage } = useStore.getState();
  const problems = settingsProblems(settings);
  const src = sourceOfKey(sourceKey);
  if (problems.length) return pushMessage('error', `Smoothing settings refused: ${problems.join('; ')}.`);
  if (!src) return pushMessage('error', 'Choose a trained model to smooth first (train one in the Playground or the Images view).');
  const options = certifyOptionsOf(settings);
  const run: CertRun = { id: nextRunId(), name: `${src.name} · σ=${settings.sigma} · ${mode}`, mode, origin: 'here', sigma: settings.sigma, options, source: src.source, rows: [], status: 'running', planned: settings.max };
  const request = { mode, options, skip: settings.skip, max: settings.max };
  await streamRun(run, mode, `${mode === 'certify' ? 'Certifying' : 'Predicting'} ${src.name} (σ = ${settings.sigma})`, (jobId, onRow, progress) =>
    worker().certifySet(jobId, src.source, request, proxy(onRow), progressProxy(progress)),
  );
}

/**
 * Adds `run` (status 'running') and runs `certify` as a job: the rows it streams fill the run
 * input by input, and its outcome settles the run (a cancelled run keeps the finished inputs).
 */
export async function streamRun(
  run: CertRun,
  kind: string,
  label: string,
  certify: (jobId: string, onRow: (row: CertificationRow) => void, progress: ProgressCallback) => Promise<CertifyOutcome>,
): Promise<void> {
  const { id } = run;
  useSmoothing.setState((s) => ({ runs: [...s.runs, run] }));
  // Rows travel on their own channel and may arrive after the outcome: ignore those (and repeats).
  let finished = false;
  const onRow = (row: CertificationRow) => {
    if (!finished) updateRun(id, (r) => (r.rows.some((x) => x.idx === row.idx) ? {} : { rows: [...r.rows, row] }));
  };
  const outcome = await withJob(kind, label, (jobId, progress) => certify(jobId, onRow, progress));
  finished = true;
  if (!outcome) {
    // Failed (a message says why) or cancelled before any input finished: keep what arrived.
    updateRun(id, { status: 'cancelled' });
    return;
  }
  updateRun(id, { rows: outcome.rows, status: outcome.cancelled ? 'cancelled' : 'done', backend: outcome.backend, noise: outcome.noise, drawsPerSecond: outcome.drawsPerSecond, elapsedMs: outcome.elapsedMs });
  if (outcome.cancelled) useStore.getState().pushMessage('info', `Certification cancelled: the ${outcome.rows.length} inputs finished before the cancel are kept.`);
  const settled = useSmoothing.getState().runs.find((r) => r.id === id);
  if (settled && settled.rows.length) await recordCertification(settled);
}

/** What the library lists for a certification run (its rows travel as the reference log text). */
export interface CertificationRecord {
  kind: 'certification';
  mode: 'certify' | 'predict';
  log: string;
  options: SmoothingOptions | null;
}

/** Keeps a finished (or cancelled) run in the browser's library, next to the attack runs. */
async function recordCertification(run: CertRun): Promise<void> {
  const certify = run.mode === 'certify';
  const info = {
    kind: 'certification',
    mode: run.mode,
    sigma: run.sigma,
    inputs: run.rows.length,
    accuracy: run.rows.filter((r) => r.correct === 1).length / run.rows.length,
    abstained: run.rows.filter((r) => r.predict < 0).length / run.rows.length,
    acr: certify ? averageCertifiedRadius(run.rows) : null,
  };
  const record: CertificationRecord = { kind: 'certification', mode: run.mode, log: formatCertificationLog(run.rows, run.mode), options: run.options };
  await recordRun(run.name, info, record);
}

/** Puts a certification run kept in the library back on the plot. */
export async function loadCertificationRun(item: LibraryItem): Promise<void> {
  const { pushMessage } = useStore.getState();
  try {
    const record = (await worker().runRecord(item.id)) as CertificationRecord;
    const parsed = parseCertificationLog(record.log);
    const run: CertRun = { id: nextRunId(), name: item.name, mode: parsed.kind, origin: 'imported', sigma: record.options?.sigma ?? null, options: record.options, source: null, rows: parsed.rows, status: 'imported' };
    useSmoothing.setState((s) => ({ runs: [...s.runs, run] }));
    useStore.getState().setView('smoothing');
  } catch (e) {
    pushMessage('error', `Could not load "${item.name}": ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The smoothed classifier's decision regions on the 2-D grid (PREDICT per cell, abstain grey). */
export async function runSmoothedGrid(): Promise<void> {
  const { settings, sourceKey } = useSmoothing.getState();
  const { pushMessage } = useStore.getState();
  const src = sourceOfKey(sourceKey);
  const problems = settingsProblems(settings);
  if (problems.length) return pushMessage('error', `Smoothing settings refused: ${problems.join('; ')}.`);
  if (!src || src.source.kind !== '2d') return pushMessage('error', 'Smoothed decision regions need a 2-D playground model.');
  const modelId = src.source.modelId;
  const options: SmoothingOptions = { sigma: settings.sigma, n0: settings.n0, n: settings.gridN, alpha: settings.alpha, batchSize: Math.max(settings.batchSize, settings.gridN), seed: settings.seed };
  const view = await withJob('smoothed-grid', `Smoothed regions of ${src.name}`, (jobId, progress) => worker().smoothedGrid(jobId, modelId, options, settings.gridResolution, progressProxy(progress)));
  if (view) useSmoothing.setState((s) => ({ grids: { ...s.grids, [modelId]: view } }));
}

/** Reads a log in the reference code's format and adds it as a run. Malformed logs change nothing. */
export async function importLog(file: File): Promise<void> {
  const { pushMessage } = useStore.getState();
  if (file.size > MAX_TEXT_FILE_BYTES) return pushMessage('error', `${fileTooLarge(file.name, file.size, MAX_TEXT_FILE_BYTES, 'certification logs')} Nothing was imported.`);
  try {
    const parsed = parseCertificationLog(await file.text());
    const sigmaMatch = /(?:sigma|noise)[_-]?([0-9.]+)/i.exec(file.name);
    const run: CertRun = {
      id: nextRunId(),
      name: file.name,
      mode: parsed.kind,
      origin: 'imported',
      sigma: sigmaMatch ? Number(sigmaMatch[1]) : null,
      options: null,
      source: null,
      rows: parsed.rows,
      status: 'imported',
    };
    useSmoothing.setState((s) => ({ runs: [...s.runs, run] }));
    pushMessage('info', `Imported ${parsed.rows.length} inputs from ${file.name}.`);
  } catch (e) {
    pushMessage('error', `${file.name} is not a certification log: ${e instanceof Error ? e.message : String(e)} Nothing was imported.`);
  }
}

export function exportLog(run: CertRun): void {
  const safe = run.name.replace(/[^A-Za-z0-9._=-]+/g, '_');
  download(`${safe}.tsv`, formatCertificationLog(run.rows, run.mode), 'text/tab-separated-values');
}

export function removeRun(id: string): void {
  useSmoothing.setState((s) => ({ runs: s.runs.filter((r) => r.id !== id) }));
}
