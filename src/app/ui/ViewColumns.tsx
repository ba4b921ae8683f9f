/** The three columns of a view: settings on the left, the main plots in the centre, results on the right. */
import type { ReactNode } from 'react';

export function ViewColumns({ className, testId, settings, center, results }: { className?: string; testId?: string; settings: ReactNode; center: ReactNode; results: ReactNode }) {
  return (
    <div className={className ? `playground ${className}` : 'playground'} data-testid={testId}>
      <aside className="settings">{settings}</aside>
      <main className="center">{center}</main>
      <aside className="results">{results}</aside>
    </div>
  );
}
