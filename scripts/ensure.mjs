// Installs what a fresh clone lacks: npm dependencies (when node_modules is missing or older
// than package-lock.json) and, for tests, Debian packages (Chromium, ffmpeg, ExifTool).
//
//   import { ensureNodeModules, ensureSystemTools } from './ensure.mjs'
//   ensureNodeModules(); ensureSystemTools(['chromium', 'ffmpeg'])
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const run = (command, args, options = {}) => {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed with exit code ${result.status}`);
};

/** npm ci/install when node_modules is missing or was installed from another lockfile. */
export const ensureNodeModules = () => {
  const lock = join(root, 'package-lock.json');
  const stamp = join(root, 'node_modules', '.shoebox-installed');
  const wanted = createHash('sha256')
    .update(readFileSync(join(root, 'package.json')))
    .update(existsSync(lock) ? readFileSync(lock) : '')
    .digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) return;
  console.log('shoebox: installing npm dependencies…');
  run('npm', [existsSync(lock) ? 'ci' : 'install', '--no-audit', '--no-fund']);
  writeFileSync(stamp, wanted);
};

/** Debian packages providing each command the tests need. */
const PACKAGES = {
  chromium: 'chromium',
  ffmpeg: 'ffmpeg',
  ffprobe: 'ffmpeg',
  exiftool: 'libimage-exiftool-perl',
  // The relay's scale-out tests start their own servers; the binaries live in /usr/lib/postgresql/*/bin.
  'redis-server': 'redis-server',
  pg_ctlcluster: 'postgresql',
};

const which = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;

export const ensureSystemTools = (commands) => {
  const missing = commands.filter((command) => !which(command));
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map((command) => PACKAGES[command]))];
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !which('apt-get')) {
    throw new Error(`missing ${missing.join(', ')}: install the Debian packages ${packages.join(' ')} (apt-get install ${packages.join(' ')}) and run again`);
  }
  console.log(`shoebox: installing ${packages.join(', ')} with apt-get…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env });
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { env });
};

/** Rebuilds the PWA when dist/client is missing or older than any client or protocol source. */
export const ensureClientBuild = ({ force = false } = {}) => {
  const built = join(root, 'dist', 'client', 'index.html');
  if (!force && existsSync(built)) {
    const builtAt = statSync(built).mtimeMs;
    const newest = Number(execFileSync('sh', ['-c', "find client protocol models vite.config.ts package.json -type f -newer dist/client/index.html | head -1 | wc -l"], { cwd: root, encoding: 'utf8' }).trim());
    if (newest === 0 && builtAt > 0) return;
  }
  console.log('shoebox: building the PWA…');
  run('npx', ['vite', 'build', '--logLevel', 'warn']);
};
