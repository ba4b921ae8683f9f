/**
 * Reading an image experiment config from JSON (the CLI's CONFIG.json with "kind": "image", or
 * a config the page imports): missing fields take IMAGE_EXPERIMENT_DEFAULTS, unknown fields are
 * rejected, and every field is validated with validateImageExperiment. Mirrors
 * normaliseExperiment (./config.ts) for the 2-D config, with the same error text
 * ("Invalid config: field problem; field problem"). Plain data, no tfjs.
 */
import { type FieldErrors } from './config';
import { IMAGE_EXPERIMENT_DEFAULTS, type ImageExperimentConfig, validateImageExperiment } from './imageConfig';

/** Whether a parsed JSON value is meant as an image experiment ("kind": "image"). */
export function isImageExperimentJson(raw: unknown): boolean {
  return !!raw && typeof raw === 'object' && !Array.isArray(raw) && (raw as { kind?: unknown }).kind === 'image';
}

/** Merges `over` into a copy of `base`; keys of `over` that `base` lacks are collected in `unknown`. */
function mergeDefaults(base: unknown, over: unknown, prefix: string, unknown: string[]): unknown {
  if (over === undefined) return structuredClone(base);
  if (base && typeof base === 'object' && !Array.isArray(base) && over && typeof over === 'object' && !Array.isArray(over)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(over)) if (!(k in base)) unknown.push(prefix + k);
    for (const k of Object.keys(base)) out[k] = mergeDefaults((base as Record<string, unknown>)[k], (over as Record<string, unknown>)[k], `${prefix}${k}.`, unknown);
    return out;
  }
  return over;
}

/** Checks across fields that validateImageExperiment does not make. */
function crossFieldErrors(c: ImageExperimentConfig, errors: FieldErrors): void {
  if (c.version !== 1) errors.version = 'must be 1';
  if (!errors['model.kind'] && !errors['model.normalize'] && c.model.kind === 'mlp' && c.model.normalize) {
    errors['model.normalize'] = 'must be false for the MLP (only the CNN has a Normalize layer)';
  }
}

/** Fills defaults into a partial image config object and validates it (throws on problems). */
export function normaliseImageExperiment(raw: unknown): ImageExperimentConfig {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new Error('The config must be a JSON object.');
  const unknown: string[] = [];
  const config = mergeDefaults(IMAGE_EXPERIMENT_DEFAULTS, raw, '', unknown) as ImageExperimentConfig;
  const errors = validateImageExperiment(config);
  crossFieldErrors(config, errors);
  for (const u of unknown) errors[u] = 'is not a known field';
  const keys = Object.keys(errors);
  if (keys.length) throw new Error(`Invalid config: ${keys.map((k) => `${k} ${errors[k]}`).join('; ')}`);
  return config;
}

/** Parses JSON text into an image config (see normaliseImageExperiment). */
export function parseImageExperiment(text: string): ImageExperimentConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`Not valid JSON: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  return normaliseImageExperiment(raw);
}
