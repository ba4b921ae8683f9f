/**
 * The experiment config: one JSON object that describes a 2-D playground run (data, model,
 * training, evaluation attack, seed). The page keeps it in its URL and exports it; the CLI reads
 * it; the worker and the CLI turn it into the same core calls (runner.ts).
 */
import { ATTACK_DEFAULTS, ATTACK_KINDS, type AttackConfig } from '../attacks/config';
import { DATASET2D_DEFAULTS, DATASET2D_KINDS, type Dataset2dConfig } from '../data/synthetic2d';
import { MLP_DEFAULTS } from '../models/mlpConfig';
import { TRAINING_METHODS } from '../training/method';
import { CAT_RS_VARIANTS } from '../training/smoothedTrainingConfig';
import { RR_STOP_GRADIENTS } from '../training/rejectionHeadsConfig';
import { TRAIN_DEFAULTS, type TrainConfig } from '../training/config';
import { type FieldErrors, type FieldRule, checkFieldWith, getPath, hasErrorAt, shown, validateFields } from './fieldSchema';

export interface ModelConfig {
  depth: number;
  width: number;
  activation: 'relu' | 'tanh';
}

export interface EvaluationConfig {
  attack: Omit<AttackConfig, 'seed'>;
  /** Side of the decision-region grid (resolution x resolution points). */
  gridResolution: number;
}

export interface ExperimentConfig {
  version: 1;
  /** Seeds the model's initial weights, the shuffles and every attack's random start. */
  seed: number;
  data: Dataset2dConfig;
  model: ModelConfig;
  training: Omit<TrainConfig, 'seed'>;
  evaluation: EvaluationConfig;
}

const { seed: _attackSeed, ...attackDefaults } = ATTACK_DEFAULTS;
const { seed: _trainSeed, ...trainDefaults } = TRAIN_DEFAULTS;

export const EXPERIMENT_DEFAULTS: ExperimentConfig = {
  version: 1,
  seed: 1,
  data: { ...DATASET2D_DEFAULTS },
  model: { depth: MLP_DEFAULTS.depth, width: MLP_DEFAULTS.width, activation: MLP_DEFAULTS.activation },
  training: {
    ...trainDefaults,
    // Half of Appendix A.2's 20 epochs: a first Train in the page gives a full result (trained,
    // attacked, split) in about ten seconds on WASM. The Figure 1 preset keeps the paper's 20.
    epochs: 10,
    attack: { ...trainDefaults.attack },
    catRs: { ...trainDefaults.catRs },
    cra: { ...trainDefaults.cra },
    rr: { ...trainDefaults.rr },
    selectiveNet: { ...trainDefaults.selectiveNet },
    ibp: { ...trainDefaults.ibp },
  },
  evaluation: { attack: { ...attackDefaults }, gridResolution: 200 },
};

export function defaultExperiment(): ExperimentConfig {
  return structuredClone(EXPERIMENT_DEFAULTS);
}

export { type FieldErrors, type FieldRule, checkFieldWith, getPath, validateFields, namedProblems, namedFieldProblems } from './fieldSchema';

/** The rules of the training and evaluation-attack fields, shared by the 2-D and image experiments. */
export const TRAINING_AND_ATTACK_RULES: Record<string, FieldRule> = {
  'training.method': { type: 'enum', values: TRAINING_METHODS },
  'training.epochs': { type: 'int', min: 1, max: 1000 },
  'training.batchSize': { type: 'int', min: 1, max: 100000 },
  'training.optimizer': { type: 'enum', values: ['sgd', 'adam'] },
  'training.learningRate': { type: 'num', min: 0, max: 10, minExclusive: true },
  'training.momentum': { type: 'num', min: 0, max: 1, maxExclusive: true },
  'training.attack.norm': { type: 'enum', values: ['linf', 'l2'] },
  'training.attack.eps': { type: 'num', min: 0, max: 100 },
  'training.attack.steps': { type: 'int', min: 1, max: 1000 },
  'training.attack.stepSize': { type: 'num', min: 0, max: 100 },
  'training.box': { type: 'box' },
  'training.tradesBeta': { type: 'num', min: 0, max: 1000 },
  'training.eraBeta': { type: 'num', min: 0, max: 1000 },
  'training.sigma': { type: 'num', min: 0, max: 100, minExclusive: true },
  'training.catRs.m': { type: 'int', min: 1, max: 64 },
  'training.catRs.p0': { type: 'num', min: 0, max: 1, minExclusive: true },
  'training.catRs.lambda': { type: 'num', min: 0, max: 1000 },
  'training.catRs.eps': { type: 'num', min: 0, max: 100 },
  'training.catRs.steps': { type: 'int', min: 1, max: 100 },
  'training.catRs.variant': { type: 'enum', values: CAT_RS_VARIANTS },
  'training.cra.k': { type: 'int', min: 1, max: 256 },
  'training.cra.gamma': { type: 'num', min: 0, max: 100, minExclusive: true },
  'training.cra.beta': { type: 'num', min: 0, max: 1000 },
  'training.rr.lambda': { type: 'num', min: 0, max: 1000 },
  'training.rr.temperature': { type: 'num', min: 0, max: 100, minExclusive: true },
  'training.rr.stopGradient': { type: 'enum', values: RR_STOP_GRADIENTS },
  'training.selectiveNet.coverage': { type: 'num', min: 0, max: 1, minExclusive: true },
  'training.selectiveNet.lambda': { type: 'num', min: 0, max: 1000 },
  'training.selectiveNet.alpha': { type: 'num', min: 0, max: 1 },
  'training.ibp.abstainClasses': { type: 'int', min: 0, max: 64 },
  'training.ibp.warmup': { type: 'num', min: 0, max: 1 },
  'training.ibp.ramp': { type: 'num', min: 0, max: 1 },
  'training.ibp.kappaEnd': { type: 'num', min: 0, max: 1 },
  'training.ibp.lambdaEnd': { type: 'num', min: 0, max: 1000 },
  'training.ibp.regulariserMu': { type: 'num', min: 0, max: 1000 },
  'training.ibp.regulariserThreshold': { type: 'num', min: 0, max: 1 },
  'training.ibp.iterations': { type: 'int', min: 0, max: 1000 },
  'evaluation.attack.kind': { type: 'enum', values: ATTACK_KINDS },
  'evaluation.attack.norm': { type: 'enum', values: ['linf', 'l2'] },
  'evaluation.attack.eps': { type: 'num', min: 0, max: 100 },
  'evaluation.attack.steps': { type: 'int', min: 1, max: 1000 },
  'evaluation.attack.stepSize': { type: 'num', min: 0, max: 100 },
  'evaluation.attack.restarts': { type: 'int', min: 1, max: 100 },
  'evaluation.attack.randomStart': { type: 'bool' },
  'evaluation.attack.box': { type: 'box' },
};

/** Every field of the config with its rule; the keys are the dotted paths the UI uses. */
export const FIELD_RULES: Record<string, FieldRule> = {
  seed: { type: 'int', min: 0, max: 4294967295 },
  'data.kind': { type: 'enum', values: DATASET2D_KINDS },
  'data.size': { type: 'int', min: 10, max: 100000 },
  'data.noise': { type: 'num', min: 0, max: 10 },
  'data.testFraction': { type: 'num', min: 0.05, max: 0.9 },
  'data.seed': { type: 'int', min: 0, max: 4294967295 },
  'model.depth': { type: 'int', min: 0, max: 8 },
  'model.width': { type: 'int', min: 1, max: 512 },
  'model.activation': { type: 'enum', values: ['relu', 'tanh'] },
  ...TRAINING_AND_ATTACK_RULES,
  'evaluation.gridResolution': { type: 'int', min: 10, max: 400 },
};

export function setPath<T>(obj: T, path: string, value: unknown): T {
  const copy = structuredClone(obj) as Record<string, unknown>;
  const keys = path.split('.');
  let o = copy;
  for (const k of keys.slice(0, -1)) {
    if (!o[k] || typeof o[k] !== 'object') o[k] = {};
    o = o[k] as Record<string, unknown>;
  }
  o[keys[keys.length - 1]] = value;
  return copy as T;
}

/** Checks one field of the 2-D experiment; returns an error message or null. */
export function checkField(path: string, value: unknown): string | null {
  const rule = FIELD_RULES[path];
  return rule ? checkFieldWith(rule, value) : null;
}

/** Validates a whole config; an empty object means it is valid. */
export function validateExperiment(config: unknown): FieldErrors {
  if (!config || typeof config !== 'object' || Array.isArray(config)) return { '': `the config must be a JSON object (got ${shown(config)})` };
  const errors = validateFields(FIELD_RULES, config);
  const c = config as ExperimentConfig;
  if (!['training.batchSize', 'data.size', 'data.testFraction'].some((p) => hasErrorAt(errors, p))) {
    const nTrain = c.data.size - Math.round(c.data.size * c.data.testFraction);
    if (c.training.batchSize > nTrain) errors['training.batchSize'] = `must be at most the number of training points (${nTrain})`;
  }
  if ((config as { version?: unknown }).version !== 1) errors.version = `must be 1 (got ${shown((config as { version?: unknown }).version)})`;
  ibpScheduleErrors(c, errors);
  return errors;
}

/** IBP's warm-up and ramp are shares of the run: together at most 1 (shared by the 2-D and image configs). */
export function ibpScheduleErrors(c: { training?: { ibp?: { warmup: number; ramp: number } } }, errors: FieldErrors): void {
  const ibp = c.training?.ibp;
  if (ibp && !hasErrorAt(errors, 'training.ibp.warmup') && !hasErrorAt(errors, 'training.ibp.ramp') && ibp.warmup + ibp.ramp > 1) {
    errors['training.ibp.ramp'] = 'warm-up + ramp must be at most 1 (they are shares of the training steps)';
  }
}

/**
 * Parses JSON text into a config: missing fields take their defaults, unknown fields are
 * rejected, and every field is validated. Throws an Error listing the problems.
 */
export function parseExperiment(text: string): ExperimentConfig {
  return normaliseExperiment(parseConfigJson(text));
}

/** JSON.parse for config text; its error says "Not valid JSON: …". Shared by the 2-D and image configs. */
export function parseConfigJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`Not valid JSON: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
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

/**
 * Fills `defaults` into a partial config object and validates it with `validate`; unknown fields
 * are errors too. Throws "Invalid config: field problem; field problem". Shared by the 2-D and
 * image configs.
 */
export function normaliseConfig<T>(defaults: T, raw: unknown, validate: (config: T) => FieldErrors): T {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new Error('The config must be a JSON object.');
  const unknown: string[] = [];
  const config = mergeDefaults(defaults, raw, '', unknown) as T;
  const errors = validate(config);
  for (const u of unknown) errors[u] = 'is not a known field';
  const keys = Object.keys(errors);
  if (keys.length) throw new Error(`Invalid config: ${keys.map((k) => `${k} ${errors[k]}`).join('; ')}`);
  return config;
}

/** Fills defaults into a partial config object and validates it (throws on problems). */
export function normaliseExperiment(raw: unknown): ExperimentConfig {
  return normaliseConfig(EXPERIMENT_DEFAULTS, raw, validateExperiment);
}

/** The seed of the evaluation attack, derived from the run's seed. */
export function attackConfigOf(config: ExperimentConfig, seedOffset = 0): AttackConfig {
  return { ...config.evaluation.attack, seed: (config.seed + 7919 * (seedOffset + 1)) >>> 0 };
}

export function trainConfigOf(config: ExperimentConfig): TrainConfig {
  return { ...config.training, seed: config.seed };
}

/** Encodes a config into URL search params (dotted keys), as TensorFlow Playground keeps its state. */
export function experimentToSearch(config: ExperimentConfig): string {
  const params = new URLSearchParams();
  for (const path of Object.keys(FIELD_RULES)) {
    const v = getPath(config, path);
    params.set(path, v === null ? 'null' : Array.isArray(v) ? v.join(',') : String(v));
  }
  return params.toString();
}

/**
 * Reads a config from URL search params; absent keys keep their defaults. Returns the config
 * and the fields that could not be used (which keep their defaults).
 */
export function experimentFromSearch(search: string): { config: ExperimentConfig; errors: FieldErrors } {
  const params = new URLSearchParams(search);
  let config = defaultExperiment();
  const errors: FieldErrors = {};
  for (const [path, rule] of Object.entries(FIELD_RULES)) {
    const s = params.get(path);
    if (s === null) continue;
    let value: unknown;
    if (rule.type === 'int' || rule.type === 'num') value = s.trim() === '' ? NaN : Number(s);
    else if (rule.type === 'bool') value = s === 'true' ? true : s === 'false' ? false : s;
    else if (rule.type === 'box') value = s === 'null' ? null : s.split(',').map(Number);
    else value = s;
    const msg = checkField(path, value);
    if (msg) errors[path] = msg;
    else config = setPath(config, path, value);
  }
  return { config, errors };
}
