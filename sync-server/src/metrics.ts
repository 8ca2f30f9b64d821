/**
 * Relay counters and their Prometheus text rendering for `GET /metrics`.
 *
 *   const metrics = createMetrics(); metrics.messageIn(bytes.byteLength)
 *   const route = metricsRoute(metrics, () => ({ roomsLoaded: relay.loadedRooms() }))
 */
import type { HttpRoute } from '../../protocol/src/index.js';

export interface Metrics {
  connectionOpened(): void;
  connectionClosed(): void;
  messageIn(bytes: number): void;
  messageOut(bytes: number): void;
  error(reason: string): void;
  persisted(seconds: number): void;
  /** Prometheus exposition format, with the given gauges appended. */
  render(gauges: Readonly<Record<string, number>>): string;
  snapshot(): Readonly<Record<string, number>>;
}

export const createMetrics = (): Metrics => {
  const c = { connections: 0, messagesIn: 0, messagesOut: 0, bytesIn: 0, bytesOut: 0, persistSum: 0, persistCount: 0 };
  const errors = new Map<string, number>();
  return {
    connectionOpened: () => void c.connections++,
    connectionClosed: () => void c.connections--,
    messageIn(bytes) {
      c.messagesIn++;
      c.bytesIn += bytes;
    },
    messageOut(bytes) {
      c.messagesOut++;
      c.bytesOut += bytes;
    },
    error: (reason) => void errors.set(reason, (errors.get(reason) ?? 0) + 1),
    persisted(seconds) {
      c.persistSum += seconds;
      c.persistCount++;
    },
    snapshot: () => ({ ...c, ...Object.fromEntries([...errors].map(([k, v]) => [`errors_${k}`, v])) }),
    render(gauges) {
      const lines = [
        '# TYPE shoebox_ws_connections gauge',
        `shoebox_ws_connections ${c.connections}`,
        '# TYPE shoebox_ws_messages_in_total counter',
        `shoebox_ws_messages_in_total ${c.messagesIn}`,
        '# TYPE shoebox_ws_messages_out_total counter',
        `shoebox_ws_messages_out_total ${c.messagesOut}`,
        '# TYPE shoebox_ws_bytes_in_total counter',
        `shoebox_ws_bytes_in_total ${c.bytesIn}`,
        '# TYPE shoebox_ws_bytes_out_total counter',
        `shoebox_ws_bytes_out_total ${c.bytesOut}`,
        '# TYPE shoebox_ws_errors_total counter',
        ...[...errors].map(([reason, n]) => `shoebox_ws_errors_total{reason="${reason.replace(/[^A-Za-z0-9_]/g, '_')}"} ${n}`),
        '# TYPE shoebox_persist_seconds summary',
        `shoebox_persist_seconds_sum ${c.persistSum}`,
        `shoebox_persist_seconds_count ${c.persistCount}`,
      ];
      for (const [name, v] of Object.entries(gauges)) lines.push(`# TYPE shoebox_${name} gauge`, `shoebox_${name} ${v}`);
      return lines.join('\n') + '\n';
    },
  };
};

export const metricsRoute = (metrics: Metrics, gauges: () => Record<string, number>): HttpRoute => ({
  method: 'GET',
  pattern: '/metrics',
  maxBodyBytes: 0,
  handle: async () => ({
    status: 200,
    headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'cache-control': 'no-store' },
    body: metrics.render(gauges()),
  }),
});
