/**
 * The Arena view's state and actions: the arena config the form edits (the one the CLI reads), the
 * rows as the worker finishes them, the whole result at the end, and the downloads (table as CSV
 * and JSON, the config for `npm run cli -- arena`).
 */
import { create } from 'zustand';
import { type ArenaConfig, type ArenaFamily, type ArenaResult, type ArenaRow, arenaCsv, arenaSourceDefaults, defaultArenaConfig, setPath, validateArenaConfig } from '../../../core/settings';
import { proxy, worker } from '../../workerClient';
import { progressProxy, updateJob, withJob } from '../../state/jobs';
import { useStore } from '../../state/store';
import { refreshLibrary } from '../../state/library';
import type { ArenaLibraryUse } from '../../../../workers/protocol';
import { download, downloadJson } from '../../ui/download';

interface ArenaState {
  config: ArenaConfig;
  /** The config of the rows shown (the form may have moved on since). */
  ranConfig: ArenaConfig | null;
  rows: ArenaRow[];
  result: ArenaResult | null;
  /** Runs ended (finished, failed or cancelled): what the page's tests wait on. */
  runs: number;
  /** The browser's library: reuse models trained with exactly a family's settings; keep the ones a run trains. */
  library: ArenaLibraryUse;
  setLibrary: (patch: Partial<ArenaLibraryUse>) => void;
  setField: (path: string, value: unknown) => void;
  setFamily: (family: ArenaFamily, on: boolean) => void;
  /** Switches between 2-D points and images, with the threat model, σ and test count of that kind of data. */
  setSource: (source: ArenaConfig['source']) => void;
}

export const useArena = create<ArenaState>((set) => ({
  config: defaultArenaConfig(),
  ranConfig: null,
  rows: [],
  result: null,
  runs: 0,
  library: { reuse: true, keep: false },
  setLibrary: (patch) => set((s) => ({ library: { ...s.library, ...patch } })),
  setField: (path, value) => set((s) => ({ config: setPath(s.config, path, value) })),
  setSource: (source) => set((s) => ({ config: { ...s.config, source, ...arenaSourceDefaults(source) } })),
  setFamily: (family, on) => set((s) => ({ config: { ...s.config, families: on ? [...s.config.families.filter((f) => f !== family), family] : s.config.families.filter((f) => f !== family) } })),
}));

/** The problems of the form's config, by field path (empty when it can run). */
export function arenaProblems(config: ArenaConfig): Record<string, string> {
  return validateArenaConfig(config);
}

export async function runArena(): Promise<void> {
  const { config, library } = useArena.getState();
  const problems = Object.entries(arenaProblems(config));
  if (config.source === 'images' && !useStore.getState().imageDataset) problems.push(['source', 'is images, but no image data set is loaded: load one in the Images view, or the shipped Fashion-MNIST subset']);
  if (problems.length) return useStore.getState().pushMessage('error', `Arena refused: ${problems.map(([k, v]) => `${k} ${v}`).join('; ')}`);
  const ran = structuredClone(config);
  let ended = false;
  useArena.setState({ rows: [], result: null, ranConfig: ran });
  const label = `Abstain arena: ${ran.families.length} famil${ran.families.length === 1 ? 'y' : 'ies'} at ${ran.threat.norm === 'linf' ? 'l∞' : 'l2'} eps ${ran.threat.eps}`;
  const result = await withJob('arena', label, (jobId, progress) =>
    worker().runArena(
      jobId,
      ran,
      progressProxy(progress),
      proxy((row: ArenaRow) => {
        // A row's message travels on its own channel and may come after the run's result: rows of
        // an ended run, or one already there, change nothing.
        if (ended || useArena.getState().ranConfig !== ran) return;
        useArena.setState((s) => (s.rows.some((r) => r.family === row.family) ? {} : { rows: [...s.rows, row] }));
      }),
      proxy((text: string) => updateJob(jobId, { detail: text })),
      ran.source === 'images' ? (useStore.getState().imageDataset?.id ?? null) : null,
      library,
    ),
  );
  ended = true;
  if (result) useArena.setState({ result, rows: result.rows });
  if (library.keep) await refreshLibrary();
  useArena.setState((s) => ({ runs: s.runs + 1 }));
}

export function downloadArenaCsv(): void {
  download('arena.csv', arenaCsv({ rows: useArena.getState().rows }), 'text/csv');
}

export function downloadArenaJson(): void {
  const { result, rows, ranConfig } = useArena.getState();
  downloadJson('arena.json', result ? { complete: true, ...result } : { complete: false, config: ranConfig, rows });
}

/** The self-contained Markdown report of the finished arena (arenaReport.ts). */
export async function downloadArenaReport(): Promise<void> {
  const { result } = useArena.getState();
  if (!result) return;
  const { arenaReport } = await import('./arenaReport');
  download('arena-report.md', await arenaReport(result, { userAgent: navigator.userAgent, date: new Date() }), 'text/markdown');
}

/** The config of the form, for `npm run cli -- arena arena-config.json` (the same numbers on the same backend). */
export function downloadArenaConfig(): void {
  downloadJson('arena-config.json', useArena.getState().config);
}
