/**
 * The open lesson step, in a panel under the header above the view the step happens in: its
 * sentences, the action that sets up and runs the workbench, the numbered "what to notice"
 * callouts (also drawn on the page), and Prev / Next / Close.
 */
import { useEffect } from 'react';
import { useStore } from '../../state/store';
import { useBusy } from '../../ui/useBusy';
import { findLesson } from './content/lessons';
import { closeLesson, lessonRun, openStep, openStepFromUrl, runStepAction, stepKey, useLesson } from './lessonStore';
import { expectedDuration, formatDuration, useRecordedTimes } from '../../state/presetTimes';
import { CalloutBadges, useAnchorBoxes } from './CalloutBadges';
import { LessonSentence } from './LessonSentence';
import { PaperLink } from '../../ui/PaperLink';
import { VIEW_LABELS } from '../../shell/viewLabels';
import { useLessonKeys } from './useLessonKeys';
import type { Callout, Lesson } from './lessonTypes';
import './lessons.css';

const NO_CALLOUTS: Callout[] = [];

function StepButton({ lesson, step, children, testId }: { lesson: Lesson; step: number; children: string; testId: string }) {
  const exists = step >= 1 && step <= lesson.steps.length;
  return (
    <button type="button" data-testid={testId} disabled={!exists} title={exists ? `Step ${step}: ${lesson.steps[step - 1].title} (keys ← → or Page Up / Page Down)` : undefined} onClick={() => openStep(lesson.id, step)}>
      {children}
    </button>
  );
}

export function LessonDock() {
  const lessonId = useLesson((s) => s.lessonId);
  const stepNo = useLesson((s) => s.step);
  const lesson = lessonId ? findLesson(lessonId) : null;
  const step = lesson ? lesson.steps[stepNo - 1] : null;
  const status = useLesson((s) => (lessonId ? s.status[stepKey(lessonId, stepNo)] : undefined));
  const view = useStore((s) => s.view);
  const busy = useBusy();
  const ready = useStore((s) => s.backend !== null);
  const callouts = step?.callouts ?? NO_CALLOUTS;
  const boxes = useAnchorBoxes(callouts);
  useLessonKeys(!!step);
  useEffect(() => openStepFromUrl(), []);
  if (!lesson || !step) return null;
  const n = lesson.steps.length;
  return (
    <section className="lesson-dock" data-testid="lesson-dock" aria-label={`Lesson: ${lesson.title}`}>
      <div className="lesson-head">
        <strong className="lesson-title" data-testid="lesson-title">
          {lesson.title}
        </strong>
        <span className="lesson-count" data-testid="lesson-step-count">
          step {stepNo} of {n}
        </span>
        <span className="lesson-view">in the {VIEW_LABELS[step.view]} view</span>
        <nav className="lesson-nav" aria-label="Lesson steps">
          <StepButton lesson={lesson} step={stepNo - 1} testId="lesson-prev">
            ← Prev
          </StepButton>
          <StepButton lesson={lesson} step={stepNo + 1} testId="lesson-next">
            Next →
          </StepButton>
          <button type="button" data-testid="lesson-close" onClick={closeLesson} title="Close the lesson; the page stays as it is.">
            Close
          </button>
        </nav>
      </div>
      <div className="lesson-body">
        <div className="lesson-main">
          <h3 className="lesson-step-title" data-testid="lesson-step-title">
            {step.title}
          </h3>
          {step.text.map((t, i) => (
            <LessonSentence key={i} text={t} />
          ))}
          <div className="lesson-action">
            <button type="button" className="primary" data-testid="lesson-action" disabled={busy || !ready} onClick={() => void runStepAction(lesson.id, stepNo, step.action.run)} title="Set the workbench up for this step and run it.">
              {step.action.label}
            </button>
            <StepDuration lessonId={lesson.id} step={stepNo} seconds={step.action.seconds} />
            <span className="lesson-status" data-testid="lesson-action-status" data-status={status ?? 'idle'}>
              {status === 'running' ? 'running…' : status === 'done' ? 'finished — see the notes' : ''}
            </span>
            {view !== step.view ? (
              <button type="button" className="link" data-testid="lesson-back-to-view" onClick={() => openStep(lesson.id, stepNo)}>
                back to the {VIEW_LABELS[step.view]} view
              </button>
            ) : null}
          </div>
        </div>
        <div className="lesson-notice">
          <h3>What to notice</h3>
          <ol className="lesson-callouts" data-testid="lesson-callouts">
            {step.callouts.map((c, i) => (
              <li key={i} data-testid="lesson-callout" className={boxes[i] ? 'anchored' : ''}>
                <button type="button" className="callout-num" title="Show it on the page" onClick={() => document.querySelector(c.anchor)?.scrollIntoView({ block: 'center', behavior: 'smooth' })}>
                  {i + 1}
                </button>
                <span>
                  {c.text}
                  {boxes[i] ? null : <span className="hint"> (appears after the run)</span>}
                </span>
              </li>
            ))}
          </ol>
          <div className="lesson-papers">
            {lesson.papers.map((id) => (
              <PaperLink key={id} id={id} testId="lesson-paper" />
            ))}
          </div>
        </div>
      </div>
      <CalloutBadges callouts={callouts} boxes={boxes} />
    </section>
  );
}

/** The step's expected duration: measured in this browser once it has run here, else the reference machine's. */
function StepDuration({ lessonId, step, seconds }: { lessonId: string; step: number; seconds: number }) {
  const backend = useStore((s) => s.backend?.backend ?? null);
  // Re-read after each recorded run.
  useRecordedTimes();
  const expected = expectedDuration(lessonRun(lessonId, step, seconds), backend);
  if (!expected) return null;
  return (
    <span
      className="hint"
      data-testid="lesson-action-duration"
      title={expected.measuredHere ? `Measured in this browser on ${backend}, the last time this step ran.` : 'Measured on the WASM backend of a two-core machine, on a fresh page (any model the step needs is trained first); your first run measures it here.'}
    >
      {formatDuration(expected.ms)}
      {expected.measuredHere ? '' : '*'}
    </span>
  );
}
