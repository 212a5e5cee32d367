/**
 * The model's features: a fixed, documented list (docs/features.md) computed from a container's
 * risk view. The view is already point-in-time, so every feature is too. Missing values are
 * null (the model learns where to send them); categorical values are strings.
 */
import { lookupCountry, lookupLocode } from '../domain/index.ts';
import type { ContainerView, PartyView } from './view.ts';

export type FeatureKind = 'numeric' | 'categorical';

export interface FeatureDefinition {
  name: string;
  kind: FeatureKind;
  description: string;
}

type FeatureValue = number | string | null;

interface FeatureSpec extends FeatureDefinition {
  value(view: ContainerView): FeatureValue;
  /** How a value reads in an explanation ("origin Ecuador (EC)"). */
  words(value: unknown): string;
}

/**
 * Risk-relevant tokens of goods descriptions. Fresh fruit and coffee are the classic cover loads
 * of cocaine shipments from South America; vague wording ("said to contain", "various") hides
 * what is really in a box.
 */
export const DESCRIPTION_KEYWORDS: readonly { name: string; pattern: RegExp; words: string }[] = [
  { name: 'bananas', pattern: /\bBANANA/i, words: 'bananas' },
  { name: 'pineapples', pattern: /\bPINEAPPLE/i, words: 'pineapples' },
  { name: 'avocados', pattern: /\bAVOCADO/i, words: 'avocados' },
  { name: 'coffee', pattern: /\bCOFFEE/i, words: 'coffee' },
  { name: 'cocoa', pattern: /\bCOCOA/i, words: 'cocoa' },
  { name: 'fruit_pulp', pattern: /\b(PULP|JUICE)/i, words: 'fruit pulp or juice' },
  { name: 'frozen', pattern: /\bFROZEN/i, words: 'frozen goods' },
  { name: 'said_to_contain', pattern: /\b(SAID TO CONTAIN|S\.?T\.?C\.?)(\b|$)/i, words: '"said to contain"' },
  {
    name: 'vague',
    pattern: /\b(VARIOUS|GENERAL CARGO|MIXED|GOODS NES|\bNES\b|SUNDRIES)/i,
    words: 'vague wording',
  },
  { name: 'personal_effects', pattern: /\bPERSONAL EFFECTS/i, words: 'personal effects' },
];

const flag = (b: boolean): number => (b ? 1 : 0);

const countryWords = (v: unknown): string => {
  if (typeof v !== 'string') return 'unknown';
  const c = lookupCountry(v);
  return c.ok ? `${c.value.name} (${v})` : v;
};

const portWords = (v: unknown): string => {
  if (typeof v !== 'string') return 'unknown';
  const l = lookupLocode(v);
  return l.ok ? `${l.value.name} (${v})` : v;
};

const plain = (v: unknown): string => (v == null ? 'unknown' : String(v));
const rounded = (v: unknown): string =>
  typeof v === 'number' ? String(Math.round(v * 100) / 100) : 'unknown';

type PartyRole = 'shipper' | 'consignee' | 'forwarder';

function partyFeatures(role: PartyRole): FeatureSpec[] {
  const party = (v: ContainerView): PartyView | undefined => v[role];
  return [
    {
      name: `${role}_days_known`,
      kind: 'numeric',
      description: `days from the first consignment naming the ${role} to the moment of decision`,
      value: (v) => party(v)?.daysKnown ?? null,
      words: (x) => `${role} known for ${plain(x)} days`,
    },
    {
      name: `${role}_shipments`,
      kind: 'numeric',
      description: `earlier consignments naming the ${role} (any role)`,
      value: (v) => party(v)?.shipments ?? null,
      words: (x) => `${role} with ${plain(x)} earlier shipments`,
    },
    {
      name: `${role}_prior_inspections`,
      kind: 'numeric',
      description: `inspections of earlier consignments naming the ${role}`,
      value: (v) => party(v)?.priorInspections ?? null,
      words: (x) => `${role} inspected ${plain(x)} times before`,
    },
    {
      name: `${role}_prior_hits`,
      kind: 'numeric',
      description: `of those inspections, the ones that found something`,
      value: (v) => party(v)?.priorHits ?? null,
      words: (x) => `${role} with ${plain(x)} earlier findings`,
    },
    {
      name: `${role}_hit_rate`,
      kind: 'numeric',
      description: `the ${role}'s hit rate shrunk towards a 2 % prior worth 50 inspections`,
      value: (v) => party(v)?.smoothedHitRate ?? null,
      words: (x) => `${role} hit rate ${typeof x === 'number' ? `${(x * 100).toFixed(1)} %` : 'unknown'}`,
    },
  ];
}

const SPECS: readonly FeatureSpec[] = [
  {
    name: 'origin_country',
    kind: 'categorical',
    description: 'country of origin of the goods (ISO 3166 alpha-2)',
    value: (v) => v.origin.country ?? null,
    words: (x) => `origin ${countryWords(x)}`,
  },
  {
    name: 'loading_port',
    kind: 'categorical',
    description: 'UN/LOCODE of the place of loading',
    value: (v) => v.origin.placeOfLoading ?? null,
    words: (x) => `loaded at ${portWords(x)}`,
  },
  {
    name: 'loading_country',
    kind: 'categorical',
    description: 'country of the place of loading (first two letters of the UN/LOCODE)',
    value: (v) => v.origin.placeOfLoadingCountry ?? null,
    words: (x) => `loaded in ${countryWords(x)}`,
  },
  {
    name: 'lane',
    kind: 'categorical',
    description: 'place of loading and port of discharge, e.g. "ECGYE>BEANR" (high cardinality)',
    value: (v) =>
      v.origin.placeOfLoading && v.portLocode ? `${v.origin.placeOfLoading}>${v.portLocode}` : null,
    words: (x) => `lane ${plain(x).replace('>', ' to ')}`,
  },
  {
    name: 'hs_chapter',
    kind: 'categorical',
    description: 'HS chapter (2 digits) of the first goods line',
    value: (v) => v.goods.hsChapters[0] ?? null,
    words: (x) => `HS chapter ${plain(x)}`,
  },
  {
    name: 'hs_heading',
    kind: 'categorical',
    description: 'HS heading (4 digits) of the first goods line',
    value: (v) => v.goods.hsHeadings[0] ?? null,
    words: (x) => `HS heading ${plain(x)}`,
  },
  {
    name: 'reefer',
    kind: 'numeric',
    description: '1 for a refrigerated container, else 0',
    value: (v) => flag(v.container.reefer),
    words: (x) => (x === 1 ? 'a reefer container' : 'not a reefer'),
  },
  {
    name: 'consignee_to_order',
    kind: 'numeric',
    description: '1 when the consignee is "to order" (the buyer is not named)',
    value: (v) => flag(v.consigneeToOrder),
    words: (x) => (x === 1 ? 'consignee "to order"' : 'a named consignee'),
  },
  {
    name: 'transshipped',
    kind: 'numeric',
    description: '1 when the route declares at least one transshipment port',
    value: (v) => flag(v.route.transshipped),
    words: (x) => (x === 1 ? 'transshipped on the way' : 'no transshipment'),
  },
  {
    name: 'transshipment_ports',
    kind: 'numeric',
    description: 'number of declared transshipment ports',
    value: (v) => v.route.transshipmentPorts.length,
    words: (x) => `${plain(x)} transshipment ports`,
  },
  {
    name: 'mass_per_package_ratio',
    kind: 'numeric',
    description: 'gross mass per package divided by the median for the HS heading in earlier consignments',
    value: (v) => v.goods.massPerPackageRatioToUsual ?? null,
    words: (x) => `mass per package ${rounded(x)}× the usual for the goods`,
  },
  {
    name: 'seal_changed',
    kind: 'numeric',
    description: '1 when a container event up to the decision shows a seal not on the manifest',
    value: (v) => flag(v.anomalies.sealChanged),
    words: (x) => (x === 1 ? 'seal changed since the manifest' : 'seal as on the manifest'),
  },
  {
    name: 'intelligence_matches',
    kind: 'numeric',
    description:
      'partner alerts matching the container, its consignment, vessel or parties, as known at the decision',
    value: (v) => v.intelligence.matches,
    words: (x) => `${plain(x)} intelligence matches`,
  },
  ...partyFeatures('shipper'),
  ...partyFeatures('consignee'),
  ...partyFeatures('forwarder'),
  {
    name: 'forwarder',
    kind: 'categorical',
    description: 'name of the freight forwarder, as an identifier (high cardinality)',
    value: (v) => v.forwarder?.name ?? null,
    words: (x) => `forwarder ${plain(x)}`,
  },
  ...DESCRIPTION_KEYWORDS.map(
    (k): FeatureSpec => ({
      name: `kw_${k.name}`,
      kind: 'numeric',
      description: `goods description lines mentioning ${k.words}`,
      value: (v) => v.goods.descriptions.filter((d) => k.pattern.test(d)).length,
      words: (x) =>
        typeof x === 'number' && x > 0 ? `description mentions ${k.words}` : `no mention of ${k.words}`,
    }),
  ),
];

/** The features, in vector order. */
export const FEATURES: readonly FeatureDefinition[] = SPECS.map(({ name, kind, description }) => ({
  name,
  kind,
  description,
}));

/** The feature values of a view, aligned with FEATURES; null is a missing value. */
export function featureVector(view: ContainerView): FeatureValue[] {
  return SPECS.map((s) => s.value(view));
}

const SPEC_BY_NAME = new Map(SPECS.map((s) => [s.name, s]));

/**
 * One feature's contribution in plain words, e.g. "origin Ecuador (EC) raises the risk".
 * Contributions within ±0.01 (log-odds) are said to change little.
 */
export function describeContribution(featureName: string, value: unknown, contribution: number): string {
  const spec = SPEC_BY_NAME.get(featureName);
  const subject = spec ? spec.words(value) : `${featureName} ${plain(value)}`;
  const effect =
    Math.abs(contribution) < 0.01
      ? 'changes the risk little'
      : contribution > 0
        ? 'raises the risk'
        : 'lowers the risk';
  return `${subject} ${effect}`;
}
