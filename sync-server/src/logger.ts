/**
 * Structured logs: one JSON object per line (`time`, `level`, `event`, then fields), so a
 * home server's journal stays readable and a log pipeline can parse it without rules.
 *
 *   const log = createLogger({ component: 'relay', node: 'a1' })
 *   log.info('listening', { port: 3000 })   // {"time":"…","level":"info","event":"listening","component":"relay","node":"a1","port":3000}
 */

export const LogLevel = { debug: 'debug', info: 'info', warn: 'warn', error: 'error' } as const;
export type LogLevel = (typeof LogLevel)[keyof typeof LogLevel];

export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

const plain = (value: unknown): unknown => (value instanceof Error ? { name: value.name, message: value.message } : value);

export const createLogger = (base: LogFields = {}, options: { level?: LogLevel; write?: (line: string, level: LogLevel) => void } = {}): Logger => {
  const min = RANK[options.level ?? LogLevel.info];
  const write = options.write ?? ((line, level) => (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(line + '\n'));
  const emit = (level: LogLevel, event: string, fields: LogFields = {}): void => {
    if (RANK[level] < min) return;
    // No prototype, so a __proto__ field cannot swap it (and smuggle in a toJSON that rewrites
    // the line); the filter keeps the key itself off the line, where a reader's merge would pollute.
    const record: Record<string, unknown> = Object.assign(Object.create(null) as Record<string, unknown>, { time: new Date().toISOString(), level, event });
    for (const [k, v] of Object.entries({ ...base, ...fields })) if (k !== '__proto__') record[k] = plain(v);
    let line: string;
    try {
      line = JSON.stringify(record);
    } catch {
      line = JSON.stringify({ time: record.time, level, event, note: 'fields were not serialisable' });
    }
    write(line, level);
  };
  return {
    debug: (event, fields) => emit('debug', event, fields),
    info: (event, fields) => emit('info', event, fields),
    warn: (event, fields) => emit('warn', event, fields),
    error: (event, fields) => emit('error', event, fields),
    child: (fields) => createLogger({ ...base, ...fields }, options),
  };
};
