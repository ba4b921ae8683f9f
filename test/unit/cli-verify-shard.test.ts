/**
 * `verify --shard i/N`: each part is a block of whole PGD chunks (500 inputs), so its PGD table
 * draws the single run's random starts; `merge` joins the parts' totals JSON and per-input TSVs
 * into the single run's, byte for byte but the times. Parts of different runs are refused.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { alignedShardOf } from '../../src/cli/shard';
import { cli, start, useTrainedModel } from './cliRun';

// 1,100 points, half for testing: 550 test inputs, two PGD chunks (500 + 50).
const CONFIG = { version: 1, seed: 5, data: { kind: 'gaussians3', size: 1100, testFraction: 0.5 }, model: { depth: 1, width: 16 }, training: { method: 'standard', epochs: 1, batchSize: 50 } };
const setup = useTrainedModel('cli-verify-shard-', CONFIG);
const untimed = (text: string) => text.replace(/"(msPerInput|totalMs)": [\d.e+-]+/g, '"$1": 0');

describe('verify --shard and merge', () => {
  test('two parts run side by side and merge into the single run’s JSON and TSV', async () => {
    const flags = ['--model', setup.modelDir, '--eps', '0.05', '--pgd-steps', '5', '--iterations', '10'];
    const r = cli('verify', setup.config, ...flags, '--out', join(setup.dir, 'one.json'), '--per-input', join(setup.dir, 'one.tsv'));
    expect(r.code, r.stderr).toBe(0);
    const runs = await Promise.all([1, 2].map((i) => start(['verify', setup.config, ...flags, '--shard', `${i}/2`, '--out', join(setup.dir, `p${i}.json`), '--per-input', join(setup.dir, `p${i}.tsv`)])));
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    expect(runs[1].stderr).toMatch(/shard 2\/2: inputs 501 to 550 of 550/);
    const mj = cli('merge', join(setup.dir, 'p2.json'), join(setup.dir, 'p1.json'), '--out', join(setup.dir, 'merged.json'));
    expect(mj.code, mj.stderr).toBe(0);
    expect(mj.stderr).toMatch(/merged 2 verify parts: 550 inputs/);
    const one = readFileSync(join(setup.dir, 'one.json'), 'utf8');
    expect(untimed(readFileSync(join(setup.dir, 'merged.json'), 'utf8'))).toBe(untimed(one));
    expect(JSON.parse(one).pgd.n).toBe(550);
    const mt = cli('merge', join(setup.dir, 'p1.tsv'), join(setup.dir, 'p2.tsv'), '--out', join(setup.dir, 'merged.tsv'));
    expect(mt.code, mt.stderr).toBe(0);
    expect(readFileSync(join(setup.dir, 'merged.tsv'), 'utf8')).toBe(readFileSync(join(setup.dir, 'one.tsv'), 'utf8'));

    // A part of another run (another eps) and the same part twice are refused by name.
    const other = JSON.parse(readFileSync(join(setup.dir, 'p2.json'), 'utf8'));
    other.eps = 0.1;
    writeFileSync(join(setup.dir, 'other.json'), JSON.stringify(other));
    const mixed = cli('merge', join(setup.dir, 'p1.json'), join(setup.dir, 'other.json'));
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/other\.json differs from .*p1\.json in "eps"/);
    const alone = cli('merge', join(setup.dir, 'p2.json'));
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/starts at input 501 but the parts before it end at input 0: a part is missing/);
    const twice = cli('merge', join(setup.dir, 'p1.tsv'), join(setup.dir, 'p1.tsv'));
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/input \d+ is in both/);
    const empty = cli('verify', setup.config, ...flags, '--shard', '1/3');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/has no inputs: the run's 550 inputs make 2 chunk\(s\) of 500/);
  }, 240_000);

  test('the parts are whole chunks that cover the inputs in order', () => {
    const items = Array.from({ length: 1234 }, (_, i) => i);
    for (const count of [1, 2, 3, 5]) {
      const parts = Array.from({ length: count }, (_, i) => alignedShardOf(items, { index: i + 1, count }, 100));
      expect(parts.flatMap((p) => p.items)).toEqual(items);
      for (const p of parts) expect(p.first % 100).toBe(0);
    }
  });
});
