/** The one logger: JSON lines (pino) on stderr so that command output on stdout stays clean. */
import path from 'node:path';
import { type Logger, pino } from 'pino';

export type { Logger };

export function createLogger(level: string, name = 'tandem'): Logger {
  return pino({ name, level }, pino.destination(2));
}

/**
 * For a command whose terminal shows people readable progress (`tandem demo`): the JSON lines go
 * to `file`, and errors are also printed on stderr as one readable line that names the file.
 */
export function createFileLogger(level: string, file: string, label: string, name = 'tandem'): Logger {
  if (level === 'silent') return pino({ name, level });
  const toFile = pino.destination({ dest: file, append: true, mkdir: true, sync: true });
  const where = path.relative(process.cwd(), file) || file;
  const toTerminal = {
    write(line: string) {
      let message = line.trimEnd();
      try {
        const entry = JSON.parse(line) as { msg?: unknown; err?: { message?: unknown } };
        message = String(entry.msg ?? '');
        const cause = entry.err?.message === undefined ? '' : String(entry.err.message);
        if (cause && !message.includes(cause)) message = message ? `${message}: ${cause}` : cause;
      } catch {
        // not JSON: printed as it is
      }
      process.stderr.write(`${label}: error: ${message} (details in ${where})\n`);
    },
  };
  const terminalLevel = level === 'fatal' ? 'fatal' : 'error';
  return pino(
    { name, level },
    pino.multistream([
      { level: level as pino.Level, stream: toFile },
      { level: terminalLevel, stream: toTerminal },
    ]),
  );
}
