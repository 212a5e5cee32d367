/**
 * Plain-language messages for zod's common checks, where a schema gives none of its own: "must be
 * a number" instead of "Invalid input: expected number, received NaN". They reach people: API
 * error details, quarantine reasons of CSV and JSON records, command-line problems. A schema's own
 * message always wins; checks not listed here keep zod's wording.
 *
 * Importing this module installs the messages (zod's configuration is global); the places that
 * turn zod issues into errors import it.
 */
import { z } from 'zod';

type Issue = z.core.$ZodRawIssue;

const TYPE_WORDS: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'text',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  date: 'a date',
  bigint: 'a whole number',
};

const FORMAT_WORDS: Record<string, string> = {
  datetime: 'an ISO 8601 date and time, e.g. 2026-11-29T14:00:00Z',
  date: 'a date YYYY-MM-DD',
  time: 'a time HH:MM[:SS]',
  uuid: 'a UUID',
  email: 'an e-mail address',
  url: 'a URL',
};

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The message for `issue`, or undefined to keep zod's. */
export function readableMessage(issue: Issue): string | undefined {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return 'is required';
      const words = TYPE_WORDS[issue.expected];
      return words ? `must be ${words}` : undefined;
    }
    case 'too_small': {
      const n = Number(issue.minimum);
      if (issue.origin === 'number' || issue.origin === 'int' || issue.origin === 'bigint')
        return issue.inclusive ? `must be at least ${n}` : `must be more than ${n}`;
      if (issue.origin === 'string')
        return n === 1 ? 'must not be empty' : `must have at least ${plural(n, 'character', 'characters')}`;
      if (issue.origin === 'array' || issue.origin === 'set')
        return `must list at least ${plural(n, 'item', 'items')}`;
      return undefined;
    }
    case 'too_big': {
      const n = Number(issue.maximum);
      if (issue.origin === 'number' || issue.origin === 'int' || issue.origin === 'bigint')
        return issue.inclusive ? `must be at most ${n}` : `must be less than ${n}`;
      if (issue.origin === 'string') return `must have at most ${plural(n, 'character', 'characters')}`;
      if (issue.origin === 'array' || issue.origin === 'set')
        return `must list at most ${plural(n, 'item', 'items')}`;
      return undefined;
    }
    case 'invalid_value': {
      const values = issue.values.map((v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v)));
      return values.length === 1 ? `must be ${values[0]}` : `must be one of ${values.join(', ')}`;
    }
    case 'invalid_format': {
      const words = FORMAT_WORDS[issue.format];
      return words ? `must be ${words}` : undefined;
    }
    case 'unrecognized_keys':
      return `${issue.keys.length === 1 ? 'unknown field' : 'unknown fields'} ${issue.keys.join(', ')}`;
    default:
      return undefined;
  }
}

z.config({ customError: readableMessage });
