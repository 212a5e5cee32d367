/**
 * Validation outcome as data: domain checks never throw on bad input, they say why.
 * `code` is a stable machine id (e.g. `invalid_check_digit`), `reason` is for a person.
 */
export type Result<T> = { ok: true; value: T } | { ok: false; code: string; reason: string };

/** A successful result. */
export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

/** A failed result with a stable code and a human reason. */
export function fail<T>(code: string, reason: string): Result<T> {
  return { ok: false, code, reason };
}

/** Quote a raw input for a reason message, shortened so a huge field cannot flood a log line. */
export function quote(raw: string): string {
  const shown = raw.length > 40 ? `${raw.slice(0, 40)}…` : raw;
  return JSON.stringify(shown);
}
