/** The worker's loaded image dataset, by id, and the page's view of it. Pixels stay in the worker. */
import { type ImageDataset, summarizeImages } from '../src/core/index';
import type { ImageDatasetView } from './protocol/images';

export interface StoredImageDataset {
  id: string;
  name: string;
  train: ImageDataset;
  test: ImageDataset;
  /** How the test part was obtained. */
  testSource: 'file' | 'held out';
}

const datasets = new Map<string, StoredImageDataset>();

/** The worker keeps one image dataset at a time (the page shows one): a new one replaces it. */
export function putImageDataset(d: StoredImageDataset): void {
  datasets.clear();
  datasets.set(d.id, d);
}

export function getImageDataset(id: string): StoredImageDataset {
  const d = datasets.get(id);
  if (!d) throw new Error('This dataset is no longer loaded: import it again.');
  return d;
}

let datasetCounter = 0;

/** A fresh id for a dataset loaded into the worker. */
export const newDatasetId = () => `images-${++datasetCounter}`;

/** The dataset's class names, or "class i" where it has none. */
export function classNamesOf(ds: ImageDataset): string[] {
  return ds.classNames && ds.classNames.length >= ds.numClasses ? ds.classNames.slice(0, ds.numClasses) : Array.from({ length: ds.numClasses }, (_, i) => `class ${i}`);
}

/** The page's view of a dataset: summaries and up to 40 thumbnails, not the pixels. */
export function viewOf(d: StoredImageDataset, files: ImageDatasetView['files']): ImageDatasetView {
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
