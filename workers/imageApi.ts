/**
 * The worker's image workflow: import dataset files (CIFAR binary, IDX, .gz) or the shipped
 * Fashion-MNIST subset, train a CNN or MLP on them, attack test images, export and import
 * models in the tfjs format, and keep datasets and image models in the library.
 */
import {
  type ImageDataset,
  type ImageExperimentConfig,
  type ParsedDatasetFile,
  assembleImageDataset,
  attackImages,
  buildImageModel,
  checkpoint,
  modelFromArtifacts,
  modelToArtifacts,
  parseDatasetFileAsync,
  selectRecords,
  summarizeImages,
  trainImageModel,
  validateImageExperiment,
  DATASET_FORMAT_LABELS,
} from '../src/core/index';
import { getImageDataset, getImageModel, hasImageModel, putImageDataset, putImageModel, type StoredImageDataset } from './imageStore';
import { runJob, stagedProgress } from './jobs';
import type { ImageAttackView, ImageDatasetView, ImageModelSummary, ImageTrainUpdate, ProgressFn } from './protocol';
import { type LibraryItem, getPayload, listItems, newItemId, putItem } from './storage';

/** The files of the shipped subset, relative to the site root. */
const BUILTIN_FILES = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'].map(
  (f) => `data/fashion-mnist-subset/${f}`,
);

let datasetCounter = 0;

function classNamesOf(ds: ImageDataset): string[] {
  return ds.classNames && ds.classNames.length >= ds.numClasses ? ds.classNames.slice(0, ds.numClasses) : Array.from({ length: ds.numClasses }, (_, i) => `class ${i}`);
}

function viewOf(d: StoredImageDataset, files: ImageDatasetView['files']): ImageDatasetView {
  const count = Math.min(40, d.train.labels.length);
  const size = d.train.shape[0] * d.train.shape[1] * d.train.shape[2];
  const pixels = new Uint8Array(count * size);
  for (let i = 0; i < count * size; i++) pixels[i] = Math.round(d.train.images[i] * 255);
  return {
    id: d.id,
    name: d.name,
    shape: d.train.shape,
    numClasses: d.train.numClasses,
    classNames: classNamesOf(d.train),
    train: summarizeImages(d.train),
    test: summarizeImages(d.test),
    testSource: d.testSource,
    thumbnails: { pixels, labels: Array.from(d.train.labels.subarray(0, count)), count },
    files,
  };
}

async function importFiles(jobId: string, files: Array<{ name: string; bytes: ArrayBuffer }>, name: string, onProgress: ProgressFn): Promise<ImageDatasetView> {
  return runJob(jobId, async (signal) => {
    const stage = stagedProgress(onProgress, files.map((f) => f.bytes.byteLength + 1));
    const parsed: ParsedDatasetFile[] = [];
    for (const [i, f] of files.entries()) {
      await checkpoint(signal);
      parsed.push(await parseDatasetFileAsync(f.name, f.bytes, { signal, onProgress: stage(i) }));
    }
    const assembled = assembleImageDataset(parsed);
    const d: StoredImageDataset = { id: `images-${++datasetCounter}`, name, ...assembled };
    putImageDataset(d);
    const records = (p: (typeof parsed)[number]) => (p.kind === 'dataset' ? p.dataset.labels.length : p.kind === 'images' ? p.images.count : p.labels.count);
    return viewOf(
      d,
      parsed.map((p) => ({ name: p.name, format: DATASET_FORMAT_LABELS[p.format], records: records(p), gzipped: p.gzipped })),
    );
  });
}

function assertValid(config: ImageExperimentConfig): void {
  const errors = validateImageExperiment(config);
  const keys = Object.keys(errors);
  if (keys.length) throw new Error(`Invalid settings: ${keys.map((k) => `${k} ${errors[k]}`).join('; ')}`);
}

/** Pixels as bytes when they are exactly k/255 (every 8-bit source), else as floats. */
function packPixels(images: Float32Array): Uint8Array | Float32Array {
  const bytes = new Uint8Array(images.length);
  for (let i = 0; i < images.length; i++) {
    const v = images[i] * 255;
    const r = Math.round(v);
    if (Math.abs(v - r) > 1e-3) return images;
    bytes[i] = r;
  }
  return bytes;
}

function unpackPixels(p: Uint8Array | Float32Array): Float32Array {
  if (p instanceof Float32Array) return p;
  const out = new Float32Array(p.length);
  for (let i = 0; i < p.length; i++) out[i] = p[i] / 255;
  return out;
}

interface DatasetPayload {
  name: string;
  testSource: 'file' | 'held out';
  parts: Record<'train' | 'test', { images: Uint8Array | Float32Array; labels: Int32Array; shape: ImageDataset['shape']; numClasses: number; classNames?: string[]; source: string }>;
}

interface ImageModelPayload {
  modelJson: unknown;
  weights: ArrayBuffer;
  summary: ImageModelSummary;
}

export const imageApi = {
  importImageFiles: (jobId: string, files: Array<{ name: string; bytes: ArrayBuffer }>, onProgress: ProgressFn) =>
    importFiles(jobId, files, files.map((f) => f.name.replace(/\.(gz|bin)$/i, '')).join(', '), onProgress),

  async loadBuiltinImages(jobId: string, onProgress: ProgressFn): Promise<ImageDatasetView> {
    const files = await Promise.all(
      BUILTIN_FILES.map(async (path) => {
        const res = await fetch(new URL(path, self.location.origin + '/'));
        if (!res.ok) throw new Error(`Could not load the shipped Fashion-MNIST subset (${path}: HTTP ${res.status}).`);
        return { name: path, bytes: await res.arrayBuffer() };
      }),
    );
    return importFiles(jobId, files, 'Fashion-MNIST subset (2,000 train / 500 test)', onProgress);
  },

  async trainImageModel(jobId: string, modelId: string, name: string, datasetId: string, config: ImageExperimentConfig, onUpdate: (u: ImageTrainUpdate) => void) {
    assertValid(config);
    const d = getImageDataset(datasetId);
    return runJob(jobId, async (signal) => {
      const train = selectRecords(d.train, config.data.trainLimit, config);
      const test = selectRecords(d.test, config.data.testLimit, config);
      const model = buildImageModel(config, train);
      const summary: ImageModelSummary = {
        id: modelId,
        name,
        source: 'trained',
        method: config.training.method,
        config,
        datasetName: d.name,
        inputShape: [...train.shape],
        numClasses: train.numClasses,
        classNames: classNamesOf(train),
        epochsCompleted: 0,
        history: [],
      };
      let committed = false;
      try {
        const { result } = await trainImageModel(
          config,
          train,
          test,
          (p) => {
            if (p.kind === 'epoch') {
              summary.history = [...summary.history, p.stats];
              summary.epochsCompleted = p.epoch;
              putImageModel(model, { ...summary });
              committed = true;
            }
            onUpdate(p);
          },
          signal,
          model,
        );
        if (!committed) {
          model.dispose();
          return { status: result.status, message: result.message, model: hasImageModel(modelId) ? getImageModel(modelId).summary : null };
        }
        summary.history = result.history;
        summary.epochsCompleted = result.epochsCompleted;
        putImageModel(model, { ...summary });
        return { status: result.status, message: result.message, model: { ...summary } };
      } catch (e) {
        if (!committed) model.dispose();
        throw e;
      }
    });
  },

  async attackImageModel(jobId: string, modelId: string, datasetId: string, config: ImageExperimentConfig, onProgress: ProgressFn): Promise<ImageAttackView> {
    assertValid(config);
    const { model, summary } = getImageModel(modelId);
    const d = getImageDataset(datasetId);
    if (summary.inputShape.join() !== d.test.shape.join()) {
      throw new Error(`The model takes ${summary.inputShape.join('×')} images but this dataset has ${d.test.shape.join('×')}.`);
    }
    if (summary.numClasses < d.test.numClasses) throw new Error(`The model predicts ${summary.numClasses} classes but the dataset has labels up to ${d.test.numClasses - 1}.`);
    return runJob(jobId, async (signal) => {
      const t0 = Date.now();
      const r = await attackImages(model, d.test, config, { signal, onProgress: stagedProgress(onProgress, [1])(0) });
      return { modelId, attack: { ...config.evaluation.attack, seed: (config.seed + 7919) >>> 0 }, split: r.split, examples: r.examples, shape: d.test.shape, elapsedMs: Date.now() - t0 };
    });
  },

  async exportImageModel(modelId: string) {
    const { model, summary } = getImageModel(modelId);
    return modelToArtifacts(model, { workbench: { imageSummary: summary } });
  },

  /** Loads a model.json + weights.bin pair (tfjs LayersModel format), e.g. made with Keras and tfjs-converter. */
  async importImageModel(modelId: string, name: string, modelJson: unknown, weights: ArrayBuffer, datasetId: string): Promise<ImageModelSummary> {
    const d = getImageDataset(datasetId);
    const model = await modelFromArtifacts(modelJson, weights);
    const inShape = model.inputs[0].shape.slice(1) as number[];
    const outShape = model.outputs[0].shape;
    if (inShape.join() !== d.train.shape.join()) {
      model.dispose();
      throw new Error(`${name} takes inputs of shape ${inShape.join('×')}, but ${d.name} has ${d.train.shape.join('×')} images.`);
    }
    const numClasses = outShape[outShape.length - 1] ?? 0;
    if (outShape.length !== 2 || numClasses < d.train.numClasses) {
      model.dispose();
      throw new Error(`${name} outputs ${outShape.slice(1).join('×')} values per input; ${d.name} needs ${d.train.numClasses} class scores (logits).`);
    }
    const summary: ImageModelSummary = {
      id: modelId,
      name,
      source: 'imported',
      method: null,
      config: null,
      datasetName: d.name,
      inputShape: inShape,
      numClasses,
      classNames: classNamesOf(d.train),
      epochsCompleted: 0,
      history: [],
    };
    putImageModel(model, summary);
    return summary;
  },

  async saveImageDataset(datasetId: string, name: string): Promise<LibraryItem> {
    const d = getImageDataset(datasetId);
    const part = (ds: ImageDataset) => ({ images: packPixels(ds.images), labels: ds.labels, shape: ds.shape, numClasses: ds.numClasses, classNames: ds.classNames, source: ds.source });
    const payload: DatasetPayload = { name: d.name, testSource: d.testSource, parts: { train: part(d.train), test: part(d.test) } };
    const bytes = payload.parts.train.images.byteLength + payload.parts.test.images.byteLength;
    const item: LibraryItem = { id: newItemId(), name: name.trim() || d.name, createdAt: Date.now(), bytes, info: { kind: 'image-dataset', shape: d.train.shape.join('×'), train: d.train.labels.length, test: d.test.labels.length, classes: d.train.numClasses } };
    return putItem('datasets', item, payload);
  },

  async loadSavedImageDataset(storedId: string): Promise<ImageDatasetView> {
    const p = await getPayload<DatasetPayload>('datasets', storedId);
    const item = (await listItems('datasets')).find((i) => i.id === storedId);
    const part = (q: DatasetPayload['parts']['train']): ImageDataset => ({ ...q, images: unpackPixels(q.images) });
    const d: StoredImageDataset = { id: `images-${++datasetCounter}`, name: item?.name ?? p.name, train: part(p.parts.train), test: part(p.parts.test), testSource: p.testSource };
    putImageDataset(d);
    return viewOf(d, []);
  },

  async saveImageModel(modelId: string, name: string): Promise<LibraryItem> {
    const { model, summary } = getImageModel(modelId);
    const { modelJson, weights } = await modelToArtifacts(model, { workbench: { imageSummary: summary } });
    const item: LibraryItem = {
      id: newItemId(),
      name: name.trim() || summary.name,
      createdAt: Date.now(),
      bytes: weights.byteLength + JSON.stringify(modelJson).length,
      info: { kind: 'image', method: summary.method ?? 'imported', data: summary.datasetName, epochs: summary.epochsCompleted, numClasses: summary.numClasses },
    };
    return putItem('models', item, { modelJson, weights, summary } satisfies ImageModelPayload);
  },

  async loadSavedImageModel(storedId: string, asModelId: string): Promise<ImageModelSummary> {
    const payload = await getPayload<ImageModelPayload>('models', storedId);
    const item = (await listItems('models')).find((i) => i.id === storedId);
    const model = await modelFromArtifacts(payload.modelJson, payload.weights);
    const summary: ImageModelSummary = { ...payload.summary, id: asModelId, name: item?.name ?? payload.summary.name };
    putImageModel(model, summary);
    return summary;
  },
};

