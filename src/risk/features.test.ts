import { describe, expect, it } from 'vitest';
import { DESCRIPTION_KEYWORDS, describeContribution, FEATURES, featureVector } from './features.ts';
import type { ContainerView } from './view.ts';

const view: ContainerView = {
  containerNumber: 'MSCU0000013',
  consignmentId: 1,
  containerId: 1,
  portLocode: 'BEANR',
  transportDocumentNumber: 'MEDU00000001',
  knownAt: '2022-02-27T00:00:00.000Z',
  origin: { country: 'EC', placeOfLoading: 'ECGYE', placeOfLoadingCountry: 'EC' },
  route: { transshipmentPorts: ['PAMIT'], previousPorts: [], transshipped: true },
  goods: {
    hsCodes: ['080390', '090111'],
    hsChapters: ['08', '09'],
    hsHeadings: ['0803', '0901'],
    descriptions: ['FRESH BANANAS', 'SAID TO CONTAIN VARIOUS COFFEE SAMPLES'],
    massPerPackageKg: 25,
    massPerPackageRatioToUsual: 1.3,
  },
  container: { reefer: true },
  consignee: {
    partyId: 4,
    name: 'Nieuwe Fruit BV',
    firstSeenAt: '2022-02-20T00:00:00.000Z',
    daysKnown: 9,
    shipments: 1,
    priorInspections: 0,
    priorHits: 0,
    smoothedHitRate: 0.02,
  },
  consigneeToOrder: false,
  vessel: {},
  anomalies: { sealChanged: true, sealsManifest: ['A'], sealsSeen: ['B'] },
  intelligence: { matches: 0, alerts: [] },
  asOf: '2022-03-01T00:00:00.000Z',
};

describe('featureVector', () => {
  const byName = Object.fromEntries(FEATURES.map((f, i) => [f.name, featureVector(view)[i]]));

  it('computes each feature from the view, null where a fact is absent', () => {
    expect(byName).toMatchObject({
      origin_country: 'EC',
      loading_port: 'ECGYE',
      lane: 'ECGYE>BEANR',
      hs_chapter: '08',
      hs_heading: '0803',
      reefer: 1,
      consignee_to_order: 0,
      transshipped: 1,
      transshipment_ports: 1,
      mass_per_package_ratio: 1.3,
      seal_changed: 1,
      intelligence_matches: 0,
      consignee_days_known: 9,
      consignee_shipments: 1,
      shipper_days_known: null,
      forwarder: null,
      kw_bananas: 1,
      kw_coffee: 1,
      kw_said_to_contain: 1,
      kw_vague: 1,
      kw_pineapples: 0,
    });
  });

  it('has one value per feature and one feature per keyword', () => {
    expect(featureVector(view)).toHaveLength(FEATURES.length);
    expect(FEATURES.filter((f) => f.name.startsWith('kw_'))).toHaveLength(DESCRIPTION_KEYWORDS.length);
  });
});

describe('describeContribution', () => {
  it.each([
    ['origin_country', 'EC', 0.4, 'origin Ecuador (EC) raises the risk'],
    ['consignee_days_known', 9, 0.2, 'consignee known for 9 days raises the risk'],
    ['seal_changed', 0, -0.3, 'seal as on the manifest lowers the risk'],
    ['kw_bananas', 1, 0.005, 'description mentions bananas changes the risk little'],
    ['mass_per_package_ratio', 1.3456, 0.1, 'mass per package 1.35× the usual for the goods raises the risk'],
    ['hs_heading', null, 0.1, 'HS heading unknown raises the risk'],
  ])('%s = %j, %d → %s', (name, value, contribution, text) => {
    expect(describeContribution(name, value, contribution)).toBe(text);
  });
});
