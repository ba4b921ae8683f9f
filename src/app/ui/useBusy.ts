/** Whether a job is running: the page runs one job at a time, so buttons that start one are off meanwhile. */
import { useStore } from '../state/store';

export const useBusy = (): boolean => useStore((s) => Object.keys(s.jobs).length > 0);
