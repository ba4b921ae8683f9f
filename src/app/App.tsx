/** The workbench page: header, messages, running jobs, and the current view. */
import { useEffect } from 'react';
import { BenchView } from './features/bench/BenchView';
import { Figure1View } from './features/figure1/Figure1View';
import { Header } from './shell/Header';
import { SmoothingView } from './features/smoothing/SmoothingView';
import { RconView } from './features/rcon/RconView';
import { VerificationView } from './features/verification/VerificationView';
import { ArenaView } from './features/arena/ArenaView';
import { ImagesView } from './features/images/ImagesView';
import { JobBar } from './shell/JobBar';
import { Messages } from './shell/Messages';
import { PlaygroundView } from './features/playground/PlaygroundView';
import { LessonDock } from './features/lessons/LessonDock';
import { LessonsIndex } from './features/lessons/LessonsIndex';
import { initWorker } from './state/startWorker';
import { refreshDataset } from './state/playgroundModels';
import { refreshLibrary } from './state/library';
import { useStore } from './state/store';
import { PaperLink } from './ui/PaperLink';
import type { PaperId } from './papers';

const PAPER_ORDER: PaperId[] = ['era', 'cohen', 'catrs', 'rejection', 'rr', 'abstain'];

export function App() {
  const view = useStore((s) => s.view);
  const data = useStore((s) => s.config.data);
  const backendError = useStore((s) => s.backendError);
  const ready = useStore((s) => s.backend !== null);
  useEffect(() => {
    void initWorker();
  }, []);
  useEffect(() => {
    if (ready) void refreshLibrary();
  }, [ready]);
  useEffect(() => {
    if (!ready) return;
    const t = setTimeout(() => void refreshDataset(), 150);
    return () => clearTimeout(t);
  }, [data, ready]);
  return (
    <div className="app">
      <Header />
      <Messages />
      {backendError ? (
        <div className="message error" role="alert">
          The compute worker could not start any tfjs backend: {backendError}
        </div>
      ) : null}
      <JobBar />
      <LessonDock />
      {view === 'lessons' ? <LessonsIndex /> : view === 'playground' ? <PlaygroundView /> : view === 'figure1' ? <Figure1View /> : view === 'images' ? <ImagesView /> : view === 'smoothing' ? <SmoothingView /> : view === 'rejection' ? <RconView /> : view === 'verify' ? <VerificationView /> : view === 'arena' ? <ArenaView /> : <BenchView />}
      <footer className="footer">
        Implements{' '}
        {PAPER_ORDER.map((id, i) => (
          <span key={id}>
            {i ? (i === PAPER_ORDER.length - 1 ? ' and ' : ', ') : ''}
            <PaperLink id={id} short />
          </span>
        ))}
        . Everything runs in your browser, in a worker.
      </footer>
    </div>
  );
}
