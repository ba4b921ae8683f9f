/**
 * `npm run cli -- arena CONFIG.json`: the config the page exports reproduces the in-process run's
 * numbers (same backend, same seed); the JSON is complete, the CSV has one line per family; a bad
 * config is refused with exit status 2, naming the field.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { defaultArenaConfig, runArena } from '../../src/core';
import { cli } from './cliRun';
import { useWasmBackend } from './helpers';

useWasmBackend();
const dir = mkdtempSync(join(tmpdir(), 'cli-arena-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cli arena', () => {
  test('the exported config gives the same table through the CLI as in the page’s core call', async () => {
    const config = defaultArenaConfig();
    config.data = { ...config.data, size: 150 };
    config.budget = { epochs: 2, trainingAttackSteps: 3, attackSteps: 5, attackRestarts: 1 };
    config.gridResolution = 0;
    config.families = ['trades', 'rr', 'ibp-m1'];
    const path = join(dir, 'arena.json');
    writeFileSync(path, JSON.stringify(config));
    const out = join(dir, 'result.json');
    const csv = join(dir, 'table.csv');
    const r = cli('arena', path, '--out', out, '--csv', csv);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/PGD-AT \+ Rectified Rejection: clean \d+\.\d%, abstains/);
    const written = JSON.parse(readFileSync(out, 'utf8'));
    expect(written.complete).toBe(true);
    const here = await runArena(config);
    expect(written.rows.map((row: { outcomes: unknown }) => row.outcomes)).toEqual(here.rows.map((row) => row.outcomes));
    expect(written.rows.map((row: { decisions: unknown }) => row.decisions)).toEqual(here.rows.map((row) => row.decisions));
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines.map((l) => l.split(',')[0])).toEqual(['family', 'trades', 'rr', 'ibp-m1']);
  }, 120_000);

  test('a bad config is refused by field, before anything trains', () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, JSON.stringify({ threat: { norm: 'l1' }, families: ['rr', 'svm'] }));
    const r = cli('arena', path);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/threat\.norm must be one of linf, l2 \(got "l1"\)/);
    expect(r.stderr).toMatch(/families has "svm"/);
    expect(r.stderr).not.toMatch(/backend wasm/);
  });
});
