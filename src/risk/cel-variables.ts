/**
 * The variables a risk profile's CEL expression can read, derived from the risk view
 * (view.ts). One declaration drives three things: the static check of field names in
 * cel-compile.ts, the sample used to type-check an expression by trial, and the conversion of
 * a view into CEL bindings. docs/risk-profiles.md documents every variable.
 *
 * Unknown facts are absent, never zero or empty text: test them with `has(...)`. Counts are
 * CEL `int`, rates and masses `double` (CEL compares the two, but does not add them).
 */
import type { ContainerView, PartyView } from './view.ts';

export type CelFieldType = 'string' | 'int' | 'double' | 'bool' | 'list<string>';

export interface CelObjectDecl {
  [field: string]: CelFieldType | CelObjectDecl;
}

const party: CelObjectDecl = {
  name: 'string',
  country: 'string',
  daysKnown: 'int',
  shipments: 'int',
  priorInspections: 'int',
  priorHits: 'int',
  smoothedHitRate: 'double',
};

/** Every top-level variable and its fields. */
export const PROFILE_VARIABLES: CelObjectDecl = {
  containerNumber: 'string',
  transportDocumentNumber: 'string',
  port: 'string',
  origin: {
    country: 'string',
    placeOfLoading: 'string',
    placeOfReceipt: 'string',
    placeOfLoadingCountry: 'string',
  },
  route: { transshipmentPorts: 'list<string>', previousPorts: 'list<string>', transshipped: 'bool' },
  goods: {
    hsCodes: 'list<string>',
    hsChapters: 'list<string>',
    hsHeadings: 'list<string>',
    descriptions: 'list<string>',
    packages: 'int',
    grossMassKg: 'double',
    massPerPackageKg: 'double',
    massPerPackageRatioToUsual: 'double',
  },
  container: { sizeType: 'string', reefer: 'bool', lengthFt: 'int', fullEmpty: 'string' },
  shipper: party,
  consignee: party,
  notifyParty: party,
  forwarder: party,
  consigneeToOrder: 'bool',
  vessel: { imo: 'string', name: 'string', voyage: 'string' },
  anomalies: { sealChanged: 'bool', sealsManifest: 'list<string>', sealsSeen: 'list<string>' },
  intelligence: { matches: 'int' },
};

/** What a binding value is: CEL maps are JS Maps, CEL ints bigints. */
export type CelBindingValue = string | bigint | number | boolean | string[] | Map<string, CelBindingValue>;

function intOf(n: number | undefined): bigint | undefined {
  return n == null ? undefined : BigInt(Math.trunc(n));
}

/** A CEL map of the present members (absent facts stay absent, so `has()` tells). */
function celMap(entries: Record<string, CelBindingValue | undefined>): Map<string, CelBindingValue> {
  const m = new Map<string, CelBindingValue>();
  for (const [k, v] of Object.entries(entries)) if (v !== undefined) m.set(k, v);
  return m;
}

function partyBinding(p: PartyView | undefined): Map<string, CelBindingValue> {
  if (!p) return new Map();
  return celMap({
    name: p.name,
    country: p.country,
    daysKnown: intOf(p.daysKnown),
    shipments: intOf(p.shipments),
    priorInspections: intOf(p.priorInspections),
    priorHits: intOf(p.priorHits),
    smoothedHitRate: p.smoothedHitRate,
  });
}

/** The CEL bindings of one view; computed once per view, shared by every profile. */
export function profileBindings(v: ContainerView): Record<string, CelBindingValue> {
  const top = celMap({
    containerNumber: v.containerNumber,
    transportDocumentNumber: v.transportDocumentNumber,
    port: v.portLocode,
    origin: celMap({ ...v.origin }),
    route: celMap({ ...v.route }),
    goods: celMap({
      hsCodes: v.goods.hsCodes,
      hsChapters: v.goods.hsChapters,
      hsHeadings: v.goods.hsHeadings,
      descriptions: v.goods.descriptions,
      packages: intOf(v.goods.packages),
      grossMassKg: v.goods.grossMassKg,
      massPerPackageKg: v.goods.massPerPackageKg,
      massPerPackageRatioToUsual: v.goods.massPerPackageRatioToUsual,
    }),
    container: celMap({
      sizeType: v.container.sizeType,
      reefer: v.container.reefer,
      lengthFt: intOf(v.container.lengthFt),
      fullEmpty: v.container.fullEmpty,
    }),
    shipper: partyBinding(v.shipper),
    consignee: partyBinding(v.consignee),
    notifyParty: partyBinding(v.notifyParty),
    forwarder: partyBinding(v.forwarder),
    consigneeToOrder: v.consigneeToOrder,
    vessel: celMap({ imo: v.vessel.imo, name: v.vessel.name, voyage: v.vessel.voyage }),
    anomalies: celMap({ ...v.anomalies }),
    intelligence: celMap({ matches: intOf(v.intelligence.matches) }),
  });
  return Object.fromEntries(top);
}

const SAMPLE_OF: Record<CelFieldType, CelBindingValue> = {
  string: 'XX',
  int: 1n,
  double: 1.5,
  bool: true,
  'list<string>': ['XX'],
};

function sampleOf(decl: CelObjectDecl): Map<string, CelBindingValue> {
  return new Map(
    Object.entries(decl).map(([k, t]) => [k, typeof t === 'string' ? SAMPLE_OF[t] : sampleOf(t)] as const),
  );
}

/**
 * Bindings with every field present: an expression that errors on it has a type error (or
 * calls an unknown function), not a missing fact.
 */
export function sampleBindings(): Record<string, CelBindingValue> {
  return Object.fromEntries(sampleOf(PROFILE_VARIABLES));
}
