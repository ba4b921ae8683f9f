/**
 * `arena CONFIG.json [--out FILE.json] [--csv FILE.csv] [--backend wasm|cpu]`: the abstain arena
 * (src/core/experiments/arena.ts) from an arena config, the one the page's Arena view exports.
 * The JSON is rewritten after every family (with "complete": false until the last), so Ctrl-C or
 * a crash keeps the rows finished so far; the CSV is the table (one line per family).
 */
import { type ArenaResult, type ArenaRow, arenaCsv, familyImageExperiment, isCancelled, orderedFamilies, parseArenaConfig, runArena } from '../../core';
import { type OptionSpec, backendOption, cifar100LabelOption, configPath, parseCommandArgs, stringListOption, stringOption } from '../args';
import { describeImageData, loadImageData, refuseDataFiles, requireDataFiles } from '../imageData';
import { CliError, EXIT } from '../errors';
import { readTextFile, writeResult, writeText } from '../files';
import { initBackend, interruptSignal, status } from '../session';
import { SHARD_OPTION, shardFlag, shardOf } from '../shard';

export const ARENA_USAGE = `Usage: npm run cli -- arena CONFIG.json [--data FILE ...] [--out FILE.json] [--csv FILE.csv] [--shard i/N] [--backend wasm|cpu]

The abstain arena: trains one model per family (standard, PGD-AT, TRADES, ERA with the
robustness selector, PGD-AT + Rectified Rejection, Gaussian augmentation and CAT-RS smoothed,
denoised smoothing with sample rejection on the standard model, IBP with one and with three
abstain classes) on the config's 2-D data with the same seed and
budget, attacks each with PGD, APGD-CE and its family's adaptive attack at the config's threat
model ("source": "2d", the default) or on image files ("source": "images", with --data), and
reports per family: clean accuracy, clean abstention, accuracy on accepted inputs,
robust accuracy, robust inaccuracy and robust error with abstention as success (each with a 95%
Clopper-Pearson interval), the certified or verified shares, the paper's own measure and the
training cost. Fields left out of CONFIG.json take their defaults (on images the image
ones: eps 8/255, sigma 0.25, the first 100 test images, 200 / 2,000 noisy copies, every
family but sample rejection); the page's Arena view exports a complete one.

  --data FILE    "source": "images" only, repeatable: the dataset files (as for train:
                 IDX images + labels, CIFAR .bin, .gz); the config's images.trainLimit and
                 count choose the records
  --cifar100-label K   fine (default) or coarse, for CIFAR-100 files
  --out FILE     the result JSON (default: stdout); rewritten after each family
  --csv FILE     the table as CSV, one line per family
  --shard i/N    run only part i of N of the config's families (a contiguous block, in the
                 table's order); "npm run cli -- merge" joins the parts' JSON into the JSON
                 one run writes (each family's row does not depend on the others)
  --backend NAME wasm (default) or cpu`;

const OPTIONS = { out: { type: 'string' }, csv: { type: 'string' }, data: { type: 'string', multiple: true }, 'cifar100-label': { type: 'string' }, ...SHARD_OPTION } as const satisfies OptionSpec;

const pct = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : '—');

function logRow(row: ArenaRow): void {
  if (row.status !== 'done' || !row.outcomes) {
    status.log(`${row.label}: ${row.status}${row.note ? ` — ${row.note}` : ''}`);
    return;
  }
  const o = row.outcomes;
  const cost = row.cost ? ` (trained ${row.cost.trainSeconds.toFixed(1)} s, evaluated ${row.cost.evaluateSeconds.toFixed(1)} s)` : '';
  status.log(
    `${row.label}: clean ${pct(o.cleanAccuracy.value)}, abstains ${pct(o.cleanAbstention.value)}, robust ${pct(o.robustAccuracy.value)} [${pct(o.robustAccuracy.lower)}, ${pct(o.robustAccuracy.upper)}], robust inaccuracy ${pct(o.robustInaccuracy.value)}, robust error (abstain = success) ${pct(o.robustErrorAbstainSuccess.value)}${cost}`,
  );
}

export async function arenaCommand(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(ARENA_USAGE + '\n');
    return EXIT.ok;
  }
  const args = parseCommandArgs('arena', argv, OPTIONS);
  const path = configPath('arena', args);
  const out = stringOption(args, 'out');
  const csv = stringOption(args, 'csv');
  let config;
  try {
    config = parseArenaConfig(readTextFile(path, 'arena config'));
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`${path}: ${e instanceof Error ? e.message : String(e)}`, EXIT.usage);
  }
  const shard = shardFlag(args);
  const only = shard ? shardOf(orderedFamilies(config), shard) : undefined;
  if (only && only.length === 0) throw new CliError(`--shard ${shard!.index}/${shard!.count}: the config has ${config.families.length} famil${config.families.length === 1 ? 'y' : 'ies'}, so this part is empty; use at most ${config.families.length} shards`);
  const dataFiles = stringListOption(args, 'data');
  if (config.source === 'images') requireDataFiles('arena', dataFiles);
  else refuseDataFiles(dataFiles, cifar100LabelOption(args));
  const backend = await initBackend(backendOption(args));
  // The files are read whole and the records chosen as the image experiments choose them; the arena selects its training records itself.
  const images = config.source === 'images' ? loadImageData(dataFiles, { ...familyImageExperiment(config, 'standard'), data: { trainLimit: 0, testLimit: 0, subset: 'first', seed: config.seed } }, cifar100LabelOption(args)) : null;
  if (images) status.log(`images: ${images.train.labels.length} training and ${images.test.labels.length} test records of shape [${images.train.shape.join(', ')}], ${images.train.numClasses} classes`);
  // The settings in force, with the defaults filled in (on images, the image ones), before hours of training.
  const s = config.smoothing;
  status.log(
    `setup: ${config.threat.norm} eps ${Number(config.threat.eps.toPrecision(4))}, ${config.budget.epochs} epoch${config.budget.epochs === 1 ? '' : 's'}, attacks of ${config.budget.attackSteps} steps, σ ${s.sigma}, PREDICT ${s.predictSamples} / CERTIFY ${s.certifyN} noisy copies, ${config.count > 0 ? `the first ${config.count}` : 'all'} test inputs, seed ${config.seed}`,
  );
  const dataset = images ? { dataset: describeImageData(images) } : {};
  if (only) status.log(`shard ${shard!.index}/${shard!.count}: ${only.join(', ')}`);
  const signal = interruptSignal();
  const rows: ArenaRow[] = [];
  const shardField = shard ? { shard: { index: shard.index, count: shard.count, families: only } } : {};
  const partial = (): Partial<ArenaResult> & { complete: boolean } => ({ complete: false, ...shardField, ...dataset, config, backend, rows });
  let result: ArenaResult;
  try {
    result = await runArena(config, {
      signal,
      only,
      onProgress: (p) => status.update(`${p.index + 1}/${p.count} ${p.family}: ${p.stage} ${p.detail} ${(100 * p.fraction).toFixed(0)}%`),
      onRow: (row) => {
        rows.push(row);
        logRow(row);
        if (out && out !== '-') writeResult(partial(), out);
      },
    }, images ?? undefined);
  } catch (e) {
    status.done();
    if (isCancelled(e)) {
      if (out && out !== '-') writeResult(partial(), out);
      status.log(`interrupted: ${rows.length} famil${rows.length === 1 ? 'y' : 'ies'} finished${out ? ` and written to ${out}` : ''}`);
      return EXIT.cancelled;
    }
    throw e;
  }
  status.done();
  writeResult({ complete: true, ...shardField, ...dataset, ...result }, out);
  if (csv) writeText(arenaCsv(result), csv);
  status.log(`arena finished in ${result.elapsedSeconds.toFixed(1)} s on ${result.backend}${out && out !== '-' ? `; wrote ${out}` : ''}${csv ? ` and ${csv}` : ''}`);
  return EXIT.ok;
}
