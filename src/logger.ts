/** The one logger: JSON lines (pino) on stderr so that command output on stdout stays clean. */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, name = 'tandem'): Logger {
  return pino({ name, level }, pino.destination(2));
}
