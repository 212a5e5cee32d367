/**
 * The analyst profiles the lift bench runs with. They use only public knowledge of cocaine
 * routes (UNODC World Drug Report; EMCDDA–Europol EU Drug Markets: Cocaine, 2022): source and
 * transit countries in Latin America, reefers of fruit as cover loads, "to order" bills and
 * seals replaced on the way (rip-on/rip-off). None of them reads the simulator's ground truth.
 *
 * They are written as plain predicates over the risk view, with the CEL expression each stands
 * for in the comment, until the bench loads real CEL profiles from src/risk/profiles.*.
 */
import { fixedProfileEvaluator } from '../../src/risk/assessment.profiles.ts';
import type { ContainerView } from '../../src/risk/view.ts';

const SOURCE_COUNTRIES = new Set(['EC', 'CO', 'PE', 'BO', 'BR', 'PA', 'CR', 'VE', 'GY', 'SR', 'DO']);

const fromSource = (v: ContainerView): boolean =>
  SOURCE_COUNTRIES.has(v.origin.country ?? '') || SOURCE_COUNTRIES.has(v.origin.placeOfLoadingCountry ?? '');

export const benchProfiles = fixedProfileEvaluator([
  // origin.country in SOURCE || origin.placeOfLoadingCountry in SOURCE
  {
    profileId: 101,
    version: 1,
    name: 'Latin American source or transit country',
    weight: 10,
    action: 'score',
    test: fromSource,
  },
  // ... && container.reefer
  {
    profileId: 102,
    version: 1,
    name: 'Reefer from a source country',
    weight: 15,
    action: 'score',
    test: (v) => fromSource(v) && v.container.reefer,
  },
  // ... && consigneeToOrder
  {
    profileId: 103,
    version: 1,
    name: '"To order" bill from a source country',
    weight: 15,
    action: 'score',
    test: (v) => fromSource(v) && v.consigneeToOrder,
  },
  // ... && consignee.daysKnown < 60
  {
    profileId: 104,
    version: 1,
    name: 'Recently appeared consignee on a source lane',
    weight: 10,
    action: 'score',
    test: (v) => fromSource(v) && v.consignee !== undefined && v.consignee.daysKnown < 60,
  },
  // anomalies.sealChanged
  {
    profileId: 105,
    version: 1,
    name: 'Seal changed since the manifest',
    weight: 0,
    action: 'select',
    test: (v) => v.anomalies.sealChanged,
  },
]);
