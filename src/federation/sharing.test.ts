import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Tlp } from '../intel/alert.ts';
import { decideSharing, objectTypeSchema, type PartnerPolicy, type ShareableObject } from './sharing.ts';

const open: PartnerPolicy = {
  allow: ['alert'],
  tlpMax: 'AMBER',
  personalData: true,
  fourEyes: false,
  shareStatistics: false,
};
const obj = (tlp: Tlp, extra: Partial<ShareableObject> = {}): ShareableObject => ({
  type: 'alert',
  tlp,
  recipients: [],
  personalDataFields: [],
  ...extra,
});

describe('decideSharing', () => {
  const cases: [string, ShareableObject, PartnerPolicy, { share: boolean; reason: string }][] = [
    ['CLEAR under an open policy', obj('CLEAR'), open, { share: true, reason: 'allowed' }],
    ['GREEN under an open policy', obj('GREEN'), open, { share: true, reason: 'allowed' }],
    ['AMBER up to AMBER', obj('AMBER'), open, { share: true, reason: 'allowed' }],
    [
      'AMBER above GREEN max',
      obj('AMBER'),
      { ...open, tlpMax: 'GREEN' },
      { share: false, reason: 'above_tlp_max' },
    ],
    [
      'GREEN when alerts are not allowed',
      obj('GREEN'),
      { ...open, allow: [] },
      { share: false, reason: 'type_not_allowed' },
    ],
    [
      'AMBER+STRICT even with max AMBER+STRICT',
      obj('AMBER+STRICT'),
      { ...open, tlpMax: 'AMBER+STRICT' },
      { share: false, reason: 'amber_strict_stays_inside' },
    ],
    [
      'RED to a partner not named',
      obj('RED', { recipients: ['DE-ZOLL'] }),
      open,
      { share: false, reason: 'red_not_named' },
    ],
    [
      'RED to a named partner',
      obj('RED', { recipients: ['NL-CUSTOMS'] }),
      { ...open, tlpMax: 'CLEAR' },
      { share: true, reason: 'named_recipient' },
    ],
    [
      'RED to a named partner that does not take alerts',
      obj('RED', { recipients: ['NL-CUSTOMS'] }),
      { ...open, allow: [] },
      { share: false, reason: 'type_not_allowed' },
    ],
  ];
  it.each(cases)('%s', (_name, object, policy, expected) => {
    const decision = decideSharing(object, policy, 'NL-CUSTOMS');
    expect({ share: decision.share, reason: decision.reason }).toEqual(expected);
  });

  it('removes personal data unless the agreement allows it', () => {
    const withParties = obj('GREEN', { personalDataFields: ['identifiers.parties'] });
    expect(decideSharing(withParties, { ...open, personalData: false }, 'NL-CUSTOMS').redactions).toEqual([
      'identifiers.parties',
    ]);
    expect(decideSharing(withParties, open, 'NL-CUSTOMS').redactions).toEqual([]);
  });

  it('asks for approval when the policy wants four eyes', () => {
    expect(decideSharing(obj('GREEN'), { ...open, fourEyes: true }, 'NL-CUSTOMS').needsApproval).toBe(true);
    expect(decideSharing(obj('GREEN'), open, 'NL-CUSTOMS').needsApproval).toBe(false);
  });

  it.each(objectTypeSchema.options.filter((t) => t !== 'alert'))(
    'shares a %s only when the policy allows that object type',
    (type) => {
      const object = { ...obj('GREEN'), type };
      expect(decideSharing(object, open, 'NL-CUSTOMS')).toMatchObject({
        share: false,
        reason: 'type_not_allowed',
      });
      expect(decideSharing(object, { ...open, allow: [type] }, 'NL-CUSTOMS').share).toBe(true);
      expect(decideSharing({ ...object, tlp: 'RED' }, { ...open, allow: [type] }, 'NL-CUSTOMS').share).toBe(
        false,
      );
    },
  );

  it('never shares a TLP:RED object with a partner that is not a named recipient', () => {
    const code = fc.constantFrom('NL-CUSTOMS', 'BE-CUSTOMS', 'DE-ZOLL', 'FR-DOUANE');
    const policy = fc.record({
      allow: fc.subarray([...objectTypeSchema.options]),
      tlpMax: fc.constantFrom('CLEAR' as const, 'GREEN' as const, 'AMBER' as const, 'AMBER+STRICT' as const),
      personalData: fc.boolean(),
      fourEyes: fc.boolean(),
    });
    const object = fc.record({
      // Every object type that travels under the policy: alerts, MO reports, feedback, joint operations.
      type: fc.constantFrom(...objectTypeSchema.options),
      tlp: fc.constantFrom<Tlp>('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'),
      recipients: fc.uniqueArray(code, { maxLength: 3 }),
      personalDataFields: fc.subarray(['identifiers.parties']),
    });
    fc.assert(
      fc.property(object, policy, code, (o, p, partner) => {
        const d = decideSharing(o, p, partner);
        if (o.tlp === 'RED' && !o.recipients.includes(partner)) return !d.share;
        if (o.tlp === 'AMBER+STRICT') return !d.share;
        if (!p.allow.includes(o.type)) return !d.share;
        return true;
      }),
      { numRuns: 2000 },
    );
  });
});
