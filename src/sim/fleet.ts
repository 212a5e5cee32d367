/**
 * Identities the generator hands out: vessels with valid IMO numbers, container numbers with
 * valid ISO 6346 check digits (unique within a run), seals and bill-of-lading numbers. The check
 * digits come from the domain layer (src/domain), the same code the ingest validates with.
 */
import { containerCheckDigit, imoCheckDigit } from '../domain/index.ts';
import { deriveRng, type Rng } from './prng.ts';
import { CARRIERS } from './world.ts';

export interface Vessel {
  imo: string;
  name: string;
  carrier: string;
  callSign: string;
}

const VESSEL_WORDS = [
  'AURORA', 'CORDOBA', 'VALENCIA', 'ALTAIR', 'LIBRA', 'MIRA', 'SANTOS', 'ESPERANZA', 'HORIZON', 'MERIDIAN',
  'ZENITH', 'POLARIS', 'CASSIOPEIA', 'ANDROMEDA', 'TRIDENT', 'PACIFIC', 'ATLANTIC', 'LUCIA', 'SOFIA', 'GALAXY',
  'HARMONY', 'FORTUNE', 'PIONEER', 'VOYAGER', 'SAPPHIRE', 'EMERALD', 'CRYSTAL', 'SERENITY', 'VICTORIA', 'CARMEN',
];

/** Appends the IMO check digit (weights 7..2 on the first six digits, sum mod 10). */
export function withImoCheckDigit(first6: string): string {
  const d = imoCheckDigit(first6);
  if (d === null) throw new Error(`IMO body ${first6} is not six digits`);
  return `${first6}${d}`;
}

/** Appends the ISO 6346 check digit to owner code + category + six-digit serial. */
export function withContainerCheckDigit(first10: string): string {
  const d = containerCheckDigit(first10);
  if (d === null) throw new Error(`container body ${first10} is malformed`);
  return `${first10}${d}`;
}

/** Ten vessels per carrier, deterministic per seed, IMO numbers unique. */
export function buildFleet(seed: number | string): Map<string, Vessel[]> {
  const rng = deriveRng(seed, 'fleet');
  const used = new Set<string>();
  const fleet = new Map<string, Vessel[]>();
  for (const carrier of Object.values(CARRIERS)) {
    const vessels: Vessel[] = [];
    const names = new Set<string>();
    while (vessels.length < 10) {
      const imo = withImoCheckDigit(String(rng.int(930_000, 998_999)));
      const word = rng.pick(VESSEL_WORDS);
      const name = carrier.vesselPrefix ? `${carrier.vesselPrefix} ${word}` : `${word} EXPRESS`;
      if (used.has(imo) || names.has(name)) continue;
      used.add(imo);
      names.add(name);
      vessels.push({ imo, name, carrier: carrier.code, callSign: `${rng.pick(['9V', 'D5', 'V7', '3E', 'H3'])}${rng.int(1000, 9999)}` });
    }
    fleet.set(carrier.code, vessels);
  }
  return fleet;
}

/**
 * Hands out container numbers: per owner code a counter mapped through n ↦ (n·7919 + offset)
 * mod 10^6, a bijection on six-digit serials (7919 is coprime with 10^6), so no number repeats
 * until an owner has issued a million boxes in one run.
 */
export class ContainerNumberer {
  private readonly counters = new Map<string, number>();
  private readonly offsets = new Map<string, number>();
  constructor(private readonly seed: number | string) {}

  next(ownerCode: string): string {
    const n = this.counters.get(ownerCode) ?? 0;
    this.counters.set(ownerCode, n + 1);
    let offset = this.offsets.get(ownerCode);
    if (offset === undefined) {
      offset = deriveRng(this.seed, 'owner', ownerCode).int(0, 999_999);
      this.offsets.set(ownerCode, offset);
    }
    const serial = (n * 7919 + offset) % 1_000_000;
    return withContainerCheckDigit(`${ownerCode}${String(serial).padStart(6, '0')}`);
  }
}

/** Bill-of-lading prefixes by carrier (the carriers' SCAC-style prefixes). */
const BL_PREFIX: Readonly<Record<string, string>> = {
  MSK: 'MAEU', MSC: 'MEDU', CMA: 'CMDU', HLC: 'HLCU', HSD: 'SUDU', COS: 'COSU', EMC: 'EGLV',
  ONE: 'ONEY', HMM: 'HDMU', YML: 'YMLU', OOL: 'OOLU', ZIM: 'ZIMU', SML: 'SMLU',
};

export function billOfLadingNumber(carrier: string, rng: Rng): string {
  return `${BL_PREFIX[carrier] ?? carrier}${rng.int(100_000, 999_999)}${rng.int(1000, 9999)}`;
}

/** A carrier-issued bolt seal: carrier letters plus seven digits (ISO 17712 has no check digit). */
export function sealNumber(carrier: string, rng: Rng): string {
  return `${carrier.slice(0, 2)}${rng.int(1_000_000, 9_999_999)}`;
}
