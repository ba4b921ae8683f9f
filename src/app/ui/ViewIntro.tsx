/**
 * The top of a view: its key idea in two visible sentences with the papers it comes from (a
 * teaching page cannot hide its explanations in tooltips), and, while the view has nothing to
 * show, the ways to get started (a preset, a quick model). Collapsible; the choice is remembered.
 */
import { type ReactNode, useState } from 'react';
import type { PaperId } from '../papers';
import { PaperLink } from './PaperLink';

const KEY = (id: string) => `workbench.intro.${id}.collapsed`;

function remembered(id: string): boolean {
  try {
    return localStorage.getItem(KEY(id)) === '1';
  } catch {
    return false;
  }
}

export interface ViewIntroProps {
  id: string;
  title: string;
  /** Two plain sentences: what the view shows and why it matters. */
  idea: string;
  papers: PaperId[];
  /** The view's getting-started buttons (which render nothing once the view has a model). */
  start?: ReactNode;
}

export function ViewIntro({ id, title, idea, papers, start }: ViewIntroProps) {
  const [collapsed, setCollapsed] = useState(() => remembered(id));
  const toggle = () => {
    setCollapsed(!collapsed);
    try {
      localStorage.setItem(KEY(id), collapsed ? '0' : '1');
    } catch {
      // Not remembered where storage is off; the toggle still works for this page.
    }
  };
  return (
    <section className={`view-intro${collapsed ? ' collapsed' : ''}`} data-testid={`intro-${id}`}>
      <div className="view-intro-head">
        <h2>{title}</h2>
        <button type="button" className="link" aria-expanded={!collapsed} onClick={toggle} data-testid={`intro-${id}-toggle`}>
          {collapsed ? 'show the idea' : 'hide'}
        </button>
      </div>
      {collapsed ? null : (
        <>
          <p className="idea" data-testid={`intro-${id}-idea`}>
            {idea}
          </p>
          {papers.length ? (
            <p className="papers">
              From:{' '}
              {papers.map((p, i) => (
                <span key={p}>
                  {i ? '; ' : ''}
                  <PaperLink id={p} />
                </span>
              ))}
              .
            </p>
          ) : null}
        </>
      )}
      {start}
    </section>
  );
}
