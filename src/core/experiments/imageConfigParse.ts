/**
 * Reading an image experiment config from JSON (the CLI's CONFIG.json with "kind": "image", or
 * a config the page imports): missing fields take IMAGE_EXPERIMENT_DEFAULTS, unknown fields are
 * rejected, and every field is validated with validateImageExperiment — through normaliseConfig
 * (./config.ts), as the 2-D config, with the same error text ("Invalid config: field problem;
 * field problem"). Plain data, no tfjs.
 */
import { type FieldErrors, normaliseConfig, parseConfigJson } from './config';
import { IMAGE_EXPERIMENT_DEFAULTS, type ImageExperimentConfig, validateImageExperiment } from './imageConfig';

/** Whether a parsed JSON value is meant as an image experiment ("kind": "image"). */
export function isImageExperimentJson(raw: unknown): boolean {
  return !!raw && typeof raw === 'object' && !Array.isArray(raw) && (raw as { kind?: unknown }).kind === 'image';
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
  return normaliseConfig(IMAGE_EXPERIMENT_DEFAULTS, raw, (config) => {
    const errors = validateImageExperiment(config);
    crossFieldErrors(config, errors);
    return errors;
  });
}

/** Parses JSON text into an image config (see normaliseImageExperiment). */
export function parseImageExperiment(text: string): ImageExperimentConfig {
  return normaliseImageExperiment(parseConfigJson(text));
}
