/** The worker's job registry: cancellation reaches running jobs, and is sticky for later parts. */
import { expect, test } from 'vitest';
import { cancelJob, runJob, stagedProgress } from '../../workers/jobs';

test('cancelJob aborts the running job’s signal', async () => {
  let seen: AbortSignal | null = null;
  const p = runJob('a', async (signal) => {
    seen = signal;
    await new Promise((r) => setTimeout(r, 20));
    return signal.aborted;
  });
  cancelJob('a');
  expect(await p).toBe(true);
  expect(seen!.aborted).toBe(true);
});

test('a cancel that arrives between two parts of a job (or before it starts) stops the later parts', async () => {
  cancelJob('b');
  const first = await runJob('b', async (signal) => signal.aborted);
  const second = await runJob('b', async (signal) => signal.aborted);
  expect([first, second]).toEqual([true, true]);
  // Other jobs are unaffected.
  expect(await runJob('c', async (signal) => signal.aborted)).toBe(false);
});

test('stagedProgress reports the overall fraction over weighted stages', () => {
  const calls: Array<[number, number | null]> = [];
  const stage = stagedProgress((f, eta) => calls.push([f, eta]), [1, 3]);
  stage(0)(1);
  stage(1)(1);
  expect(calls.at(-1)![0]).toBe(1);
  expect(calls[0][0]).toBeCloseTo(0.25, 10);
});
