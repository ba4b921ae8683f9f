/**
 * The CLI's file system: reading experiment configs, writing results, and saving and loading
 * models as a folder with model.json + weights.bin (the tfjs layers-model format, built by
 * src/core/models/io.ts, which itself never touches files).
 */
import { existsSync, readFileSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { type ExperimentConfig, type ImageExperimentConfig, normaliseExperiment, isImageExperimentJson, normaliseImageExperiment, MODEL_JSON_FILE_NAME, WEIGHTS_FILE_NAME, modelFromArtifacts, modelToArtifacts, modelHeads, type CsvRow, toCsv, fileTooLarge } from '../core';
import type { OutputFormat } from './args';
import { CliError, EXIT, describeFsError } from './errors';
import { makeDirs } from './outPath';
import { cliLimits } from './limits';
import { status } from './status';


/** Reads a text file whole, refusing one over the text-file limit before reading it. */
export function readTextFile(path: string, what: string): string {
  try {
    const size = statSync(path).size;
    if (size > cliLimits.textBytes) throw new CliError(`${fileTooLarge(path, size, cliLimits.textBytes, `${what}s`)} Raise the limit with --max-file-mb.`);
    return readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`Cannot read ${what} ${path}: ${describeFsError(e)}`);
  }
}

/** Parses JSON text; the error names the file and where the JSON broke. */
export function parseJsonText(text: string, path: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliError(`${what} ${path} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Runs a config normaliser, turning "Invalid config: a; b" into one problem per line. */
function normaliseOrExplain<T>(normalise: (raw: unknown) => T, raw: unknown, path: string): T {
  try {
    return normalise(raw);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const prefix = 'Invalid config: ';
    if (msg.startsWith(prefix)) {
      const items = msg.slice(prefix.length).split('; ');
      throw new CliError(`Invalid config ${path}:\n${items.map((s) => `  - ${s}`).join('\n')}`);
    }
    throw new CliError(`Invalid config ${path}: ${msg}`);
  }
}

export type AnyExperimentConfig = { kind: '2d'; config: ExperimentConfig } | { kind: 'image'; config: ImageExperimentConfig };

/**
 * Reads a config of either kind: one with "kind": "image" is an image experiment (its data come
 * from files given with --data), anything else the 2-D experiment. Missing fields take their
 * defaults; unknown or invalid fields are listed one per line (exit status 2).
 */
export function readAnyConfig(path: string): AnyExperimentConfig {
  const raw = parseJsonText(readTextFile(path, 'config file'), path, 'Config file');
  if (isImageExperimentJson(raw)) return { kind: 'image', config: normaliseOrExplain(normaliseImageExperiment, raw, path) };
  return { kind: '2d', config: normaliseOrExplain(normaliseExperiment, raw, path) };
}

/**
 * JSON with indented objects but arrays of numbers (and arrays of short number arrays, e.g.
 * points) on one line, so that per-point arrays stay readable.
 */
export function formatJson(value: unknown, indent = 0): string {
  const pad = '  '.repeat(indent + 1);
  const end = '  '.repeat(indent);
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (ArrayBuffer.isView(value)) return JSON.stringify(Array.from(value as unknown as ArrayLike<number>));
  if (Array.isArray(value)) {
    const flat = value.every((v) => v === null || typeof v !== 'object' || (Array.isArray(v) && v.every((w) => w === null || typeof w !== 'object')));
    if (flat) return JSON.stringify(value);
    if (value.length === 0) return '[]';
    // Records (objects of plain values, e.g. one per image or per epoch) take one line each.
    const record = (v: unknown) => v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((w) => w === null || typeof w !== 'object');
    return `[\n${value.map((v) => pad + (record(v) ? JSON.stringify(v) : formatJson(v, indent + 1))).join(',\n')}\n${end}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${pad}${JSON.stringify(k)}: ${formatJson(v, indent + 1)}`).join(',\n')}\n${end}}`;
}

/** The whole lines of a file written line by line: a last line that an interruption cut off (no line end) is left out. */
export function wholeLines(text: string): string {
  return text.slice(0, text.lastIndexOf('\n') + 1);
}

/** Writes the result JSON to `out`, or to stdout when no file is given. */
export function writeResult(result: unknown, out: string | undefined): void {
  writeText(formatJson(result) + '\n', out);
}

/**
 * Writes a command's output: the result JSON, or with --format csv its per-point (per-image)
 * records as CSV.
 */
export function writeOutput(result: unknown, rows: CsvRow[], format: OutputFormat, out: string | undefined): typeof EXIT.ok {
  if (format === 'csv') writeText(toCsv(rows), out);
  else writeResult(result, out);
  if (out && out !== '-') status.log(`wrote ${out}`);
  return EXIT.ok;
}

/** Whether process `pid` is still running. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the temporary files of `out` that a killed process left behind (kill -9 during a write). */
function removeStaleTemps(dir: string, name: string): void {
  const pattern = new RegExp(`^\\.${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d+)\\.tmp$`);
  for (const f of readdirSync(dir)) {
    const m = pattern.exec(f);
    if (m && Number(m[1]) !== process.pid && !alive(Number(m[1]))) unlinkSync(join(dir, f));
  }
}

/**
 * Writes text to `out` (creating its folder), or to stdout when no file is given. A regular file
 * is written whole to a temporary file beside it and renamed over it, so that an interruption at
 * any moment leaves either the old contents or the new, never half of them; a device or pipe
 * (/dev/stdout, a FIFO) is written in place. A temporary file that a killed run left beside it
 * is removed.
 */
export function writeText(text: string, out: string | undefined): void {
  if (!out || out === '-') {
    process.stdout.write(text);
    return;
  }
  try {
    makeDirs(dirname(resolve(out)));
    if (existsSync(out) && !statSync(out).isFile()) {
      writeFileSync(out, text);
      return;
    }
    const temp = join(dirname(resolve(out)), `.${basename(out)}.${process.pid}.tmp`);
    removeStaleTemps(dirname(resolve(out)), basename(out));
    try {
      writeFileSync(temp, text);
      renameSync(temp, out);
    } finally {
      if (existsSync(temp)) unlinkSync(temp);
    }
  } catch (e) {
    throw new CliError(`Cannot write ${out}: ${describeFsError(e)}`);
  }
}

/** Saves a model as DIR/model.json + DIR/weights.bin (creating DIR). */
export async function saveModelDir(model: tf.LayersModel, dir: string, metadata?: Record<string, unknown>): Promise<void> {
  const { modelJson, weights } = await modelToArtifacts(model, metadata);
  try {
    makeDirs(dir);
    writeFileSync(join(dir, MODEL_JSON_FILE_NAME), JSON.stringify(modelJson));
    writeFileSync(join(dir, WEIGHTS_FILE_NAME), new Uint8Array(weights));
  } catch (e) {
    throw new CliError(`Cannot save the model to ${dir}: ${describeFsError(e)}`);
  }
}

export interface LoadedModel {
  model: tf.LayersModel;
  /** The model's userDefinedMetadata (the CLI stores the experiment config there). */
  metadata: Record<string, unknown> | undefined;
}

/**
 * Loads DIR/model.json + DIR/weights.bin and checks that the model maps `inputDim` inputs to
 * `numClasses` logits. Every problem is a CliError that names the folder.
 */
export async function loadModelDir(dir: string, expected: { inputDim: number; numClasses: number; what: string }): Promise<LoadedModel> {
  const { model, metadata } = await readModelDir(dir);
  const inShape = model.inputs[0]?.shape ?? [];
  const outShape = model.outputs[0]?.shape ?? [];
  // Several outputs only for a classifier with rejector heads (models/heads.ts): its first output is the logits.
  const outputsOk = model.outputs.length === 1 || modelHeads(model) !== 'none';
  if (model.inputs.length !== 1 || !outputsOk || inShape.length !== 2 || outShape.length !== 2 || inShape[1] !== expected.inputDim || outShape[1] !== expected.numClasses) {
    const shapes = `input shape [${inShape.map(String).join(', ')}], output shape [${outShape.map(String).join(', ')}]`;
    model.dispose();
    throw new CliError(
      `The model in ${dir} does not fit ${expected.what}: it has ${shapes}, but ${expected.what} needs ${expected.inputDim} inputs and ${expected.numClasses} classes`,
    );
  }
  return { model, metadata };
}

/**
 * Loads DIR/model.json + DIR/weights.bin without checking what the model takes and gives (the
 * caller does). Every problem is a CliError that names the folder.
 */
export async function readModelDir(dir: string): Promise<LoadedModel> {
  if (!existsSync(dir)) throw new CliError(`Model folder ${dir} does not exist`);
  if (!statSync(dir).isDirectory()) throw new CliError(`${dir} is not a folder (expected a folder with ${MODEL_JSON_FILE_NAME} and ${WEIGHTS_FILE_NAME})`);
  const jsonPath = join(dir, MODEL_JSON_FILE_NAME);
  const weightsPath = join(dir, WEIGHTS_FILE_NAME);
  const missing = [jsonPath, weightsPath].filter((p) => !existsSync(p));
  if (missing.length) throw new CliError(`Model folder ${dir} is missing ${missing.map((p) => basename(p)).join(' and ')}`);
  const modelJson = parseJsonText(readTextFile(jsonPath, 'model file'), jsonPath, 'Model file');
  let weights: Buffer;
  const weightBytes = statSync(weightsPath).size;
  // Float32 weights: 4 bytes a parameter; the manifest is checked against the same limit.
  if (weightBytes > 4 * cliLimits.params) throw new CliError(`${fileTooLarge(weightsPath, weightBytes, 4 * cliLimits.params, 'weight files')} Raise the limit with --max-params.`);
  try {
    weights = readFileSync(weightsPath);
  } catch (e) {
    throw new CliError(`Cannot read ${weightsPath}: ${describeFsError(e)}`);
  }
  let model: tf.LayersModel;
  try {
    model = await modelFromArtifacts(modelJson, weights, { maxParams: cliLimits.params });
  } catch (e) {
    throw new CliError(`Cannot load the model in ${dir}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const metadata = model.getUserDefinedMetadata() as Record<string, unknown> | undefined;
  return { model, metadata };
}
