/**
 * The Arena view: the five papers' ways of abstaining trained on the same data with the same seed
 * and budget, attacked at one threat model and counted by one rule, row by row as each family
 * finishes; with the trade-off plots, the decision regions, and the downloads (CSV, JSON, and the
 * config that reproduces the table through `npm run cli -- arena`).
 */
import { Plot } from '../../plots/Plot';
import { useBusy } from '../../ui/useBusy';
import { ViewIntro } from '../../ui/ViewIntro';
import { ArenaRegions } from './ArenaRegions';
import { ArenaSettings } from './ArenaSettings';
import { ArenaTable } from './ArenaTable';
import { coverageLayout, coverageTraces, tradeoffLayout, tradeoffTraces } from './arenaPlots';
import { arenaProblems, downloadArenaConfig, downloadArenaCsv, downloadArenaJson, downloadArenaReport, runArena, useArena } from './arenaState';

/** One empty list for every render, so the region canvases redraw only when their own row changes. */
const NONE: number[] = [];

export function ArenaView() {
  const busy = useBusy();
  const config = useArena((s) => s.config);
  const rows = useArena((s) => s.rows);
  const result = useArena((s) => s.result);
  const runs = useArena((s) => s.runs);
  const blocked = Object.keys(arenaProblems(config)).length > 0;
  const coverage = coverageTraces(rows);
  return (
    <div data-testid="arena-view" data-runs={runs}>
      <ViewIntro
        id="arena"
        title="Abstain arena: every way of abstaining on one footing"
        idea="Each paper measures its own way of abstaining by its own protocol. Here every family trains on the same data from the same seed with the same budget, is attacked at the same threat model by PGD, APGD-CE and its own adaptive attack, and is counted by one rule — with its paper's own measure beside it."
        papers={['era', 'rr', 'catrs', 'abstain', 'cohen']}
      />
      <div className="arena-layout">
        <aside className="settings">
          <ArenaSettings />
          <div className="row">
            <button type="button" className="primary" data-testid="arena-run" disabled={busy || blocked} onClick={() => void runArena()}>
              Run the arena
            </button>
          </div>
          <p className="hint">Cancel from the job bar keeps the families already finished.</p>
          <div className="row">
            <button type="button" className="small" data-testid="arena-download-config" onClick={downloadArenaConfig} title="The settings above as JSON: npm run cli -- arena arena-config.json reproduces the table on the same backend.">
              Config for the CLI
            </button>
            <button type="button" className="small" data-testid="arena-download-csv" disabled={!rows.length} onClick={downloadArenaCsv} title="One line per family: each measure with its interval, the guarantees, the paper's measure and the cost.">
              Table CSV
            </button>
            <button type="button" className="small" data-testid="arena-download-json" disabled={!rows.length} onClick={downloadArenaJson} title="The config, the backend, every row and each input's decisions.">
              JSON
            </button>
          </div>
          <div className="row">
            <button type="button" className="small" data-testid="arena-download-report" disabled={!result} onClick={() => void downloadArenaReport()} title="One Markdown file for an appendix: the setup, the table with intervals, the definitions, each family's details, the plots as PNG and SVG and the regions as PNG (embedded), the config for the CLI and the versions.">
              Report (Markdown)
            </button>
          </div>
        </aside>
        <main className="arena-main">
          {rows.length ? <ArenaTable rows={rows} /> : <p className="hint" data-testid="arena-empty">Run the arena: each family's row appears as soon as it is trained and attacked.</p>}
          {/* The plots are drawn from the start (empty), so plotly's first layout is not paid while the rows arrive. */}
          <div className="arena-plots">
            <figure>
              <figcaption>Robust accuracy against clean abstention, one point per model (bars: 95% intervals)</figcaption>
              <Plot data={tradeoffTraces(rows)} layout={tradeoffLayout} testId="arena-tradeoff-plot" />
            </figure>
            <figure>
              <figcaption>Accuracy on the accepted inputs against coverage, under the attack that hurt each model most (score-based rejectors)</figcaption>
              <Plot data={coverage} layout={coverageLayout} testId="arena-coverage-plot" />
              {coverage.length ? null : <p className="hint">Drawn when a score-based rejector (a plain classifier's confidence, R-Con, a smoothed classifier's vote share) has run.</p>}
            </figure>
          </div>
          <ArenaRegions rows={rows} points={result?.points ?? NONE} labels={result?.labels ?? NONE} />
        </main>
      </div>
    </div>
  );
}
