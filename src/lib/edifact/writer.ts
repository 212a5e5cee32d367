/**
 * Writes EDIFACT: the inverse of the tokenizer for one segment, escaping every service character
 * in data with the release character (ISO 9735-1 section 9). Used by tests and the simulator.
 */
import { DEFAULT_SEPARATORS, type Separators } from './separators.ts';

/** One data element: a simple value, or its components. */
export type ElementValue = string | readonly string[];

function escapeValue(value: string, s: Readonly<Separators>): string {
  if (s.release === '') return value;
  let out = '';
  let sliceStart = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charAt(i);
    if (
      c === s.release ||
      c === s.component ||
      c === s.element ||
      c === s.segment ||
      (s.repetition !== '' && c === s.repetition)
    ) {
      out += `${value.slice(sliceStart, i)}${s.release}${c}`;
      sliceStart = i + 1;
    }
  }
  return out + value.slice(sliceStart);
}

/**
 * Formats one segment with its terminator, e.g. `formatSegment('LOC', ['147', ['0780690', '', '5']])`
 * gives `LOC+147+0780690::5'`. Trailing empty elements and components are kept as given.
 */
export function formatSegment(
  tag: string,
  elements: readonly ElementValue[],
  separators: Readonly<Separators> = DEFAULT_SEPARATORS,
): string {
  let out = tag;
  for (const value of elements) {
    const parts = typeof value === 'string' ? [value] : value;
    out += separators.element + parts.map((p) => escapeValue(p, separators)).join(separators.component);
  }
  return out + separators.segment;
}

/** The UNA service string advice for these separators (a space marks "no repetition separator"). */
export function formatUna(separators: Readonly<Separators> = DEFAULT_SEPARATORS): string {
  const s = separators;
  return `UNA${s.component}${s.element}${s.decimal}${s.release || ' '}${s.repetition || ' '}${s.segment}`;
}
