/**
 * State of the Users page (administrators) and the Account settings page: loads on connect,
 * runs one action at a time, keeps the last error and a short notice to show. Components render
 * these fields and call the actions; they never fetch themselves.
 *
 *   private users = new AdminUsersController(this, () => this.token)
 *   await this.users.run('Created Ada', (api) => api.createUser({ email, name, password }))
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { AccountSession, AdminUser } from '../../../protocol/src/index.js';
import { createApiCall } from '../domain/session/api-client.js';
import { createAccountsApi, type AccountsApi } from '../domain/session/accounts-api.js';

/** Shared plumbing: an API bound to the host's token, busy flag, error and notice. */
abstract class AccountsControllerBase implements ReactiveController {
  busy = false;
  loaded = false;
  error: string | null = null;
  notice: string | null = null;
  protected readonly api: AccountsApi;

  constructor(
    protected readonly host: ReactiveControllerHost,
    token: () => string | null,
  ) {
    this.api = createAccountsApi(createApiCall(token));
    host.addController(this);
  }

  hostConnected(): void {
    void this.reload();
  }

  /** Runs an action, then reloads; resolves true when it succeeded. */
  async run(notice: string, action: (api: AccountsApi) => Promise<unknown>): Promise<boolean> {
    this.busy = true;
    this.notice = null;
    this.host.requestUpdate();
    try {
      await action(this.api);
      this.error = null;
      this.notice = notice;
      return true;
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
      return false;
    } finally {
      this.busy = false;
      await this.reload();
    }
  }

  async reload(): Promise<void> {
    try {
      await this.load();
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
    }
    this.loaded = true;
    this.host.requestUpdate();
  }

  protected abstract load(): Promise<void>;
}

export class AdminUsersController extends AccountsControllerBase {
  users: AdminUser[] = [];
  protected async load(): Promise<void> {
    this.users = [...(await this.api.listUsers()).users];
  }
}

export class AccountSettingsController extends AccountsControllerBase {
  sessions: AccountSession[] = [];
  protected async load(): Promise<void> {
    this.sessions = [...(await this.api.sessions()).sessions];
  }
}
