/**
 * `inspect FILE [LABELS_FILE] [--json]`: reads a dataset file (CIFAR-10/100 binary, IDX, either
 * gzipped) through the core's parsers (src/core/data/datasetFile.ts) and prints its summary:
 * records, classes with their counts, image shape, pixel value range. An IDX image file can be
 * given with its labels file, which checks that the two pair. A file the parsers refuse is
 * reported on stderr with exit status 2. No tfjs is loaded.
 */
import { cifar100LabelOption, parseCommandArgs } from '../args';
import { readDatasetFile } from '../datasetFiles';
import { CliError, EXIT } from '../errors';
import { DATASET_FORMAT_LABELS, MAX_DATASET_BYTES, type ParsedDatasetFile, datasetFromFiles, isDatasetFileError, formatBytes, type ImageSummary, classHistogram, summarizeImages } from '../../core';

export const INSPECT_USAGE = `Usage: npm run cli -- inspect FILE [LABELS_FILE] [--json] [--cifar100-label fine|coarse]

Reads a dataset file and prints its summary: records, classes with their counts, image shape
and pixel value range (pixels are floats in [0, 1]; nothing is normalised).

Files: CIFAR-10 binary batches (data_batch_N.bin, test_batch.bin), CIFAR-100 binary (train.bin,
test.bin), IDX files (MNIST, Fashion-MNIST: ...-images-idx3-ubyte, ...-labels-idx1-ubyte), each
optionally gzipped (.gz). An IDX image file can be given with its labels file as LABELS_FILE:
the two must have the same number of records.

  --json                   print the summary as JSON (stdout holds nothing else)
  --cifar100-label KIND    fine (100 classes, default) or coarse (20 superclasses)

Exit status 2 for a missing, unreadable, malformed or too large file (over ${formatBytes(MAX_DATASET_BYTES)}).`;

interface InspectedFile {
  path: string;
  format: string;
  kind: ParsedDatasetFile['kind'];
  gzipped: boolean;
  /** Decompressed size in bytes. */
  bytes: number;
}

function describe(f: ParsedDatasetFile): InspectedFile {
  return { path: f.name, format: DATASET_FORMAT_LABELS[f.format], kind: f.kind, gzipped: f.gzipped, bytes: f.bytes };
}

/** The summary of what the files hold: a dataset, an image file alone, or a labels file alone. */
function summarize(files: ParsedDatasetFile[]): ImageSummary | { records: number; shape: null; valueRange: null; classes: ImageSummary['classes'] } {
  const [first, second] = files;
  if (files.length === 1 && first.kind === 'images') return summarizeImages(first.images);
  if (files.length === 1 && first.kind === 'labels') {
    const labels = first.labels.labels;
    const numClasses = labels.reduce((m, v) => Math.max(m, v), 0) + 1;
    return { records: labels.length, shape: null, valueRange: null, classes: { numClasses, histogram: classHistogram(labels, numClasses) } };
  }
  try {
    return summarizeImages(datasetFromFiles(first, second));
  } catch (e) {
    if (isDatasetFileError(e)) throw new CliError(e.message);
    throw e;
  }
}

/** Indented JSON with arrays of numbers on one line (the histogram, the shape). Kept here: ../files loads tfjs. */
function toJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/\[\s*(-?[\d.e+-]+(?:,\s*-?[\d.e+-]+)*)\s*\]/g, (_, inner: string) => `[${inner.split(/,\s*/).join(', ')}]`);
}

const num = (n: number) => n.toLocaleString('en-US');
const short = (v: number) => String(Number(v.toPrecision(6)));

function humanReport(files: InspectedFile[], s: ReturnType<typeof summarize>): string {
  const lines: string[] = [];
  files.forEach((f, i) => {
    const what = `${f.format} ${f.kind === 'dataset' ? 'images + labels' : f.kind}`;
    const size = `${num(f.bytes)} bytes${f.gzipped ? ' after gunzip' : ''}`;
    lines.push(`${i === 0 ? 'File:   ' : 'Labels: '} ${f.path} (${what}, ${size})`);
  });
  lines.push(`Records: ${num(s.records)}`);
  if (s.shape) lines.push(`Shape:   ${s.shape.join('×')} (height×width×channels; images NHWC float32)`);
  if (s.valueRange) lines.push(`Values:  [${short(s.valueRange[0])}, ${short(s.valueRange[1])}]`);
  if (s.classes) {
    lines.push(`Classes: ${s.classes.numClasses}`);
    const names = s.classes.names;
    const width = names ? Math.max(...names.map((n) => n.length)) : 0;
    const digits = String(s.classes.numClasses - 1).length;
    s.classes.histogram.forEach((c, k) => {
      const label = String(k).padStart(digits);
      lines.push(`  ${label} ${names ? names[k].padEnd(width) + ' ' : ''}${num(c).padStart(8)}`);
    });
  } else {
    lines.push('Classes: none (an image file without labels: give its labels file as LABELS_FILE)');
  }
  return lines.join('\n');
}

export async function inspectCommand(argv: string[]): Promise<number> {
  const args = parseCommandArgs('inspect', argv, { json: { type: 'boolean' }, 'cifar100-label': { type: 'string' } });
  if (args.values.help) {
    process.stdout.write(INSPECT_USAGE + '\n');
    return EXIT.ok;
  }
  const paths = args.positionals;
  if (paths.length === 0) throw new CliError('inspect: missing the dataset file (FILE).\nRun "npm run cli -- inspect --help" for usage.');
  if (paths.length > 2) throw new CliError(`inspect: expected FILE [LABELS_FILE], got ${paths.length} files: ${paths.join(' ')}`);
  const label = cifar100LabelOption(args);

  const files = paths.map((p) => readDatasetFile(p, label));
  if (files.length === 2 && files[0].kind === 'labels' && files[1].kind === 'images') files.reverse();
  const summary = summarize(files);
  const described = files.map(describe);
  if (args.values.json) {
    process.stdout.write(toJson({ command: 'inspect', files: described, ...summary }) + '\n');
  } else {
    process.stdout.write(humanReport(described, summary) + '\n');
  }
  return EXIT.ok;
}
