/**
 * Reading dataset files given by path (CIFAR-10/100 binary, IDX, either gzipped) through the
 * core's parser (src/core/data/datasetFile.ts, which never touches files). A file larger than
 * the dataset limit (--max-file-mb) is refused before it is read, and while it is decompressed. Every problem is a CliError (exit status 2)
 * that names the file. No tfjs: `inspect` uses this too.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { cliLimits } from './limits';
import { CliError } from './errors';
import { DATASET_FORMAT_LABELS, type ParsedDatasetFile, parseDatasetFile, formatBytes, isDatasetFileError } from '../core';

export function readDatasetFile(path: string, cifar100Label: 'fine' | 'coarse' | undefined): ParsedDatasetFile {
  let bytes: Buffer;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new CliError(`${path} is a folder, not a dataset file`);
    // Refused before it is read into memory (the parser checks the decompressed size too).
    if (st.size > cliLimits.datasetBytes) throw new CliError(`file too large: ${path} has ${formatBytes(st.size)}, over the limit of ${formatBytes(cliLimits.datasetBytes)} for a dataset file (raise it with --max-file-mb)`);
    bytes = readFileSync(path);
  } catch (e) {
    if (e instanceof CliError) throw e;
    const err = e as NodeJS.ErrnoException;
    const why = err?.code === 'ENOENT' ? 'no such file' : err?.code === 'EACCES' ? 'permission denied' : err instanceof Error ? err.message : String(e);
    throw new CliError(`Cannot read ${path}: ${why}`);
  }
  try {
    return parseDatasetFile(path, bytes, { cifar100Label, maxBytes: cliLimits.datasetBytes });
  } catch (e) {
    if (isDatasetFileError(e)) throw new CliError(e.message.includes(basename(path).replace(/\.gz$/i, '')) ? e.message : `${path}: ${e.message}`);
    throw e;
  }
}

/** Records in a parsed file (a dataset, an image file or a labels file). */
export function recordCount(f: ParsedDatasetFile): number {
  return f.kind === 'dataset' ? f.dataset.labels.length : f.kind === 'images' ? f.images.count : f.labels.count;
}

/** What the result JSON says about each file given. */
export function describeDatasetFile(f: ParsedDatasetFile) {
  return { path: f.name, format: DATASET_FORMAT_LABELS[f.format], kind: f.kind, gzipped: f.gzipped, records: recordCount(f) };
}
