/**
 * Turns for workers that time cases at once (src/app/features/bench/turns.ts): two parties' runs
 * alternate, a party between turns is waited for, a party done (finished or failed) is skipped, and
 * bad party numbers are refused by name; and the bench runner asks for a turn before a case's
 * set-up, its warm-up and each timed run, so that the Bench view's one-thread and all-thread runs
 * of a case alternate.
 */
import { describe, expect, test } from 'vitest';
import { Turns } from '../../src/app/features/bench/turns';
import { runBenchCase } from '../../src/core/bench/suite';
import { useWasmBackend } from './helpers';

useWasmBackend();

const tick = () => new Promise((r) => setTimeout(r, 0));

/** A party that takes `n` turns, logging "<name><i>" while it holds each, with an await inside (as a worker's run is). */
async function party(turns: Turns, p: number, name: string, n: number, log: string[]): Promise<void> {
  try {
    for (let i = 0; i < n; i++) {
      await turns.turn(p);
      log.push(`${name}${i}+`);
      await tick();
      log.push(`${name}${i}-`);
    }
  } finally {
    turns.done(p);
  }
}

describe('turns for workers that time cases at once', () => {
  test('two parties alternate, one run at a time, and the one with more runs goes on alone', async () => {
    const turns = new Turns(2);
    const log: string[] = [];
    await Promise.all([party(turns, 0, 'a', 3, log), party(turns, 1, 'b', 5, log)]);
    expect(log).toEqual(['a0+', 'a0-', 'b0+', 'b0-', 'a1+', 'a1-', 'b1+', 'b1-', 'a2+', 'a2-', 'b2+', 'b2-', 'b3+', 'b3-', 'b4+', 'b4-']);
  });

  test('a party between turns is waited for, not run ahead of', async () => {
    const turns = new Turns(2);
    const log: string[] = [];
    const a = party(turns, 0, 'a', 2, log);
    // b starts late (its worker is still starting): a's second run waits for b's first.
    await tick();
    await tick();
    await tick();
    expect(log).toEqual(['a0+', 'a0-']);
    await Promise.all([a, party(turns, 1, 'b', 2, log)]);
    expect(log).toEqual(['a0+', 'a0-', 'b0+', 'b0-', 'a1+', 'a1-', 'b1+', 'b1-']);
  });

  test('a party that fails says done, and the others are not left waiting', async () => {
    const turns = new Turns(3);
    const log: string[] = [];
    const failing = (async () => {
      try {
        await turns.turn(1);
        log.push('b0');
        throw new Error('worker lost');
      } finally {
        turns.done(1);
      }
    })();
    await Promise.all([party(turns, 0, 'a', 2, log), expect(failing).rejects.toThrow('worker lost'), party(turns, 2, 'c', 2, log)]);
    expect(log).toEqual(['a0+', 'a0-', 'b0', 'c0+', 'c0-', 'a1+', 'a1-', 'c1+', 'c1-']);
  });

  test('party counts and numbers out of range are refused by name', () => {
    expect(() => new Turns(0)).toThrow('parties must be a whole number of at least 1; got 0');
    const turns = new Turns(2);
    expect(() => turns.turn(2)).toThrow('party must be a whole number from 0 to 1; got 2');
    expect(() => turns.done(-1)).toThrow('party must be a whole number from 0 to 1; got -1');
  });

  test('the bench runner asks for a turn before the set-up, the warm-up and each timed run', async () => {
    let turnsTaken = 0;
    const r = await runBenchCase('grid-forward', { repeats: 3, turn: async () => void turnsTaken++ });
    expect(r.runsMs).toHaveLength(3);
    expect(turnsTaken).toBe(1 + 1 + 3);
    turnsTaken = 0;
    await runBenchCase('grid-forward', { repeats: 2, warmup: false, turn: async () => void turnsTaken++ });
    expect(turnsTaken).toBe(1 + 2);
  });
});
