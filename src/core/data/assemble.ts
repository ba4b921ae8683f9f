/**
 * Turns a set of parsed dataset files (what a user drops in at once) into a training and a test
 * set: CIFAR batches whose name says "test" form the test set and the others (data_batch_1..5)
 * are joined into the training set; IDX files are paired by role, "t10k"/"test" in the name
 * meaning test, anything else training. Without a test part the last 20% of the training
 * records are held out (and the result says so).
 */
import { type ParsedDatasetFile, datasetFromFiles } from './datasetFile';
import { DatasetFileError } from './fileError';
import { type ImageDataset, concatImageDatasets, takeRecords } from './imageDataset';

export interface AssembledImages {
  train: ImageDataset;
  test: ImageDataset;
  testSource: 'file' | 'held out';
}

const isTest = (name: string) => /(^|[^a-z])(t10k|test)/i.test(name.split(/[\\/]/).pop() ?? name);

export function assembleImageDataset(files: ParsedDatasetFile[], heldOutFraction = 0.2): AssembledImages {
  if (!files.length) throw new DatasetFileError('no files given', 'format');
  const roles: Record<'train' | 'test', ImageDataset[]> = { train: [], test: [] };
  const idx: Record<'train' | 'test', ParsedDatasetFile[]> = { train: [], test: [] };
  for (const f of files) {
    const role = isTest(f.name) ? 'test' : 'train';
    if (f.kind === 'dataset') roles[role].push(f.dataset);
    else idx[role].push(f);
  }
  for (const role of ['train', 'test'] as const) {
    const parts = idx[role];
    if (parts.length === 0) continue;
    if (parts.length !== 2) {
      throw new DatasetFileError(`${parts.map((p) => p.name).join(', ')}: give each IDX image file together with its labels file`, 'mismatch');
    }
    roles[role].push(datasetFromFiles(parts[0], parts[1]));
  }
  let train = roles.train.length ? concatImageDatasets(roles.train) : null;
  let test = roles.test.length ? concatImageDatasets(roles.test) : null;
  if (!train && test) {
    train = test;
    test = null;
  }
  if (!train) throw new DatasetFileError('no images found in the files', 'format');
  if (test && test.shape.join() !== train.shape.join()) {
    throw new DatasetFileError(`the training images are ${train.shape.join('×')} but the test images ${test.shape.join('×')}`, 'mismatch');
  }
  if (test && test.numClasses !== train.numClasses) test = { ...test, numClasses: Math.max(test.numClasses, train.numClasses) };
  if (test) return { train: { ...train, numClasses: Math.max(train.numClasses, test.numClasses) }, test, testSource: 'file' };
  const n = train.labels.length;
  const nTest = Math.max(1, Math.round(n * heldOutFraction));
  if (n - nTest < 1) throw new DatasetFileError(`${n} records are too few to hold out a test set`, 'format');
  const idxAll = Array.from({ length: n }, (_, i) => i);
  return {
    train: takeRecords(train, idxAll.slice(0, n - nTest), `${train.source} (first ${n - nTest})`),
    test: takeRecords(train, idxAll.slice(n - nTest), `${train.source} (last ${nTest}, held out)`),
    testSource: 'held out',
  };
}
