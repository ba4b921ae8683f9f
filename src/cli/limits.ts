/**
 * The limits the CLI reads files under (src/core/limits.ts), raised by the flags every command
 * takes: --max-file-mb N (the largest dataset, config, log or model.json file, in MB) and
 * --max-params N (the most parameters a loaded model may declare).
 */
import { MAX_DATASET_BYTES, MAX_MODEL_PARAMS, MAX_TEXT_FILE_BYTES } from '../core/settings';
import { CliError } from './errors';

export const cliLimits = { textBytes: MAX_TEXT_FILE_BYTES, datasetBytes: MAX_DATASET_BYTES, params: MAX_MODEL_PARAMS };

/** Applies --max-file-mb and --max-params when given; a value that is not a positive number is refused by name. */
export function applyLimitFlags(values: Record<string, unknown>): void {
  const mb = values['max-file-mb'];
  if (typeof mb === 'string') {
    const v = Number(mb);
    if (!(v > 0) || !Number.isFinite(v)) throw new CliError(`--max-file-mb must be a number > 0 (MB), got "${mb}"`);
    cliLimits.textBytes = cliLimits.datasetBytes = Math.round(v * 1e6);
  }
  const params = values['max-params'];
  if (typeof params === 'string') {
    const v = Number(params);
    if (!Number.isInteger(v) || v < 1) throw new CliError(`--max-params must be a whole number ≥ 1, got "${params}"`);
    cliLimits.params = v;
  }
}
