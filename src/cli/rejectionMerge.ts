/**
 * Joins what `evaluate-rejection --shard i/N` parts wrote into what one run writes. The TPR
 * thresholds, ROC curves and the rejectors' footing need every input at once, so the parts carry
 * their per-input arrays (predictions, correctness, scores, logits and head outputs of every
 * setting); the merge puts them back in input order and computes every metric again with the run's
 * own functions. Each part attacked its block with the run's random starts (whole chunks of
 * --batch inputs, passing the first chunk's index), so the merge equals one run's JSON but for the
 * times. Refuses parts of different runs and parts that overlap or leave a gap.
 */
import type { RejectionEvaluation, RejectorScoreName, ScoredSet } from '../core';
import { CliError } from './errors';
import { floatsFromJson } from './floatJson';
import { type PerInput, perInputOf } from './rejectionPerInput';
import { sameJson } from './shard';

type Json = Record<string, unknown>;

interface SetSummary {
  id: string;
  label: string;
  kind: ScoredSet['kind'];
  adversarial: boolean;
  setting: ScoredSet['setting'];
  nonFinite: number;
}

interface Part {
  path: string;
  json: Json;
  shard: { first: number; of: number; batch: number; perInput: boolean };
}


export function isRejectionJson(v: unknown): v is Json {
  return !!v && typeof v === 'object' && (v as Json).command === 'evaluate-rejection';
}

const SHARED = ['config', 'evaluation', 'temperatureSource', 'backend', 'dataset', 'model', 'box', 'scores', 'skipped'] as const;

function partsInOrder(files: { path: string; json: Json }[]): Part[] {
  const parts = files.map(({ path, json }) => {
    const shard = json.shard as Part['shard'] | undefined;
    if (!shard) throw new CliError(`merge: ${path} is not a part of a run (it has no "shard"; run evaluate-rejection with --shard i/N)`);
    if (json.interrupted === true) throw new CliError(`merge: ${path} is an interrupted part: run it again`);
    if (!Array.isArray(json.perInput)) throw new CliError(`merge: ${path} has no per-input arrays`);
    return { path, json, shard };
  });
  const first = parts[0];
  for (const p of parts) {
    for (const key of SHARED) if (!sameJson(p.json[key], first.json[key])) throw new CliError(`merge: ${p.path} differs from ${first.path} in "${key}": the parts of one run share it`);
    if (p.shard.of !== first.shard.of || p.shard.batch !== first.shard.batch) throw new CliError(`merge: ${p.path} splits another run (${p.shard.of} inputs in chunks of ${p.shard.batch}) than ${first.path} (${first.shard.of} in chunks of ${first.shard.batch})`);
  }
  parts.sort((a, b) => a.shard.first - b.shard.first);
  let next = 0;
  for (const p of parts) {
    if (p.shard.first !== next) throw new CliError(`merge: ${p.path} starts at input ${p.shard.first + 1} but the parts before it end at input ${next}: ${p.shard.first > next ? 'a part is missing' : 'two parts overlap'}`);
    next += p.json.n as number;
  }
  if (next !== first.shard.of) throw new CliError(`merge: the parts hold ${next} of the run's ${first.shard.of} inputs: a part is missing`);
  return parts;
}

/** The run's sets, each part's block in order. */
function joinedSets(parts: Part[], numClasses: number): ScoredSet[] {
  const summaries = (parts[0].json.sets as SetSummary[]).map((s) => s.id);
  return summaries.map((id, j) => {
    const blocks = parts.map((p) => {
      const per = (p.json.perInput as PerInput[])[j];
      const summary = (p.json.sets as SetSummary[])[j];
      if (!per || per.id !== id || summary.id !== id) throw new CliError(`merge: ${p.path} holds other settings than ${parts[0].path}`);
      return { per, summary };
    });
    const s0 = blocks[0].summary;
    /** The per-input floats of the part in `path`, or a refusal naming the file, the setting and the array. */
    const floats = (v: unknown, what: string, path: string) => {
      try {
        return floatsFromJson(v, what);
      } catch (e) {
        throw new CliError(`merge: ${path}, setting "${id}": ${(e as Error).message}`);
      }
    };
    const cat = <T extends Float32Array | Int32Array | Uint8Array>(make: (n: number) => T, pick: (per: PerInput, path: string) => ArrayLike<number>): T => {
      const arrays = blocks.map((b, k) => pick(b.per, parts[k].path));
      const out = make(arrays.reduce((s, a) => s + a.length, 0));
      let at = 0;
      for (const a of arrays) {
        out.set(a, at);
        at += a.length;
      }
      return out;
    };
    const scoreNames = Object.keys(blocks[0].per.scores) as RejectorScoreName[];
    return {
      id,
      label: s0.label,
      kind: s0.kind,
      adversarial: s0.adversarial,
      setting: s0.setting,
      predictions: cat((n) => new Int32Array(n), (p) => p.predictions),
      correct: cat((n) => new Uint8Array(n), (p) => p.correct),
      logits: cat((n) => new Float32Array(n), (p, path) => floats(p.logits.flat(), 'logits', path)),
      aux: blocks[0].per.aux ? cat((n) => new Float32Array(n), (p, path) => floats(p.aux, 'aux', path)) : null,
      selection: blocks[0].per.selection ? cat((n) => new Float32Array(n), (p, path) => floats(p.selection, 'selection', path)) : null,
      scores: Object.fromEntries(scoreNames.map((name) => [name, cat((n) => new Float32Array(n), (p, path) => floats(p.scores[name], `scores.${name}`, path))])),
      nonFinite: blocks.reduce((sum, b) => sum + b.summary.nonFinite, 0),
    } as ScoredSet;
  }).map((set) => {
    if (set.logits.length !== set.predictions.length * numClasses) throw new CliError(`merge: the set "${set.id}" holds ${set.logits.length} logits for ${set.predictions.length} inputs of ${numClasses} classes`);
    return set;
  });
}

export async function mergeRejectionParts(files: { path: string; json: Json }[]): Promise<{ result: Json; inputs: number }> {
  const { rejectionMetrics, rejectorFooting } = await import('../core');
  const parts = partsInOrder(files);
  const j = parts[0].json;
  const evaluation = j.evaluation as { tpr: number; xi: number; temperature: number };
  const model = j.model as { heads: RejectionEvaluation['heads']; numClasses: number };
  const scoreNames = j.scores as RejectorScoreName[];
  const sets = joinedSets(parts, model.numClasses);
  const n = sets[0]?.predictions.length ?? 0;
  const { metrics, coupled } = n > 0 ? rejectionMetrics(sets, scoreNames, { tpr: evaluation.tpr, xi: evaluation.xi }) : { metrics: [], coupled: [] };
  const ev: RejectionEvaluation = { numClasses: model.numClasses, n, heads: model.heads, scoreNames, temperature: evaluation.temperature, tpr: evaluation.tpr, xi: evaluation.xi, sets, metrics, coupled, skipped: j.skipped as RejectionEvaluation['skipped'] };
  // Written from the joined sets, as one run writes them.
  const perInput = parts.every((p) => p.shard.perInput) ? perInputOf(ev) : undefined;
  const summaryOf = (id: string) => metrics.find((m) => m.set === id);
  const timing = (key: string) => parts.reduce((s, p) => s + ((p.json.timing as Record<string, number>)[key] ?? 0), 0);
  const result: Json = {
    command: 'evaluate-rejection',
    config: j.config,
    evaluation: j.evaluation,
    temperatureSource: j.temperatureSource,
    backend: j.backend,
    dataset: j.dataset,
    model: j.model,
    box: j.box,
    n,
    scores: j.scores,
    skipped: j.skipped,
    interrupted: false,
    sets: sets.map((s) => ({ id: s.id, label: s.label, kind: s.kind, adversarial: s.adversarial, setting: s.setting, n: s.correct.length, nonFinite: s.nonFinite, accuracy: summaryOf(s.id)?.accuracy ?? NaN })),
    metrics,
    coupled,
    footing: rejectorFooting(ev),
    perInput,
    timing: { totalMs: timing('totalMs'), evaluateMs: timing('evaluateMs') },
  };
  return { result, inputs: n };
}
