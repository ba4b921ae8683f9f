/**
 * Settings of paper 000's rejection evaluation (Pang et al., CVPR 2022, Section 6; METHODS.md
 * §000 "Evaluation"), as plain data (no tfjs import; the page imports this file): which inputs
 * (the first `count` test inputs), at which softmax temperature the scores are read, the TPR of
 * the "TPR-95" accuracy, the xi of the coupled-rejection summary (Theorem 1), and the list of
 * settings — clean inputs, PGD on the classifier, and the adaptive attacks of Section 6.2 that also
 * push the rejector's score up. The evaluation itself is rconRejectionEval.ts.
 *
 * The defaults follow the paper's CIFAR-10 evaluation (images in [0, 1]): clean, PGD-10 l_inf at
 * 8/255 and 16/255, PGD-10 l_2 at 128/255, and the adaptive attack CE + eta·log R-Con (eta = 1)
 * at l_inf 8/255. The 2-D playground's data are not on that scale: its defaults use eps 0.1 and
 * 0.2 (l_inf) and 0.2 (l_2). The page and the CLI choose by the kind of data.
 */
import { ADAPTIVE_LABELS, ADAPTIVE_OBJECTIVES, type AdaptiveObjective } from '../attacks/config';
import type { ModelHeads } from '../training/rejectionHeadsConfig';
import { type FieldRule, shown, validateFields } from './fieldSchema';

export type RejectionEvalKind = 'clean' | 'pgd' | 'adaptive';
export const REJECTION_EVAL_KINDS: readonly RejectionEvalKind[] = ['clean', 'pgd', 'adaptive'];

/** The adaptive objectives an evaluation can run (all of attacks/adaptive.ts'). */
export const REJECTION_EVAL_OBJECTIVES = ADAPTIVE_OBJECTIVES;

export interface RejectionEvalSetting {
  /** Unique within a config; names the set in the results. */
  id: string;
  label: string;
  /** 'clean': the inputs themselves; 'pgd': PGD on the classifier (CE); 'adaptive': adaptiveAttack (RR models only). */
  kind: RejectionEvalKind;
  norm: 'linf' | 'l2';
  /** Radius of the threat model (ignored for 'clean'). */
  eps: number;
  /** Attack iterations (ignored for 'clean'). */
  steps: number;
  /** Independent random starts (ignored for 'clean'). */
  restarts: number;
  /** 'adaptive' only: the attacker's objective (default 'ce-logrcon'). */
  objective?: AdaptiveObjective;
  /** 'adaptive' only: weight eta of the rejector term (default 1). */
  eta?: number;
  /** Step size; absent or 0 = 2.5·eps/steps (2/255 for PGD-10 at 8/255, the authors' alpha). */
  stepSize?: number;
  /**
   * 'adaptive' only: the softmax temperature τ of R-Con inside the attacker's objective; absent =
   * the config's `temperature`, the one the scores are read at; 1 = the authors' attack.
   */
  attackTemperature?: number;
}

export interface RejectionEvalConfig {
  /** Test inputs to evaluate: the first `count` (fewer if the test set is smaller). */
  count: number;
  /**
   * Softmax temperature tau at which confidence and R-Con are read (rejectorScores.ts): A_phi
   * learns A* at the tau of training, so R-Con should be read at that tau. Default 1.
   */
  temperature: number;
  /** Share of the correctly classified inputs the TPR-x threshold keeps (paper: 0.95). */
  tpr: number;
  /** xi of the coupled rejector's first stage, Con > 1/(2 − xi) (Theorem 1). */
  xi: number;
  /** Seeds every attack's random start (each setting derives its own from it and its id). */
  seed: number;
  settings: RejectionEvalSetting[];
}

export type RejectionEvalDataKind = 'image' | '2d';

export const REJECTION_CLEAN_SETTING: RejectionEvalSetting = { id: 'clean', label: 'Clean', kind: 'clean', norm: 'linf', eps: 0, steps: 1, restarts: 1 };


function epsText(eps: number, dataKind: RejectionEvalDataKind): string {
  if (dataKind === 'image') {
    const k = eps * 255;
    if (Math.abs(k - Math.round(k)) < 1e-9) return `${Math.round(k)}/255`;
  }
  return String(Number(eps.toPrecision(4)));
}

const normText = (norm: 'linf' | 'l2') => (norm === 'linf' ? 'l_inf' : 'l_2');

/** A PGD setting with a generated id and label, e.g. id 'pgd10-linf-8-255', label 'PGD-10 l_inf 8/255'. */
export function pgdSetting(norm: 'linf' | 'l2', eps: number, steps = 10, dataKind: RejectionEvalDataKind = 'image', restarts = 1): RejectionEvalSetting {
  const e = epsText(eps, dataKind);
  return { id: `pgd${steps}-${norm}-${e.replace('/', '-')}`, label: `PGD-${steps} ${normText(norm)} ${e}`, kind: 'pgd', norm, eps, steps, restarts };
}

/** An adaptive-attack setting with a generated id and label. */
export function adaptiveSetting(
  objective: AdaptiveObjective,
  norm: 'linf' | 'l2',
  eps: number,
  options: { eta?: number; steps?: number; restarts?: number; dataKind?: RejectionEvalDataKind } = {},
): RejectionEvalSetting {
  const { eta = 1, steps = 10, restarts = 1, dataKind = 'image' } = options;
  const e = epsText(eps, dataKind);
  return {
    id: `adaptive-${objective}-${norm}-${e.replace('/', '-')}`,
    label: `Adaptive ${ADAPTIVE_LABELS[objective]} (η=${eta}) ${normText(norm)} ${e}`,
    kind: 'adaptive',
    norm,
    eps,
    steps,
    restarts,
    objective,
    eta,
  };
}

/** How the scores are read and summarised, the same for images and the 2-D playground. */
const REJECTION_EVAL_READING = { temperature: 1, tpr: 0.95, xi: 0.2, seed: 0 };

/** Images in [0, 1] (paper 000's CIFAR-10 settings). */
export const REJECTION_EVAL_DEFAULTS: RejectionEvalConfig = {
  count: 500,
  ...REJECTION_EVAL_READING,
  settings: [
    REJECTION_CLEAN_SETTING,
    pgdSetting('linf', 8 / 255),
    pgdSetting('linf', 16 / 255),
    pgdSetting('l2', 128 / 255),
    adaptiveSetting('ce-logrcon', 'linf', 8 / 255, { eta: 1 }),
  ],
};

/** The 2-D playground (coordinates of order 1, no box): eps 0.1 and 0.2 (l_inf), 0.2 (l_2). */
export const REJECTION_EVAL_DEFAULTS_2D: RejectionEvalConfig = {
  count: 1000,
  ...REJECTION_EVAL_READING,
  settings: [
    REJECTION_CLEAN_SETTING,
    pgdSetting('linf', 0.1, 10, '2d'),
    pgdSetting('linf', 0.2, 10, '2d'),
    pgdSetting('l2', 0.2, 10, '2d'),
    adaptiveSetting('ce-logrcon', 'linf', 0.1, { eta: 1, dataKind: '2d' }),
  ],
};

/** A fresh copy of the defaults for images or for the 2-D playground. */
export function defaultRejectionEvalConfig(dataKind: RejectionEvalDataKind = 'image'): RejectionEvalConfig {
  return structuredClone(dataKind === '2d' ? REJECTION_EVAL_DEFAULTS_2D : REJECTION_EVAL_DEFAULTS);
}

/** The 2-D defaults (a fresh copy). */
export function rejectionEvalDefaults2d(): RejectionEvalConfig {
  return defaultRejectionEvalConfig('2d');
}

/**
 * The config with its adaptive settings replaced by one per objective, at the norm and eps of
 * the first adaptive setting (else of the first PGD setting), with weight eta (default: that of
 * the replaced setting, else 1). For "TPR-95 under every adaptive attack" (Section 6.2).
 */
export function withAdaptiveObjectives(config: RejectionEvalConfig, objectives: readonly AdaptiveObjective[], dataKind: RejectionEvalDataKind = 'image', eta?: number): RejectionEvalConfig {
  const first = config.settings.find((s) => s.kind === 'adaptive') ?? config.settings.find((s) => s.kind === 'pgd');
  const norm = first?.norm ?? 'linf';
  const eps = first?.eps ?? (dataKind === 'image' ? 8 / 255 : 0.1);
  const steps = first?.steps ?? 10;
  const e = eta ?? first?.eta ?? 1;
  const kept = config.settings.filter((s) => s.kind !== 'adaptive');
  return { ...config, settings: [...kept, ...objectives.map((o) => adaptiveSetting(o, norm, eps, { eta: e, steps, restarts: first?.restarts ?? 1, dataKind }))] };
}

export type RejectionEvalErrors = Record<string, string>;

/** What the config's own fields allow (zod, fieldSchema.ts). */
export const REJECTION_EVAL_RULES: Record<string, FieldRule> = {
  count: { type: 'int', min: 1, max: 10_000_000 },
  temperature: { type: 'num', min: 0, max: 1e6, minExclusive: true },
  tpr: { type: 'num', min: 0, max: 1, minExclusive: true },
  xi: { type: 'num', min: 0, max: 1, maxExclusive: true },
  seed: { type: 'int', min: 0, max: 4294967295 },
};

/** What each setting's fields allow (stepSize 0 = 2.5·eps/steps). */
export const REJECTION_SETTING_RULES: Record<string, FieldRule> = {
  id: { type: 'text' },
  label: { type: 'text' },
  kind: { type: 'enum', values: REJECTION_EVAL_KINDS },
  norm: { type: 'enum', values: ['linf', 'l2'] },
  eps: { type: 'num', min: 0, max: 1e4 },
  steps: { type: 'int', min: 1, max: 1_000_000 },
  restarts: { type: 'int', min: 1, max: 1000 },
  stepSize: { type: 'num', min: 0, max: 1e4, optional: true },
  objective: { type: 'enum', values: REJECTION_EVAL_OBJECTIVES, optional: true },
  eta: { type: 'num', min: 0, max: 1e6, optional: true },
  attackTemperature: { type: 'num', min: 0, max: 1e6, minExclusive: true, optional: true },
};

/**
 * One message per bad field, keyed by its dotted path ('count', 'settings.2.eps', ...), with what
 * it allows and the value given (`must be ≥ 0 and ≤ 10000 (got -1)`); empty when the config is
 * valid. That adaptive settings need an RR model is checked at run time
 * (rejectionEvalModelProblems), since it depends on the model.
 */
export function validateRejectionEvalConfig(config: RejectionEvalConfig): RejectionEvalErrors {
  const errors: RejectionEvalErrors = validateFields(REJECTION_EVAL_RULES, config);
  if (errors['']) return errors;
  const settings = (config as unknown as Record<string, unknown>).settings;
  if (!Array.isArray(settings)) {
    errors.settings = `must be a list of settings (got ${shown(settings)})`;
    return errors;
  }
  if (settings.length === 0) errors.settings = 'must hold at least one setting';
  const ids = new Set<string>();
  settings.forEach((raw: unknown, i) => {
    const at = `settings.${i}`;
    for (const [k, v] of Object.entries(validateFields(REJECTION_SETTING_RULES, raw))) errors[k ? `${at}.${k}` : at] = v;
    const kind = (raw as { kind?: unknown } | null)?.kind;
    if (kind !== 'adaptive' && (raw as { attackTemperature?: unknown } | null)?.attackTemperature !== undefined && !errors[`${at}.attackTemperature`]) {
      errors[`${at}.attackTemperature`] = `applies to adaptive settings only (this one is ${JSON.stringify(kind)})`;
    }
    const id = (raw as { id?: unknown } | null)?.id;
    if (typeof id === 'string' && !errors[`${at}.id`]) {
      if (ids.has(id)) errors[`${at}.id`] = `"${id}" is used by an earlier setting (ids must be unique)`;
      ids.add(id);
    }
  });
  return errors;
}

/** The errors as "field message" lines. */
export function rejectionEvalErrorList(errors: RejectionEvalErrors): string[] {
  return Object.entries(errors).map(([k, v]) => `${k} ${v}`);
}

const SETTING_FIELDS = ['id', 'label', 'kind', 'norm', 'eps', 'steps', 'restarts', 'objective', 'eta', 'stepSize', 'attackTemperature'];
const CONFIG_FIELDS = ['count', 'temperature', 'tpr', 'xi', 'seed', 'settings'];

/**
 * Reads a (partial) config from JSON: absent fields take the defaults of `dataKind` (absent
 * `settings` the default list; a setting's absent label is its id, restarts 1, steps 10, and an
 * adaptive one's objective 'ce-logrcon' and eta 1). Returns the config and one message per bad or
 * unknown field.
 */
export function parseRejectionEvalConfig(raw: unknown, dataKind: RejectionEvalDataKind = 'image'): { config: RejectionEvalConfig; errors: RejectionEvalErrors } {
  const base = defaultRejectionEvalConfig(dataKind);
  const errors: RejectionEvalErrors = {};
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { config: base, errors: { '': 'the rejection evaluation config must be a JSON object' } };
  const r = raw as Record<string, unknown>;
  for (const k of Object.keys(r)) if (!CONFIG_FIELDS.includes(k)) errors[k] = 'is not a known field';
  const config = { ...base } as RejectionEvalConfig;
  for (const k of CONFIG_FIELDS) if (k !== 'settings' && r[k] !== undefined) (config as unknown as Record<string, unknown>)[k] = r[k];
  if (r.settings !== undefined) {
    if (!Array.isArray(r.settings)) {
      (config as unknown as Record<string, unknown>).settings = r.settings;
    } else {
      config.settings = r.settings.map((s, i) => {
        if (!s || typeof s !== 'object' || Array.isArray(s)) return s as RejectionEvalSetting;
        const o = s as Record<string, unknown>;
        for (const k of Object.keys(o)) if (!SETTING_FIELDS.includes(k)) errors[`settings.${i}.${k}`] = 'is not a known field';
        const kind = o.kind ?? 'pgd';
        const filled: Record<string, unknown> = { norm: 'linf', steps: kind === 'clean' ? 1 : 10, restarts: 1, eps: 0, ...o, kind };
        if (filled.label === undefined) filled.label = filled.id;
        if (kind === 'adaptive') {
          filled.objective ??= 'ce-logrcon';
          filled.eta ??= 1;
        }
        return filled as unknown as RejectionEvalSetting;
      });
    }
  }
  Object.assign(errors, validateRejectionEvalConfig(config));
  return { config, errors };
}

/**
 * What a model with these heads cannot run: adaptive settings need Rectified Rejection's
 * auxiliary head (their objectives read R-Con). One message per setting id; empty when all run.
 */
export function rejectionEvalModelProblems(config: RejectionEvalConfig, heads: ModelHeads): Record<string, string> {
  const out: Record<string, string> = {};
  if (heads === 'rr') return out;
  for (const s of config.settings) {
    if (s.kind === 'adaptive') out[s.id] = `the adaptive attack (${s.objective ?? 'ce-logrcon'}) reads R-Con, which needs an RR model (this model has ${heads === 'none' ? 'no rejector head' : 'a SelectiveNet head'})`;
  }
  return out;
}
