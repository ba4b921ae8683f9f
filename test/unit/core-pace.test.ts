/** Whether cores keep the same pace: the fixed loop, the line past which they are uneven, and what the CLI and the page say. */
import { expect, test } from 'vitest';
import { UNEVEN, spinLoopMs, unevenPace } from '../../src/core/bench/corePace';
import { paceNote } from '../../bench/corePace';
import { paceLine } from '../../src/app/features/bench/corePace';

test('the fixed loop takes a measurable, finite time', () => {
  const ms = spinLoopMs();
  expect(Number.isFinite(ms)).toBe(true);
  expect(ms).toBeGreaterThan(5);
});

test('cores are uneven past 1.25× between the slowest and the fastest, which are named; unusable times say nothing', () => {
  expect(UNEVEN).toBe(1.25);
  expect(unevenPace([100, 124])).toBeNull();
  expect(unevenPace([100, 125])).toBeNull();
  expect(unevenPace([180, 90, 100])).toEqual({ slow: 0, fast: 1, ratio: 2 });
  expect(unevenPace([90])).toBeNull();
  expect(unevenPace([90, NaN])).toBeNull();
  expect(unevenPace([0, 90])).toBeNull();
});

test('the CLI names the slow core and the fast one; the page gives each worker\'s time and says whether they are even', () => {
  expect(paceNote([90, 100], 'before the cases')).toBeNull();
  expect(paceNote([166.6, 86.4], 'before the cases')).toBe(
    'NOTE: before the cases, core 0 ran a fixed loop 1.93× slower than core 1 (core 0 166.6 ms, core 1 86.4 ms): the host is sharing it, and figures on more than one thread measure that too.',
  );
  expect(paceLine({ when: 'before', ms: [88.2, 91.4] })).toBe('Before the cases: 2 workers ran the loops at once in 88 ms, 91 ms, within 1.25× of each other.');
  expect(paceLine({ when: 'after', ms: [170, 88] })).toMatch(/^After the cases: 2 workers ran the loops at once in 170 ms, 88 ms: one ran them 1\.93× slower than another, so a core was shared .*the all-threads times measure that too\.$/);
  expect(paceLine({ when: 'after', error: 'it did not load' })).toBe('After the cases: the core check failed (it did not load).');
});
