/**
 * The page's handle on the compute worker. All tfjs work happens there; this file only sends
 * requests and wraps callbacks with comlink.proxy.
 */
import * as Comlink from 'comlink';
import type { WorkerApi } from '../../workers/protocol';

let remote: Comlink.Remote<WorkerApi> | null = null;

export function worker(): Comlink.Remote<WorkerApi> {
  if (!remote) {
    const w = new Worker(new URL('../../workers/compute.worker.ts', import.meta.url), { type: 'module', name: 'compute' });
    remote = Comlink.wrap<WorkerApi>(w);
  }
  return remote;
}

export const proxy = Comlink.proxy;
export const transfer = Comlink.transfer;

let jobCounter = 0;
export function newJobId(kind: string): string {
  jobCounter += 1;
  return `${kind}-${jobCounter}-${Date.now().toString(36)}`;
}
