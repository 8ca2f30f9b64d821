// Issue 14 on real processes: scripts/serve.ts refuses a data directory that is not the library
// it expects (renamed, unmarked, read-only) with one message naming the path; a fresh directory
// starts and is marked; GET /api/health?detail=1 is for administrators; `npm run doctor` agrees.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MARKER_FILE, writeMarker } from '../protocol/src/server/storage-identity.js';
import { spawnServe, waitHealthy, type Served } from './serve-process.test-kit.js';

const repoRoot = resolve(import.meta.dirname, '..');
const isRoot = process.getuid?.() === 0;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const scratch = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'shoebox-storage-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

const serve = (dataDir: string, env: Record<string, string> = {}): Promise<Served> => spawnServe({ SHOEBOX_DATA_DIR: dataDir, ...env }, cleanups);
const healthy = waitHealthy;

/** Runs `npm run doctor`'s script; resolves with its exit code and output. */
const doctor = (env: Record<string, string>): Promise<{ code: number; output: string }> =>
  new Promise((done) => {
    execFile(process.execPath, ['--import', 'tsx', 'scripts/doctor.ts'], { cwd: repoRoot, env: { ...process.env, ...env } }, (err, stdout, stderr) =>
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, output: stdout + stderr }),
    );
  });

const readLibraryId = (dir: string): string => (JSON.parse(readFileSync(join(dir, MARKER_FILE), 'utf8')) as { libraryId: string }).libraryId;

describe('storage identity at start (issue 14)', () => {
  it('a fresh empty directory starts, is marked, and the doctor then finds it healthy', async () => {
    const dir = scratch();
    const served = await serve(dir);
    await healthy(served);
    const id = readLibraryId(dir);
    expect(served.output()).toContain(`new library ${id} in ${dir}`);
    await served.stop();
    const report = await doctor({ SHOEBOX_DATA_DIR: dir, SHOEBOX_LIBRARY_ID: id, PORT: String(served.port) });
    expect(report.output).toContain(`ok   data directory: ${dir} holds library ${id}`);
    expect(report.output).toMatch(/ok {3}ffmpeg: \S+/);
    expect(report.output).toMatch(/ok {3}disk space: [\d.]+ GiB free/);
    expect(report.code, report.output).toBe(0);
  }, 90_000);

  it('the data directory renamed under a running configuration: refuses to start, naming the path; the doctor says the same', async () => {
    const dir = join(scratch(), 'library');
    const first = await serve(dir);
    await healthy(first);
    await first.stop();
    const id = readLibraryId(dir);
    renameSync(dir, `${dir}.moved`);

    const served = await serve(dir, { SHOEBOX_LIBRARY_ID: id });
    expect(await served.exited).toBe(1);
    expect(served.output()).toContain(`failed to start: the data directory ${dir} does not exist, but the library ${id} (SHOEBOX_LIBRARY_ID) was expected there`);
    expect(served.output()).toMatch(/Check that the disk is mounted and that SHOEBOX_DATA_DIR names the right directory/);
    expect(existsSync(dir)).toBe(false); // nothing was created over the missing mount
    const report = await doctor({ SHOEBOX_DATA_DIR: dir, SHOEBOX_LIBRARY_ID: id });
    expect(report.code).toBe(1);
    expect(report.output).toContain(`FAIL data directory: the data directory ${dir} does not exist`);
  }, 120_000); // two server starts and a doctor run on a shared 2-core machine

  it('an empty mount point under a configured library, another library, or a library without its marker: refused', async () => {
    const dir = scratch();
    const served = await serve(dir, { SHOEBOX_LIBRARY_ID: 'library-expected-1' });
    expect(await served.exited).toBe(1);
    expect(served.output()).toContain(`the data directory ${dir} has no library marker (${MARKER_FILE}), but the library library-expected-1`);

    await writeMarker(dir, { libraryId: 'library-other-2', createdAt: new Date().toISOString() });
    const other = await serve(dir, { SHOEBOX_LIBRARY_ID: 'library-expected-1' });
    expect(await other.exited).toBe(1);
    expect(other.output()).toContain(`the data directory ${dir} holds the library library-other-2, but the configuration expects library-expected-1`);

    // A library whose marker went missing (a partial restore) is not silently re-marked; adopting it is explicit.
    unlinkSync(join(dir, MARKER_FILE));
    mkdirSync(join(dir, 'blobs'));
    const unmarked = await serve(dir);
    expect(await unmarked.exited).toBe(1);
    expect(unmarked.output()).toContain(`the data directory ${dir} holds a library but no library marker`);
    expect(unmarked.output()).toContain('SHOEBOX_ADOPT_DATA_DIR=1');
    const adopted = await serve(dir, { SHOEBOX_ADOPT_DATA_DIR: '1' });
    await healthy(adopted);
    expect(readLibraryId(dir)).toMatch(/^[0-9a-f-]{36}$/);
  }, 180_000); // four server starts

  it.skipIf(!isRoot)('a read-only blob directory: one clear message naming the directory, the user and the cause', async () => {
    const dir = scratch();
    await writeMarker(dir, { libraryId: 'library-readonly-1', createdAt: new Date().toISOString() });
    const blobs = join(dir, 'blobs');
    mkdirSync(blobs);
    await new Promise<void>((done, fail) => execFile('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', blobs], (err) => (err ? fail(err) : done())));
    cleanups.push(() => new Promise<void>((done) => execFile('umount', [blobs], () => done())));

    const served = await serve(dir);
    expect(await served.exited).toBe(1);
    const lines = served.output().split('\n').filter((l) => /failed to start/.test(l));
    expect(lines).toEqual([`Shoebox failed to start: the blob directory ${blobs} cannot be written by user root (uid 0): it is on a read-only filesystem: check the mount options (e.g. \`ro\` in /etc/fstab or the container volume) (EROFS)`]);
    const report = await doctor({ SHOEBOX_DATA_DIR: dir });
    expect(report.code).toBe(1);
    expect(report.output).toContain(`FAIL writable: the blob directory ${blobs} cannot be written by user root (uid 0)`);
    expect(report.output).toContain(`ok   writable: the data directory ${dir}`);
  }, 90_000);
});

describe('GET /api/health?detail=1 (issue 14)', () => {
  it('is for administrators (401, 403) and reports relay, blob store, queue, database, tools and disk; plain /api/health is unchanged', async () => {
    const dir = scratch();
    const served = await serve(dir);
    await healthy(served);
    const base = `http://127.0.0.1:${served.port}`;
    const post = (path: string, body: unknown, token?: string) =>
      fetch(`${base}${path}`, { method: 'POST', body: JSON.stringify(body), headers: token ? { authorization: `Bearer ${token}` } : {} });
    const { token } = (await (await post('/api/auth/signup', { email: 'owner@example.com', password: 'correct horse', name: 'Owner' })).json()) as { token: string };
    expect((await post('/api/auth/signup', { email: 'kid@example.com', password: 'battery staple', name: 'Kid' }, token)).status).toBe(201);
    const kid = (await (await post('/api/auth/login', { email: 'kid@example.com', password: 'battery staple' })).json()) as { token: string };

    expect(await (await fetch(`${base}/api/health`)).json()).toEqual({ status: 'ok', version: expect.any(String) });
    const anonymous = await fetch(`${base}/api/health?detail=1`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    expect((await fetch(`${base}/api/health?detail=1`, { headers: { authorization: `Bearer ${kid.token}` } })).status).toBe(403);

    const res = await fetch(`${base}/api/health?detail=1`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const detail = (await res.json()) as Record<string, unknown>;
    expect(detail).toMatchObject({
      status: 'ok',
      library: { libraryId: readLibraryId(dir) },
      relay: { status: 'ok', database: 'sqlite', redis: 'none', roomsLoaded: expect.any(Number) },
      blobStore: { status: 'ok', backend: 'filesystem', queue: { kind: 'embedded', queues: expect.arrayContaining([expect.objectContaining({ name: 'thumbnail', counts: expect.objectContaining({ failed: 0 }) })]) } },
      tools: {
        ffmpeg: { present: true, version: expect.stringMatching(/^\d/) },
        ffprobe: { present: true, version: expect.stringMatching(/^\d/) },
        exiftool: { present: true, version: expect.stringMatching(/^\d+\.\d+/) },
      },
      disk: [{ path: dir, freeBytes: expect.any(Number), totalBytes: expect.any(Number) }],
    });
  }, 90_000);
});
