/**
 * What the abstain arena reports (plain data, no tfjs: the page draws it, the CLI writes it): one
 * row per family with the common measures of metrics/abstainMeasures.ts, each attack's own robust
 * accuracy, the certified or verified shares where the family has a certificate, its paper's own
 * measure, and the training cost and seed; and the table as CSV.
 */
import type { Bounds2d } from '../data/synthetic2d';
import { ABSTAIN_MEASURES, type AbstainOutcomes, type Share } from '../metrics/abstainMeasures';
import type { ArenaConfig, ArenaFamily } from './arenaConfig';

/** A share with its name and one-sentence definition (a certified or verified figure). */
export interface ArenaFigure {
  id: string;
  label: string;
  definition: string;
  share: Share;
}

export interface ArenaCost {
  epochs: number;
  /** Optimizer steps taken. */
  optimizerSteps: number;
  /** Steps of the attack inside each training step (0: none). */
  trainingAttackSteps: number;
  optimizer: string;
  learningRate: number;
  batchSize: number;
  seed: number;
  trainSeconds: number;
  evaluateSeconds: number;
  /** 'completed', or why training stopped early ('diverged'). */
  trainStatus: string;
}

export interface ArenaRow {
  family: ArenaFamily;
  label: string;
  paper: string;
  abstains: string;
  /** 'not-run': the family cannot run under this config (see note); 'failed': it stopped with an error (note). */
  status: 'done' | 'not-run' | 'failed';
  note: string | null;
  cost: ArenaCost | null;
  /** Every attack run, with the robust accuracy it alone leaves (the table's measures take the worst per input). */
  attacks: { id: string; label: string; robustAccuracy: Share }[];
  outcomes: AbstainOutcomes | null;
  /** Certified (smoothing) and verified (IBP, CROWN) shares, and why a family has none. */
  guarantees: ArenaFigure[];
  guaranteeNote: string | null;
  /** The family's paper's own measure, as that paper computes it. */
  paperMeasure: { label: string; value: number; definition: string } | null;
  /** Accuracy on accepted inputs against coverage, under the attack that left the lowest robust accuracy (score-based rejectors). */
  coverage: { score: string; attack: string; coverage: number[]; accuracy: number[] } | null;
  /** Per input: the clean decision and the decision at each attack's point (ABSTAIN_DECISION = −1). */
  decisions: { clean: number[]; attacked: number[][] } | null;
  /** The decisions on a grid over the 2-D plane (row-major from the bounds' minimum), abstain = −1. */
  grid: { resolution: number; bounds: Bounds2d; decisions: number[] } | null;
}

export interface ArenaResult {
  config: ArenaConfig;
  backend: string;
  versions: Record<string, string>;
  numClasses: number;
  /** The shape of one input: [2] for points, [h, w, c] for images. */
  inputShape: number[];
  labels: number[];
  /** The test points evaluated (2-D; none for images), row-major [n, 2]. */
  points: number[];
  rows: ArenaRow[];
  elapsedSeconds: number;
}

const CSV_SHARES = ABSTAIN_MEASURES;

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The table as CSV: one line per family, each share as value, lower and upper bound. */
export function arenaCsv(result: Pick<ArenaResult, 'rows'>): string {
  const header: string[] = [
    'family', 'label', 'status',
    ...CSV_SHARES.flatMap((m) => [m, `${m}_lower`, `${m}_upper`]),
    'guarantees', 'paper_measure', 'paper_measure_value',
    'epochs', 'optimizer_steps', 'training_attack_steps', 'optimizer', 'learning_rate', 'batch_size', 'seed', 'train_seconds', 'evaluate_seconds', 'note',
  ];
  const lines = result.rows.map((r) => {
    const o = r.outcomes;
    const c = r.cost;
    return [
      r.family, r.label, r.status,
      ...CSV_SHARES.flatMap((m): unknown[] => (o ? [o[m].value, o[m].lower, o[m].upper] : ['', '', ''])),
      r.guarantees.map((g) => `${g.label}: ${g.share.k}/${g.share.n}`).join('; '),
      r.paperMeasure?.label ?? '', r.paperMeasure?.value ?? '',
      c?.epochs, c?.optimizerSteps, c?.trainingAttackSteps, c?.optimizer, c?.learningRate, c?.batchSize, c?.seed, c?.trainSeconds, c?.evaluateSeconds,
      [r.note, r.guaranteeNote].filter(Boolean).join(' '),
    ].map(csvCell).join(',');
  });
  return [header.join(','), ...lines].join('\n') + '\n';
}
