/**
 * `npm run cli -- arena CONFIG.json`: the config the page exports reproduces the in-process run's
 * numbers (same backend, same seed); the JSON is complete, the CSV has one line per family; shards
 * of the families merge into the single run's JSON; a bad config is refused with exit status 2,
 * naming the field.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { defaultArenaConfig, runArena } from '../../src/core';
import { cli, start } from './cliRun';
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

  test('three shards merge into the single run’s JSON, byte for byte but the times', async () => {
    const config = defaultArenaConfig();
    config.data = { ...config.data, size: 150 };
    config.budget = { epochs: 2, trainingAttackSteps: 3, attackSteps: 5, attackRestarts: 1 };
    config.gridResolution = 6;
    // The ERA row's composition needs the standard model, which its shard trains for itself.
    config.families = ['standard', 'era-selector', 'rr', 'ibp-m1'];
    const path = join(dir, 'shards.json');
    writeFileSync(path, JSON.stringify(config));
    const single = join(dir, 'single.json');
    expect(cli('arena', path, '--out', single).code).toBe(0);
    const parts = [1, 2, 3].map((i) => join(dir, `part${i}.json`));
    const runs = await Promise.all(parts.map((out, i) => start(['arena', path, '--shard', `${i + 1}/3`, '--out', out])));
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(parts[1], 'utf8')).rows.map((r: { family: string }) => r.family)).toEqual(['era-selector']);
    const merged = join(dir, 'merged.json');
    const m = cli('merge', parts[2], parts[0], parts[1], '--out', merged);
    expect(m.code, m.stderr).toBe(0);
    expect(m.stderr).toMatch(/merged 3 arena shards: standard, era-selector, rr, ibp-m1/);
    const untimed = (text: string) => text.replace(/"(trainSeconds|evaluateSeconds|elapsedSeconds)": [\d.e+-]+/g, '"$1": 0');
    expect(untimed(readFileSync(merged, 'utf8'))).toBe(untimed(readFileSync(single, 'utf8')));
    // The same family twice, and shards of another config, are refused by name.
    const twice = cli('merge', parts[0], parts[0]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/family standard is in both/);
    const other = JSON.parse(readFileSync(parts[1], 'utf8'));
    other.config.seed = 9;
    writeFileSync(join(dir, 'other.json'), JSON.stringify(other));
    const mixed = cli('merge', parts[0], join(dir, 'other.json'));
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/other\.json ran another config/);
    const empty = cli('arena', path, '--shard', '1/5');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/this part is empty; use at most 4 shards/);
  }, 180_000);

  test('on image files (--data): the CNN families run in the box [0, 1], CROWN says why it has no figure, CERTIFY scales eps by √d', () => {
    const config = { source: 'images', images: { trainLimit: 100, model: { kind: 'cnn', convLayers: 1, filters: 4, dense: 0 } }, threat: { eps: 8 / 255 }, budget: { epochs: 1, trainingAttackSteps: 2, attackSteps: 3 }, smoothing: { sigma: 0.25, predictSamples: 50, certifyN: 200 }, count: 20, families: ['standard', 'gaussian', 'ibp-m1'] };
    const path = join(dir, 'images.json');
    writeFileSync(path, JSON.stringify(config));
    const refused = cli('arena', path);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/needs its dataset files: give them with --data FILE/);
    const out = join(dir, 'images-result.json');
    const fashion = 'public/data/fashion-mnist-subset';
    const data = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'].flatMap((f) => ['--data', `${fashion}/${f}`]);
    const r = cli('arena', path, ...data, '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/setup: linf eps 0\.03137, 1 epoch, attacks of 3 steps, σ 0\.25, PREDICT 50 \/ CERTIFY 200 noisy copies, the first 20 test inputs, seed 1/);
    const result = JSON.parse(readFileSync(out, 'utf8'));
    expect(result.inputShape).toEqual([28, 28, 1]);
    expect(result.labels).toHaveLength(20);
    expect(result.points).toEqual([]);
    expect(result.dataset.train.records).toBe(2000);
    const [standard, gaussian, ibp] = result.rows;
    for (const row of result.rows) expect(row.status, row.note).toBe('done');
    expect(standard.grid).toBeNull();
    expect(standard.guarantees.map((g: { id: string }) => g.id)).toEqual(['verified-ibp']);
    expect(standard.guaranteeNote).toMatch(/CROWN bounds MLPs only/);
    expect(gaussian.guarantees[0].label).toBe('certified (l2 radius ≥ eps·√784)');
    expect(ibp.paperMeasure.label).toMatch(/verified error/);
    expect(standard.decisions.attacked).toHaveLength(2);
    const points = join(dir, 'points.json');
    writeFileSync(points, JSON.stringify({ families: ['standard'] }));
    expect(cli('arena', points, '--data', 'x.bin').stderr).toMatch(/--data is for image configs/);
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
