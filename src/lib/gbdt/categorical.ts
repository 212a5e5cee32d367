/**
 * Ordered target statistics for categorical features (Prokhorenkova et al. 2018, "CatBoost:
 * unbiased boosting with categorical features", NeurIPS, §3.2 and §4).
 *
 * A category code becomes a number: the smoothed share of positive labels among rows with the
 * same code. On the training rows this share is computed in the order of one seeded random
 * permutation, from the rows that come *before* the row only:
 *
 *   ts(row) = (Σ w·y of earlier rows with the same code + a·prior) / (Σ w of those rows + a)
 *
 * so a row's own label never enters its own value (no target leakage, unlike a plain or a
 * leave-one-out mean, which a tree can read the label back from). For prediction, the table uses
 * every training row. Unseen codes map to the prior; missing (NaN) stays missing and follows the
 * learned default direction of each split.
 *
 * Why this and not native categorical splits (LightGBM): customs identifiers (importers, sellers,
 * declarants, HS codes) have thousands to tens of thousands of levels. A target statistic turns each
 * into one ordinary numeric column that fits the 255-bin histogram; native splits would need a
 * histogram bin per level and overfit rare levels.
 */

/** Encoding of one categorical feature, as stored in the model. */
export interface CategoryTable {
  prior: number;
  /** Value for code c at prediction time; codes beyond the table map to the prior. */
  values: Float64Array;
}

/** Value of a raw categorical cell at prediction time. */
export function encodeCategory(table: CategoryTable, code: number): number {
  if (Number.isNaN(code)) return Number.NaN;
  if (code >= 0 && code < table.values.length && Number.isInteger(code)) return table.values[code]!;
  return table.prior;
}

/**
 * Ordered statistics for the training rows plus the prediction table.
 * `order` is the permutation (shared by all categorical features, as in CatBoost).
 */
export function orderedTargetStatistics(
  codes: Float64Array,
  labels: Uint8Array,
  weights: Float64Array | undefined,
  order: Uint32Array,
  priorWeight: number,
): { train: Float64Array; table: CategoryTable } {
  const n = codes.length;
  let maxCode = -1;
  let sumWY = 0;
  let sumW = 0;
  for (let r = 0; r < n; r++) {
    const c = codes[r]!;
    if (!Number.isNaN(c)) {
      if (!Number.isInteger(c) || c < 0)
        throw new RangeError(`categorical code must be a non-negative integer, got ${c}`);
      if (c > maxCode) maxCode = c;
    }
    const w = weights ? weights[r]! : 1;
    sumWY += w * labels[r]!;
    sumW += w;
  }
  const prior = sumW > 0 ? sumWY / sumW : 0.5;
  const positive = new Float64Array(maxCode + 1);
  const total = new Float64Array(maxCode + 1);
  const train = new Float64Array(n);
  const a = priorWeight;
  for (let i = 0; i < n; i++) {
    const r = order[i]!;
    const c = codes[r]!;
    if (Number.isNaN(c)) {
      train[r] = Number.NaN;
      continue;
    }
    train[r] = (positive[c]! + a * prior) / (total[c]! + a);
    const w = weights ? weights[r]! : 1;
    positive[c] = positive[c]! + w * labels[r]!;
    total[c] = total[c]! + w;
  }
  const values = new Float64Array(maxCode + 1);
  for (let c = 0; c <= maxCode; c++) values[c] = (positive[c]! + a * prior) / (total[c]! + a);
  return { train, table: { prior, values } };
}

/**
 * Maps string categories to integer codes; empty strings, null and undefined become NaN (missing).
 * Keep the returned dictionary to encode prediction data with the same codes (unknown → new code,
 * which the model treats as unseen).
 */
export class CategoryDictionary {
  private readonly codes = new Map<string, number>();

  /** Code of a value, allocating the next code for a new one. */
  code(value: string | null | undefined): number {
    if (value === null || value === undefined || value === '') return Number.NaN;
    let c = this.codes.get(value);
    if (c === undefined) {
      c = this.codes.size;
      this.codes.set(value, c);
    }
    return c;
  }

  /** Encodes a whole column. */
  encode(values: ReadonlyArray<string | null | undefined>): Float64Array {
    return Float64Array.from(values, (v) => this.code(v));
  }

  get size(): number {
    return this.codes.size;
  }

  /** The values in code order (for storing the dictionary beside the model). */
  toJSON(): string[] {
    return [...this.codes.keys()];
  }

  static fromJSON(values: readonly string[]): CategoryDictionary {
    const d = new CategoryDictionary();
    for (const v of values) d.code(v);
    return d;
  }
}
