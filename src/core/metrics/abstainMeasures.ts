/**
 * The abstain arena's measures by name, with their labels and one-sentence definitions, and the
 * shapes of a share with its interval and of a rejector's footing: plain data for the page
 * (abstainOutcomes.ts and experiments/rejectorFooting.ts compute them; they need @stdlib's
 * statistics, which the page does not load).
 */
import type { RejectorScoreName } from './rejectorScoreNames';

export const ABSTAIN_DECISION = -1;

/** A share k/n with its 95% Clopper–Pearson interval (NaN share and interval for n = 0). */
export interface Share {
  k: number;
  n: number;
  value: number;
  lower: number;
  upper: number;
}

export const ABSTAIN_MEASURES = ['cleanAccuracy', 'cleanAbstention', 'acceptedAccuracy', 'robustAccuracy', 'robustInaccuracy', 'robustErrorAbstainSuccess'] as const;
export type AbstainMeasure = (typeof ABSTAIN_MEASURES)[number];

/** Each measure's label and one-sentence definition, for the tables that report it. */
export const ABSTAIN_MEASURE_DEFINITIONS: Record<AbstainMeasure, { label: string; definition: string }> = {
  cleanAccuracy: { label: 'clean accuracy', definition: 'Share of test inputs the model answers with the right class (an abstention is not right).' },
  cleanAbstention: { label: 'clean abstention', definition: 'Share of clean test inputs the model declines to answer: the price of abstaining.' },
  acceptedAccuracy: { label: 'accuracy on accepted', definition: 'Among the clean inputs the model answers, the share it gets right.' },
  robustAccuracy: { label: 'robust accuracy', definition: 'Share of inputs answered right whose answer no attack could change or withdraw (Merkli et al.).' },
  robustInaccuracy: { label: 'robust inaccuracy', definition: 'Share of inputs answered wrong whose wrong answer no attack could move, not even to an abstention (Merkli et al.).' },
  robustErrorAbstainSuccess: { label: 'robust error (abstain = success)', definition: 'Share of inputs that are answered wrong or abstained on when clean, or that some attack turns into a wrong answer; an attack that only causes an abstention fails (Baharlouei et al.).' },
};

export type AbstainOutcomes = Record<AbstainMeasure, Share>;

export interface ThreatFooting {
  norm: 'linf' | 'l2';
  eps: number;
  /** The attacked sets of this threat model (their ids), all counted per input. */
  sets: string[];
  outcomes: AbstainOutcomes;
}

export interface RejectorFooting {
  score: RejectorScoreName;
  /** Kept iff score `keepRule` threshold (set on the clean set). */
  threshold: number;
  keepRule: '>' | '>=';
  tpr: number;
  threats: ThreatFooting[];
}
