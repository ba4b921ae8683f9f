/**
 * `evaluate-rejection --shard i/N`: each part attacks a block of whole chunks of --batch inputs
 * with the run's random starts and writes its per-input arrays; `merge` computes every metric (TPR
 * thresholds, ROC, curves, the coupled rejector, the footing) over all the parts' inputs, and
 * equals the single run's JSON but for the times. Non-finite per-input values keep their kind
 * through the merge. Missing or overlapping parts, and per-input values that are not numbers, are refused.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { cli, start, useTrainedModel } from './cliRun';

const CONFIG = { version: 1, seed: 4, data: { kind: 'gaussians3', size: 500, testFraction: 0.4 }, model: { depth: 1, width: 16 }, training: { method: 'rr-pgd-at', epochs: 1, batchSize: 20, attack: { steps: 2 } } };
const setup = useTrainedModel('cli-rejection-shard-', CONFIG);
const untimed = (text: string) => text.replace(/"(totalMs|evaluateMs)": [\d.e+-]+/g, '"$1": 0');

describe('evaluate-rejection --shard and merge', () => {
  test('three parts merge into the single run’s JSON, per-input arrays and metrics included', async () => {
    const flags = ['--model', setup.modelDir, '--count', '150', '--batch', '40', '--per-input'];
    const r = cli('evaluate-rejection', setup.config, ...flags, '--out', join(setup.dir, 'one.json'));
    expect(r.code, r.stderr).toBe(0);
    const runs = await Promise.all([1, 2, 3].map((i) => start(['evaluate-rejection', setup.config, ...flags, '--shard', `${i}/3`, '--out', join(setup.dir, `p${i}.json`)])));
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    // 150 inputs are 4 chunks of 40: the parts take 1, 1 and 2 chunks.
    expect(runs[2].stderr).toMatch(/shard 3\/3: inputs 81 to 150 of 150/);
    const parts = [3, 1, 2].map((i) => join(setup.dir, `p${i}.json`));
    const m = cli('merge', ...parts, '--out', join(setup.dir, 'merged.json'));
    expect(m.code, m.stderr).toBe(0);
    const one = readFileSync(join(setup.dir, 'one.json'), 'utf8');
    expect(untimed(readFileSync(join(setup.dir, 'merged.json'), 'utf8'))).toBe(untimed(one));
    expect(JSON.parse(one).footing.length).toBeGreaterThan(0);

    const missing = cli('merge', parts[0], parts[1]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/starts at input 81 but the parts before it end at input 40: a part is missing/);
    const other = JSON.parse(readFileSync(parts[2], 'utf8'));
    other.evaluation.tpr = 0.9;
    writeFileSync(join(setup.dir, 'other.json'), JSON.stringify(other));
    const mixed = cli('merge', parts[0], parts[1], join(setup.dir, 'other.json'));
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/differs from .* in "evaluation"/);
    // Non-finite logits and head outputs (a run gives such inputs no prediction and rejected scores)
    // cross the merge as they were: NaN, Infinity and -Infinity apart (a null of an earlier version reads as NaN).
    const first = JSON.parse(readFileSync(join(setup.dir, 'p1.json'), 'utf8'));
    const second = JSON.parse(readFileSync(join(setup.dir, 'p2.json'), 'utf8'));
    first.perInput[0].logits[0][0] = 'NaN';
    first.perInput[0].logits[0][1] = '-Infinity';
    first.perInput[0].aux[1] = 'Infinity';
    second.perInput[0].aux[0] = null;
    writeFileSync(join(setup.dir, 'q1.json'), JSON.stringify(first));
    writeFileSync(join(setup.dir, 'q2.json'), JSON.stringify(second));
    const odd = cli('merge', join(setup.dir, 'q1.json'), join(setup.dir, 'q2.json'), parts[0]);
    expect(odd.code, odd.stderr).toBe(0);
    const merged = JSON.parse(odd.stdout).perInput[0];
    expect([merged.logits[0][0], merged.logits[0][1], merged.aux[1], merged.aux[40]]).toEqual(['NaN', '-Infinity', 'Infinity', 'NaN']);
    expect(merged.aux[0]).toBe(first.perInput[0].aux[0]);
    first.perInput[0].scores.confidence[2] = 'inf';
    writeFileSync(join(setup.dir, 'q1.json'), JSON.stringify(first));
    const refused = cli('merge', join(setup.dir, 'q1.json'), join(setup.dir, 'q2.json'), parts[0]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`merge: ${join(setup.dir, 'q1.json')}, setting "${first.perInput[0].id}": scores.confidence[2] is "inf", not a number, "NaN", "Infinity" or "-Infinity"`);
    const bad = cli('evaluate-rejection', setup.config, '--model', setup.modelDir, '--batch', '0');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--batch must be a whole number from 1 to 1000000 \(got "0"\)/);
  }, 240_000);
});
