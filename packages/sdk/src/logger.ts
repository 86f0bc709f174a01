import { createRedactor, redactValue } from './redact.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** The logger a connector gets. Fields are redacted (known secrets and secret-looking keys) before output. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(bindings: Record<string, unknown>): Logger;
}

export interface LogRecord {
  level: LogLevel;
  message: string;
  fields: Record<string, unknown>;
  time: number;
}

export type LogSink = (record: LogRecord) => void;

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * Wraps any sink (pino in the engine, an array in tests) so nothing it receives can carry a secret.
 * @param secrets exact values (tokens, passwords) that must never be printed
 */
export function createLogger(
  sink: LogSink,
  options: { secrets?: Iterable<string>; level?: LogLevel; bindings?: Record<string, unknown> } = {},
): Logger {
  const redact = createRedactor(options.secrets ?? []);
  const min = LEVELS[options.level ?? 'info'];
  const bindings = options.bindings ?? {};
  const emit = (level: LogLevel, message: string, fields?: Record<string, unknown>): void => {
    if (LEVELS[level] < min) return;
    sink({
      level,
      message: redact(message),
      fields: redactValue({ ...bindings, ...fields }, redact) as Record<string, unknown>,
      time: Date.now(),
    });
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (b) => createLogger(sink, { ...options, bindings: { ...bindings, ...b } }),
  };
}

/** A logger that drops everything (for tools that do not care). */
export const silentLogger: Logger = createLogger(() => undefined, { level: 'error' });
