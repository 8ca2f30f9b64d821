// `npm start`: installs what is missing, builds the PWA and serves everything in one process
// (relay, blob store, derivative worker) on http://localhost:$PORT (default 3000).
import { spawn } from 'node:child_process';
import { ensureClientBuild, ensureNodeModules, root } from './ensure.mjs';

ensureNodeModules();
ensureClientBuild();
const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/serve.ts'], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
