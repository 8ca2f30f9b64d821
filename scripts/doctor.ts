/**
 * `npm run doctor` (issue 14): the server's start-up and health checks from the command line, for
 * when the server will not start. Reads the same environment as scripts/serve.ts, changes nothing
 * (the probes write and remove one small file), prints one line per check, exits 1 when any fails.
 *
 *   SHOEBOX_DATA_DIR=/srv/shoebox npm run doctor          // "ok   data directory: /srv/shoebox holds library …"
 *   SHOEBOX_DATA_DIR=/srv/shoebox npm run doctor -- --json
 */
import { resolve } from 'node:path';
import { openStorage, probeDirectory, storageDirectories } from '../protocol/src/server/storage-identity.js';
import { checkDisk, checkTools } from '../protocol/src/server/system-checks.js';
import { loadServeConfig, type ServeConfig } from './serve-config.js';

export interface DoctorCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));
const gib = (bytes: number): string => `${(bytes / 1024 ** 3).toFixed(2)} GiB`;

const checkStorage = async (config: ServeConfig): Promise<DoctorCheck[]> => {
  const dataDir = resolve(config.relay.dataDir);
  try {
    const { marker } = await openStorage({ dir: dataDir, libraryId: config.libraryId, readOnly: true });
    const pinned = config.libraryId ? '' : ` (set SHOEBOX_LIBRARY_ID=${marker.libraryId} so a missing directory is refused)`;
    const checks: DoctorCheck[] = [{ name: 'data directory', ok: true, detail: `${dataDir} holds library ${marker.libraryId}, created ${marker.createdAt}${pinned}` }];
    for (const { path, what } of await storageDirectories(dataDir)) {
      checks.push(
        await probeDirectory(path, what).then(
          () => ({ name: 'writable', ok: true, detail: `${what} ${path}` }),
          (err: unknown) => ({ name: 'writable', ok: false, detail: message(err) }),
        ),
      );
    }
    return checks;
  } catch (err) {
    return [{ name: 'data directory', ok: false, detail: message(err) }];
  }
};

const checkSpace = async (config: ServeConfig): Promise<DoctorCheck> => {
  const disk = await checkDisk(resolve(config.relay.dataDir));
  if (disk.freeBytes === undefined) return { name: 'disk space', ok: false, detail: `${disk.path}: ${disk.error ?? 'unknown'}` };
  const ok = disk.freeBytes >= config.blobs.minFreeBytes;
  const floor = `uploads are refused below ${gib(config.blobs.minFreeBytes)} (SHOEBOX_BLOB_MIN_FREE_BYTES)`;
  return { name: 'disk space', ok, detail: `${gib(disk.freeBytes)} free of ${gib(disk.totalBytes ?? 0)} at ${disk.path}; ${floor}` };
};

const checkServer = async (config: ServeConfig): Promise<DoctorCheck> => {
  const host = config.relay.host === '0.0.0.0' || config.relay.host === '::' ? '127.0.0.1' : config.relay.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${config.relay.port}/api/health`;
  // Informational: the doctor is for a stopped server as much as for a running one.
  const running = await fetch(url, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
  return { name: 'server', ok: true, detail: running ? `answering at ${url}` : `not running at ${url}` };
};

export const runDoctor = async (env: Readonly<Record<string, string | undefined>>): Promise<DoctorCheck[]> => {
  let config: ServeConfig;
  try {
    config = loadServeConfig(env);
  } catch (err) {
    return [{ name: 'configuration', ok: false, detail: message(err) }];
  }
  const tools = await checkTools({ ffmpeg: config.blobs.ffmpegPath, ffprobe: config.blobs.ffprobePath, exiftool: config.blobs.exiftoolPath });
  return [
    { name: 'configuration', ok: true, detail: `data directory ${resolve(config.relay.dataDir)}, database ${config.relay.databaseUrl ? 'postgresql' : 'sqlite'}` },
    ...(await checkStorage(config)),
    ...Object.entries(tools).map(([name, t]) => ({ name, ok: t.present, detail: t.present ? `${t.version ?? '?'} (${t.path})` : (t.error ?? 'unusable') })),
    await checkSpace(config),
    await checkServer(config),
  ];
};

const main = async (): Promise<void> => {
  const checks = await runDoctor(process.env);
  if (process.argv.includes('--json')) console.log(JSON.stringify({ ok: checks.every((c) => c.ok), checks }, null, 2));
  else for (const c of checks) console.log(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
  process.exitCode = checks.every((c) => c.ok) ? 0 : 1;
};

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  main().catch((err: unknown) => {
    console.error('doctor failed:', message(err));
    process.exitCode = 2;
  });
}
