import { pino, type Logger } from 'pino';

/**
 * JSON lines on stdout. Secrets never reach a log line: the paths below are censored
 * wherever they appear, and no code logs a message body or a password.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { app: 'mxdesk' },
      redact: {
        paths: ['password', '*.password', '*.*.password', 'relay.password', 'req.headers.cookie', 'req.headers.authorization', 'headers.cookie', 'headers.authorization'],
        censor: '[redacted]',
      },
    },
    destination as any,
  );
}
