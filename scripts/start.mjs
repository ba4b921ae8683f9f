#!/usr/bin/env node
// `npm start`: installs the dependencies when they are missing, builds the page and serves it,
// printing the URL. Uses only Node built-ins, so it runs on a fresh clone.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const port = process.env.PORT ?? '4173';

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`\n${cmd} ${args.join(' ')} failed (exit ${r.status}).`);
    process.exit(r.status ?? 1);
  }
}

if (!existsSync('node_modules/.package-lock.json') || !existsSync('node_modules/vite')) {
  console.log('Installing dependencies (npm ci)…');
  run(npm, ['ci', '--no-audit', '--no-fund']);
}
console.log('Building the workbench…');
run(npx, ['vite', 'build', '--logLevel', 'warn']);
console.log(`\nThe workbench is at http://localhost:${port}/  (Ctrl+C stops it)\n`);
const server = spawn(npx, ['vite', 'preview', '--port', port, '--strictPort'], { stdio: 'inherit' });
server.on('exit', (code) => process.exit(code ?? 0));
