/** Running jobs: a progress bar with the estimated time left and a cancel button for each. */
import { cancelJob, formatEta } from '../state/jobs';
import { useStore } from '../state/store';

export function JobBar() {
  const jobs = useStore((s) => s.jobs);
  const list = Object.values(jobs);
  // Always mounted (hidden when idle), so the bar and its buttons are never re-created mid-job.
  return (
    <div className="jobs" data-testid="jobs" hidden={!list.length}>
      {list.map((j) => (
        <div className="job" key={j.id} data-testid="job">
          <div className="job-head">
            <strong>{j.label}</strong>
            <span className="job-detail">{j.detail}</span>
            <span className="job-eta">{formatEta(j.etaMs)}</span>
            <button type="button" className="cancel" data-testid="cancel-job" onClick={() => cancelJob(j.id)}>
              Cancel
            </button>
          </div>
          <progress max={1} value={j.fraction} aria-label={`${j.label} progress`} />
        </div>
      ))}
    </div>
  );
}
