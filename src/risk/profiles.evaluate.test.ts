import { describe, expect, it } from 'vitest';
import { evaluateProfiles, type ProfileRule } from './profiles.evaluate.ts';
import { DEFAULT_PROFILES } from './profiles.seed.ts';
import type { ContainerView, PartyView } from './view.ts';

const asOf = '2022-03-01T00:00:00.000Z';

function party(overrides: Partial<PartyView> = {}): PartyView {
  return {
    partyId: 1,
    name: 'Fruit Import Antwerpen NV',
    country: 'BE',
    firstSeenAt: '2021-01-01T00:00:00.000Z',
    daysKnown: 424,
    shipments: 40,
    priorInspections: 3,
    priorHits: 0,
    smoothedHitRate: 1 / 53,
    ...overrides,
  };
}

function view(overrides: Partial<ContainerView> = {}): ContainerView {
  return {
    containerNumber: 'MSCU0000013',
    consignmentId: 1,
    containerId: 1,
    portLocode: 'BEANR',
    transportDocumentNumber: 'MEDU00000001',
    knownAt: '2022-02-27T00:00:00.000Z',
    origin: { country: 'EC', placeOfLoading: 'ECGYE', placeOfLoadingCountry: 'EC' },
    route: { transshipmentPorts: [], previousPorts: ['ECGYE'], transshipped: false },
    goods: {
      hsCodes: ['080390'],
      hsChapters: ['08'],
      hsHeadings: ['0803'],
      descriptions: ['FRESH BANANAS'],
      packages: 1080,
      grossMassKg: 21_000,
      massPerPackageKg: 19.4,
      massPerPackageRatioToUsual: 1,
    },
    container: { sizeType: '45R1', reefer: true, lengthFt: 40, fullEmpty: 'full' },
    shipper: party({ partyId: 2, name: 'Bananera del Pacifico S.A.', country: 'EC' }),
    consignee: party(),
    consigneeToOrder: false,
    vessel: { imo: '9000015', name: 'MSC TESTING', voyage: 'V001' },
    anomalies: { sealChanged: false, sealsManifest: ['EC100001'], sealsSeen: ['EC100001'] },
    intelligence: { matches: 0, alerts: [] },
    asOf,
    ...overrides,
  };
}

const defaults: ProfileRule[] = DEFAULT_PROFILES.map((p, i) => ({
  profileId: i + 1,
  version: 1,
  name: p.name,
  expression: p.expression,
  weight: p.weight,
  action: p.action ?? 'score',
  active: true,
  validFrom: null,
  validTo: null,
}));

const hitsOf = (v: ContainerView, rules = defaults, at = new Date(asOf)) =>
  evaluateProfiles([v], rules, at).results[0]?.hits.map((h) => h.name) ?? [];

describe('evaluateProfiles with the default profiles', () => {
  const cases: [string, ContainerView, string[]][] = [
    ['an established importer of Ecuadorian bananas', view(), []],
    [
      'a reefer from Ecuador to a consignee known 20 days',
      view({ consignee: party({ daysKnown: 20 }) }),
      ['High-risk origin reefer, new consignee'],
    ],
    [
      'the same to a new consignee from Costa Rica, dry box',
      view({
        origin: { country: 'CR', placeOfLoading: 'CRMOB', placeOfLoadingCountry: 'CR' },
        container: { reefer: false, sizeType: '45G1' },
        consignee: party({ daysKnown: 20 }),
      }),
      [],
    ],
    [
      'TO ORDER from Colombia (no consignee at all)',
      view({
        origin: { country: 'CO', placeOfLoading: 'COCTG', placeOfLoadingCountry: 'CO' },
        consigneeToOrder: true,
        consignee: undefined,
      }),
      ['TO ORDER from a high-risk origin'],
    ],
    ['TO ORDER from Germany', view({ origin: { country: 'DE' }, consigneeToOrder: true }), []],
    [
      'a seal changed since the manifest',
      view({ anomalies: { sealChanged: true, sealsManifest: ['EC1'], sealsSeen: ['ZZ9'] } }),
      ['Seal changed since the manifest'],
    ],
    [
      'packages 40 % heavier than usual',
      view({ goods: { ...view().goods, massPerPackageRatioToUsual: 1.4 } }),
      ['Heavier packages than usual'],
    ],
    ['no usual mass known', view({ goods: { ...view().goods, massPerPackageRatioToUsual: undefined } }), []],
    [
      'a new forwarder loading in Ecuador',
      view({ forwarder: party({ partyId: 9, name: 'Rapid BV', daysKnown: 3 }) }),
      ['New forwarder loading in a high-risk country'],
    ],
    [
      'a consignee with an earlier finding',
      view({ consignee: party({ priorHits: 1 }) }),
      ['Party with earlier findings'],
    ],
  ];
  it.each(cases)('%s', (_label, v, expected) => {
    expect(hitsOf(v)).toEqual(expected);
  });
});

describe('evaluateProfiles', () => {
  const rule = (overrides: Partial<ProfileRule>): ProfileRule => ({
    profileId: 1,
    version: 3,
    name: 'reefer',
    expression: 'container.reefer',
    weight: 10,
    action: 'score',
    active: true,
    validFrom: null,
    validTo: null,
    ...overrides,
  });

  it('applies only profiles that are active and valid at the moment', () => {
    const at = new Date('2022-03-01T00:00:00Z');
    const rules = [
      rule({ profileId: 1, name: 'always' }),
      rule({ profileId: 2, name: 'inactive', active: false }),
      rule({ profileId: 3, name: 'not yet', validFrom: new Date('2022-03-01T00:00:01Z') }),
      rule({ profileId: 4, name: 'expired', validTo: at }),
      rule({
        profileId: 5,
        name: 'window',
        validFrom: new Date('2022-02-01'),
        validTo: new Date('2022-04-01'),
      }),
    ];
    const r = evaluateProfiles([view()], rules, at);
    expect(r.results[0]?.hits.map((h) => h.name)).toEqual(['always', 'window']);
    expect(r.versions).toEqual({ '1': 3, '5': 3 });
  });

  it('reports an expression that errors on an absent fact, without a hit', () => {
    const r = evaluateProfiles(
      [view({ consignee: undefined })],
      [rule({ expression: 'consignee.daysKnown < 90' })],
      new Date(asOf),
    );
    expect(r.results[0]?.hits).toEqual([]);
    expect(r.results[0]?.errors).toEqual([
      { profileId: 1, version: 3, reason: expect.stringMatching(/daysKnown/) },
    ]);
  });

  it('returns the hit with its weight, action and version', () => {
    const r = evaluateProfiles([view()], [rule({ action: 'select', weight: 0 })], new Date(asOf));
    expect(r.results[0]?.hits).toEqual([
      { profileId: 1, version: 3, name: 'reefer', weight: 0, action: 'select' },
    ]);
  });

  it('evaluates ten thousand containers against six profiles in one pass', () => {
    const views = Array.from({ length: 10_000 }, (_, i) =>
      view({ containerId: i, consignee: party({ daysKnown: i % 200, priorHits: i % 97 === 0 ? 1 : 0 }) }),
    );
    const r = evaluateProfiles(views, defaults, new Date(asOf));
    expect(r.results).toHaveLength(10_000);
    expect(r.results.filter((x) => x.hits.length > 0).length).toBeGreaterThan(0);
  });
});
