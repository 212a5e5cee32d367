/**
 * Schema helpers for input people write.
 *
 * `patchOf`: the schema of a change to an object, every field optional, and a field that is not
 * given stays absent. Zod's own `.partial()` keeps each field's `.default()`, so a change that
 * names one field would come out with every defaulted field reset (an empty description, no
 * recipients, a sharing policy back to its defaults) and overwrite what is stored.
 *
 * `periodEnd`: the end of a period, where a day means through the end of that day.
 */
import { z } from 'zod';

type WithoutDefault<T> = T extends z.ZodDefault<infer Inner> ? Inner : T;

export type PatchShape<Shape extends z.ZodRawShape> = {
  [K in keyof Shape]: z.ZodOptional<WithoutDefault<Shape[K]>>;
};

export function patchOf<Shape extends z.ZodRawShape>(
  schema: z.ZodObject<Shape>,
): z.ZodObject<PatchShape<Shape>> {
  const shape = Object.fromEntries(
    Object.entries(schema.shape).map(([key, field]) => [
      key,
      z.optional(field instanceof z.ZodDefault ? (field.unwrap() as z.ZodType) : (field as z.ZodType)),
    ]),
  );
  return z.object(shape) as unknown as z.ZodObject<PatchShape<Shape>>;
}

/**
 * The end of a period as a person writes it: a day (`2026-12-31`) means through the end of that
 * day (23:59:59.999 UTC), as the statistics read their `--to` day; a full timestamp is taken as
 * it is. Without this, "valid until 2026-12-31" ended at the first instant of the 31st.
 */
export const periodEnd = z.union([
  z.iso.date().transform((day) => new Date(Date.parse(`${day}T23:59:59.999Z`))),
  z.iso.datetime({ offset: true }).transform((at) => new Date(at)),
  z.date(),
]);
