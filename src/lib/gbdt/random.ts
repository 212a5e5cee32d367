/**
 * Seeded pseudo-random numbers: mulberry32 (Tommy Ettinger, public domain), a 32-bit generator that
 * is fast, has a full 2^32 period and is good enough for sampling rows and features. Explicit
 * state, no module-level mutable state, so identical seeds give identical models.
 */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = (seed ^ 0x9e3779b9) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A random permutation of 0..n-1 (Fisher–Yates). */
  permutation(n: number): Uint32Array {
    const p = new Uint32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i]!;
      p[i] = p[j]!;
      p[j] = t;
    }
    return p;
  }

  /** `k` distinct indices from 0..n-1, in increasing order (selection sampling, Knuth 3.4.2 S). */
  sample(n: number, k: number): Uint32Array {
    const out = new Uint32Array(k);
    let chosen = 0;
    for (let i = 0; i < n && chosen < k; i++) {
      if (this.next() * (n - i) < k - chosen) out[chosen++] = i;
    }
    return out;
  }
}
