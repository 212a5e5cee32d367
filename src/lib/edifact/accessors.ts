/**
 * Read access to segment values by EDIFACT position. Positions are 1-based like the
 * directories: in `LOC+147+0780690::5`, `element(seg, 1)` is "147" and `element(seg, 2, 3)` is "".
 */
import { LazySegment } from './segments.ts';
import type { Segment } from './types.ts';

/**
 * The raw value of component `component` of data element `position` (both 1-based), or '' when
 * absent. Values are not trimmed: callers decide (see `text`).
 */
export function element(segment: Segment, position: number, component = 1): string {
  if (segment instanceof LazySegment) return segment.element(position, component);
  return segment.elements[position - 1]?.[component - 1] ?? '';
}

/** Like `element`, trimmed. */
export function text(segment: Segment, position: number, component = 1): string {
  return element(segment, position, component).trim();
}

/** All components of data element `position` (1-based); [] when absent. */
export function components(segment: Segment, position: number): string[] {
  return segment.elements[position - 1] ?? [];
}

/**
 * Every occurrence of a repeating data element (syntax level 4), each as its components; a
 * non-repeated element gives one occurrence.
 */
export function occurrences(segment: Segment, position: number): string[][] {
  const repeated = segment.repetitions?.[position - 1];
  if (repeated) return repeated;
  const single = segment.elements[position - 1];
  return single ? [single] : [];
}

/** The qualifier: first component of the first data element, trimmed and upper-cased. */
export function qualifier(segment: Segment): string {
  return text(segment, 1).toUpperCase();
}

/** True if the segment has this tag and (when given) one of these qualifiers. */
export function isSegment(segment: Segment, tag: string, ...qualifiers: string[]): boolean {
  if (segment.tag !== tag) return false;
  return qualifiers.length === 0 || qualifiers.includes(qualifier(segment));
}
