/**
 * Platt scaling (Platt 1999, "Probabilistic outputs for support vector machines and comparisons to
 * regularized likelihood methods"; Newton method with a backtracking line search as in Lin, Lin &
 * Weng 2007, "A note on Platt's probabilistic outputs for support vector machines").
 *
 * p = σ(a·f + b) where f is the model's raw margin, with a and b fitted by maximum likelihood on a
 * held-out set, against Platt's smoothed targets (N₊+1)/(N₊+2) and 1/(N₋+2) to avoid overfitting
 * a small set. Chosen over isotonic regression because two numbers are enough for a boosted model
 * whose ranking is already good, keep the ranking strictly unchanged (no ties), extrapolate sanely
 * and need few held-out rows.
 */

export interface PlattCalibration {
  method: 'platt';
  a: number;
  b: number;
}

/** Calibrated probability of a raw margin. */
export function applyPlatt(c: PlattCalibration, margin: number): number {
  const z = c.a * margin + c.b;
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Fits a and b on held-out margins and labels (optionally weighted). */
export function fitPlatt(
  margins: Float64Array,
  labels: Uint8Array,
  weights?: Float64Array,
): PlattCalibration {
  const n = margins.length;
  let pos = 0;
  let neg = 0;
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i]! : 1;
    if (labels[i]) pos += w;
    else neg += w;
  }
  const hi = (pos + 1) / (pos + 2);
  const lo = 1 / (neg + 2);
  const target = (i: number): number => (labels[i] ? hi : lo);
  const loss = (a: number, b: number): number => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const z = a * margins[i]! + b;
      const t = target(i);
      // log(1 + e^z) - t·z, computed without overflow.
      const softplus = z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
      s += (weights ? weights[i]! : 1) * (softplus - t * z);
    }
    return s;
  };
  let a = 1;
  let b = 0;
  let current = loss(a, b);
  for (let iter = 0; iter < 100; iter++) {
    let ga = 0;
    let gb = 0;
    let haa = 1e-12;
    let hab = 0;
    let hbb = 1e-12;
    for (let i = 0; i < n; i++) {
      const w = weights ? weights[i]! : 1;
      const f = margins[i]!;
      const p = applyPlatt({ method: 'platt', a, b }, f);
      const d = w * (p - target(i));
      const h = w * p * (1 - p);
      ga += d * f;
      gb += d;
      haa += h * f * f;
      hab += h * f;
      hbb += h;
    }
    if (Math.abs(ga) < 1e-9 && Math.abs(gb) < 1e-9) break;
    const det = haa * hbb - hab * hab;
    const da = -(hbb * ga - hab * gb) / det;
    const db = -(haa * gb - hab * ga) / det;
    let step = 1;
    let improved = false;
    while (step > 1e-10) {
      const next = loss(a + step * da, b + step * db);
      if (next < current + 1e-4 * step * (ga * da + gb * db)) {
        a += step * da;
        b += step * db;
        current = next;
        improved = true;
        break;
      }
      step /= 2;
    }
    if (!improved) break;
  }
  return { method: 'platt', a, b };
}
