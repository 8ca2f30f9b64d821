import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { catalogRoom, type RoomId, type UserId } from '../../protocol/src/index.js';
import { startRelayProcess, type RelayProcess } from './relay-process.js';
import { openDevice, type Device } from './test-device.js';
import { startPostgres, type PostgresServer } from './test-services.js';
import { waitFor } from './testing.js';

/** `SHOEBOX_SOAK=1` (npm run test:soak) runs many more crash cycles under heavier load. */
const SOAK = process.env.SHOEBOX_SOAK === '1';
const CYCLES = SOAK ? 12 : 2;
const DEVICES = SOAK ? 8 : 3;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const signup = async (relay: RelayProcess): Promise<{ token: string; room: RoomId }> => {
  const res = await fetch(`${relay.http}/api/auth/signup`, {
    method: 'POST',
    body: JSON.stringify({ email: 'owner@example.com', password: 'correct horse', name: 'Owner' }),
  });
  const body = (await res.json()) as { token: string; user: { id: UserId } };
  return { token: body.token, room: catalogRoom(body.user.id as UserId) };
};

let pgServer: PostgresServer;
beforeAll(async () => {
  pgServer = await startPostgres();
});
afterAll(async () => {
  await pgServer?.stop();
});

describe('fault: kill -9 the relay process under write load', () => {
  it.each([
    ['embedded SQLite', async () => ({})],
    ['PostgreSQL', async () => ({ SHOEBOX_DATABASE_URL: await pgServer.createDatabase(`crash_${Date.now()}`) })],
  ])(`%s: keeps every acknowledged update across ${CYCLES} SIGKILL/restart cycles; devices resend the rest`, { timeout: SOAK ? 600_000 : 90_000 }, async (_name, env) => {
    const relay = await startRelayProcess({ env: await env() });
    cleanups.push(() => relay.stop());
    const { token, room } = await signup(relay);
    const devices: Device[] = [];
    for (let d = 0; d < DEVICES; d++) {
      const device = await openDevice({ url: relay.ws, token, room, backoffMs: 50 });
      cleanups.push(() => device.close());
      devices.push(device);
    }
    let written = 0;
    const writer = setInterval(() => {
      for (const [d, device] of devices.entries()) device.set(`d${d}-${written}`, written);
      written++;
    }, 5);
    cleanups.push(() => clearInterval(writer));

    const ackedAtKills: Set<string>[] = [];
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const ackedBefore = devices.reduce((n, d) => n + d.acked.size, 0);
      await waitFor(() => devices.reduce((n, d) => n + d.acked.size, 0) > ackedBefore + 100, 15_000, 'acks under load');
      await relay.kill();
      ackedAtKills.push(new Set(devices.flatMap((d) => [...d.acked])));
      await relay.start(); // same port and data dir: the devices reconnect by themselves
      // What was acknowledged before the kill is there right after the restart.
      const probe = await openDevice({ url: relay.ws, token, room });
      const present = probe.doc.getMap('facts');
      const missing = [...ackedAtKills.at(-1)!].filter((k) => !present.has(k));
      probe.close();
      expect(missing, `cycle ${cycle}: acknowledged updates lost by kill -9`).toEqual([]);
    }
    clearInterval(writer);
    for (const device of devices) await device.waitAcked(30_000);
    const final = await openDevice({ url: relay.ws, token, room });
    cleanups.push(() => final.close());
    expect(final.doc.getMap('facts').size).toBe(written * DEVICES);
    for (const device of devices) expect(device.closeCodes.length, 'every device saw each crash').toBeGreaterThanOrEqual(CYCLES);
  });
});
