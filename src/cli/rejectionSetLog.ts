/**
 * The checkpoint of `evaluate-rejection --out FILE`: FILE.sets.jsonl gets a header line (the
 * evaluation config, the model folder and the labels) and then one line per finished setting
 * with its per-input arrays, each written the moment the setting is done, so Ctrl-C, SIGTERM,
 * kill -9 or a crash keeps every finished setting. With --resume the lines are read back (a line
 * cut off mid-write is dropped) and those settings are not run again; float32 values are written
 * in their shortest exact decimal form (non-finite ones as "NaN", "Infinity", "-Infinity"), so a
 * set read back is bit for bit the set computed. The file is removed when the run completes.
 */
import { closeSync, existsSync, openSync, readFileSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import type { RejectionEvalSetting, RejectorScoreName, ScoredSet } from '../core';
import { CliError, describeFsError } from './errors';
import { wholeLines } from './files';
import { floatsFromJson as readFloats, floatsToJson as floats } from './floatJson';

export interface SetLog {
  /** The sets the log already holds (from the run that --resume continues), in order. */
  done: ScoredSet[];
  write(set: ScoredSet): void;
  /** Closes the log and removes it (the run is complete: its JSON holds everything). */
  finish(): void;
  close(): void;
}

export const setLogPath = (out: string) => `${out}.sets.jsonl`;

function setLine(set: ScoredSet): string {
  const scores = Object.fromEntries(Object.entries(set.scores).map(([k, v]) => [k, floats(v!)]));
  return (
    JSON.stringify({
      id: set.id,
      setting: set.setting,
      nonFinite: set.nonFinite,
      predictions: Array.from(set.predictions),
      correct: Array.from(set.correct),
      logits: floats(set.logits),
      aux: set.aux ? floats(set.aux) : null,
      selection: set.selection ? floats(set.selection) : null,
      scores,
    }) + '\n'
  );
}

/** A line of the log back as the set of `setting` (which must be the setting it was computed for). */
function readSet(line: string, setting: RejectionEvalSetting): ScoredSet {
  const o = JSON.parse(line) as Record<string, unknown>;
  if (JSON.stringify(o.setting) !== JSON.stringify(setting)) throw new Error(`it holds the setting ${JSON.stringify(o.setting)} but this run's setting at that place is ${JSON.stringify(setting)}`);
  const ints = (v: unknown, what: string) => {
    if (!Array.isArray(v) || !v.every((e) => Number.isInteger(e))) throw new Error(`${what} is not an array of integers`);
    return v as number[];
  };
  const scores: ScoredSet['scores'] = {};
  for (const [k, v] of Object.entries((o.scores ?? {}) as Record<string, unknown>)) scores[k as RejectorScoreName] = readFloats(v, `scores.${k}`);
  return {
    id: setting.id,
    label: setting.label,
    kind: setting.kind,
    adversarial: setting.kind !== 'clean',
    setting: { ...setting },
    predictions: Int32Array.from(ints(o.predictions, 'predictions')),
    correct: Uint8Array.from(ints(o.correct, 'correct')),
    logits: readFloats(o.logits, 'logits'),
    aux: o.aux === null ? null : readFloats(o.aux, 'aux'),
    selection: o.selection === null ? null : readFloats(o.selection, 'selection'),
    scores,
    nonFinite: typeof o.nonFinite === 'number' ? o.nonFinite : Number.NaN,
  };
}

/**
 * Opens the set log beside `out` (new, or with `resume` continued). `header`: what must be the
 * same for a run to continue another (config, model, labels); `settings`: the settings this run
 * runs, in order. A log of other settings or inputs is refused by line.
 */
export function openSetLog(out: string, header: Record<string, unknown>, settings: RejectionEvalSetting[], resume: boolean): SetLog {
  const path = setLogPath(out);
  const headerLine = JSON.stringify({ format: 'evaluate-rejection sets', ...header }) + '\n';
  const done: ScoredSet[] = [];
  let kept = headerLine;
  if (resume && existsSync(path)) {
    const lines = wholeLines(readFileSync(path, 'utf8')).split('\n').slice(0, -1);
    if (lines.length) {
      if (lines[0] + '\n' !== headerLine) throw new CliError(`--resume: ${path} line 1 is the log of another evaluation (a different config, model or set of inputs); start afresh without --resume`);
      if (lines.length - 1 > settings.length) throw new CliError(`--resume: ${path} holds ${lines.length - 1} settings but this run has ${settings.length}`);
      lines.slice(1).forEach((line, i) => {
        try {
          done.push(readSet(line, settings[i]));
        } catch (e) {
          throw new CliError(`--resume: ${path} line ${i + 2}: ${e instanceof Error ? e.message : String(e)}`);
        }
      });
      kept = lines.map((l) => l + '\n').join('');
    }
  }
  let fd: number;
  try {
    writeFileSync(path, kept);
    fd = openSync(path, 'a');
  } catch (e) {
    throw new CliError(`Cannot write ${path}: ${describeFsError(e)}`);
  }
  let open = true;
  const close = () => {
    if (open) closeSync(fd);
    open = false;
  };
  return {
    done,
    write: (set) => void writeSync(fd, setLine(set)),
    finish: () => {
      close();
      if (existsSync(path)) unlinkSync(path);
    },
    close,
  };
}
