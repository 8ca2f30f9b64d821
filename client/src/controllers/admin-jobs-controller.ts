/**
 * The admin Jobs page's state: polls `GET /api/admin/jobs` every few seconds while its host is
 * connected, and sends queue commands (run missing, re-run all, pause, resume).
 *
 *   private jobs = new AdminJobsController(this, () => this.token)
 *   html`${this.jobs.queues.map((q) => …)}`; await this.jobs.command('thumbnail', 'start', true)
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export type JobState = 'pending' | 'running' | 'success' | 'failed' | 'skipped';
export type QueueCommand = 'start' | 'pause' | 'resume';

export interface QueueStatus {
  readonly name: string;
  readonly paused: boolean;
  readonly counts: Readonly<Record<JobState, number>>;
}

const POLL_MS = 2_000;

const isQueue = (value: unknown): value is QueueStatus => {
  const q = value as QueueStatus | null;
  return typeof q === 'object' && q !== null && typeof q.name === 'string' && typeof q.paused === 'boolean' && typeof q.counts === 'object' && q.counts !== null;
};

export class AdminJobsController implements ReactiveController {
  queues: QueueStatus[] = [];
  error: string | null = null;
  loaded = false;
  /** Queue name while a command is in flight. */
  busy: string | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private connected = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly token: () => string | null,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.connected = true;
    void this.refresh();
  }

  hostDisconnected(): void {
    this.connected = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  async command(queue: string, command: QueueCommand, force = false): Promise<void> {
    this.busy = queue;
    this.host.requestUpdate();
    try {
      const res = await fetch(`/api/admin/jobs/${encodeURIComponent(queue)}`, {
        method: 'PUT',
        headers: { ...this.headers(), 'content-type': 'application/json' },
        body: JSON.stringify({ command, force }),
      });
      if (!res.ok) throw new Error(await this.reason(res));
      this.error = null;
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    } finally {
      this.busy = null;
    }
    await this.refresh();
  }

  private async refresh(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    try {
      const res = await fetch('/api/admin/jobs', { headers: this.headers() });
      if (!res.ok) throw new Error(await this.reason(res));
      const body = (await res.json()) as { queues?: unknown };
      if (!Array.isArray(body.queues) || !body.queues.every(isQueue)) throw new Error('the server sent an unexpected answer');
      this.queues = body.queues;
      this.error = null;
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    }
    this.loaded = true;
    this.host.requestUpdate();
    if (this.connected) this.timer = setTimeout(() => void this.refresh(), POLL_MS);
  }

  private headers(): Record<string, string> {
    const token = this.token();
    return token ? { authorization: `Bearer ${token}` } : {};
  }

  private async reason(res: Response): Promise<string> {
    const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
    return body?.error?.message ?? `HTTP ${res.status}`;
  }
}
