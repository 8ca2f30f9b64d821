// `npm test`: installs what is missing, then lint, typecheck, unit + integration tests, the PWA
// build and the browser e2e tests. Every step runs; the last line sums up the tests.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureClientBuild, ensureNodeModules, ensureSystemTools, root } from './ensure.mjs';

const started = Date.now();
ensureNodeModules();
ensureSystemTools(['chromium', 'ffmpeg', 'ffprobe', 'exiftool', 'redis-server', 'pg_ctlcluster']);

const reports = join(root, '.e2e', 'reports');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

const steps = [];
const step = (name, command, args) => {
  const at = Date.now();
  console.log(`\n── ${name} ──`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  steps.push({ name, ok: result.status === 0, seconds: (Date.now() - at) / 1000 });
};
const vitest = (project) => [
  'vitest', 'run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile.json=${join(reports, `${project}.json`)}`,
];

step('lint', 'npm', ['run', '--silent', 'lint']);
step('typecheck', 'npm', ['run', '--silent', 'typecheck']);
step('unit and integration', 'npx', vitest('unit'));
const builtAt = Date.now();
try {
  ensureClientBuild({ force: true });
  steps.push({ name: 'build', ok: true, seconds: (Date.now() - builtAt) / 1000 });
} catch (err) {
  console.error(err.message);
  steps.push({ name: 'build', ok: false, seconds: (Date.now() - builtAt) / 1000 });
}
step('e2e (Chromium)', 'npx', vitest('e2e'));

let passed = 0;
let failed = 0;
let skipped = 0;
for (const project of ['unit', 'e2e']) {
  const file = join(reports, `${project}.json`);
  if (!existsSync(file)) continue;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
}
console.log('\n── summary ──');
for (const s of steps) console.log(`${s.ok ? 'ok  ' : 'FAIL'} ${s.name.padEnd(22)} ${s.seconds.toFixed(1)} s`);
console.log(`total ${((Date.now() - started) / 1000).toFixed(1)} s`);
const stepFailures = steps.filter((s) => !s.ok).length;
if (stepFailures > 0 && failed === 0) failed = stepFailures;
console.log(`shoebox: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(stepFailures > 0 ? 1 : 0);
