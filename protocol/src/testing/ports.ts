/**
 * Test kit: loopback ports for servers that tests start (relay, blob store, PostgreSQL, Redis,
 * the whole app). Every package and e2e/ may import it; nothing in production does.
 *
 *   const port = await freePort(); spawn('redis-server', ['--port', String(port)])
 *   await waitForPort(port, 10_000, 'redis-server')
 */
import net from 'node:net';

/** A port free on 127.0.0.1 right now (the OS picks it; another process could still take it). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export const acceptsConnections = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

/** Resolves once 127.0.0.1:port accepts connections; rejects naming `what` after the timeout. */
export const waitForPort = async (port: number, timeoutMs = 20_000, what = `port ${port}`): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await acceptsConnections(port))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};
