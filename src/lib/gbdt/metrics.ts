/**
 * Evaluation measures for binary risk scores: log-loss, Brier score, ROC AUC (Mann–Whitney U with
 * tied scores sharing ranks), average precision, and precision/recall when inspecting the top n %
 * (k = ceil(n/100 × rows), the protocol of the customs-declarations benchmark).
 */

const EPS = 1e-15;

/** Mean (weighted) negative log-likelihood of probabilities. */
export function logLoss(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number>,
  weights?: ArrayLike<number>,
): number {
  let s = 0;
  let w = 0;
  for (let i = 0; i < labels.length; i++) {
    const p = Math.min(1 - EPS, Math.max(EPS, probabilities[i]!));
    const wi = weights ? weights[i]! : 1;
    s -= wi * (labels[i] ? Math.log(p) : Math.log(1 - p));
    w += wi;
  }
  return w > 0 ? s / w : 0;
}

/** Mean log-loss of raw margins, computed stably as softplus(f) − y·f. */
export function logLossOfMargins(
  margins: ArrayLike<number>,
  labels: ArrayLike<number>,
  weights?: ArrayLike<number>,
): number {
  let s = 0;
  let w = 0;
  for (let i = 0; i < labels.length; i++) {
    const z = margins[i]!;
    const softplus = z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
    const wi = weights ? weights[i]! : 1;
    s += wi * (softplus - (labels[i] ? z : 0));
    w += wi;
  }
  return w > 0 ? s / w : 0;
}

/** Mean squared difference between probability and label. */
export function brierScore(probabilities: ArrayLike<number>, labels: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < labels.length; i++) s += (probabilities[i]! - labels[i]!) ** 2;
  return labels.length > 0 ? s / labels.length : 0;
}

function orderByScore(scores: ArrayLike<number>): Uint32Array {
  const order = Uint32Array.from({ length: scores.length }, (_, i) => i);
  // Descending score; ties keep row order so results are reproducible.
  order.sort((a, b) => scores[b]! - scores[a]! || a - b);
  return order;
}

/** Area under the ROC curve; ties count one half. */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const order = orderByScore(scores);
  let pos = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i]) pos++;
  const neg = labels.length - pos;
  if (pos === 0 || neg === 0) return Number.NaN;
  // Walk from the lowest score up, counting negatives below each positive.
  let negBelow = 0;
  let sum = 0;
  let i = order.length - 1;
  while (i >= 0) {
    let j = i;
    let p = 0;
    let n = 0;
    while (j >= 0 && scores[order[j]!] === scores[order[i]!]) {
      if (labels[order[j]!]) p++;
      else n++;
      j--;
    }
    sum += p * (negBelow + n / 2);
    negBelow += n;
    i = j;
  }
  return sum / (pos * neg);
}

/** Average precision (area under the precision-recall curve, step-wise). */
export function averagePrecision(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const order = orderByScore(scores);
  let pos = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i]) pos++;
  if (pos === 0) return Number.NaN;
  let hits = 0;
  let sum = 0;
  for (let i = 0; i < order.length; i++) {
    if (labels[order[i]!]) {
      hits++;
      sum += hits / (i + 1);
    }
  }
  return sum / pos;
}

/** Precision and recall when the top n % of rows by score are inspected. */
export function atInspectionRate(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  percent: number,
): { k: number; precision: number; recall: number } {
  const order = orderByScore(scores);
  const k = Math.ceil((percent / 100) * labels.length);
  let pos = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i]) pos++;
  let hits = 0;
  for (let i = 0; i < k; i++) if (labels[order[i]!]) hits++;
  return { k, precision: k > 0 ? hits / k : 0, recall: pos > 0 ? hits / pos : 0 };
}
