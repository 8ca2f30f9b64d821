/**
 * Owns who is signed in: boots from the cached session without touching the network,
 * otherwise asks the server whether an owner must be created, and opens/closes the
 * LibrarySession on sign-in/out. A server `unauthorized` sends the user back to login.
 *
 *   private session = new SessionController(this);
 *   render() { return this.session.phase === AuthPhase.library ? html`…` : html`<sbx-login-view>` }
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { openLibrarySession, type LibrarySession } from '../domain/library-session.js';
import { ApiError, createApiClient, type ApiClient } from '../domain/session/api-client.js';
import { clearSession, loadSession, saveSession, type Session } from '../domain/session/session-store.js';

export const AuthPhase = {
  /** Asking the server whether the owner account exists. */
  checking: 'checking',
  /** Fresh server: create the owner account. */
  signup: 'signup',
  login: 'login',
  library: 'library',
} as const;
export type AuthPhase = (typeof AuthPhase)[keyof typeof AuthPhase];

export const MEDIA_CACHE = 'shoebox-media-v1';

export class SessionController implements ReactiveController {
  phase: AuthPhase = AuthPhase.checking;
  library: LibrarySession | null = null;
  error: string | null = null;
  busy = false;
  private session: Session | null = null;
  readonly api: ApiClient = createApiClient(() => this.session?.token ?? null);

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostConnected(): void {
    const saved = loadSession(localStorage);
    if (saved) {
      this.enterLibrary(saved);
      void this.refreshUser();
    } else {
      void this.checkSetup();
    }
  }

  hostDisconnected(): void {
    void this.library?.close();
    this.library = null;
  }

  async login(email: string, password: string): Promise<void> {
    await this.authenticate(() => this.api.login({ email, password }));
  }

  async signup(name: string, email: string, password: string): Promise<void> {
    await this.authenticate(() => this.api.signup({ name, email, password }));
  }

  async logout(message: string | null = null): Promise<void> {
    const wasSignedIn = this.session !== null;
    if (wasSignedIn && !message) await this.api.logout().catch(() => undefined);
    clearSession(localStorage);
    this.session = null;
    const library = this.library;
    this.library = null;
    await library?.close();
    if (typeof caches !== 'undefined') await caches.delete(MEDIA_CACHE).catch(() => false);
    this.phase = AuthPhase.login;
    this.error = message;
    this.host.requestUpdate();
    void this.checkSetup(message);
  }

  private async authenticate(call: () => Promise<Session>): Promise<void> {
    this.busy = true;
    this.error = null;
    this.host.requestUpdate();
    try {
      const session = await call();
      saveSession(localStorage, session);
      this.enterLibrary(session);
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
    } finally {
      this.busy = false;
      this.host.requestUpdate();
    }
  }

  private enterLibrary(session: Session): void {
    this.session = session;
    this.library = openLibrarySession({
      session,
      api: this.api,
      onUnauthorized: () => void this.logout('Your session has expired. Please sign in again.'),
    });
    this.library.sync.onError((error) => {
      if (error.reason === 'unauthorized') void this.logout('Your session has expired. Please sign in again.');
    });
    this.phase = AuthPhase.library;
    this.error = null;
    this.host.requestUpdate();
  }

  /** Refreshes the cached user in the background; only a definite 401 signs out. */
  private async refreshUser(): Promise<void> {
    try {
      const me = await this.api.me();
      if (this.session) {
        this.session = { token: this.session.token, user: me.user };
        saveSession(localStorage, this.session);
      }
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) void this.logout('Your session has expired. Please sign in again.');
    }
  }

  private async checkSetup(message: string | null = null): Promise<void> {
    try {
      const { needsOwner } = await this.api.setup();
      if (this.phase === AuthPhase.library) return;
      this.phase = needsOwner ? AuthPhase.signup : AuthPhase.login;
      this.error = message;
    } catch (err) {
      if (this.phase === AuthPhase.library) return;
      this.phase = AuthPhase.login;
      this.error = message ?? (err instanceof Error ? err.message : String(err));
    }
    this.host.requestUpdate();
  }
}
