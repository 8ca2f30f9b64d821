/**
 * The signed-in user and token, cached in localStorage so the app boots straight into the
 * library without the network, plus a stable per-device client id for the sync hello.
 *
 *   const saved = loadSession(localStorage); if (saved) openLibrary(saved.user, saved.token);
 *   saveSession(localStorage, { token, user }); clearSession(localStorage)
 */
import type { PublicUser } from '../../../../protocol/src/index.js';

export interface Session {
  readonly token: string;
  readonly user: PublicUser;
}

const KEY = { session: 'shoebox.session', clientId: 'shoebox.clientId' } as const;

const isUser = (value: unknown): value is PublicUser => {
  const u = value as PublicUser | null;
  return typeof u === 'object' && u !== null && typeof u.id === 'string' && typeof u.email === 'string' && typeof u.name === 'string';
};

export const loadSession = (storage: Storage): Session | null => {
  try {
    const parsed = JSON.parse(storage.getItem(KEY.session) ?? 'null') as Partial<Session> | null;
    if (parsed && typeof parsed.token === 'string' && isUser(parsed.user)) return { token: parsed.token, user: parsed.user };
  } catch {
    // A corrupt entry means signing in again.
  }
  return null;
};

export const saveSession = (storage: Storage, session: Session): void => {
  storage.setItem(KEY.session, JSON.stringify(session));
};

export const clearSession = (storage: Storage): void => {
  storage.removeItem(KEY.session);
};

export const deviceClientId = (storage: Storage): string => {
  let id = storage.getItem(KEY.clientId);
  if (!id) {
    id = crypto.randomUUID();
    storage.setItem(KEY.clientId, id);
  }
  return id;
};
