/**
 * The abstain arena's config as plain data (no tfjs import; the page imports this file): one data
 * set, one threat model (norm, eps) and one budget for every way of abstaining the five papers
 * define, each trained with its paper's defaults (training/config.ts, METHODS.md) and measured by
 * the one rule of metrics/abstainOutcomes.ts. The runner is arena.ts; the families' training
 * settings, decisions and attacks are arenaFamilies.ts.
 *
 * The budget is shared: every family trains the same number of epochs from the same seed (the
 * same initial weights where the architectures match) and its training attack, where it has one,
 * takes the same number of steps; every model is attacked with the same number of iterations.
 */
import { DATASET2D_DEFAULTS, type Dataset2dConfig } from '../data/synthetic2d';
import { MLP_DEFAULTS } from '../models/mlpConfig';
import { SMOOTHED_TRAINING_SIGMA } from '../training/smoothedTrainingConfig';
import type { ModelConfig } from './config';
import { FIELD_RULES, normaliseConfig, parseConfigJson } from './config';
import { IMAGE_EXPERIMENT_DEFAULTS, IMAGE_FIELD_RULES, type ImageModelConfig } from './imageConfig';
import { type FieldErrors, type FieldRule, shown, validateFields } from './fieldSchema';

export const ARENA_FAMILIES = ['standard', 'pgd-at', 'trades', 'era-selector', 'rr', 'gaussian', 'cat-rs', 'sample-rejection', 'ibp-m1', 'ibp-m3'] as const;
export type ArenaFamily = (typeof ARENA_FAMILIES)[number];

/** Each family's label, the paper it comes from and how it abstains, one sentence each (the page shows them). */
export const ARENA_FAMILY_INFO: Record<ArenaFamily, { label: string; paper: string; abstains: string }> = {
  standard: { label: 'Standard training', paper: '—', abstains: 'Never abstains: the argmax of the logits.' },
  'pgd-at': { label: 'PGD-AT', paper: 'Madry et al. (baseline of 000, 001)', abstains: 'Never abstains: the argmax of the logits.' },
  trades: { label: 'TRADES', paper: 'Zhang et al. (baseline of 001)', abstains: 'Never abstains: the argmax of the logits.' },
  'era-selector': {
    label: 'ERA + robustness selector',
    paper: 'Merkli et al. (001), Eq. 5 and 12',
    abstains: 'Answers where a PGD attack on its own prediction finds no other class within eps of the input, abstains elsewhere.',
  },
  rr: {
    label: 'PGD-AT + Rectified Rejection',
    paper: 'Pang et al. (000), Eq. 5',
    abstains: 'Abstains where R-Con does not pass the TPR-95 threshold set on the clean inputs (the authors’ convention: about 95% of the correctly classified ones pass).',
  },
  gaussian: {
    label: 'Gaussian augmentation, smoothed',
    paper: 'Cohen et al. (baseline of 002)',
    abstains: 'PREDICT of randomized smoothing: abstains where the top two classes of the noisy votes do not differ significantly.',
  },
  'cat-rs': {
    label: 'CAT-RS, smoothed',
    paper: 'Jeong et al. (002), Algorithm 1',
    abstains: 'PREDICT of randomized smoothing: abstains where the top two classes of the noisy votes do not differ significantly.',
  },
  'sample-rejection': {
    label: 'Denoised smoothing + sample rejection',
    paper: 'Sheikholeslami et al. (003), Eq. 1–3, Theorem 3.1',
    abstains: 'PREDICT over the standard model on denoised noisy copies, each copy rejected where its class’s rejector head fires: abstains where the top two real classes do not differ significantly.',
  },
  'ibp-m1': { label: 'IBP, one abstain class', paper: 'Baharlouei et al. (004), M = 1', abstains: 'Abstains where the abstain output has the largest logit.' },
  'ibp-m3': {
    label: 'IBP, three abstain classes + regulariser',
    paper: 'Baharlouei et al. (004), M = 3, Eq. 16',
    abstains: 'Abstains where one of the three abstain outputs has the largest logit.',
  },
};

export interface ArenaThreat {
  norm: 'linf' | 'l2';
  eps: number;
}

export interface ArenaBudget {
  /** Training epochs of every family. */
  epochs: number;
  /** Steps of the training attack (PGD-AT, TRADES, ERA, RR, CAT-RS's inner attack). */
  trainingAttackSteps: number;
  /** Iterations of every evaluation attack (PGD, APGD-CE and each family's adaptive attack). */
  attackSteps: number;
  /** Random restarts of the PGD-type evaluation attacks. */
  attackRestarts: number;
}

export interface ArenaSmoothing {
  /** Noise level of Gaussian augmentation, CAT-RS and their smoothed classifiers (input units). */
  sigma: number;
  /** PREDICT's samples per input (the decision on clean and attacked inputs). */
  predictSamples: number;
  /** CERTIFY's selection and estimation samples (the certified share). */
  certifyN0: number;
  certifyN: number;
  /** PREDICT's test level and CERTIFY's failure probability. */
  alpha: number;
  /** Noise samples per step of the SmoothAdv attack on the smoothed classifier. */
  attackSamples: number;
}

/**
 * The arena on images: the records come from files given apart (the CLI's --data, the data set
 * loaded in the page), the config says how many training records to take and which model to train.
 */
export interface ArenaImages {
  /** Training records to use (0 = all): the first ones, or as many per class chosen by the seed. */
  trainLimit: number;
  subset: 'first' | 'per-class';
  model: ImageModelConfig;
}

export interface ArenaConfig {
  version: 1;
  seed: number;
  /** '2d': the generated points of `data` and the MLP of `model`; 'images': image files and `images`. */
  source: '2d' | 'images';
  data: Dataset2dConfig;
  model: ModelConfig;
  images: ArenaImages;
  threat: ArenaThreat;
  budget: ArenaBudget;
  smoothing: ArenaSmoothing;
  /** Test inputs evaluated: the first `count` (0 = all). */
  count: number;
  /** Side of each family's decision-region grid on 2-D data (0 = none; images have none). */
  gridResolution: number;
  families: ArenaFamily[];
}

export const ARENA_DEFAULTS: ArenaConfig = {
  version: 1,
  seed: 1,
  source: '2d',
  // Paper 001's three Gaussians (Fig. 1), 600 points of which 120 are for testing.
  data: { ...DATASET2D_DEFAULTS, size: 600 },
  model: { depth: 2, width: 64, activation: MLP_DEFAULTS.activation },
  images: { trainLimit: 1000, subset: 'per-class', model: { ...IMAGE_EXPERIMENT_DEFAULTS.model } },
  threat: { norm: 'linf', eps: 0.1 },
  budget: { epochs: 10, trainingAttackSteps: 10, attackSteps: 20, attackRestarts: 1 },
  smoothing: { sigma: SMOOTHED_TRAINING_SIGMA.toy2d, predictSamples: 1000, certifyN0: 100, certifyN: 10_000, alpha: 0.001, attackSamples: 8 },
  count: 0,
  gridResolution: 60,
  families: [...ARENA_FAMILIES],
};

export function defaultArenaConfig(): ArenaConfig {
  return structuredClone(ARENA_DEFAULTS);
}

/**
 * The settings that follow the kind of data when a user switches it: on images (pixels in [0, 1])
 * eps 8/255, the image experiments' σ = 0.25, the first 100 test images, PREDICT on 200 and
 * CERTIFY on 2,000 noisy copies, and every family but sample rejection, whose DnCNN denoiser runs
 * on every noisy copy (measured here: a 2-epoch image arena of 20 test images with it had not
 * finished in 14 minutes on WASM; each smoothed CNN took 45 s at 1,000 / 10,000 copies); on 2-D
 * data the defaults above.
 */
export function arenaSourceDefaults(source: ArenaConfig['source']): Pick<ArenaConfig, 'threat' | 'smoothing' | 'count' | 'families'> {
  if (source === '2d') return { threat: { ...ARENA_DEFAULTS.threat }, smoothing: { ...ARENA_DEFAULTS.smoothing }, count: ARENA_DEFAULTS.count, families: [...ARENA_FAMILIES] };
  return {
    threat: { norm: 'linf', eps: 8 / 255 },
    smoothing: { ...ARENA_DEFAULTS.smoothing, sigma: SMOOTHED_TRAINING_SIGMA.images, predictSamples: 200, certifyN: 2000 },
    count: 100,
    families: ARENA_FAMILIES.filter((f) => f !== 'sample-rejection'),
  };
}

/** The input box of the arena's data: pixels lie in [0, 1]; the 2-D points are unbounded. */
export function arenaBox(config: Pick<ArenaConfig, 'source'>): [number, number] | null {
  return config.source === 'images' ? [0, 1] : null;
}

const IMAGE_MODEL_RULES = Object.fromEntries(Object.entries(IMAGE_FIELD_RULES).filter(([k]) => k.startsWith('model.')).map(([k, v]) => [`images.${k}`, v]));

export const ARENA_RULES: Record<string, FieldRule> = {
  seed: { type: 'int', min: 0, max: 4294967295 },
  source: { type: 'enum', values: ['2d', 'images'] },
  'images.trainLimit': { type: 'int', min: 0, max: 1_000_000 },
  'images.subset': { type: 'enum', values: ['first', 'per-class'] },
  ...IMAGE_MODEL_RULES,
  // The 2-D data and MLP fields as the playground's config has them, but at least 20 points and
  // one hidden layer (the arena's smallest useful run).
  ...Object.fromEntries(Object.entries(FIELD_RULES).filter(([k]) => k.startsWith('data.') || k.startsWith('model.'))),
  'data.size': { type: 'int', min: 20, max: 100000 },
  'model.depth': { type: 'int', min: 1, max: 8 },
  'threat.norm': { type: 'enum', values: ['linf', 'l2'] },
  'threat.eps': { type: 'num', min: 0, max: 10, minExclusive: true },
  'budget.epochs': { type: 'int', min: 1, max: 1000 },
  'budget.trainingAttackSteps': { type: 'int', min: 1, max: 1000 },
  'budget.attackSteps': { type: 'int', min: 1, max: 1000 },
  'budget.attackRestarts': { type: 'int', min: 1, max: 100 },
  'smoothing.sigma': { type: 'num', min: 0, max: 100, minExclusive: true },
  'smoothing.predictSamples': { type: 'int', min: 10, max: 1_000_000 },
  'smoothing.certifyN0': { type: 'int', min: 1, max: 1_000_000 },
  'smoothing.certifyN': { type: 'int', min: 10, max: 10_000_000 },
  'smoothing.alpha': { type: 'num', min: 0, max: 0.5, minExclusive: true },
  'smoothing.attackSamples': { type: 'int', min: 1, max: 256 },
  count: { type: 'int', min: 0, max: 100000 },
  gridResolution: { type: 'int', min: 0, max: 200 },
};

/** Every problem of a config, by field path (empty when it is valid). */
export function validateArenaConfig(config: ArenaConfig): FieldErrors {
  const errors = validateFields(ARENA_RULES, config);
  if ((config as { version?: unknown }).version !== 1) errors.version = `must be 1 (got ${shown((config as { version?: unknown }).version)})`;
  const families: unknown = config.families;
  if (!Array.isArray(families) || families.length === 0) errors.families = `must be a non-empty list of ${ARENA_FAMILIES.join(', ')} (got ${shown(families)})`;
  else {
    const bad = families.filter((f) => !ARENA_FAMILIES.includes(f as ArenaFamily));
    if (bad.length) errors.families = `has ${bad.map((f) => shown(f)).join(', ')}; allowed: ${ARENA_FAMILIES.join(', ')}`;
    else if (new Set(families).size !== families.length) errors.families = `names a family twice (got ${shown(families)})`;
  }
  return errors;
}

/** Fills defaults into a partial config and checks it; throws "Invalid config: field problem; …". */
/**
 * Fills the fields a config leaves out and validates it (throws on problems). A config on images
 * takes the image defaults for what it leaves out (arenaSourceDefaults), as the page does when a
 * user switches to images: `{"source": "images"}` alone is the page's default image arena.
 */
export function normaliseArenaConfig(raw: unknown): ArenaConfig {
  const onImages = !!raw && typeof raw === 'object' && (raw as { source?: unknown }).source === 'images';
  const defaults: ArenaConfig = onImages ? { ...ARENA_DEFAULTS, source: 'images', ...arenaSourceDefaults('images') } : ARENA_DEFAULTS;
  return normaliseConfig(defaults, raw, validateArenaConfig);
}

export function parseArenaConfig(text: string): ArenaConfig {
  return normaliseArenaConfig(parseConfigJson(text));
}

/** The families in the arena's fixed order (the table's rows), whatever order the config lists them in. */
export function orderedFamilies(config: Pick<ArenaConfig, 'families'>): ArenaFamily[] {
  return ARENA_FAMILIES.filter((f) => config.families.includes(f));
}

/** Why a family cannot run under this config, or null: the page and the CLI show it in the family's row. */
export function familyUnavailable(family: ArenaFamily, config: Pick<ArenaConfig, 'threat'>): string | null {
  if ((family === 'ibp-m1' || family === 'ibp-m3') && config.threat.norm !== 'linf') {
    return 'IBP training and verification bound l∞ boxes; under an l2 threat model this family is not run.';
  }
  return null;
}
