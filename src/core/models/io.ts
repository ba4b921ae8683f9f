/**
 * Saving and loading a tfjs LayersModel in the standard tfjs "layers-model" format: a
 * `model.json` (topology + weights manifest) and one binary `weights.bin` (all weights,
 * little-endian, in manifest order). The JSON is built exactly as tfjs' own
 * `tf.io.browserDownloads` builds it (same keys, same order), except that the manifest names the
 * weight file `./weights.bin`; so `tf.loadLayersModel('http://…/model.json')` in a browser reads a
 * folder written by the CLI, and a pair downloaded from the page loads here.
 *
 * Pure core: no file system. The CLI (src/cli) writes and reads the two files; the page can
 * turn the same artifacts into downloads or read them from dropped files. Works without
 * tfjs-node, via `tf.io.withSaveHandler` and `tf.io.fromMemory`.
 */
import * as tf from '@tensorflow/tfjs';
import { assertFiniteWeights } from './weights';
import { topologyProblems } from './topologyCheck';
import { MAX_MODEL_PARAMS } from '../limits';

/** The name of the weight file that model.json references. */
export const WEIGHTS_FILE_NAME = 'weights.bin';
export const MODEL_JSON_FILE_NAME = 'model.json';

/** The parsed content of a model.json (tfjs' `ModelJSON`). */
export type ModelJson = tf.io.ModelJSON;

export interface ModelArtifactsPair {
  /** The content of model.json, ready for JSON.stringify. */
  modelJson: ModelJson;
  /** The content of weights.bin. */
  weights: ArrayBuffer;
}

/**
 * Serialises a model. `metadata`, when given, is stored as the model's `userDefinedMetadata`
 * (a standard model.json field; tfjs gives it back through `model.getUserDefinedMetadata()`).
 */
export async function modelToArtifacts(model: tf.LayersModel, metadata?: Record<string, unknown>): Promise<ModelArtifactsPair> {
  let captured: ModelArtifactsPair | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      if (artifacts.modelTopology == null || artifacts.modelTopology instanceof ArrayBuffer) {
        throw new Error('modelToArtifacts: expected a JSON model topology');
      }
      const weights = tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? new ArrayBuffer(0));
      // Same construction as tfjs' getModelJSONForModelArtifacts (used by browserDownloads).
      const modelJson: ModelJson = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: [`./${WEIGHTS_FILE_NAME}`], weights: artifacts.weightSpecs ?? [] }],
      };
      if (artifacts.signature != null) modelJson.signature = artifacts.signature;
      const userDefinedMetadata = metadata ?? artifacts.userDefinedMetadata;
      if (userDefinedMetadata != null) modelJson.userDefinedMetadata = userDefinedMetadata as NonNullable<typeof modelJson.userDefinedMetadata>;
      if (artifacts.modelInitializer != null) modelJson.modelInitializer = artifacts.modelInitializer;
      if (artifacts.initializerSignature != null) modelJson.initializerSignature = artifacts.initializerSignature;
      if (artifacts.trainingConfig != null) modelJson.trainingConfig = artifacts.trainingConfig;
      captured = { modelJson, weights };
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  if (!captured) throw new Error('modelToArtifacts: the model was not saved');
  return captured;
}

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/** Bytes that the weights described by a manifest occupy in the weight file. */
export function manifestByteLength(manifest: tf.io.WeightsManifestConfig): number {
  let total = 0;
  for (const group of manifest) {
    for (const w of group.weights) {
      const size = w.shape.reduce((a, b) => a * b, 1);
      const dtype = w.quantization?.dtype ?? w.dtype;
      const bytes = DTYPE_BYTES[dtype];
      if (bytes === undefined) throw new Error(`Weight "${w.name}" has unsupported dtype "${dtype}"`);
      total += size * bytes;
    }
  }
  return total;
}

/**
 * Checks that a parsed model.json has the shape of a tfjs layers model. Returns a list of
 * problems (empty when it looks right).
 */
export function checkModelJson(modelJson: unknown): string[] {
  const problems: string[] = [];
  if (!modelJson || typeof modelJson !== 'object' || Array.isArray(modelJson)) return ['model.json must contain a JSON object'];
  const m = modelJson as Record<string, unknown>;
  if (!m.modelTopology || typeof m.modelTopology !== 'object') problems.push('model.json has no "modelTopology" object');
  if (m.format != null && m.format !== 'layers-model') problems.push(`model.json has format "${String(m.format)}", expected "layers-model"`);
  const wm = m.weightsManifest;
  if (!Array.isArray(wm)) problems.push('model.json has no "weightsManifest" array');
  else if (!wm.every((g) => g && typeof g === 'object' && Array.isArray((g as { weights?: unknown }).weights))) {
    problems.push('model.json "weightsManifest" entries must each have a "weights" array');
  }
  return problems;
}

/**
 * Rebuilds a model from a model.json object and the content of its weight file. All weights of
 * the manifest are read from `weights` in manifest order (tfjs' own rule for several paths, which
 * are concatenated); the byte length must match the manifest exactly. The sizes model.json
 * declares are checked first (topologyCheck.ts): at most `maxParams` parameters, and every layer's
 * units or filters matching its kernel, so nothing is allocated beyond what the weights hold.
 */
export async function modelFromArtifacts(modelJson: unknown, weights: ArrayBuffer | ArrayBufferView, { maxParams = MAX_MODEL_PARAMS }: { maxParams?: number } = {}): Promise<tf.LayersModel> {
  const problems = checkModelJson(modelJson);
  if (problems.length) throw new Error(`Not a tfjs layers model: ${problems.join('; ')}`);
  const json = modelJson as ModelJson;
  const sizes = topologyProblems(json.modelTopology, json.weightsManifest, maxParams);
  if (sizes.length) throw new Error(`model.json cannot be loaded: ${sizes.join('; ')}`);
  const buffer =
    weights instanceof ArrayBuffer
      ? weights
      : (weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer);
  const expected = manifestByteLength(json.weightsManifest);
  if (expected !== buffer.byteLength) {
    throw new Error(`The weight file has ${buffer.byteLength} bytes but model.json describes ${expected} bytes of weights`);
  }
  const artifacts = await tf.io.getModelArtifactsForJSON(json, async (manifest) => {
    const specs = manifest.flatMap((group) => group.weights);
    return [specs, buffer];
  });
  const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  try {
    await assertFiniteWeights(model);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}
