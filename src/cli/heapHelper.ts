/**
 * The CLI's heap helper thread (src/core/heapLanes.ts): started by wasmThreads.ts with the shared
 * heap and the control block as its workerData, it takes half of each large SIMD heap call.
 */
import { workerData } from 'node:worker_threads';
import { type HeapHelperInit, runHeapHelper } from '../core/heapLanes';

runHeapHelper(workerData as HeapHelperInit);
