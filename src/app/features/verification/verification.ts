/**
 * The page's Verification view (Baharlouei et al.): which model, the verification and PGD
 * settings, what the worker says about the chosen model (K, M, whether CROWN applies), and the
 * runs table that accumulates one row per model and eps (its IBP / CROWN verdicts and its PGD
 * table with the abstain success rule). A store of its own beside the main one.
 */
import { create } from 'zustand';
import { ABSTAIN_PRESET_EPS, ABSTAIN_VERIFY_DEFAULTS, type FieldRule, namedFieldProblems } from '../../../core/settings';
import type { AbstainPgdRequest, AbstainPgdView, VerifyBound, VerifyModelInfo, VerifyRequest, VerifyView } from '../../../../workers/protocol';
import { worker } from '../../workerClient';
import { type ProgressCallback, progressProxy, withJob } from '../../state/jobs';
import { kindOfKey, sourceOfKey } from '../../state/modelSource';
import { useStore } from '../../state/store';
import type { ModelKind } from '../../../../workers/protocol';

export type BoundChoice = 'ibp' | 'crown' | 'both';

export interface VerifySettings {
  eps: number;
  bound: BoundChoice;
  /** Mirror-ascent iterations over the simplex (Algorithm 1). */
  iterations: number;
  /** How many test inputs (the first ones). */
  count: number;
  /** PGD with the abstain success rule. */
  steps: number;
  restarts: number;
  seed: number;
}

export const VERIFY_SETTINGS_DEFAULTS: Record<ModelKind, VerifySettings> = {
  '2d': { eps: ABSTAIN_PRESET_EPS, bound: 'both', iterations: ABSTAIN_VERIFY_DEFAULTS.iterations, count: 1000, steps: 20, restarts: 1, seed: 0 },
  image: { eps: 2 / 255, bound: 'ibp', iterations: ABSTAIN_VERIFY_DEFAULTS.iterations, count: 200, steps: 20, restarts: 1, seed: 0 },
};

/** One row of the runs table: a model at one eps, with its verification and/or PGD results. */
export interface VerifyRow {
  key: string;
  sourceKey: string;
  modelName: string;
  /** The series of the trade-off plot (the model's name, or the sweep's "M = 1" / "M = 3 regularised"). */
  series: string;
  /** Extra words for hovers (e.g. the sweep's λ). */
  note: string;
  numClasses: number;
  abstainClasses: number;
  eps: number;
  verify?: VerifyView;
  pgd?: AbstainPgdView;
}

interface VerificationState {
  sourceKey: string | null;
  settings: Record<ModelKind, VerifySettings>;
  /** The worker's answer about the chosen model (for `infoKey`), or why it could not answer. */
  info: VerifyModelInfo | null;
  infoKey: string | null;
  infoError: string | null;
  rows: VerifyRow[];
  /** Row drawn on the eps-box plot, and which bound's verdicts colour the boxes. */
  focusKey: string | null;
  boxBound: VerifyBound;
  set: (kind: ModelKind, patch: Partial<VerifySettings>) => void;
}

export const useVerification = create<VerificationState>((setState) => ({
  sourceKey: null,
  settings: structuredClone(VERIFY_SETTINGS_DEFAULTS),
  info: null,
  infoKey: null,
  infoError: null,
  rows: [],
  focusKey: null,
  boxBound: 'ibp',
  set: (kind, patch) => setState((s) => ({ settings: { ...s.settings, [kind]: { ...s.settings[kind], ...patch } } })),
}));

const VERIFY_RULES: Record<string, FieldRule> = {
  eps: { type: 'num', min: 0, max: 100 },
  iterations: { type: 'int', min: 0, max: 1000 },
  count: { type: 'int', min: 1, max: 100000 },
  steps: { type: 'int', min: 1, max: 1000 },
  restarts: { type: 'int', min: 1, max: 100 },
  seed: { type: 'int', min: 0, max: 4294967295 },
};

/** The problem with each bad setting, by field (empty when all are usable): `steps must be between 1 and 1000 (got 0)`. */
export function verifyProblems(s: VerifySettings): Partial<Record<keyof VerifySettings, string>> {
  return namedFieldProblems(VERIFY_RULES, s, { count: 'test inputs' });
}

/** The bounds a choice runs on a model (CROWN only where it applies); a message when none can. */
export function boundsFor(choice: BoundChoice, info: VerifyModelInfo | null): { bounds: VerifyBound[]; problem: string | null } {
  const crownOk = !!info && info.crownProblem === null;
  if (choice === 'ibp') return { bounds: ['ibp'], problem: null };
  if (choice === 'both') return { bounds: crownOk ? ['ibp', 'crown'] : ['ibp'], problem: null };
  return crownOk ? { bounds: ['crown'], problem: null } : { bounds: [], problem: `CROWN cannot bound this model: ${info?.crownProblem ?? 'no model'}` };
}

/** Asks the worker about the chosen model (K, M, CROWN); keeps the answer for that key. */
export async function loadVerifyInfo(key: string | null): Promise<void> {
  const src = sourceOfKey(key);
  if (!src) return useVerification.setState({ info: null, infoKey: key, infoError: null });
  try {
    const info = await worker().verifyInfo(src.source);
    if (useVerification.getState().sourceKey === key) useVerification.setState({ info, infoKey: key, infoError: null });
  } catch (e) {
    if (useVerification.getState().sourceKey === key) useVerification.setState({ info: null, infoKey: key, infoError: e instanceof Error ? e.message : String(e) });
  }
}

/** Adds or replaces the row of (model, eps) with `patch`. */
export function recordRow(sourceKey: string, base: Omit<VerifyRow, 'key' | 'sourceKey' | 'verify' | 'pgd'>, patch: Pick<VerifyRow, 'verify'> | Pick<VerifyRow, 'pgd'>): void {
  const key = `${sourceKey}|${base.eps}`;
  useVerification.setState((s) => {
    const old = s.rows.find((r) => r.key === key);
    const row: VerifyRow = { ...old, ...base, key, sourceKey, ...patch };
    return { rows: old ? s.rows.map((r) => (r === old ? row : r)) : [...s.rows, row], ...('verify' in patch ? { focusKey: key } : {}) };
  });
}

/** The verification request of the settings (the bounds already resolved). */
export function verifyRequest(s: VerifySettings, bounds: VerifyBound[]): VerifyRequest {
  return { eps: s.eps, bounds, iterations: s.iterations, count: s.count };
}

export function pgdRequest(s: VerifySettings): AbstainPgdRequest {
  return { eps: s.eps, steps: s.steps, restarts: s.restarts, count: s.count, seed: s.seed };
}

/** Verifies model `sourceKey` inside job `jobId` and records the row. */
export async function verifyInJob(jobId: string, sourceKey: string, request: VerifyRequest, progress: ProgressCallback, series?: string, note = ''): Promise<VerifyView> {
  const src = sourceOfKey(sourceKey);
  if (!src) throw new Error('the chosen model is gone');
  const view = await worker().verifyModel(jobId, src.source, request, progressProxy(progress));
  recordRow(sourceKey, { modelName: view.modelName, series: series ?? view.modelName, note, numClasses: view.numClasses, abstainClasses: view.abstainClasses, eps: view.eps }, { verify: view });
  return view;
}

/** PGD with the abstain rule on model `sourceKey` inside job `jobId`; records the row. */
export async function pgdInJob(jobId: string, sourceKey: string, request: AbstainPgdRequest, progress: ProgressCallback, series?: string, note = ''): Promise<AbstainPgdView> {
  const src = sourceOfKey(sourceKey);
  if (!src) throw new Error('the chosen model is gone');
  const view = await worker().abstainPgdTable(jobId, src.source, request, progressProxy(progress));
  const old = useVerification.getState().rows.find((r) => r.key === `${sourceKey}|${view.eps}`);
  recordRow(sourceKey, { modelName: view.modelName, series: old?.series ?? series ?? view.modelName, note: old?.note ?? note, numClasses: view.numClasses, abstainClasses: view.numAbstain, eps: view.eps }, { pgd: view });
  return view;
}

/** What stops a job on the chosen model, or null: bad settings, no model, a model that does not fit. */
export function blockingProblem(which: 'verify' | 'pgd'): string | null {
  const { sourceKey, settings, info, infoKey, infoError } = useVerification.getState();
  const s = settings[kindOfKey(sourceKey)];
  const problems = Object.values(verifyProblems(s));
  if (problems.length) return problems.join('; ');
  if (!sourceOfKey(sourceKey)) return 'Choose a trained model first (train one in the Playground or the Images view).';
  if (infoError) return infoError;
  if (!info || infoKey !== sourceKey) return 'Reading the model…';
  if (info.problem) return info.problem;
  return which === 'verify' ? boundsFor(s.bound, info).problem : null;
}

export async function runVerify(): Promise<void> {
  const problem = blockingProblem('verify');
  if (problem) return useStore.getState().pushMessage('error', `Verification refused: ${problem}`);
  const { sourceKey, settings, info } = useVerification.getState();
  const s = settings[kindOfKey(sourceKey)];
  const { bounds } = boundsFor(s.bound, info);
  await withJob('verify', `Verifying ${info!.name} (eps ${s.eps}, ${bounds.join(' + ').toUpperCase()})`, (jobId, progress) => verifyInJob(jobId, sourceKey!, verifyRequest(s, bounds), progress));
}

export async function runAbstainPgd(): Promise<void> {
  const problem = blockingProblem('pgd');
  if (problem) return useStore.getState().pushMessage('error', `PGD refused: ${problem}`);
  const { sourceKey, settings, info } = useVerification.getState();
  const s = settings[kindOfKey(sourceKey)];
  await withJob('abstain-pgd', `PGD-${s.steps} with the abstain rule on ${info!.name} (eps ${s.eps})`, (jobId, progress) => pgdInJob(jobId, sourceKey!, pgdRequest(s), progress));
}
