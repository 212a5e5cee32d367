/**
 * EDIFACT service characters (ISO 9735 part 1, section 7): the defaults and the UNA service
 * string advice that can replace them.
 */

/** The six service characters. `repetition` is '' when the interchange has none (syntax level 1-3). */
export interface Separators {
  component: string;
  element: string;
  decimal: string;
  release: string;
  repetition: string;
  segment: string;
}

/** Level A defaults (ISO 9735 7.1): `:+.? '` with no repetition separator. */
export const DEFAULT_SEPARATORS: Readonly<Separators> = Object.freeze({
  component: ':',
  element: '+',
  decimal: '.',
  release: '?',
  repetition: '',
  segment: "'",
});

/** Syntax level 4 default repetition separator, used when UNB says level 4 and there is no UNA. */
export const LEVEL4_REPETITION = '*';

/**
 * Reads the six characters that follow "UNA". A space in the repetition position means "not
 * used" (syntax level 3 files put a space there); the release position may also be a space,
 * which means no release character.
 */
export function separatorsFromUna(advice: string): Separators {
  const at = (i: number, fallback: string): string => {
    const c = advice.charAt(i);
    return c === '' ? fallback : c;
  };
  const release = at(3, '?');
  const repetition = at(4, ' ');
  return {
    component: at(0, ':'),
    element: at(1, '+'),
    decimal: at(2, '.'),
    release: release === ' ' ? '' : release,
    repetition: repetition === ' ' ? '' : repetition,
    segment: at(5, "'"),
  };
}
