/**
 * The per-input arrays of `evaluate-rejection --per-input` (and of every --shard part, which
 * `merge` joins): per setting, each input's prediction, correctness, scores, logits and head
 * outputs. Floats go through floatJson.ts, so a merge reads back the very float32 values a part
 * computed, NaN and ±Infinity apart.
 */
import type { RejectionEvaluation } from '../core';
import { type JsonFloat, floatsToJson } from './floatJson';

/** One setting's per-input arrays, as the JSON holds them. */
export interface PerInput {
  id: string;
  predictions: number[];
  correct: number[];
  scores: Record<string, JsonFloat[]>;
  aux?: JsonFloat[];
  selection?: JsonFloat[];
  /** One row of numClasses logits per input. */
  logits: JsonFloat[][];
}

export function perInputOf(ev: RejectionEvaluation): PerInput[] {
  return ev.sets.map((s) => ({
    id: s.id,
    predictions: Array.from(s.predictions),
    correct: Array.from(s.correct),
    scores: Object.fromEntries(Object.entries(s.scores).map(([k, v]) => [k, floatsToJson(v!)])),
    aux: s.aux ? floatsToJson(s.aux) : undefined,
    selection: s.selection ? floatsToJson(s.selection) : undefined,
    logits: Array.from({ length: ev.n }, (_, i) => floatsToJson(s.logits.subarray(i * ev.numClasses, (i + 1) * ev.numClasses))),
  }));
}
