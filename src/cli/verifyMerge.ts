/**
 * Joins what `verify --shard i/N` runs wrote into what one run writes: their totals JSON (each
 * share is a count over the inputs, so the counts add up and the shares are computed again with
 * the run's own formulas) and their per-input TSVs (the rows in the order of the test indices).
 * Each part's verdicts depend on its inputs alone, and its PGD table drew the single run's random
 * starts (a part starts on a chunk boundary), so the merge equals one run's output but for the
 * times. Refuses parts of different runs (config, model, bounds, eps, …) and an input two parts hold.
 */
import { CliError } from './errors';
import { sameJson } from './shard';
import { wholeLines } from './files';
import { roundMs } from './verifyReport';
import { status } from './status';

type Json = Record<string, unknown>;


/** Whether a parsed JSON file is verify's totals. */
export function isVerifyJson(v: unknown): v is Json {
  return !!v && typeof v === 'object' && (v as Json).command === 'verify';
}

/** The fields every part of one run shares (all but the counts, the times and the part itself). */
const SHARED = ['config', 'backend', 'dataset', 'model', 'K', 'M', 'eps', 'norm', 'box', 'bounds', 'iterations', 'batch'] as const;

export function mergeVerifyJson(files: { path: string; json: Json }[]): { result: Json; inputs: number } {
  const first = files[0];
  for (const { path, json } of files) {
    for (const key of SHARED) if (!sameJson(json[key], first.json[key])) throw new CliError(`merge: ${path} differs from ${first.path} in "${key}": the parts of one verify run share it`);
    if (!json.shard) throw new CliError(`merge: ${path} is not a part of a run (it has no "shard"; run verify with --shard i/N)`);
  }
  // The parts in input order must follow each other without gap or overlap and cover the run.
  const parts = files.map((f) => ({ ...f, shard: f.json.shard as { first: number; of: number } })).sort((a, b) => a.shard.first - b.shard.first);
  let next = 0;
  for (const p of parts) {
    if (p.shard.of !== parts[0].shard.of) throw new CliError(`merge: ${p.path} splits a run of ${p.shard.of} inputs, ${parts[0].path} one of ${parts[0].shard.of}`);
    if (p.shard.first !== next) throw new CliError(`merge: ${p.path} starts at input ${p.shard.first + 1} but the parts before it end at input ${next}: ${p.shard.first > next ? 'a part is missing' : 'two parts overlap'}`);
    next += p.json.selected as number;
  }
  if (next !== parts[0].shard.of) throw new CliError(`merge: the parts hold ${next} of the run's ${parts[0].shard.of} inputs: a part is missing`);
  if (files.some((f) => f.json.pgd) && !files.every((f) => f.json.pgd)) throw new CliError('merge: some parts have a PGD table and some do not (an interrupted part has none): run those parts again');
  const n = files.map((f) => f.json.n as number);
  const N = n.reduce((a, b) => a + b, 0);
  /** Σ over the parts of share × n, as the whole number of inputs it counts. */
  const count = (get: (j: Json) => number) => files.reduce((sum, f, i) => sum + Math.round(get(f.json) * n[i]), 0);
  const bounds = first.json.bounds as string[];
  const verification = Object.fromEntries(
    bounds.map((b) => {
      const of = (j: Json) => (j.verification as Record<string, Json>)[b];
      const verified = count((j) => 1 - (of(j).verifiedError as number));
      const totalMs = files.reduce((s, f) => s + (of(f.json).totalMs as number), 0);
      return [b, { verifiedError: N ? 1 - verified / N : NaN, certified: N ? count((j) => of(j).certified as number) / N : NaN, nonFinite: files.reduce((s, f) => s + (of(f.json).nonFinite as number), 0), msPerInput: N ? roundMs(totalMs / N) : NaN, totalMs }];
    }),
  );
  const pgds = files.map((f) => f.json.pgd as Json | null);
  let pgd: Json | null = null;
  if (pgds.every((p) => p)) {
    const p0 = pgds[0]!;
    for (const [i, p] of pgds.entries()) for (const key of ['steps', 'stepSize', 'restarts', 'seed']) if (!sameJson(p![key], p0[key])) throw new CliError(`merge: ${files[i].path} ran another PGD table ("${key}")`);
    const pn = pgds.map((p) => p!.n as number);
    const PN = pn.reduce((a, b) => a + b, 0);
    const pcount = (key: string) => pgds.reduce((s, p, i) => s + Math.round((p![key] as number) * pn[i]), 0);
    const frac = (k: number) => (PN > 0 ? k / PN : 0);
    const perClass = (p0.detectedPerClass as number[]).map((_, c) => pgds.reduce((s, p) => s + (p!.detectedPerClass as number[])[c], 0));
    const ms = pgds.reduce((s, p, i) => s + (p!.msPerInput as number) * pn[i], 0);
    pgd = {
      steps: p0.steps,
      stepSize: p0.stepSize,
      restarts: p0.restarts,
      seed: p0.seed,
      n: PN,
      standardError: frac(pcount('standardError')),
      pgdError: frac(pcount('pgdError')),
      detected: frac(pcount('detected')),
      detectedPerClass: perClass,
      attackSuccess: frac(pcount('attackSuccess')),
      abstainClean: frac(pcount('abstainClean')),
      msPerInput: PN ? roundMs(ms / PN) : NaN,
    };
  }
  const j = first.json;
  const result: Json = {
    command: 'verify',
    config: j.config,
    backend: j.backend,
    dataset: j.dataset,
    model: j.model,
    n: N,
    selected: files.reduce((s, f) => s + (f.json.selected as number), 0),
    K: j.K,
    M: j.M,
    eps: j.eps,
    norm: j.norm,
    box: j.box,
    bounds: j.bounds,
    iterations: j.iterations,
    batch: j.batch,
    standardError: N ? count((x) => x.standardError as number) / N : NaN,
    abstainClean: N ? count((x) => x.abstainClean as number) / N : NaN,
    verification,
    pgd,
    interrupted: files.some((f) => f.json.interrupted === true),
    timing: { totalMs: files.reduce((s, f) => s + ((f.json.timing as { totalMs: number }).totalMs ?? 0), 0) },
  };
  return { result, inputs: N };
}

/** Whether a text is verify's per-input TSV (its header). */
export function isVerifyTsv(text: string): boolean {
  return text.startsWith('idx\tlabel\tprediction\tabstained\t');
}

export function mergeVerifyTsv(files: { path: string; text: string }[]): { text: string; rows: number } {
  const header = files[0].text.slice(0, files[0].text.indexOf('\n') + 1);
  const rows = new Map<number, { line: string; path: string }>();
  for (const file of files) {
    const { path } = file;
    let { text } = file;
    if (!text.endsWith('\n')) {
      status.log(`warning: ${path} ends in a line cut off mid-write; it is left out (run that shard again with --resume to finish it)`);
      text = wholeLines(text);
    }
    if (!text.startsWith(header)) throw new CliError(`merge: ${path} has another header than ${files[0].path} (other bounds or classes)`);
    for (const [i, line] of text.slice(header.length).split('\n').entries()) {
      if (line === '') continue;
      const idx = Number(line.slice(0, line.indexOf('\t')));
      if (!Number.isInteger(idx) || idx < 0) throw new CliError(`merge: ${path} line ${i + 2} does not start with an input index`);
      const before = rows.get(idx);
      if (before) throw new CliError(`merge: input ${idx} is in both ${before.path} and ${path} (shards of one run hold disjoint inputs)`);
      rows.set(idx, { line, path });
    }
  }
  const ordered = [...rows.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => `${r.line}\n`);
  return { text: header + ordered.join(''), rows: ordered.length };
}
