/**
 * One core's pace in the page (src/core/bench/corePace.ts): the Bench view starts one of these per
 * core and, once all have said they are loaded, asks them all at once; each answers the best of
 * three runs of the fixed loops after one that warms the engine up, in milliseconds.
 */
import { spinLoopMs } from '../src/core/bench/corePace';

self.onmessage = () => {
  // The first run is partly interpreted.
  spinLoopMs();
  postMessage(Math.min(spinLoopMs(), spinLoopMs(), spinLoopMs()));
};
postMessage('loaded');
