/**
 * The fixed world of the simulator: ports and their terminals, trade lanes with real UN/LOCODEs,
 * carriers with real SMDG liner codes, container owner prefixes, and the cargo each lane carries
 * with real HS 2022 subheadings. Every code here is checked against the shipped code lists by
 * world.test.ts. Volumes and rates live in calibration.ts, not here.
 */

export type LaneRisk = 'high' | 'ordinary' | 'hub';

export interface Terminal {
  /** Short terminal code used in LOC+165 / LOC+147 qualifiers. */
  code: string;
  name: string;
}

export interface PortProfile {
  locode: string;
  name: string;
  country: string;
  terminals: readonly Terminal[];
}

/** Cargo as it appears on a bill of lading. Masses are per package, net of packaging. */
export interface Commodity {
  hsCode: string;
  description: string;
  /** UN/ECE Recommendation 21 package code (CT carton, BG bag, PX pallet, CS case, PK package, UN unit). */
  packageType: string;
  /** Packages in a 40 ft box; a 20 ft box carries half. */
  packagesPer40: number;
  kgPerPackage: number;
  reefer: boolean;
  /** Cargo that can hide liquid or impregnated cocaine (juice, pulp, charcoal, plastics, hides). */
  absorbent?: boolean;
}

export interface Lane {
  /** UN/LOCODE of the port of loading (the origin for direct services). */
  origin: string;
  name: string;
  country: string;
  risk: LaneRisk;
  /** Share of the discharges of its risk group (high-risk or ordinary) arriving on this lane. */
  share: number;
  callsPerWeek: number;
  carriers: readonly string[];
  commodities: readonly Commodity[];
  /** Ports the service called before (TDT route / previousPorts). */
  previousPorts: readonly string[];
}

export const PORTS: Readonly<Record<string, PortProfile>> = {
  BEANR: {
    locode: 'BEANR',
    name: 'Antwerp-Bruges',
    country: 'BE',
    terminals: [
      { code: 'MPET', name: 'MSC PSA European Terminal' },
      { code: 'PNT', name: 'PSA Noordzee Terminal' },
      { code: 'AGW', name: 'Antwerp Gateway' },
      { code: 'ETA', name: 'Europa Terminal' },
    ],
  },
  NLRTM: {
    locode: 'NLRTM',
    name: 'Rotterdam',
    country: 'NL',
    terminals: [
      { code: 'ECTD', name: 'ECT Delta' },
      { code: 'EMX', name: 'ECT Euromax' },
      { code: 'APMT2', name: 'APM Terminals Maasvlakte II' },
      { code: 'RWG', name: 'Rotterdam World Gateway' },
      { code: 'UNI', name: 'Uniport' },
    ],
  },
};

const c = (
  hsCode: string,
  description: string,
  packageType: string,
  packagesPer40: number,
  kgPerPackage: number,
  reefer: boolean,
  absorbent = false,
): Commodity => ({ hsCode, description, packageType, packagesPer40, kgPerPackage, reefer, absorbent });

export const BANANAS = c('080390', 'FRESH BANANAS', 'CT', 1080, 18.14, true);
const PINEAPPLES = c('080430', 'FRESH PINEAPPLES', 'CT', 1540, 12, true);
const AVOCADOS = c('080440', 'FRESH AVOCADOS HASS', 'CT', 5280, 4, true);
const MANGOES = c('080450', 'FRESH MANGOES', 'CT', 4800, 4, true);
const FRUIT_NEC = c('081090', 'FRESH PASSION FRUIT AND PITAHAYA', 'CT', 4000, 4.5, true);
const TUNA = c('030342', 'FROZEN YELLOWFIN TUNA', 'CT', 1200, 20, true);
const FISH_NEC = c('030389', 'FROZEN FISH MAHI MAHI', 'CT', 1300, 20, true);
const BEEF = c('020230', 'FROZEN BONELESS BEEF CUTS', 'CT', 1100, 24, true);
const ORANGE_JUICE = c('200911', 'FROZEN CONCENTRATED ORANGE JUICE', 'PX', 20, 1300, true, true);
const FRUIT_PULP = c('200989', 'FROZEN FRUIT PULP', 'PX', 20, 1100, true, true);
const MEAT_CHILLED = c('020130', 'CHILLED BONELESS BEEF', 'CT', 1000, 22, true);
const COFFEE = c('090111', 'GREEN COFFEE BEANS NOT ROASTED', 'BG', 640, 69, false);
const COCOA = c('180100', 'RAW COCOA BEANS', 'BG', 500, 62.5, false);
const SUGAR = c('170199', 'CANE SUGAR', 'BG', 540, 50, false);
const HIDES = c('410150', 'WET SALTED BOVINE HIDES', 'PX', 20, 1000, false, true);
const MANIOC = c('071410', 'FROZEN MANIOC YUCCA', 'CT', 1300, 18, true);
const PALM_OIL = c('151110', 'CRUDE PALM OIL IN FLEXITANK', 'UN', 1, 21000, false, true);
const FURNITURE = c('940360', 'WOODEN FURNITURE', 'PK', 260, 35, false);
const FURNITURE_METAL = c('940320', 'METAL FURNITURE', 'PK', 300, 25, false);
const SEATS = c('940161', 'UPHOLSTERED SEATS WITH WOODEN FRAMES', 'PK', 180, 30, false);
const MACHINERY = c('847989', 'INDUSTRIAL MACHINERY PARTS', 'CS', 30, 450, false);
const ROBOTS = c('847950', 'INDUSTRIAL ROBOTS', 'CS', 12, 900, false);
const PLASTICS = c('392690', 'PLASTIC ARTICLES HOUSEHOLD', 'CT', 1400, 6, false, true);
const PLASTIC_CRATES = c('392310', 'PLASTIC CRATES AND BOXES', 'PK', 600, 12, false);
const TELEVISIONS = c('852872', 'LCD TELEVISION SETS', 'CT', 900, 11, false);
const FOOTWEAR = c('640299', 'RUBBER FOOTWEAR', 'CT', 1100, 8, false);
const KNITWEAR = c('611020', 'COTTON KNITTED PULLOVERS', 'CT', 1300, 7, false);
const PRINTERS = c('844331', 'MULTIFUNCTION PRINTERS', 'CT', 700, 14, false);
const COSMETICS = c('330499', 'SKIN CARE PREPARATIONS', 'CT', 1600, 6, false, true);
const CARS = c('870323', 'USED PASSENGER CARS', 'UN', 3, 1500, false);
const SPIRITS = c('220890', 'SPIRITS AND LIQUEURS', 'CS', 1500, 13, false, true);
const FOOD_PREP = c('210690', 'FOOD PREPARATIONS NES', 'CT', 1500, 12, false, true);
const APPLES = c('080810', 'FRESH APPLES', 'CT', 1200, 18, true);

const LATAM_CARRIERS = ['MSK', 'MSC', 'CMA', 'HLC', 'HSD', 'COS', 'ONE'] as const;

export const LANES: readonly Lane[] = [
  // High-risk origins: cocaine-producing countries and their export hubs (FACTS.md §2.4).
  { origin: 'ECGYE', name: 'Guayaquil', country: 'EC', risk: 'high', share: 0.22, callsPerWeek: 4, carriers: LATAM_CARRIERS,
    commodities: [BANANAS, BANANAS, BANANAS, TUNA, FISH_NEC, COCOA, HIDES, FRUIT_PULP], previousPorts: ['PECLL', 'COBUN'] },
  { origin: 'ECPBO', name: 'Puerto Bolívar', country: 'EC', risk: 'high', share: 0.06, callsPerWeek: 1, carriers: ['MSC', 'MSK', 'CMA'],
    commodities: [BANANAS, BANANAS, FRUIT_NEC, COCOA], previousPorts: ['PECLL'] },
  { origin: 'COCTG', name: 'Cartagena', country: 'CO', risk: 'high', share: 0.12, callsPerWeek: 3, carriers: LATAM_CARRIERS,
    commodities: [COFFEE, COFFEE, BANANAS, FRUIT_NEC, PLASTICS, FOOD_PREP], previousPorts: ['PAMIT', 'COSMR'] },
  { origin: 'COTRB', name: 'Turbo', country: 'CO', risk: 'high', share: 0.05, callsPerWeek: 1, carriers: ['MSK', 'HLC', 'SML'],
    commodities: [BANANAS, BANANAS, FRUIT_PULP, FOOD_PREP], previousPorts: ['COCTG'] },
  { origin: 'COSMR', name: 'Santa Marta', country: 'CO', risk: 'high', share: 0.05, callsPerWeek: 1, carriers: ['MSK', 'HLC', 'CMA'],
    commodities: [BANANAS, BANANAS, COFFEE, PALM_OIL], previousPorts: ['COCTG'] },
  { origin: 'COBUN', name: 'Buenaventura', country: 'CO', risk: 'high', share: 0.05, callsPerWeek: 1, carriers: ['MSK', 'MSC', 'HLC'],
    commodities: [COFFEE, COFFEE, SUGAR, FRUIT_NEC], previousPorts: ['PABLB'] },
  { origin: 'BRSSZ', name: 'Santos', country: 'BR', risk: 'high', share: 0.15, callsPerWeek: 4, carriers: LATAM_CARRIERS,
    commodities: [COFFEE, BEEF, MEAT_CHILLED, ORANGE_JUICE, SUGAR, MANGOES, FURNITURE], previousPorts: ['BRPNG'] },
  { origin: 'BRPNG', name: 'Paranaguá', country: 'BR', risk: 'high', share: 0.07, callsPerWeek: 2, carriers: ['MSK', 'MSC', 'HSD', 'CMA'],
    commodities: [BEEF, MEAT_CHILLED, SUGAR, FURNITURE, COFFEE], previousPorts: ['BRSSZ'] },
  { origin: 'PAMIT', name: 'Manzanillo (Panama)', country: 'PA', risk: 'high', share: 0.06, callsPerWeek: 2, carriers: ['MSC', 'MSK', 'CMA', 'EMC'],
    commodities: [BANANAS, FRUIT_NEC, PLASTICS, FOOD_PREP, SPIRITS], previousPorts: ['COCTG'] },
  { origin: 'PABLB', name: 'Balboa', country: 'PA', risk: 'high', share: 0.03, callsPerWeek: 1, carriers: ['MSK', 'MSC'],
    commodities: [BANANAS, FISH_NEC, FOOD_PREP], previousPorts: ['PECLL'] },
  { origin: 'CRMOB', name: 'Moín', country: 'CR', risk: 'high', share: 0.07, callsPerWeek: 2, carriers: ['MSK', 'MSC', 'SML', 'HLC'],
    commodities: [PINEAPPLES, PINEAPPLES, BANANAS, MANIOC, FRUIT_PULP, COFFEE, FOOD_PREP], previousPorts: ['PAMIT'] },
  { origin: 'PECLL', name: 'Callao', country: 'PE', risk: 'high', share: 0.03, callsPerWeek: 1, carriers: ['MSK', 'HLC', 'MSC'],
    commodities: [AVOCADOS, MANGOES, FISH_NEC, COFFEE], previousPorts: ['PABLB'] },
  { origin: 'DOCAU', name: 'Caucedo', country: 'DO', risk: 'high', share: 0.03, callsPerWeek: 1, carriers: ['CMA', 'MSC', 'ZIM'],
    commodities: [BANANAS, SPIRITS, FOOD_PREP], previousPorts: ['PAMIT'] },
  { origin: 'SRPBM', name: 'Paramaribo', country: 'SR', risk: 'high', share: 0.01, callsPerWeek: 1, carriers: ['CMA', 'SML'],
    commodities: [FRUIT_NEC, FISH_NEC, FOOD_PREP], previousPorts: ['DOCAU'] },
  // Ordinary lanes. Shanghai and Ningbo use CNSHG "Shanghai Pt" and CNNBG "Ningbo Pt": in the
  // shipped UN/LOCODE list CNSHA and CNNGB are the airports (function 4 only).
  { origin: 'CNSHG', name: 'Shanghai', country: 'CN', risk: 'ordinary', share: 0.26, callsPerWeek: 6,
    carriers: ['MSC', 'MSK', 'CMA', 'COS', 'EMC', 'ONE', 'HMM', 'YML', 'HLC', 'OOL'],
    commodities: [FURNITURE, FURNITURE_METAL, SEATS, MACHINERY, PLASTICS, TELEVISIONS, FOOTWEAR, KNITWEAR, PRINTERS], previousPorts: ['CNNBG', 'SGSIN'] },
  { origin: 'CNNBG', name: 'Ningbo', country: 'CN', risk: 'ordinary', share: 0.17, callsPerWeek: 5,
    carriers: ['MSC', 'MSK', 'CMA', 'COS', 'EMC', 'ONE', 'HMM', 'OOL'],
    commodities: [FURNITURE, PLASTICS, PLASTIC_CRATES, MACHINERY, ROBOTS, FOOTWEAR], previousPorts: ['CNSHG', 'SGSIN'] },
  { origin: 'SGSIN', name: 'Singapore', country: 'SG', risk: 'ordinary', share: 0.12, callsPerWeek: 4,
    carriers: ['MSC', 'MSK', 'CMA', 'ONE', 'HLC', 'EMC'],
    commodities: [MACHINERY, PLASTICS, COSMETICS, FOOD_PREP, PALM_OIL], previousPorts: ['INNSA'] },
  { origin: 'INNSA', name: 'Nhava Sheva', country: 'IN', risk: 'ordinary', share: 0.08, callsPerWeek: 3,
    carriers: ['MSC', 'MSK', 'CMA', 'HLC'], commodities: [KNITWEAR, MACHINERY, PLASTICS, FOOD_PREP], previousPorts: ['SGSIN'] },
  { origin: 'USNYC', name: 'New York', country: 'US', risk: 'ordinary', share: 0.1, callsPerWeek: 4,
    carriers: ['MSC', 'MSK', 'HLC', 'ZIM', 'CMA'], commodities: [CARS, MACHINERY, FOOD_PREP, APPLES, SPIRITS], previousPorts: [] },
  { origin: 'TRAMR', name: 'Ambarli', country: 'TR', risk: 'ordinary', share: 0.07, callsPerWeek: 3,
    carriers: ['MSC', 'CMA', 'ZIM', 'MSK'], commodities: [KNITWEAR, FURNITURE, FOOD_PREP, PLASTICS, APPLES], previousPorts: [] },
  // Transshipment hubs: also carry part of the high-risk flow routed through them (calibration.ts).
  { origin: 'ESALG', name: 'Algeciras', country: 'ES', risk: 'hub', share: 0.1, callsPerWeek: 7,
    carriers: ['MSK', 'HLC', 'MSC'], commodities: [FOOD_PREP, PLASTICS, MACHINERY, FURNITURE, APPLES], previousPorts: [] },
  { origin: 'MAPTM', name: 'Tanger Med', country: 'MA', risk: 'hub', share: 0.1, callsPerWeek: 7,
    carriers: ['CMA', 'MSC', 'MSK'], commodities: [FOOD_PREP, KNITWEAR, PLASTICS, MACHINERY], previousPorts: [] },
];

/** Carrier SMDG codes (smdg-liner-codes.json), the vessel name prefix and the owner prefixes of their boxes. */
export interface Carrier {
  code: string;
  name: string;
  vesselPrefix: string;
  ownerCodes: readonly string[];
  reeferOwnerCodes: readonly string[];
}

export const CARRIERS: Readonly<Record<string, Carrier>> = {
  MSK: { code: 'MSK', name: 'Maersk', vesselPrefix: 'MAERSK', ownerCodes: ['MSKU', 'MRKU', 'TCLU', 'TGHU'], reeferOwnerCodes: ['MNBU', 'MWCU'] },
  MSC: { code: 'MSC', name: 'Mediterranean Shipping Company', vesselPrefix: 'MSC', ownerCodes: ['MSCU', 'MEDU', 'TRHU', 'SEGU'], reeferOwnerCodes: ['MSDU', 'CXRU'] },
  CMA: { code: 'CMA', name: 'CMA CGM', vesselPrefix: 'CMA CGM', ownerCodes: ['CMAU', 'CGMU', 'TCNU', 'GESU'], reeferOwnerCodes: ['CGMU', 'TTNU'] },
  HLC: { code: 'HLC', name: 'Hapag-Lloyd', vesselPrefix: '', ownerCodes: ['HLXU', 'HLBU', 'FANU'], reeferOwnerCodes: ['HLXU', 'TRIU'] },
  HSD: { code: 'HSD', name: 'Hamburg Sud', vesselPrefix: 'CAP', ownerCodes: ['SUDU', 'TEMU'], reeferOwnerCodes: ['SUDU'] },
  COS: { code: 'COS', name: 'COSCO Shipping Lines', vesselPrefix: 'COSCO SHIPPING', ownerCodes: ['CBHU', 'CSNU', 'FCIU'], reeferOwnerCodes: ['CXRU'] },
  EMC: { code: 'EMC', name: 'Evergreen Marine', vesselPrefix: 'EVER', ownerCodes: ['EGHU', 'EMCU', 'EISU'], reeferOwnerCodes: ['EMCU'] },
  ONE: { code: 'ONE', name: 'Ocean Network Express', vesselPrefix: 'ONE', ownerCodes: ['ONEU', 'NYKU', 'TLLU'], reeferOwnerCodes: ['ONEU'] },
  HMM: { code: 'HMM', name: 'HMM', vesselPrefix: 'HMM', ownerCodes: ['HDMU', 'KOCU'], reeferOwnerCodes: ['HDMU'] },
  YML: { code: 'YML', name: 'Yang Ming', vesselPrefix: 'YM', ownerCodes: ['YMLU', 'YMMU'], reeferOwnerCodes: ['YMLU'] },
  OOL: { code: 'OOL', name: 'OOCL', vesselPrefix: 'OOCL', ownerCodes: ['OOLU', 'OOCU'], reeferOwnerCodes: ['OOLU'] },
  ZIM: { code: 'ZIM', name: 'ZIM', vesselPrefix: 'ZIM', ownerCodes: ['ZIMU', 'ZCSU'], reeferOwnerCodes: ['ZIMU'] },
  SML: { code: 'SML', name: 'Seaboard Marine', vesselPrefix: 'SEABOARD', ownerCodes: ['SMLU', 'CAIU'], reeferOwnerCodes: ['SMLU'] },
};

export interface SizeTypeProfile {
  code: string;
  teu: number;
  tareKg: number;
  reefer: boolean;
}

/** ISO 6346:1995 size-types with typical tare masses (carrier equipment guides). */
export const SIZE_TYPES: Readonly<Record<string, SizeTypeProfile>> = {
  '22G1': { code: '22G1', teu: 1, tareKg: 2230, reefer: false },
  '42G1': { code: '42G1', teu: 2, tareKg: 3750, reefer: false },
  '45G1': { code: '45G1', teu: 2, tareKg: 3900, reefer: false },
  '45R1': { code: '45R1', teu: 2, tareKg: 4800, reefer: true },
  '22R1': { code: '22R1', teu: 1, tareKg: 3050, reefer: true },
};

/** All UN/LOCODEs the world uses, for the code-list test. */
export function worldLocodes(): string[] {
  const codes = new Set<string>(Object.keys(PORTS));
  for (const lane of LANES) {
    codes.add(lane.origin);
    for (const p of lane.previousPorts) codes.add(p);
  }
  return [...codes].sort();
}

/** All HS codes the world uses. */
export function worldHsCodes(): string[] {
  return [...new Set(LANES.flatMap((l) => l.commodities.map((k) => k.hsCode)))].sort();
}
