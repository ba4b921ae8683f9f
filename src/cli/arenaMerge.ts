/**
 * Joins the JSON that `arena --shard i/N` runs wrote into the JSON one run writes: the same
 * config, backend and test inputs, the rows of every shard in the table's order. Each family's row
 * depends only on the config and the family (its data, seed and attacks are derived from them),
 * so the merge equals one run's JSON but for the times. Refuses shards of different configs or
 * backends, a family two shards both hold, and files that are not an arena's JSON.
 */
import { type ArenaResult, type ArenaRow, orderedFamilies } from '../core/settings';
import { CliError } from './errors';
import { sameJson } from './shard';

type ShardJson = Partial<ArenaResult> & { complete?: boolean; shard?: unknown; dataset?: unknown };

function parseShard(path: string, text: string): ShardJson {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new CliError(`merge: ${path} is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const o = v as ShardJson;
  if (!o || typeof o !== 'object' || !o.config || !Array.isArray(o.rows) || !Array.isArray(o.config.families)) throw new CliError(`merge: ${path} is not the JSON of an arena run (it needs "config" and "rows")`);
  return o;
}


export interface MergedArena {
  result: Record<string, unknown>;
  families: string[];
  missing: string[];
}

export function mergeArenaShards(files: { path: string; text: string }[]): MergedArena {
  const shards = files.map((f) => ({ path: f.path, json: parseShard(f.path, f.text) }));
  const first = shards[0];
  const rows = new Map<string, { row: ArenaRow; path: string }>();
  let labels: number[] = [];
  let points: number[] = [];
  let numClasses = 0;
  // From the part that evaluated the inputs (a cancelled part may have written none of these).
  let inputShape: number[] | undefined;
  let versions: Record<string, string> | undefined;
  let elapsed = 0;
  let complete = true;
  for (const { path, json } of shards) {
    if (!sameJson(json.config, first.json.config)) throw new CliError(`merge: ${path} ran another config than ${first.path} (shards of one run share the config)`);
    if (json.backend !== first.json.backend) throw new CliError(`merge: ${path} ran on ${json.backend}, ${first.path} on ${first.json.backend}: the numbers of different backends do not mix`);
    if (json.labels?.length) {
      if (labels.length && !sameJson(json.labels, labels)) throw new CliError(`merge: ${path} evaluated other test inputs than the shards before it`);
      labels = json.labels;
      points = json.points ?? [];
      numClasses = json.numClasses ?? numClasses;
      inputShape = json.inputShape;
      versions = json.versions;
    }
    for (const row of json.rows!) {
      const before = rows.get(row.family);
      if (before) throw new CliError(`merge: family ${row.family} is in both ${before.path} and ${path} (shards of one run hold different families)`);
      rows.set(row.family, { row, path });
    }
    elapsed += json.elapsedSeconds ?? 0;
    complete &&= json.complete === true;
  }
  const config = first.json.config!;
  const order = orderedFamilies(config);
  const missing = order.filter((f) => !rows.has(f));
  if (shards.some((sh) => !sameJson(sh.json.dataset, first.json.dataset))) throw new CliError('merge: the shards read different image files (their "dataset" differs)');
  const result = {
    complete: complete && missing.length === 0,
    ...(first.json.dataset !== undefined ? { dataset: first.json.dataset } : {}),
    config,
    backend: first.json.backend,
    versions,
    numClasses,
    inputShape,
    labels,
    points,
    rows: order.filter((f) => rows.has(f)).map((f) => rows.get(f)!.row),
    // The shards' compute time together (they may have run side by side).
    elapsedSeconds: Math.round(elapsed * 1000) / 1000,
  };
  return { result, families: order.filter((f) => rows.has(f)), missing };
}
