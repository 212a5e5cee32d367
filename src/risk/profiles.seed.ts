/**
 * Default risk profiles, a starting point for analysts (`tandem profile seed`). The high-risk
 * origins are the South American and Caribbean countries from which most cocaine seized in
 * Antwerp and Rotterdam was shipped (EMCDDA/Europol, EU Drug Markets: Cocaine, 2022).
 */
import type { NewProfile } from './profiles.service.ts';

export const HIGH_RISK_ORIGINS = [
  'EC',
  'CO',
  'PE',
  'BO',
  'BR',
  'PY',
  'PA',
  'CR',
  'DO',
  'GY',
  'SR',
  'VE',
] as const;

const origins = `[${HIGH_RISK_ORIGINS.map((c) => `'${c}'`).join(', ')}]`;
const owner = 'tandem defaults';

export const DEFAULT_PROFILES: readonly NewProfile[] = [
  {
    name: 'High-risk origin reefer, new consignee',
    description:
      'Fresh produce in reefers from a high-risk origin to a consignee first seen less than 90 days ago.',
    owner,
    expression: `origin.country in ${origins} && container.reefer && has(consignee.daysKnown) && consignee.daysKnown < 90`,
    weight: 40,
    action: 'score',
  },
  {
    name: 'TO ORDER from a high-risk origin',
    description: 'The buyer is not named ("to order") on a consignment from a high-risk origin.',
    owner,
    expression: `consigneeToOrder && origin.country in ${origins}`,
    weight: 30,
    action: 'score',
  },
  {
    name: 'Seal changed since the manifest',
    description:
      'A container event showed a seal that is not on the manifest (rip-on/rip-off indicator). Always selected.',
    owner,
    expression: 'anomalies.sealChanged',
    weight: 0,
    action: 'select',
  },
  {
    name: 'Heavier packages than usual',
    description: 'Gross mass per package at least 25 % above the median for the HS heading.',
    owner,
    expression: 'has(goods.massPerPackageRatioToUsual) && goods.massPerPackageRatioToUsual >= 1.25',
    weight: 20,
    action: 'score',
  },
  {
    name: 'New forwarder loading in a high-risk country',
    description:
      'A freight forwarder first seen less than 30 days ago, with goods loaded in a high-risk country.',
    owner,
    expression: `has(forwarder.daysKnown) && forwarder.daysKnown < 30 && origin.placeOfLoadingCountry in ${origins}`,
    weight: 15,
    action: 'score',
  },
  {
    name: 'Party with earlier findings',
    description: 'The shipper or consignee had an earlier inspection that found something.',
    owner,
    expression:
      '(has(shipper.priorHits) && shipper.priorHits > 0) || (has(consignee.priorHits) && consignee.priorHits > 0)',
    weight: 50,
    action: 'score',
  },
];
