/**
 * A large result mounted in pieces: the commit in which `key` changes renders the first of
 * `count` parts, and each later task one more, so no single task lays out a whole view's tables
 * and plot frames at once (the main thread's 50 ms budget while jobs run).
 */
import { useEffect, useState } from 'react';

/** How many of the `count` parts to render now (1 right after `key` changes, then one more per task). */
export function useStaged(key: unknown, count: number): number {
  const [state, setState] = useState({ key, shown: count });
  const shown = state.key === key ? state.shown : 1;
  useEffect(() => {
    if (shown >= count) return;
    const timer = setTimeout(() => setState({ key, shown: shown + 1 }));
    return () => clearTimeout(timer);
  }, [key, shown, count]);
  return shown;
}
