/**
 * Spreading one certification over processes: `certify --shard i/N` runs a contiguous part of the
 * inputs, and `merge` joins the parts' logs into what one run writes. Three shards run side by
 * side (as a scheduler would start them) and their merge equals the single run's log byte for
 * byte but for the time column; the shard blocks partition the inputs; bad flags and logs that
 * cannot be joined are refused with exit status 2 and a message naming them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { shardOf } from '../../src/cli/shard';
import { cli, start, useTrainedModel } from './cliRun';

const TINY = { version: 1, seed: 4, data: { kind: 'gaussians3', size: 80, testFraction: 0.25 }, training: { method: 'standard', epochs: 3, batchSize: 10 } };
const setup = useTrainedModel('cli-shard-', TINY);

const FLAGS = ['--sigma', '0.25', '--n0', '20', '--n', '400', '--alpha', '0.01', '--batch', '200', '--seed', '11'];

/** The log with each row's time column (the last) blanked: what one run and its merge share. */
const untimed = (text: string) => text.replace(/\t\d+:\d{2}:\d{2}(\.\d+)?\n/g, '\t-\n');

describe('certify --shard and merge', () => {
  test('three shards run side by side and merge into the single run’s log, byte for byte but the time column', async () => {
    const single = join(setup.dir, 'single.tsv');
    const r = cli('certify', setup.config, '--model', setup.modelDir, ...FLAGS, '--out', single);
    expect(r.code, r.stderr).toBe(0);
    const parts = [1, 2, 3].map((i) => join(setup.dir, `part${i}.tsv`));
    const runs = await Promise.all(parts.map((out, i) => start(['certify', setup.config, '--model', setup.modelDir, ...FLAGS, '--shard', `${i + 1}/3`, '--out', out])));
    runs.forEach((run) => expect(run.code, run.stderr).toBe(0));
    expect(runs[1].stderr).toMatch(/shard 2\/3: \d+ inputs, test indices \d+ to \d+/);
    // 20 test inputs: blocks of 6, 7 and 7, in order.
    const rowsOf = (p: string) => readFileSync(p, 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split('\t')[0]));
    expect(parts.map((p) => rowsOf(p).length)).toEqual([6, 7, 7]);
    expect(parts.flatMap(rowsOf)).toEqual(rowsOf(single));

    const merged = join(setup.dir, 'merged.tsv');
    // Given out of order: the rows come back in the inputs' order.
    const m = cli('merge', parts[2], parts[0], parts[1], '--out', merged);
    expect(m.code, m.stderr).toBe(0);
    expect(m.stderr).toMatch(/merged 3 certify logs: 20 inputs/);
    const one = readFileSync(single, 'utf8');
    const joined = readFileSync(merged, 'utf8');
    expect(untimed(joined)).toBe(untimed(one));
    expect(untimed(one)).not.toBe(one); // the time column was there to blank
    expect(joined.split('\n')[0]).toBe('idx\tlabel\tpredict\tradius\tcorrect\ttime');
  }, 240_000);

  test('merge refuses an input held twice, logs of two kinds and a malformed log, naming the files', () => {
    const a = join(setup.dir, 'a.tsv');
    const b = join(setup.dir, 'b.tsv');
    const p = join(setup.dir, 'p.tsv');
    const bad = join(setup.dir, 'bad.tsv');
    writeFileSync(a, 'idx\tlabel\tpredict\tradius\tcorrect\ttime\n0\t1\t1\t0.5\t1\t0:00:00.1\n3\t0\t-1\t0.0\t0\t0:00:00.1\n');
    writeFileSync(b, 'idx\tlabel\tpredict\tradius\tcorrect\ttime\n3\t0\t0\t0.2\t1\t0:00:00.1\n');
    writeFileSync(p, 'idx\tlabel\tpredict\tcorrect\ttime\n5\t1\t1\t1\t0:00:00.1\n');
    writeFileSync(bad, 'idx\tlabel\tpredict\tradius\tcorrect\ttime\n7\t1\t1\t0.5\n');
    const twice = cli('merge', a, b);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(new RegExp(`input 3 is in both ${a} and ${b}`));
    const kinds = cli('merge', a, p);
    expect(kinds.code).toBe(2);
    expect(kinds.stderr).toMatch(/p\.tsv is a predict log but .*a\.tsv is a certify log/);
    const malformed = cli('merge', a, bad);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/bad\.tsv, line 2: expected 6 tab-separated fields, got 4/);
    expect(cli('merge').stderr).toMatch(/at least one log/);
  });

  test('a last line cut off mid-write is left out with a warning; the summary names the inputs merged', () => {
    const cut = join(setup.dir, 'cut.tsv');
    const whole = join(setup.dir, 'whole.tsv');
    writeFileSync(cut, 'idx\tlabel\tpredict\tradius\tcorrect\ttime\n2\t1\t1\t0.5\t1\t0:00:00.1\n4\t0\t0\t0.');
    writeFileSync(whole, 'idx\tlabel\tpredict\tradius\tcorrect\ttime\n6\t1\t1\t0.25\t1\t0:00:00.2\n');
    const r = cli('merge', cut, whole);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/cut\.tsv ends in a line cut off mid-write; it is left out/);
    expect(r.stderr).toMatch(/merged 2 certify logs: 2 inputs, test indices 2 to 6/);
    expect(r.stdout).toBe('idx\tlabel\tpredict\tradius\tcorrect\ttime\n2\t1\t1\t0.5\t1\t0:00:00.1\n6\t1\t1\t0.25\t1\t0:00:00.2\n');
  });

  test.each([['0/3'], ['4/3'], ['2'], ['a/b'], ['1/0']])('--shard %s is refused by name', (value) => {
    const r = cli('certify', setup.config, '--model', setup.modelDir, ...FLAGS, '--shard', value);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--shard must be i/N with whole numbers 1 ≤ i ≤ N ≤ 100000 (got "${value}")`);
  });
});

test('the shards of a list partition it in order, their sizes one apart at most', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 1, max: 40 }), (m, n) => {
      const items = Array.from({ length: m }, (_, i) => i);
      const parts = Array.from({ length: n }, (_, i) => shardOf(items, { index: i + 1, count: n }));
      expect(parts.flat()).toEqual(items);
      const sizes = parts.map((p) => p.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }),
    { numRuns: 200, seed: 7 },
  );
  expect(shardOf([1, 2, 3], null)).toEqual([1, 2, 3]);
});
