/**
 * `merge FILE... [--out FILE]`: joins the logs that `certify --shard i/N` or `predict --shard i/N`
 * wrote into the log one run writes: the header once, then every row in the order of the inputs
 * (by idx). Each row is kept as its shard wrote it, so the merge equals one run's log byte for
 * byte but for the time column (each input's own wall time). Logs of different kinds, a row
 * that two logs both hold, and malformed logs are refused with the file and line named; a last
 * line cut off mid-write is left out with a warning, as certify --resume would compute it again.
 */
// settings.ts: the log's parser and formatter without loading tfjs.
import { formatCertificationLog, parseCertificationLog } from '../../core/settings';
import { type ParsedArgs, parseCommandArgs, stringOption } from '../args';
import { CliError, EXIT } from '../errors';
import { readTextFile, wholeLines, writeResult, writeText } from '../files';
import { mergeArenaShards } from '../arenaMerge';
import { isVerifyJson, isVerifyTsv, mergeVerifyJson, mergeVerifyTsv } from '../verifyMerge';
import { isRejectionJson, mergeRejectionParts } from '../rejectionMerge';
import { status } from '../status';

export const MERGE_USAGE = `Usage: npm run cli -- merge FILE... [--out FILE]

Joins the tab-separated logs of certify or predict runs over parts of one test set (each run
with --shard i/N and otherwise the same flags) into the log of one run: the header once, then
the rows in the order of the inputs. Every row is kept as written, so the result is one run's
log byte for byte except the time column. Refuses logs of different kinds (certify and predict)
and an input that two logs both hold.

Given verify --shard i/N parts' JSON (or their --per-input TSVs), joins them into what one verify
run writes, all but the times. Given evaluate-rejection --shard i/N parts' JSON, computes the
metrics over all their inputs, as one run. Given the JSON files of arena --shard i/N runs, joins their rows into the JSON of one run (equal
to it but for the times); refuses shards of different configs or backends and a family that two
shards both hold.

  --out FILE       write the merged log there (default: stdout)`;

/** The merged log of `texts` (each with its file name for messages). */
export function mergeLogs(files: { path: string; text: string }[]): { text: string; rows: number; kind: 'certify' | 'predict'; first?: number; last?: number } {
  if (files.length === 0) throw new CliError('merge: give at least one log to merge');
  let kind: 'certify' | 'predict' | null = null;
  const rows = new Map<number, { line: string; path: string }>();
  for (const file of files) {
    const { path } = file;
    let { text } = file;
    let parsed;
    if (text !== '' && !text.endsWith('\n')) {
      // What a run writes ends each row with a newline: a last line without one was cut off.
      status.log(`warning: ${path} ends in a line cut off mid-write; it is left out (run that shard again with --resume to finish it)`);
      text = wholeLines(text);
    }
    try {
      parsed = parseCertificationLog(text, path);
    } catch (e) {
      throw new CliError(`merge: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (kind !== null && parsed.kind !== kind) throw new CliError(`merge: ${path} is a ${parsed.kind} log but ${files[0].path} is a ${kind} log`);
    kind = parsed.kind;
    // The data lines in order, as parseCertificationLog read them (blank lines skipped).
    const lines = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n').filter((l) => l.trim() !== '').slice(1);
    parsed.rows.forEach((row, i) => {
      const before = rows.get(row.idx);
      if (before) throw new CliError(`merge: input ${row.idx} is in both ${before.path} and ${path} (shards of one run hold disjoint inputs)`);
      rows.set(row.idx, { line: lines[i], path });
    });
  }
  const ordered = [...rows.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => `${r.line}\n`);
  const idx = [...rows.keys()].sort((a, b) => a - b);
  return { text: formatCertificationLog([], kind!) + ordered.join(''), rows: ordered.length, kind: kind!, first: idx[0], last: idx[idx.length - 1] };
}

export async function mergeCommand(argv: string[]): Promise<number> {
  const args: ParsedArgs = parseCommandArgs('merge', argv, { out: { type: 'string' } });
  if (args.values.help) {
    process.stdout.write(MERGE_USAGE + '\n');
    return EXIT.ok;
  }
  const files = args.positionals.map((path) => ({ path, text: readTextFile(path, 'log') }));
  if (files.length && files.every((f) => f.text.trimStart().startsWith('{'))) {
    const parsed = files.map((f) => {
      try {
        return { path: f.path, json: JSON.parse(f.text) as Record<string, unknown> };
      } catch (e) {
        throw new CliError(`merge: ${f.path} is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
      }
    });
    if (parsed.every((p) => isVerifyJson(p.json))) {
      const merged = mergeVerifyJson(parsed);
      writeResult(merged.result, stringOption(args, 'out'));
      status.log(`merged ${files.length} verify parts: ${merged.inputs} inputs`);
      return EXIT.ok;
    }
    if (parsed.every((p) => isRejectionJson(p.json))) {
      const merged = await mergeRejectionParts(parsed);
      writeResult(merged.result, stringOption(args, 'out'));
      status.log(`merged ${files.length} evaluate-rejection parts: ${merged.inputs} inputs, metrics computed over all of them`);
      return EXIT.ok;
    }
    if (parsed.some((p) => isVerifyJson(p.json) || isRejectionJson(p.json))) throw new CliError('merge: give the parts of one kind of run (verify, evaluate-rejection and arena JSON do not mix)');
    const arena = mergeArenaShards(files);
    writeResult(arena.result, stringOption(args, 'out'));
    status.log(`merged ${files.length} arena shards: ${arena.families.join(', ')}${arena.missing.length ? `; missing: ${arena.missing.join(', ')} (their shard failed or was not given)` : ''}`);
    return EXIT.ok;
  }
  if (files.length && files.every((f) => isVerifyTsv(f.text))) {
    const merged = mergeVerifyTsv(files);
    writeText(merged.text, stringOption(args, 'out'));
    status.log(`merged ${files.length} verify per-input tables: ${merged.rows} inputs (check this against the inputs the run takes: a shard that failed leaves its inputs out)`);
    return EXIT.ok;
  }
  const merged = mergeLogs(files);
  writeText(merged.text, stringOption(args, 'out'));
  // A shard that failed or was cut short leaves its inputs out: the count is for the user to check.
  status.log(`merged ${files.length} ${merged.kind} logs: ${merged.rows} inputs${merged.rows ? `, test indices ${merged.first} to ${merged.last}` : ''} (check this against the inputs the run takes: a shard that failed leaves its inputs out)`);
  return EXIT.ok;
}
