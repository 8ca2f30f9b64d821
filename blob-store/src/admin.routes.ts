/**
 * The admin Jobs API, like Immich's Jobs page: counts per queue (job kind) and state, and per
 * queue "run missing", "re-run all", pause and resume. Only the library owner may use it.
 *
 *   GET /api/admin/jobs → { queues: [{ name: 'thumbnail', paused: false, counts: { pending, … } }] }
 *   PUT /api/admin/jobs/thumbnail { "command": "start", "force": true } → that queue's status
 */
import { HttpError, bearerToken, errorResponse, json, readJson, type HttpRoute, type UserId } from '../../protocol/src/index.js';
import { BlobError, BlobErrorCode, statusOf } from './errors.js';
import type { JobQueue, QueueStatus } from './job-queue.js';
import { derivativeKinds, type DerivativeKind } from './job.repository.js';

export type AdminAuthenticate = (token: string) => Promise<{ id: UserId; isOwner?: boolean } | undefined>;

export const QueueCommand = {
  /** Queue every blob missing this output (and retry failed ones); with force, regenerate all. */
  start: 'start',
  pause: 'pause',
  resume: 'resume',
} as const;
export type QueueCommand = (typeof QueueCommand)[keyof typeof QueueCommand];

export interface JobsAdmin {
  status(): Promise<QueueStatus[]>;
  command(queue: DerivativeKind, command: QueueCommand, force: boolean): Promise<{ queued: number; status: QueueStatus }>;
}

export const createJobsAdmin = (jobs: JobQueue): JobsAdmin => ({
  status: () => jobs.status(),
  async command(queue, command, force) {
    let queued = 0;
    if (command === QueueCommand.start) queued = force ? await jobs.rerunAll(queue) : await jobs.runMissing(queue);
    else await jobs.setPaused(queue, command === QueueCommand.pause);
    return { queued, status: (await jobs.status()).find((q) => q.name === queue) as QueueStatus };
  },
});

const readCommand = (body: unknown): { command: QueueCommand; force: boolean } => {
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const command = record.command;
  if (typeof command !== 'string' || !(Object.values(QueueCommand) as string[]).includes(command)) {
    throw new BlobError(BlobErrorCode.invalidRequest, `command must be one of ${Object.values(QueueCommand).join(', ')}`);
  }
  if (record.force !== undefined && typeof record.force !== 'boolean') throw new BlobError(BlobErrorCode.invalidRequest, 'force must be a boolean');
  return { command: command as QueueCommand, force: record.force === true };
};

export const createAdminRoutes = (admin: JobsAdmin, authenticate: AdminAuthenticate): HttpRoute[] => {
  const guard = (handler: (req: Parameters<HttpRoute['handle']>[0], params: Readonly<Record<string, string>>) => Promise<ReturnType<typeof json>>): HttpRoute['handle'] =>
    async (req, params) => {
      try {
        const token = bearerToken(req);
        const user = token === undefined ? undefined : await authenticate(token);
        if (!user) return errorResponse(401, BlobErrorCode.unauthorized, 'sign in first');
        if (user.isOwner !== true) return errorResponse(403, 'forbidden', 'only the library owner can manage jobs');
        return await handler(req, params);
      } catch (error) {
        if (error instanceof BlobError) return errorResponse(statusOf[error.code], error.code, error.message);
        if (error instanceof HttpError) return errorResponse(error.status, error.code, error.message);
        console.error('[blob-store] admin request failed', error);
        return errorResponse(500, BlobErrorCode.internal, 'internal error');
      }
    };
  return [
    { method: 'GET', pattern: '/api/admin/jobs', maxBodyBytes: 0, handle: guard(async () => json(200, { queues: await admin.status() })) },
    {
      method: 'PUT',
      pattern: '/api/admin/jobs/:queue',
      maxBodyBytes: 4096,
      handle: guard(async (req, params) => {
        const queue = params.queue as DerivativeKind;
        if (!derivativeKinds.includes(queue)) throw new BlobError(BlobErrorCode.notFound, `no queue ${params.queue}; queues are ${derivativeKinds.join(', ')}`);
        const { command, force } = readCommand(await readJson(req));
        return json(200, await admin.command(queue, command, force));
      }),
    },
  ];
};
