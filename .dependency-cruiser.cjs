/**
 * The layer rules of docs/ARCHITECTURE.md, checked by `npm run lint:deps` (part of `npm test`):
 * no import cycles; core imports nothing from the app, the workers or the CLI; the app reaches
 * the workers only through their protocol types (and the one client that starts the worker);
 * the workers and the CLI never import the app; nothing outside test/ imports from test/.
 */
module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', comment: 'Import cycles (type-only imports included) hide the layering.', from: {}, to: { circular: true } },
    { name: 'core-stays-pure', severity: 'error', comment: 'src/core is the science: no app, worker or CLI code.', from: { path: '^src/core/' }, to: { path: '^(src/app|src/cli|workers|bench|test)/' } },
    { name: 'app-through-protocol', severity: 'error', comment: 'The app talks to the workers only through workers/protocol (types) and its worker client.', from: { path: '^src/app/' }, to: { path: '^workers/', pathNot: '^workers/(protocol/|compute\\.worker\\.ts$)' } },
    { name: 'app-no-cli', severity: 'error', from: { path: '^src/app/' }, to: { path: '^src/cli/' } },
    { name: 'workers-no-app', severity: 'error', from: { path: '^workers/' }, to: { path: '^(src/app|src/cli)/' } },
    { name: 'cli-no-app', severity: 'error', from: { path: '^src/cli/' }, to: { path: '^(src/app|workers)/' } },
    { name: 'cli-through-core-index', severity: 'error', comment: 'The CLI uses the public API of the core only (and two tfjs-free parts: settings.ts for the help text, heapLanes.ts for the helper thread).', from: { path: '^src/cli/' }, to: { path: '^src/core/', pathNot: '^src/core/(index|settings|heapLanes)\\.ts$' } },
    { name: 'no-test-imports', severity: 'error', from: { pathNot: '^test/' }, to: { path: '^test/' } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.tsx', '.js', '.mjs', '.d.ts'] },
  },
};
