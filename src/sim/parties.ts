/**
 * Trading parties of the simulated world, made up from word lists (no real company is named):
 * established importers and forwarders in Belgium and the Netherlands with full addresses and
 * EORI numbers, exporters at each origin, hauliers, and front companies — new firms that live a
 * few months, ship a handful of boxes, and have thin addresses (a PO box, a campsite, a
 * residential flat) and often "TO ORDER" bills of lading (FACTS.md §7, "Project Piggyback").
 */
import type { PartyRecord } from '../ingest/records.ts';
import { deriveRng, type Rng } from './prng.ts';

export type PartyRole = 'importer' | 'forwarder' | 'front' | 'exporter';

export interface SimParty {
  id: string;
  role: PartyRole;
  /** Cargo family the firm trades (fruit importers receive reefers). */
  trade: 'fresh' | 'general';
  record: PartyRecord;
  /** Front companies only: the window in which they ship. */
  activeFrom?: string;
  activeTo?: string;
}

const STEMS = [
  'NOORD', 'SCHELDE', 'ZUID', 'POLDER', 'HAVEN', 'DELTA', 'KEMPEN', 'MAAS', 'RIJN', 'WAAS', 'LINDEN', 'EIK',
  'VALK', 'ZWAAN', 'ZEE', 'DUIN', 'ATLAS', 'ORION', 'VEGA', 'NOVA', 'IRIS', 'LOTUS', 'CEDAR', 'FALCON',
  'BRABO', 'MERCATOR', 'HANZE', 'KOGGE', 'TULP', 'VLIET', 'LEEUW', 'DOK', 'KADE', 'STERRE', 'ZONNE', 'BAAK',
];
const FRESH_TAILS = ['FRUIT IMPORT', 'FRESH', 'GREENS', 'TROPICAL FRUITS', 'FOOD TRADING', 'PRODUCE'];
const GENERAL_TAILS = ['TRADING', 'IMPORT EXPORT', 'DISTRIBUTION', 'INDUSTRIES', 'HOME', 'SUPPLY', 'TECHNICS'];
const FORWARDER_TAILS = ['LOGISTICS', 'SHIPPING AGENCY', 'FORWARDING', 'CUSTOMS SERVICES', 'CARGO'];
const LATIN_STEMS = ['SOL', 'ANDES', 'PACIFICO', 'ESMERALDA', 'CONDOR', 'PALMA', 'COSTA', 'RIO', 'SIERRA', 'AURORA', 'VALLE', 'ORO'];
const LATIN_TAILS = ['EXPORT S.A.', 'AGRICOLA S.A.', 'FRUTAS CIA LTDA', 'TRADING S.A.S.', 'EXPORTADORA LTDA', 'PRODUCE S.A.C.'];
const ASIA_TAILS = ['TRADING CO LTD', 'MANUFACTURING CO LTD', 'INDUSTRIAL CO LTD', 'IMPORT AND EXPORT CO LTD'];

interface CityAddress {
  city: string;
  postcode: (rng: Rng) => string;
  streets: readonly string[];
}

const BE_CITIES: readonly CityAddress[] = [
  { city: 'ANTWERPEN', postcode: (r) => String(r.pick([2000, 2018, 2030, 2040, 2060])), streets: ['NOORDERLAAN', 'HAVENLAAN', 'ITALIELEI', 'KEIZERSTRAAT', 'BOOMSESTEENWEG'] },
  { city: 'GENT', postcode: () => '9000', streets: ['KORTRIJKSESTEENWEG', 'DOK NOORD', 'SKALDENSTRAAT'] },
  { city: 'MECHELEN', postcode: () => '2800', streets: ['INDUSTRIEWEG', 'ZEMSTSESTEENWEG'] },
  { city: 'BRUSSEL', postcode: () => '1000', streets: ['HAVENLAAN', 'VAARTSTRAAT'] },
];
const NL_CITIES: readonly CityAddress[] = [
  { city: 'ROTTERDAM', postcode: (r) => `${r.int(3011, 3089)} ${r.pick(['AB', 'CD', 'EK', 'GH', 'LP'])}`, streets: ['WAALHAVEN OZ', 'EEMHAVENWEG', 'BOEZEMBOCHT', 'MAASBOULEVARD'] },
  { city: 'BARENDRECHT', postcode: () => '2991 LN', streets: ['DIERENSTEINWEG', 'BIJDORPLAAN'] },
  { city: 'RIDDERKERK', postcode: () => '2984 AB', streets: ['NIJVERHEIDSWEG', 'HAVENSTRAAT'] },
  { city: 'VENLO', postcode: () => '5928 LX', streets: ['CELSIUSWEG', 'GROETHOFSTRAAT'] },
];
const FRONT_THIN_ADDRESSES: readonly ((rng: Rng) => { street?: string; city: string; postcode?: string })[] = [
  (r) => ({ street: `POSTBUS ${r.int(100, 9999)}`, city: 'ROTTERDAM' }),
  (r) => ({ street: `CAMPING DE ${r.pick(['KREKEL', 'HEIDE', 'VLIET'])} CHALET ${r.int(1, 80)}`, city: 'KAPELLE', postcode: '4421 PD' }),
  () => ({ city: 'ANTWERPEN' }),
  (r) => ({ street: `${r.pick(['DAMBRUGGESTRAAT', 'KIEL', 'KRUGERSTRAAT'])} ${r.int(2, 200)} BUS ${r.int(1, 40)}`, city: 'ANTWERPEN', postcode: '2060' }),
  () => ({ city: 'BREDA' }),
];

const ORIGIN_CITIES: Readonly<Record<string, string>> = {
  EC: 'GUAYAQUIL', CO: 'BOGOTA', BR: 'SAO PAULO', PA: 'COLON', CR: 'LIMON', PE: 'LIMA', DO: 'SANTO DOMINGO',
  SR: 'PARAMARIBO', CN: 'SHANGHAI', SG: 'SINGAPORE', IN: 'MUMBAI', US: 'NEWARK', TR: 'ISTANBUL', ES: 'MADRID', MA: 'CASABLANCA',
};

function euroEori(country: string, rng: Rng): string {
  return country === 'BE' ? `BE0${rng.int(400_000_000, 899_999_999)}` : `NL${rng.int(800_000_000, 899_999_999)}`;
}

function firmName(stems: readonly string[], tails: readonly string[], legal: string, rng: Rng): string {
  const name = `${rng.pick(stems)}${rng.chance(0.4) ? ` ${rng.pick(stems)}` : ''} ${rng.pick(tails)}`;
  return legal ? `${name} ${legal}` : name;
}

function euroParty(id: string, role: PartyRole, trade: 'fresh' | 'general', country: string, rng: Rng): SimParty {
  const where = rng.pick(country === 'BE' ? BE_CITIES : NL_CITIES);
  const tails = role === 'forwarder' ? FORWARDER_TAILS : trade === 'fresh' ? FRESH_TAILS : GENERAL_TAILS;
  return {
    id,
    role,
    trade,
    record: {
      name: firmName(STEMS, tails, country === 'BE' ? rng.pick(['NV', 'BV']) : 'B.V.', rng),
      street: `${rng.pick(where.streets)} ${rng.int(1, 250)}`,
      city: where.city,
      postcode: where.postcode(rng),
      country,
      eori: euroEori(country, rng),
      identifiers: {},
    },
  };
}

/** The standing population of a port: importers (fresh and general) and forwarders. Deterministic per seed. */
export function establishedParties(seed: number | string, port: string, country: string): SimParty[] {
  const rng = deriveRng(seed, 'parties', port);
  const parties: SimParty[] = [];
  for (let i = 0; i < 40; i += 1) parties.push(euroParty(`${port}-F${i}`, 'importer', 'fresh', rng.chance(0.8) ? country : other(country), rng));
  for (let i = 0; i < 160; i += 1) parties.push(euroParty(`${port}-G${i}`, 'importer', 'general', rng.chance(0.8) ? country : other(country), rng));
  for (let i = 0; i < 30; i += 1) parties.push(euroParty(`${port}-W${i}`, 'forwarder', 'general', country, rng));
  return parties;
}

function other(country: string): string {
  return country === 'BE' ? 'NL' : 'BE';
}

/**
 * Front companies founded in a given month (YYYY-MM) for a port: 2–4 a month, each shipping for
 * 30–120 days from a founding date in that month. Names mimic fresh-produce importers.
 */
export function frontCompaniesFounded(seed: number | string, port: string, country: string, month: string): SimParty[] {
  const rng = deriveRng(seed, 'fronts', port, month);
  const count = rng.int(2, 4);
  const out: SimParty[] = [];
  for (let i = 0; i < count; i += 1) {
    const day = rng.int(1, 28);
    const activeFrom = `${month}-${String(day).padStart(2, '0')}`;
    const activeTo = new Date(Date.parse(activeFrom) + rng.int(30, 120) * 86_400_000).toISOString().slice(0, 10);
    const addr = rng.pick(FRONT_THIN_ADDRESSES)(rng);
    const record: PartyRecord = {
      name: firmName(STEMS, FRESH_TAILS, rng.pick(['BV', 'COMM.V', 'VOF', '']), rng),
      city: addr.city,
      country: rng.chance(0.7) ? country : other(country),
      identifiers: {},
    };
    if (addr.street) record.street = addr.street;
    if (addr.postcode) record.postcode = addr.postcode;
    out.push({ id: `${port}-X${month}-${i}`, role: 'front', trade: 'fresh', record, activeFrom, activeTo });
  }
  return out;
}

/** Exporters at an origin: 12 per origin port, Latin or Asian style by country. */
export function exporters(seed: number | string, origin: string, country: string): SimParty[] {
  const rng = deriveRng(seed, 'exporters', origin);
  const latin = ['EC', 'CO', 'BR', 'PA', 'CR', 'PE', 'DO', 'SR', 'ES', 'MA'].includes(country);
  return Array.from({ length: 12 }, (_, i) => ({
    id: `${origin}-E${i}`,
    role: 'exporter' as const,
    trade: 'general' as const,
    record: {
      name: latin ? firmName(LATIN_STEMS, LATIN_TAILS, '', rng) : `${rng.pick(STEMS)} ${rng.pick(ASIA_TAILS)}`,
      street: latin ? `AV. ${rng.pick(LATIN_STEMS)} ${rng.int(100, 2500)}` : `${rng.int(1, 999)} ${rng.pick(['INDUSTRIAL ROAD', 'HARBOUR ROAD', 'DEVELOPMENT ZONE'])}`,
      city: ORIGIN_CITIES[country] ?? 'CITY',
      country,
      identifiers: {},
    },
  }));
}

/** Road hauliers of a port; the last three are the odd ones used for early pick-ups. */
export function hauliers(seed: number | string, port: string): string[] {
  const rng = deriveRng(seed, 'hauliers', port);
  return Array.from({ length: 30 }, () => `${rng.pick(STEMS)} TRANSPORT ${rng.pick(['NV', 'BV', 'BVBA'])}`);
}
