/**
 * The page's heap helper thread (src/core/heapLanes.ts): the compute worker starts one when it
 * runs WASM on more than one thread and posts it the shared heap and the control block; from then
 * on it takes half of each large call of the workbench's SIMD heap loops.
 */
import { type HeapHelperInit, runHeapHelper } from '../src/core/heapLanes';

self.onmessage = (e: MessageEvent<HeapHelperInit>) => runHeapHelper(e.data);
