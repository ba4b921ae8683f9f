/**
 * The images of an image experiment, from the files given with --data: each file is read and
 * parsed (./datasetFiles), the files are grouped into a training and a test set by name
 * (assembleImageDataset: "test"/"t10k" in the name means test; without a test part the last 20%
 * of the training records are held out, which is said on stderr), and the config's
 * data.trainLimit / data.testLimit records are taken (selectRecords).
 */
import { type ImageDataset, type ImageExperimentConfig, assembleImageDataset, isDatasetFileError, selectRecords } from '../core';
import { describeDatasetFile, readDatasetFile } from './datasetFiles';
import { CliError } from './errors';
import { status } from './status';

export interface ImageData {
  files: ReturnType<typeof describeDatasetFile>[];
  /** The selected training and test records. */
  train: ImageDataset;
  test: ImageDataset;
  testSource: 'file' | 'held out';
  /** Records before the selection. */
  available: { train: number; test: number };
}

/** The --data files of an image config; none is a usage error. */
export function requireDataFiles(command: string, paths: string[]): string[] {
  if (paths.length === 0) {
    throw new CliError(
      `${command}: an image config ("kind": "image") needs its dataset files: give them with --data FILE (repeatable), e.g.\n` +
        `  --data train-images-idx3-ubyte.gz --data train-labels-idx1-ubyte.gz --data t10k-images-idx3-ubyte.gz --data t10k-labels-idx1-ubyte.gz\n` +
        `or CIFAR-10 batches: --data data_batch_1.bin --data test_batch.bin`,
    );
  }
  return paths;
}

/** Refuses --data (and --cifar100-label) for a 2-D config, which makes its own data. */
export function refuseDataFiles(paths: string[], cifar100Label: string | undefined): void {
  if (paths.length || cifar100Label) {
    throw new CliError(`${paths.length ? '--data' : '--cifar100-label'} is for image configs ("kind": "image"); this 2-D config generates its own data (its "data" field)`);
  }
}

export function loadImageData(paths: string[], config: ImageExperimentConfig, cifar100Label: 'fine' | 'coarse' | undefined): ImageData {
  const parsed = paths.map((p) => readDatasetFile(p, cifar100Label));
  let assembled;
  try {
    assembled = assembleImageDataset(parsed);
  } catch (e) {
    if (isDatasetFileError(e)) throw new CliError(`The --data files do not make a dataset: ${e.message}`);
    throw e;
  }
  const { train, test, testSource } = assembled;
  if (testSource === 'held out') {
    status.log(
      `note: none of the --data files is a test set (a name with "test" or "t10k"), so the last ${test.labels.length} of the ` +
        `${train.labels.length + test.labels.length} training records (20%) are held out as the test set`,
    );
  }
  return {
    files: parsed.map(describeDatasetFile),
    train: selectRecords(train, config.data.trainLimit, config),
    test: selectRecords(test, config.data.testLimit, config),
    testSource,
    available: { train: train.labels.length, test: test.labels.length },
  };
}

/** Class names, one per class ("class k" where the files give none). */
export function classNamesOf(ds: ImageDataset): string[] {
  return ds.classNames && ds.classNames.length >= ds.numClasses ? ds.classNames.slice(0, ds.numClasses) : Array.from({ length: ds.numClasses }, (_, i) => `class ${i}`);
}

/** What the result JSON says about the data. */
export function describeImageData(data: ImageData) {
  return {
    files: data.files,
    shape: data.train.shape,
    numClasses: data.train.numClasses,
    classNames: data.train.classNames ? [...data.train.classNames] : null,
    train: { records: data.train.labels.length, available: data.available.train },
    test: { records: data.test.labels.length, available: data.available.test },
    testSource: data.testSource,
  };
}
