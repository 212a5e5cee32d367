/**
 * Cargo choices for one bill of lading: commodity by lane and reefer draw, size-type, packages and
 * masses. Pure functions of a random stream.
 */
import type { Rng } from './prng.ts';
import { type Commodity, type Lane, SIZE_TYPES, type SizeTypeProfile } from './world.ts';

/** Asian and North American lanes ship reefers too (frozen fish, meat); their lists may lack one. */
const GENERIC_REEFER: Commodity = {
  hsCode: '030389',
  description: 'FROZEN FISH',
  packageType: 'CT',
  packagesPer40: 1300,
  kgPerPackage: 20,
  reefer: true,
};

/** Cargo that European exporters send (export boxes are not manifested here, only moved). */
export const EXPORT_SIZE_TYPES = ['45G1', '42G1', '22G1', '45R1'] as const;

/** Picks a commodity: a reefer draw first, then a commodity of that kind on the lane. */
export function pickCommodity(lane: Lane, reeferShare: number, rng: Rng): Commodity {
  const reefer = rng.chance(reeferShare);
  const matching = lane.commodities.filter((c) => c.reefer === reefer);
  if (matching.length > 0) return rng.pick(matching);
  return reefer ? GENERIC_REEFER : rng.pick(lane.commodities);
}

/** Size-type for a commodity: reefers 45R1 (85%) or 22R1; dense cargo in 20 ft; else mostly 40 ft high cube. */
export function pickSizeType(commodity: Commodity, rng: Rng): SizeTypeProfile {
  const code = commodity.reefer
    ? rng.chance(0.85)
      ? '45R1'
      : '22R1'
    : commodity.kgPerPackage * commodity.packagesPer40 > 26_000
      ? '22G1'
      : rng.weighted(
          [
            ['45G1', 0.55],
            ['42G1', 0.3],
            ['22G1', 0.15],
          ] as const,
          ([, w]) => w,
        )[0];
  const profile = SIZE_TYPES[code];
  if (!profile) throw new Error(`unknown size-type ${code}`);
  return profile;
}

export interface Stuffing {
  packages: number;
  grossMassKg: number;
}

/** Packages and gross mass of one box (packaging adds 5%; capped at a 26.5 t payload). */
export function stuff(commodity: Commodity, size: SizeTypeProfile, rng: Rng): Stuffing {
  const full = commodity.packagesPer40 * (size.teu === 1 ? 0.5 : 1);
  const packages = Math.max(1, Math.round(full * (0.85 + 0.15 * rng.next())));
  const grossMassKg = Math.min(26_500, Math.round(packages * commodity.kgPerPackage * 1.05));
  return { packages, grossMassKg };
}

/** Containers on one bill: 1 (70%), 2–4 (25%), 5–8 (5%). */
export function containersPerBill(rng: Rng): number {
  const u = rng.next();
  if (u < 0.7) return 1;
  if (u < 0.95) return rng.int(2, 4);
  return rng.int(5, 8);
}
