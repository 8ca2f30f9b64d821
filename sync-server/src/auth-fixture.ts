/**
 * Test fixture for the account routes: an embedded relay with an administrator and two members,
 * each logged in, a JSON `call` helper, and a device on `/sync` to watch sessions close.
 *
 *   const h = await startHousehold(cleanups)
 *   const res = await h.call('GET', '/api/admin/users', h.admin.token)   // { status, json, headers }
 */
import { catalogRoom, type UserId } from '../../protocol/src/index.js';
import { createSyncServer, type SyncServer, type SyncServerOptions } from './index.js';
import { openDevice, type Device } from './test-device.js';
import { tempDir, waitFor } from './testing.js';

export interface Account {
  readonly token: string;
  readonly id: UserId;
  readonly email: string;
  readonly password: string;
}

export interface CallResult {
  readonly status: number;
  readonly headers: Headers;
  // reason: test code reads arbitrary JSON shapes
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly json: any;
}

export type Call = (method: string, path: string, token: string | undefined, body?: unknown, headers?: Record<string, string>) => Promise<CallResult>;

export interface Household {
  readonly sync: SyncServer;
  readonly base: string;
  readonly call: Call;
  readonly admin: Account;
  readonly kid: Account;
  readonly gran: Account;
  login(email: string, password: string, headers?: Record<string, string>): Promise<CallResult>;
  /** A device of the account on its own catalog over `/sync`. */
  device(account: Account): Promise<Device>;
}

/** Waits until the relay closed the device's session as unauthorized (its token was revoked). */
export const waitRevoked = (device: Device): Promise<void> =>
  waitFor(() => device.errors.some((e) => 'reason' in e && e.reason === 'unauthorized'), 5000, 'session closed as unauthorized');

export const startHousehold = async (cleanups: (() => unknown)[], options: Partial<SyncServerOptions> = {}): Promise<Household> => {
  const sync = await createSyncServer({ dataDir: tempDir(), ...options });
  cleanups.push(() => sync.close());
  const { port } = await sync.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${port}`;
  const call: Call = async (method, path, token, body, headers = {}) => {
    const res = await fetch(base + path, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
  };
  const login = (email: string, password: string, headers?: Record<string, string>) => call('POST', '/api/auth/login', undefined, { email, password }, headers);
  const first = await call('POST', '/api/auth/signup', undefined, { email: 'admin@example.com', password: 'admin password', name: 'Admin' });
  const admin: Account = { token: first.json.token, id: first.json.user.id, email: 'admin@example.com', password: 'admin password' };
  const member = async (name: string): Promise<Account> => {
    const email = `${name}@example.com`;
    const password = `${name} password`;
    await call('POST', '/api/auth/signup', admin.token, { email, password, name });
    const { json } = await login(email, password);
    return { token: json.token, id: json.user.id, email, password };
  };
  const device = async (account: Account): Promise<Device> => {
    const d = await openDevice({ url: `ws://127.0.0.1:${port}/sync`, token: account.token, room: catalogRoom(account.id) });
    cleanups.push(() => d.close());
    await waitFor(() => d.synced(), 5000, 'device synced');
    return d;
  };
  return { sync, base, call, admin, kid: await member('kid'), gran: await member('gran'), login, device };
};
