/** The page's actions: each sends one request to the compute worker and stores what comes back. */
import {
  type EvaluationConfig,
  type ExperimentConfig,
  type TrainingMethodName,
  ATTACK_LABELS,
  FIGURE1_PRESET,
  METHOD_LABELS,
  DATASET2D_INFO,
  validateExperiment,
} from '../../core/settings';
import type { EvalSet, ModelSummary, TrainOutcome, TrainUpdate } from '../../../workers/protocol';
import { proxy, worker } from '../workerClient';
import { datasetKey, fieldsValid, useStore } from './store';
import { jobWasCancelled, progressProxy, withJob, type ProgressCallback } from './jobs';
import { formatEpochDetail } from '../format';
import { recordRun } from './library';

const EVAL_FIELDS = ['evaluation'];

export async function initWorker(): Promise<void> {
  const { requestedBackend, pushMessage } = useStore.getState();
  try {
    const info = await worker().init(
      requestedBackend,
      proxy((e) => {
        useStore.setState({ deviceLost: e.message });
        pushMessage('error', `${e.message} Reload the page to start again on another backend.`);
      }),
    );
    useStore.setState({ backend: info });
    if (info.requestFailed) pushMessage('warning', `The requested backend could not be used (${info.requestFailed}); running on ${info.backend}.`);
    await refreshDataset();
  } catch (e) {
    useStore.setState({ backendError: e instanceof Error ? e.message : String(e) });
  }
}

/** Generates (once) the dataset of a data config, for the plots. */
export async function loadDataset(data: ExperimentConfig['data']): Promise<void> {
  const key = datasetKey(data);
  if (useStore.getState().datasets[key]) return;
  const dataset = await worker().makeDataset(data);
  useStore.setState({ datasets: { ...useStore.getState().datasets, [key]: dataset } });
}

/** Generates the dataset of the current settings when they are valid. */
export async function refreshDataset(): Promise<void> {
  const { config, fieldErrors } = useStore.getState();
  if (!fieldsValid(fieldErrors, ['data'])) return;
  await loadDataset(config.data);
}

export function modelIdFor(prefix: string, config: ExperimentConfig): string {
  return `${prefix}-${config.training.method}`;
}

function storeModel(summary: ModelSummary, outcome: TrainOutcome): void {
  const s = useStore.getState();
  useStore.setState({
    models: { ...s.models, [summary.id]: summary },
    histories: { ...s.histories, [summary.id]: summary.history },
    ...(outcome.grid ? { grids: { ...s.grids, [summary.id]: outcome.grid } } : {}),
  });
}

/**
 * Trains a model on `config` under `modelId`; streams curves and decision regions into the store.
 * Resolves with the stored model's summary (null if none was stored).
 */
export async function trainModel(modelId: string, name: string, config: ExperimentConfig, progress: ProgressCallback, jobId: string): Promise<ModelSummary | null> {
  const history: NonNullable<ModelSummary['history']> = [];
  let lastCurves = 0;
  let finished = false;
  clearViews(modelId, true);
  const onUpdate = (u: TrainUpdate) => {
    // Callbacks travel on their own channel: ignore any that arrive after the outcome.
    if (finished) return;
    const s = useStore.getState();
    if (u.kind === 'grid') {
      useStore.setState({ grids: { ...s.grids, [modelId]: u.grid } });
    } else if (u.kind === 'epoch') {
      history.push(u.stats);
      // Redraw the curves at most every 250 ms (short epochs would keep the page busy).
      if (Date.now() - lastCurves > 250 || u.epoch === u.epochs) {
        lastCurves = Date.now();
        useStore.setState({ histories: { ...s.histories, [modelId]: [...history] } });
      }
      progress(u.epoch / u.epochs, u.etaMs, formatEpochDetail(u));
    } else {
      progress(((u.epoch - 1) * u.batches + u.batch) / (u.epochs * u.batches), u.etaMs, formatEpochDetail(u));
    }
  };
  await loadDataset(config.data);
  const outcome = await worker()
    .train(jobId, modelId, name, config, proxy(onUpdate))
    .finally(() => {
      finished = true;
    });
  const { pushMessage } = useStore.getState();
  if (outcome.status === 'completed') pushMessage('info', `${name}: ${outcome.message}`);
  else if (outcome.status === 'cancelled') pushMessage('info', `${name}: ${outcome.message}`);
  else pushMessage('error', `${name}: ${outcome.message}`);
  if (outcome.model) {
    // No grid when nothing new was stored (cancelled before the first epoch): show the kept model's.
    const grid = outcome.grid ?? (await worker().predictGrid(modelId));
    storeModel(outcome.model, { ...outcome, grid });
  } else {
    clearViews(modelId, true);
  }
  return outcome.model;
}

/** Forgets the plots and metrics of a model id (its model is being replaced). */
function clearViews(modelId: string, includeCurves = false): void {
  const s = useStore.getState();
  const drop = <T,>(r: Record<string, T>) => Object.fromEntries(Object.entries(r).filter(([k]) => k !== modelId));
  useStore.setState({
    grids: drop(s.grids),
    evaluations: drop(s.evaluations),
    gridSplits: drop(s.gridSplits),
    ...(includeCurves ? { histories: drop(s.histories) } : {}),
    composition: s.composition && (s.composition.robustId === modelId || s.composition.coreId === modelId) ? null : s.composition,
  });
}

/** Train button of the playground. */
export async function trainPlayground(): Promise<void> {
  const { config, fieldErrors, pushMessage } = useStore.getState();
  if (Object.keys(fieldErrors).length) {
    pushMessage('error', 'Fix the highlighted settings before training.');
    return;
  }
  const modelId = modelIdFor('pg', config);
  const name = `${METHOD_LABELS[config.training.method].split(' (')[0]} · ${DATASET2D_INFO[config.data.kind].label.split(' (')[0]}`;
  useStore.setState({ activeModelId: modelId });
  const summary = await withJob('train', `Training ${name}`, (jobId, progress) => trainModel(modelId, name, config, progress, jobId));
  if (summary) await evaluateModel(modelId);
}

/** Runs the 4-way split of one model's evaluation set under the current attack settings. */
export async function evaluateModel(modelId: string, evaluation?: EvaluationConfig, set?: EvalSet): Promise<void> {
  const { config, fieldErrors, display, pushMessage, models } = useStore.getState();
  if (!evaluation && !fieldsValid(fieldErrors, EVAL_FIELDS)) {
    pushMessage('error', 'Fix the highlighted attack settings before evaluating.');
    return;
  }
  const name = models[modelId]?.name ?? modelId;
  const view = await withJob('eval', `Attacking ${name}`, (jobId, progress) =>
    worker().evaluate(jobId, modelId, evaluation ?? config.evaluation, set ?? display.evalSet, progressProxy(progress)),
  );
  if (view) {
    useStore.setState({ evaluations: { ...useStore.getState().evaluations, [modelId]: view } });
    const sp = view.split;
    const a = view.attack;
    await recordRun(
      `${name} · ${ATTACK_LABELS[a.kind]} ${a.norm} eps ${a.eps}`,
      { model: name, set: view.set, n: sp.n, naturalAccuracy: sp.naturalAccuracy, robustAccuracy: sp.robustAccuracy, robustInaccuracy: sp.robustInaccuracy },
      { model: models[modelId]?.config ?? null, attack: a, set: view.set, counts: sp.counts, fractions: sp.fractions, elapsedMs: view.elapsedMs },
    );
  }
}

/** 4-way split of the whole grid (against the generator's noise-free labels). */
export async function gridSplitModel(modelId: string): Promise<void> {
  const { config, fieldErrors, pushMessage, models } = useStore.getState();
  if (!fieldsValid(fieldErrors, EVAL_FIELDS)) {
    pushMessage('error', 'Fix the highlighted attack settings first.');
    return;
  }
  const name = models[modelId]?.name ?? modelId;
  const view = await withJob('grid', `Grid robustness of ${name}`, (jobId, progress) =>
    worker().gridSplit(jobId, modelId, config.evaluation, progressProxy(progress)),
  );
  if (view) {
    useStore.setState({ gridSplits: { ...useStore.getState().gridSplits, [modelId]: view } });
    useStore.getState().setDisplay({ showGridSplit: true });
  }
}

/** The robustness-indicator selector on the robust model, composed with the core model. */
export async function composeSelected(): Promise<void> {
  const { compose, config, fieldErrors, display, pushMessage } = useStore.getState();
  if (!compose.robustId || !compose.coreId) {
    pushMessage('error', 'Choose a robust model and a core model first.');
    return;
  }
  if (!fieldsValid(fieldErrors, EVAL_FIELDS)) {
    pushMessage('error', 'Fix the highlighted attack settings first.');
    return;
  }
  const { robustId, coreId } = compose;
  const view = await withJob('compose', 'Selector and composition', (jobId, progress) =>
    worker().compose(jobId, robustId, coreId, config.evaluation, display.evalSet, progressProxy(progress)),
  );
  if (view) useStore.setState({ composition: view });
}

export function forgetModel(modelId: string): void {
  void worker().deleteModel(modelId);
  clearViews(modelId, true);
  const s = useStore.getState();
  const models = { ...s.models };
  delete models[modelId];
  useStore.setState({ models, activeModelId: s.activeModelId === modelId ? null : s.activeModelId });
}

export interface PresetOverrides {
  size: number;
  epochs: number;
}

export function figure1ModelId(method: TrainingMethodName): string {
  return `fig1-${method}`;
}

/** Builds the config of one model of the Figure 1 preset, with the user's size and epochs. */
export function figure1Config(method: TrainingMethodName, o: PresetOverrides): ExperimentConfig {
  const c = structuredClone(FIGURE1_PRESET.config);
  c.data.size = o.size;
  c.training.epochs = o.epochs;
  c.training.method = method;
  return c;
}

/**
 * The "Robust inaccuracy — paper 001, Figure 1" preset: trains standard, TRADES and ERA models
 * one after the other, attacks each, then composes ERA (robust) with standard (core).
 */
export async function runFigure1(o: PresetOverrides): Promise<void> {
  const { pushMessage } = useStore.getState();
  const problems = validateExperiment(figure1Config('standard', o));
  if (Object.keys(problems).length) {
    pushMessage('error', `Preset settings: ${Object.entries(problems).map(([k, v]) => `${k} ${v}`).join('; ')}`);
    return;
  }
  const methods = FIGURE1_PRESET.methods;
  const done = await withJob('preset', FIGURE1_PRESET.label, async (jobId, progress) => {
    for (const [i, method] of methods.entries()) {
      const config = figure1Config(method, o);
      const name = `${METHOD_LABELS[method].split(' (')[0]} (Fig. 1)`;
      const stage: ProgressCallback = (f, _eta, detail) => progress((i + f) / methods.length, null, `${name}: ${detail ?? ''}`);
      const summary = await trainModel(figure1ModelId(method), name, config, stage, jobId);
      if (!summary || summary.epochsCompleted < config.training.epochs || jobWasCancelled(jobId)) return false;
    }
    return true;
  });
  if (!done) return;
  const evaluation = FIGURE1_PRESET.config.evaluation;
  for (const method of methods) await evaluateModel(figure1ModelId(method), evaluation, FIGURE1_PRESET.evalSet);
  useStore.setState({ compose: { robustId: figure1ModelId('era'), coreId: figure1ModelId('standard') } });
  const view = await withJob('compose', 'ERA selector composed with the standard model', (jobId, progress) =>
    worker().compose(jobId, figure1ModelId('era'), figure1ModelId('standard'), evaluation, FIGURE1_PRESET.evalSet, progressProxy(progress)),
  );
  if (view) useStore.setState({ composition: view });
}
