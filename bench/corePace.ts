/**
 * Each core's pace, and one core for both sides of a 1-thread sitting. Cores of a shared virtual
 * machine at times run at different paces (src/core/bench/corePace.ts): a 1-thread run then took
 * 1× or 1.8× depending on the core the scheduler put it on, and on two threads the slow core set
 * the pace of every job split over both (a 2-thread process used 1.06 cores' time). So
 * bench:compare times the loop on each core (taskset, Linux) before and after its cases, says when
 * they differ, and on one thread pins both sides to the same core, the faster at the start.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { spinLoopMs, unevenPace } from '../src/core/bench/corePace';

/** The page's loop (src/core/bench/corePace.ts) as a script for `node -e`. */
const LOOP = `process.stdout.write(String((${spinLoopMs.toString()})()))`;

/** Whether cores can be chosen here: Linux with util-linux's taskset. */
export const canPin = (): boolean => process.platform === 'linux' && spawnSync('taskset', ['-V']).status === 0;

/** Milliseconds of the loop on each core (the best of three), or null where cores cannot be chosen. */
export function corePace(): number[] | null {
  if (!canPin()) return null;
  return os.cpus().map((_, core) => {
    const runs = [0, 1, 2].map(() => Number(spawnSync('taskset', ['-c', String(core), process.execPath, '-e', LOOP], { encoding: 'utf8' }).stdout));
    return Math.round(Math.min(...runs) * 10) / 10;
  });
}

/** A line on uneven cores (null when they are even). */
export function paceNote(pace: readonly number[], when: string): string | null {
  const uneven = unevenPace(pace);
  if (!uneven) return null;
  const { slow, fast, ratio } = uneven;
  return `NOTE: ${when}, core ${slow} ran a fixed loop ${ratio.toFixed(2)}× slower than core ${fast} (${pace.map((ms, i) => `core ${i} ${ms} ms`).join(', ')}): the host is sharing it, and figures on more than one thread measure that too.`;
}

/**
 * Pins this process's main thread, which runs the workbench's one compute thread, and the threads
 * it starts from now on to `core`; whether it could. V8's own threads (garbage collection,
 * compilation), started before, stay where the system puts them, as they do beside a page, rather
 * than take the compute thread's core.
 */
export function pinMainThread(core: number): boolean {
  return spawnSync('taskset', ['-p', '-c', String(core), String(process.pid)], { encoding: 'utf8' }).status === 0;
}
