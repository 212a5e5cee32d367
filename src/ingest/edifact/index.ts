/**
 * Picks the mapper for an EDIFACT message by its UNH message type. Each mapper turns one
 * message into canonical records, rejections and warnings; a message type Tandem does not read
 * becomes a single warning so the analyst sees it was skipped, not lost.
 */
import type { EdifactMessage } from '../../lib/edifact/index.ts';
import type { IngestItem } from '../records.ts';
import { mapBaplie } from './baplie.ts';
import { mapCoarri, mapCodeco } from './codeco.ts';
import { rejectAt, warnAt } from './common.ts';
import { mapCuscar } from './cuscar.ts';
import { mapIftsta } from './iftsta.ts';

const mappers: Record<string, (message: EdifactMessage) => IngestItem[]> = {
  CUSCAR: mapCuscar,
  BAPLIE: mapBaplie,
  CODECO: mapCodeco,
  COARRI: mapCoarri,
  IFTSTA: mapIftsta,
};

/** The message types with a mapper. */
export const supportedMessageTypes: readonly string[] = Object.keys(mappers);

/** Maps one message to ingest items; never throws. */
export function mapMessage(message: EdifactMessage): IngestItem[] {
  const type = message.header.type.trim().toUpperCase();
  const mapper = mappers[type];
  if (!mapper) {
    return [
      warnAt(
        message,
        undefined,
        'unsupported_message_type',
        `message ${message.header.reference} is of type ${type || '(none)'}, which Tandem does not read (it reads ${supportedMessageTypes.join(', ')}); skipped`,
      ),
    ];
  }
  try {
    return mapper(message);
  } catch (error) {
    // A mapper bug must cost one message, not the file; the reason names the message for the report.
    const detail = error instanceof Error ? error.message : String(error);
    return [
      rejectAt(message, undefined, {
        code: 'mapping_failed',
        reason: `${type} message ${message.header.reference} could not be mapped (${detail}); this is a defect in Tandem, please report it with the file`,
      }),
    ];
  }
}
