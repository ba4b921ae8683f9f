/**
 * The 2-D models and datasets the page knows, shared by every view that trains or draws a
 * playground model: generating a config's dataset, and training a model into the store with live
 * curves and decision regions.
 */
import type { ExperimentConfig } from '../../core/settings';
import type { ModelSummary, TrainOutcome, TrainUpdate } from '../../../workers/protocol';
import { proxy, worker } from '../workerClient';
import { datasetKey, fieldsValid, useStore } from './store';
import type { ProgressCallback } from './jobs';
import { formatEpochDetail } from '../ui/format';

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

/** The id of a model trained from `config` by a view (its prefix): one model per method, retrained in place. */
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
export function clearViews(modelId: string, includeCurves = false): void {
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
