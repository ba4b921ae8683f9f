/** The page's image workflow: import data, train, attack, export/import and save models and datasets. */
import { MAX_DATASET_BYTES, MAX_MODEL_PARAMS, MAX_TEXT_FILE_BYTES, METHOD_LABELS, fileTooLarge } from '../../../core/settings';
import type { ImageModelSummary, ImageTrainUpdate, LibraryItem } from '../../../../workers/protocol';
import { download } from '../../ui/download';
import { formatEpochDetail } from '../../ui/format';
import { proxy, transfer, worker } from '../../workerClient';
import { progressProxy, withJob } from '../../state/jobs';
import { recordRun, refreshLibrary } from '../../state/library';
import { useStore } from '../../state/store';

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

/** Reads dropped or picked files into the worker as one dataset. Too-large files are refused up front. */
export async function importImageFiles(files: File[]): Promise<void> {
  const { pushMessage } = useStore.getState();
  if (!files.length) return;
  const tooBig = files.find((f) => f.size > MAX_DATASET_BYTES);
  if (tooBig) {
    pushMessage('error', `${tooBig.name} is ${mb(tooBig.size)}; the browser workbench takes files up to ${mb(MAX_DATASET_BYTES)}. Nothing was loaded. Use a subset (e.g. one CIFAR batch).`);
    return;
  }
  const payload = await Promise.all(files.map(async (f) => ({ name: f.name, bytes: await f.arrayBuffer() })));
  const view = await withJob('import', `Importing ${files.map((f) => f.name).join(', ')}`, (jobId, progress) =>
    worker().importImageFiles(jobId, transfer(payload, payload.map((p) => p.bytes)), progressProxy(progress)),
  );
  if (view) useStore.setState({ imageDataset: view });
}

export async function loadBuiltinImages(): Promise<boolean> {
  const view = await withJob('import', 'Loading the Fashion-MNIST subset', (jobId, progress) => worker().loadBuiltinImages(jobId, progressProxy(progress)));
  if (view) useStore.setState({ imageDataset: view });
  return !!view;
}

/**
 * The Images view's start: the shipped Fashion-MNIST subset (when no dataset is loaded), a CNN
 * trained on it with the current settings, and that model attacked. Resolves true when all three ran.
 */
export async function runImagesStart(): Promise<boolean> {
  if (!useStore.getState().imageDataset && !(await loadBuiltinImages())) return false;
  const modelId = await trainImage();
  return modelId ? attackImage(modelId) : false;
}

function storeImageModel(summary: ImageModelSummary): void {
  const s = useStore.getState();
  useStore.setState({ imageModels: { ...s.imageModels, [summary.id]: summary }, activeImageModelId: summary.id });
}

/** The loaded dataset when an image job can start; else null, with a message saying why (no dataset, settings with errors). */
function startable() {
  const { imageErrors, imageDataset, pushMessage } = useStore.getState();
  const problem = !imageDataset ? 'Load a dataset first (drop files, or use the Fashion-MNIST subset).' : Object.keys(imageErrors).length ? 'Fix the highlighted settings first.' : null;
  if (problem) pushMessage('error', problem);
  return problem ? null : imageDataset;
}

/** Trains a CNN on the loaded images; resolves with the trained model's id (null when refused, cancelled or diverged). */
export async function trainImage(): Promise<string | null> {
  const imageDataset = startable();
  if (!imageDataset) return null;
  const { imageConfig, pushMessage } = useStore.getState();
  const c = imageConfig;
  const modelId = `img-${c.model.kind}-${c.training.method}`;
  const name = `${c.model.kind.toUpperCase()} · ${METHOD_LABELS[c.training.method].split(' (')[0]} · ${imageDataset.name.split(' (')[0]}`;
  const clear = { ...useStore.getState().imageAttacks };
  delete clear[modelId];
  useStore.setState({ imageAttacks: clear });
  const history: ImageModelSummary['history'] = [];
  const outcome = await withJob('train-image', `Training ${name}`, (jobId, progress) =>
    worker().trainImageModel(
      jobId,
      modelId,
      name,
      imageDataset.id,
      c,
      proxy((u: ImageTrainUpdate) => {
        if (u.kind === 'epoch') {
          history.push(u.stats);
          const s = useStore.getState();
          const current = s.imageModels[modelId];
          if (current) useStore.setState({ imageModels: { ...s.imageModels, [modelId]: { ...current, history: [...history] } } });
          progress(u.epoch / u.epochs, u.etaMs, formatEpochDetail(u));
        } else progress(((u.epoch - 1) * u.batches + u.batch) / (u.epochs * u.batches), u.etaMs, formatEpochDetail(u));
      }),
    ),
  );
  if (!outcome) return null;
  pushMessage(outcome.status === 'diverged' ? 'error' : 'info', `${name}: ${outcome.message}`);
  if (outcome.model) storeImageModel(outcome.model);
  return outcome.status === 'diverged' || !outcome.model ? null : outcome.model.id;
}

/** Attacks a trained image model on the test images; resolves true when the attack ran. */
export async function attackImage(modelId: string): Promise<boolean> {
  const imageDataset = startable();
  if (!imageDataset) return false;
  const { imageConfig, imageModels } = useStore.getState();
  const name = imageModels[modelId]?.name ?? modelId;
  const view = await withJob('attack-image', `Attacking ${name}`, (jobId, progress) => worker().attackImageModel(jobId, modelId, imageDataset.id, imageConfig, progressProxy(progress)));
  if (!view) return false;
  useStore.setState({ imageAttacks: { ...useStore.getState().imageAttacks, [modelId]: view } });
  const a = view.attack;
  await recordRun(
    `${name} · ${a.kind.toUpperCase()} ${a.norm} eps ${(a.eps * 255).toFixed(1)}/255`,
    { model: name, set: 'test', n: view.split.n, naturalAccuracy: view.split.naturalAccuracy, robustAccuracy: view.split.robustAccuracy, robustInaccuracy: view.split.robustInaccuracy },
    { attack: a, dataset: imageDataset.name, counts: view.split.counts, fractions: view.split.fractions, elapsedMs: view.elapsedMs },
  );
  return true;
}

/** Downloads model.json and weights.bin (the tfjs LayersModel format). */
export async function exportImageModel(modelId: string): Promise<void> {
  try {
    const { modelJson, weights } = await worker().exportImageModel(modelId);
    download('model.json', JSON.stringify(modelJson), 'application/json');
    download('weights.bin', weights, 'application/octet-stream');
  } catch (e) {
    useStore.getState().pushMessage('error', `Export failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Loads a model.json + weights.bin pair chosen by the user. */
export async function importImageModelFiles(files: File[]): Promise<void> {
  const { imageDataset, pushMessage } = useStore.getState();
  if (!imageDataset) return pushMessage('error', 'Load the dataset the model was trained for first, so that its shape can be checked.');
  const json = files.find((f) => /\.json$/i.test(f.name));
  const bin = files.find((f) => /\.bin$/i.test(f.name));
  if (!json || !bin || files.length !== 2) return pushMessage('error', 'Choose two files: model.json and its weights file (.bin). Nothing was loaded.');
  // Float32 weights: 4 bytes a parameter (model.json's manifest is checked against the limit too).
  const tooLarge = json.size > MAX_TEXT_FILE_BYTES ? fileTooLarge(json.name, json.size, MAX_TEXT_FILE_BYTES, 'model.json files') : bin.size > 4 * MAX_MODEL_PARAMS ? fileTooLarge(bin.name, bin.size, 4 * MAX_MODEL_PARAMS, 'weight files') : null;
  if (tooLarge) return pushMessage('error', `${tooLarge} Nothing was loaded.`);
  let modelJson: unknown;
  try {
    modelJson = JSON.parse(await json.text());
  } catch (e) {
    return pushMessage('error', `${json.name} is not valid JSON (${e instanceof Error ? e.message : String(e)}). Nothing was loaded.`);
  }
  try {
    const weights = await bin.arrayBuffer();
    const summary = await worker().importImageModel(`imported-${Date.now().toString(36)}`, json.name.replace(/\.json$/i, ''), modelJson, transfer(weights, [weights]), imageDataset.id);
    storeImageModel(summary);
    pushMessage('info', `Imported ${summary.name}: ${summary.inputShape.join('×')} inputs, ${summary.numClasses} outputs.`);
  } catch (e) {
    pushMessage('error', `Could not import the model: ${e instanceof Error ? e.message : String(e)} Nothing was loaded.`);
  }
}

async function attempt<T>(what: string, fn: () => Promise<T>): Promise<T | null> {
  try {
    return await fn();
  } catch (e) {
    useStore.getState().pushMessage('error', `${what}: ${e instanceof Error ? e.message : String(e)}`);
    return null;
  }
}

export async function saveImageModelToLibrary(modelId: string): Promise<void> {
  const m = useStore.getState().imageModels[modelId];
  if (!m) return;
  const item = await attempt(`Saving "${m.name}"`, () => worker().saveImageModel(modelId, `${m.name} · ${new Date().toLocaleString()}`));
  if (item) useStore.getState().pushMessage('info', `Saved "${item.name}" in this browser.`);
  await refreshLibrary();
}

export async function saveImageDatasetToLibrary(): Promise<void> {
  const d = useStore.getState().imageDataset;
  if (!d) return;
  const item = await attempt(`Saving "${d.name}"`, () => worker().saveImageDataset(d.id, d.name));
  if (item) useStore.getState().pushMessage('info', `Saved the dataset "${item.name}" in this browser.`);
  await refreshLibrary();
}

export async function loadImageDatasetFromLibrary(item: LibraryItem): Promise<void> {
  const view = await attempt(`Loading "${item.name}"`, () => worker().loadSavedImageDataset(item.id));
  if (view) useStore.setState({ imageDataset: view, view: 'images' });
}

export async function loadImageModelFromLibrary(item: LibraryItem): Promise<void> {
  const summary = await attempt(`Loading "${item.name}"`, () => worker().loadSavedImageModel(item.id, `lib-${item.id}`));
  if (summary) {
    storeImageModel(summary);
    useStore.getState().setView('images');
  }
}
