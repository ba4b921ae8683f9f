/** Whether cores keep the same pace: the fixed loop, the line past which they are uneven or crowded, and what the CLI and the page say. */
import { expect, test } from 'vitest';
import { UNEVEN, crowdedPace, spinLoopMs, unevenPace } from '../../src/core/bench/corePace';
import { paceNote } from '../../bench/corePace';
import { type CorePace, paceLine, paceWarns } from '../../src/app/features/bench/corePace';

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
  const even = { when: 'before', aloneMs: 86.1, ms: [88.2, 91.4] } satisfies CorePace;
  expect(paceLine(even)).toBe('Before the cases: one worker alone ran the loops in 86 ms; 2 at once took 88 ms, 91 ms, within 1.25× of each other and of the one alone.');
  expect(paceWarns(even)).toBe(false);
  const uneven = { when: 'after', aloneMs: 86, ms: [170, 88] } satisfies CorePace;
  expect(paceLine(uneven)).toMatch(/^After the cases: one worker alone ran the loops in 86 ms; 2 at once took 170 ms, 88 ms: one ran them 1\.93× slower than another, so a core was shared .*the all-threads times measure that too\.$/);
  expect(paceWarns(uneven)).toBe(true);
  expect(paceLine({ when: 'after', error: 'it did not load' })).toBe('After the cases: the core check failed (it did not load).');
  expect(paceWarns({ when: 'after', error: 'it did not load' })).toBe(true);
});

test('workers slowed alike look even among themselves; against one worker alone the page still says the cores were shared', () => {
  expect(crowdedPace(100, [120, 125])).toBeNull();
  expect(crowdedPace(100, [190, 200])).toEqual({ ratio: 2 });
  expect(crowdedPace(NaN, [190, 200])).toBeNull();
  expect(crowdedPace(100, [])).toBeNull();
  expect(crowdedPace(100, [190, 0])).toBeNull();
  const crowded = { when: 'before', aloneMs: 100, ms: [190, 200] } satisfies CorePace;
  expect(unevenPace(crowded.ms)).toBeNull();
  expect(paceLine(crowded)).toBe(
    'Before the cases: one worker alone ran the loops in 100 ms; 2 at once took 190 ms, 200 ms: even among themselves, but the slowest took 2.00× as long as the one alone, so the cores were shared with other work (another program, or the host of a virtual machine), and the all-threads times measure that too.',
  );
  expect(paceWarns(crowded)).toBe(true);
});
