/**
 * The worker's image workflow: import dataset files (CIFAR binary, IDX, .gz) or the shipped
 * Fashion-MNIST subset, train a CNN or MLP on them, attack test images, and export and import
 * models in the tfjs format. Saving datasets and models in the library is in libraryApi.ts.
 */
import {
  type ParsedDatasetFile,
  assembleImageDataset,
  attackImages,
  buildImageModel,
  checkpoint,
  modelFromArtifacts,
  modelToArtifacts,
  parseDatasetFileAsync,
  selectRecords,
  trainImageModel,
  validateImageExperiment,
  DATASET_FORMAT_LABELS,
} from '../src/core/index';
import { classNamesOf, getImageDataset, newDatasetId, putImageDataset, type StoredImageDataset, viewOf } from './imageDatasets';
import { imageModels } from './modelStore';
import { runJob, stagedProgress } from './jobs';
import { assertNoErrors, trainIntoStore } from './training';
import type { ProgressFn } from './protocol/common';
import type { ImageAttackView, ImageDatasetView, ImageModelSummary, ImagesWorkerApi } from './protocol/images';

/** The files of the shipped subset, relative to the site root. */
const BUILTIN_FILES = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'].map(
  (f) => `data/fashion-mnist-subset/${f}`,
);

async function importFiles(jobId: string, files: Array<{ name: string; bytes: ArrayBuffer }>, name: string, onProgress: ProgressFn): Promise<ImageDatasetView> {
  return runJob(jobId, async (signal) => {
    const stage = stagedProgress(onProgress, files.map((f) => f.bytes.byteLength + 1));
    const parsed: ParsedDatasetFile[] = [];
    for (const [i, f] of files.entries()) {
      await checkpoint(signal);
      parsed.push(await parseDatasetFileAsync(f.name, f.bytes, { signal, onProgress: stage(i) }));
    }
    const assembled = assembleImageDataset(parsed);
    const d: StoredImageDataset = { id: newDatasetId(), name, ...assembled };
    putImageDataset(d);
    const records = (p: (typeof parsed)[number]) => (p.kind === 'dataset' ? p.dataset.labels.length : p.kind === 'images' ? p.images.count : p.labels.count);
    return viewOf(
      d,
      parsed.map((p) => ({ name: p.name, format: DATASET_FORMAT_LABELS[p.format], records: records(p), gzipped: p.gzipped })),
    );
  });
}

export const imageApi: ImagesWorkerApi = {
  importImageFiles: (jobId, files, onProgress) => importFiles(jobId, files, files.map((f) => f.name.replace(/\.(gz|bin)$/i, '')).join(', '), onProgress),

  async loadBuiltinImages(jobId, onProgress) {
    const files = await Promise.all(
      BUILTIN_FILES.map(async (path) => {
        const res = await fetch(new URL(path, self.location.origin + '/'));
        if (!res.ok) throw new Error(`Could not load the shipped Fashion-MNIST subset (${path}: HTTP ${res.status}).`);
        return { name: path, bytes: await res.arrayBuffer() };
      }),
    );
    return importFiles(jobId, files, 'Fashion-MNIST subset (2,000 train / 500 test)', onProgress);
  },

  async trainImageModel(jobId, modelId, name, datasetId, config, onUpdate) {
    assertNoErrors(validateImageExperiment(config));
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
      const outcome = await trainIntoStore(imageModels, model, summary, onUpdate, (progress) => trainImageModel(config, train, test, progress, signal, model));
      return { status: outcome.status, message: outcome.message, model: outcome.model };
    });
  },

  async attackImageModel(jobId, modelId, datasetId, config, onProgress): Promise<ImageAttackView> {
    assertNoErrors(validateImageExperiment(config));
    const { model, summary } = imageModels.get(modelId);
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

  async exportImageModel(modelId) {
    const { model, summary } = imageModels.get(modelId);
    return modelToArtifacts(model, { workbench: { imageSummary: summary } });
  },

  /** Loads a model.json + weights.bin pair (tfjs LayersModel format), e.g. made with Keras and tfjs-converter. */
  async importImageModel(modelId, name, modelJson, weights, datasetId) {
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
    imageModels.put(model, summary);
    return summary;
  },
};
