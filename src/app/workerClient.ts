/**
 * The page's handle on the compute worker. All tfjs work happens there; this file only sends
 * requests and wraps callbacks with comlink.proxy.
 */
import * as Comlink from 'comlink';
import type { WorkerApi } from '../../workers/protocol';

let remote: Comlink.Remote<WorkerApi> | null = null;

function startComputeWorker(name: string): Worker {
  return new Worker(new URL('../../workers/compute.worker.ts', import.meta.url), { type: 'module', name });
}

export function worker(): Comlink.Remote<WorkerApi> {
  if (!remote) remote = Comlink.wrap<WorkerApi>(startComputeWorker('compute'));
  return remote;
}

export interface ExtraWorker {
  remote: Comlink.Remote<WorkerApi>;
  end: () => void;
}

/**
 * A second compute worker of its own (the Bench view's one-thread WASM runs: a WASM backend's
 * thread count is fixed when it starts). `end` stops it and frees its memory.
 */
export function extraWorker(name: string): ExtraWorker {
  const w = startComputeWorker(name);
  const r = Comlink.wrap<WorkerApi>(w);
  return {
    remote: r,
    end: () => {
      r[Comlink.releaseProxy]();
      w.terminate();
    },
  };
}

export const proxy = Comlink.proxy;
export const transfer = Comlink.transfer;

let jobCounter = 0;
export function newJobId(kind: string): string {
  jobCounter += 1;
  return `${kind}-${jobCounter}-${Date.now().toString(36)}`;
}
