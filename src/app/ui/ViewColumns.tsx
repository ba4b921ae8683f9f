/** A view's introduction, then its three columns: settings on the left, the main plots in the centre, results on the right. */
import type { ReactNode } from 'react';

export function ViewColumns({ className, testId, intro, settings, center, results }: { className?: string; testId?: string; intro?: ReactNode; settings: ReactNode; center: ReactNode; results: ReactNode }) {
  return (
    <>
      {intro}
    <div className={className ? `playground ${className}` : 'playground'} data-testid={testId}>
      <aside className="settings">{settings}</aside>
      <main className="center">{center}</main>
      <aside className="results">{results}</aside>
    </div>
    </>
  );
}
