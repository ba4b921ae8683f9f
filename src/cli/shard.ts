/**
 * `--shard i/N`: run the i-th of N parts of a command's inputs (1 ≤ i ≤ N), so that a scheduler
 * (GNU parallel, a Slurm job array, a Kubernetes Indexed Job) can spread one run over processes
 * or machines; `merge` (commands/merge.ts) joins the parts' outputs into what one run writes.
 * Part i takes a contiguous block of the inputs the run would take, in their order: positions
 * ⌊(i − 1)·m/N⌋ to ⌊i·m/N⌋ − 1 of m, so the parts differ in size by at most one input.
 */
import { type OptionSpec, type ParsedArgs, stringOption } from './args';
import { CliError } from './errors';

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export const SHARD_OPTION = { shard: { type: 'string' } } as const satisfies OptionSpec;

export const SHARD_USAGE = `  --shard i/N      run only part i of N of the inputs (1 ≤ i ≤ N): a contiguous block, in
                   order; "npm run cli -- merge" joins the parts' logs into one run's log`;

const MAX_SHARDS = 100_000;

/** The --shard flag, checked; null without it. */
export function shardFlag(args: ParsedArgs): Shard | null {
  const text = stringOption(args, 'shard');
  if (text === undefined) return null;
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!(index >= 1 && count >= index && count <= MAX_SHARDS)) throw new CliError(`--shard must be i/N with whole numbers 1 ≤ i ≤ N ≤ ${MAX_SHARDS} (got "${text}")`);
  return { index, count };
}

/** The shard's block of `items` (all of them without a shard). */
export function shardOf<T>(items: readonly T[], shard: Shard | null): T[] {
  if (!shard) return [...items];
  const m = items.length;
  return items.slice(Math.floor(((shard.index - 1) * m) / shard.count), Math.floor((shard.index * m) / shard.count));
}

/**
 * The shard's block of `items` in whole units of `unit` items (the last unit may be short): part i
 * takes units ⌊(i − 1)·u/N⌋ to ⌊i·u/N⌋ − 1 of the u units. For a command whose attack draws its
 * random starts per chunk of `unit` inputs, each part then starts on a chunk boundary (`first`,
 * the position of its first item, is a multiple of unit), and can draw the single run's starts.
 */
export function alignedShardOf<T>(items: readonly T[], shard: Shard | null, unit: number): { items: T[]; first: number } {
  if (!shard) return { items: [...items], first: 0 };
  const units = Math.ceil(items.length / unit);
  const first = Math.floor(((shard.index - 1) * units) / shard.count) * unit;
  const end = Math.min(items.length, Math.floor((shard.index * units) / shard.count) * unit);
  return { items: items.slice(first, end), first };
}

/** Whether two parts' fields agree, compared as the JSON they were written as (merges refuse parts that differ). */
export const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
