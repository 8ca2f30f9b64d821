/**
 * Relay counters, gauges and latency histograms, and their Prometheus text rendering for
 * `GET /metrics` (connections, rooms, messages and bytes in and out, persistence and room-load
 * latency, errors by reason, bus resyncs).
 *
 *   const metrics = createMetrics(); metrics.messageIn(bytes.byteLength)
 *   const route = metricsRoute(metrics, () => ({ rooms_loaded: relay.loadedRooms() }))
 */
import type { HttpRoute } from '../../protocol/src/index.js';

export interface Metrics {
  connectionOpened(): void;
  connectionClosed(): void;
  messageIn(bytes: number): void;
  messageOut(bytes: number): void;
  error(reason: string): void;
  persisted(seconds: number): void;
  roomLoaded(seconds: number): void;
  busResync(): void;
  /** Prometheus exposition format, with the given gauges appended. */
  render(gauges: Readonly<Record<string, number>>): string;
  snapshot(): Readonly<Record<string, number>>;
}

/** Seconds; fsync-bound commits land in the low milliseconds, a struggling disk far above. */
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] as const;

interface Histogram {
  readonly counts: number[];
  sum: number;
  count: number;
}

const histogram = (): Histogram => ({ counts: BUCKETS.map(() => 0), sum: 0, count: 0 });

const observe = (h: Histogram, seconds: number): void => {
  h.sum += seconds;
  h.count++;
  for (let i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]!) h.counts[i]!++;
};

const renderHistogram = (name: string, help: string, h: Histogram): string[] => [
  `# HELP ${name} ${help}`,
  `# TYPE ${name} histogram`,
  ...BUCKETS.map((le, i) => `${name}_bucket{le="${le}"} ${h.counts[i]}`),
  `${name}_bucket{le="+Inf"} ${h.count}`,
  `${name}_sum ${h.sum}`,
  `${name}_count ${h.count}`,
];

const counter = (name: string, help: string, value: number): string[] => [`# HELP ${name} ${help}`, `# TYPE ${name} counter`, `${name} ${value}`];

export const createMetrics = (): Metrics => {
  const c = { connections: 0, connectionsOpened: 0, messagesIn: 0, messagesOut: 0, bytesIn: 0, bytesOut: 0, busResyncs: 0 };
  const persist = histogram();
  const load = histogram();
  const errors = new Map<string, number>();
  return {
    connectionOpened() {
      c.connections++;
      c.connectionsOpened++;
    },
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
    persisted: (seconds) => observe(persist, seconds),
    roomLoaded: (seconds) => observe(load, seconds),
    busResync: () => void c.busResyncs++,
    snapshot: () => ({
      ...c,
      persistSum: persist.sum,
      persistCount: persist.count,
      ...Object.fromEntries([...errors].map(([k, v]) => [`errors_${k}`, v])),
    }),
    render(gauges) {
      const lines = [
        '# HELP shoebox_ws_connections Open WebSocket sessions (/sync and /yjs).',
        '# TYPE shoebox_ws_connections gauge',
        `shoebox_ws_connections ${c.connections}`,
        ...counter('shoebox_ws_connections_opened_total', 'WebSocket sessions opened since start.', c.connectionsOpened),
        ...counter('shoebox_ws_messages_in_total', 'Frames received.', c.messagesIn),
        ...counter('shoebox_ws_messages_out_total', 'Frames sent.', c.messagesOut),
        ...counter('shoebox_ws_bytes_in_total', 'Bytes received in frames.', c.bytesIn),
        ...counter('shoebox_ws_bytes_out_total', 'Bytes sent in frames.', c.bytesOut),
        '# HELP shoebox_ws_errors_total Errors answered or counted, by reason.',
        '# TYPE shoebox_ws_errors_total counter',
        ...[...errors].map(([reason, n]) => `shoebox_ws_errors_total{reason="${reason.replace(/[^A-Za-z0-9_]/g, '_')}"} ${n}`),
        ...counter('shoebox_bus_resyncs_total', 'Times every loaded room was re-read after a bus reconnect.', c.busResyncs),
        ...renderHistogram('shoebox_persist_seconds', 'Time to durably commit one update.', persist),
        ...renderHistogram('shoebox_room_load_seconds', 'Time to load a room from the store.', load),
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
