// Installs what a fresh clone lacks: npm dependencies (when node_modules is missing or older
// than package-lock.json) and, for tests, Debian packages (Chromium, ffmpeg, ExifTool).
//
//   import { ensureNodeModules, ensureSystemTools } from './ensure.mjs'
//   ensureNodeModules(); ensureSystemTools(['chromium', 'ffmpeg'])
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, relative } from 'node:path';
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
  console.log('shoebox: installing npm dependencies (the first start takes a few minutes)…');
  run('npm', [existsSync(lock) ? 'ci' : 'install', '--no-audit', '--no-fund', '--loglevel=error']);
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

/** What the PWA build reads: client, protocol and models sources (tests excluded), vite config, lockfile. */
const BUILD_INPUTS = ['client', 'protocol', 'models', 'vite.config.ts', 'package-lock.json'];

const filesUnder = (path) => {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .filter((e) => e.name !== 'node_modules' && !e.name.startsWith('.') && !/\.test\.ts$/.test(e.name))
    .flatMap((e) => filesUnder(join(path, e.name)));
};

/**
 * A hash of every build input: contents of sources, and path, size and mtime of model packs
 * (large, installed files: hashing their bytes at every start would cost more than it saves).
 */
export const clientBuildHash = (base = root) => {
  const hash = createHash('sha256');
  for (const file of BUILD_INPUTS.flatMap((p) => filesUnder(join(base, p))).sort()) {
    const rel = relative(base, file);
    hash.update(rel).update('\0');
    if (rel.startsWith(join('models', 'packs'))) {
      const { size, mtimeMs } = statSync(file);
      hash.update(`${size} ${mtimeMs}`);
    } else hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex');
};

/** Rebuilds the PWA when dist/client is missing or any build input changed since the last build. */
export const ensureClientBuild = ({ force = false } = {}) => {
  const stamp = join(root, 'dist', '.shoebox-build');
  const wanted = clientBuildHash();
  if (!force && existsSync(join(root, 'dist', 'client', 'index.html')) && existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) {
    console.log('shoebox: the PWA is up to date');
    return;
  }
  const started = Date.now();
  process.stdout.write('shoebox: building the PWA… ');
  // Quiet: the bundler's output is shown only when the build fails.
  const result = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) {
    console.log('failed');
    process.stderr.write(`${result.stdout}${result.stderr}`);
    throw new Error(`vite build failed with exit code ${result.status}`);
  }
  writeFileSync(stamp, wanted);
  console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
};
