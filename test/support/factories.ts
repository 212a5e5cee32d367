/**
 * Small factories for valid records, for tests that need realistic input without a sample file.
 * Numbers are made valid with the real check-digit rules, so the validator accepts them.
 */
import { containerCheckDigit, imoCheckDigit } from '../../src/domain/index.ts';
import type { ConsignmentRecord, ContainerEventRecord, PortCallRecord } from '../../src/ingest/records.ts';

/** The n-th valid container number of owner MSCU (or another owner code). */
export function containerNumber(n: number, owner = 'MSCU'): string {
  const body = `${owner}${String(n % 1_000_000).padStart(6, '0')}`;
  return `${body}${containerCheckDigit(body)}`;
}

export function imoNumber(n: number): string {
  const body = String(900_000 + (n % 100_000)).padStart(6, '0');
  return `${body}${imoCheckDigit(body)}`;
}

export function newPortCall(overrides: Partial<PortCallRecord> = {}): PortCallRecord {
  return {
    vesselImo: imoNumber(1),
    vesselName: 'MSC TESTING',
    voyage: 'V001',
    carrierCode: 'MSC',
    portLocode: 'BEANR',
    eta: '2022-01-03T06:00:00Z',
    previousPorts: ['ECGYE', 'COCTG'],
    ...overrides,
  };
}

export function newConsignment(n: number, overrides: Partial<ConsignmentRecord> = {}): ConsignmentRecord {
  const container = containerNumber(n);
  return {
    transportDocumentNumber: `MEDU${String(n).padStart(8, '0')}`,
    portCall: newPortCall(),
    shipper: { name: 'Bananera del Pacifico S.A.', country: 'EC', identifiers: {} },
    consignee: { name: 'Fruit Import Antwerpen NV', country: 'BE', city: 'Antwerpen', identifiers: {} },
    consigneeToOrder: false,
    originCountry: 'EC',
    placeOfLoading: 'ECGYE',
    placeOfDischarge: 'BEANR',
    transshipmentPorts: [],
    totalPackages: 1080,
    grossMassKg: 21_000,
    goods: [
      {
        lineNumber: 1,
        hsCode: '080390',
        description: 'FRESH BANANAS',
        packages: 1080,
        packageType: 'CT',
        grossMassKg: 21_000,
        containerNumbers: [container],
      },
    ],
    containers: [
      { containerNumber: container, sizeType: '45R1', seals: [`EC${100000 + n}`], fullEmpty: 'full' },
    ],
    ...overrides,
  };
}

export function newContainerEvent(
  n: number,
  overrides: Partial<ContainerEventRecord> = {},
): ContainerEventRecord {
  return {
    containerNumber: containerNumber(n),
    eventType: 'discharged',
    occurredAt: '2022-01-03T10:00:00Z',
    placeLocode: 'BEANR',
    placeDetail: 'K1742',
    seals: [`EC${100000 + n}`],
    fullEmpty: 'full',
    details: {},
    ...overrides,
  };
}

/** JSON Lines text of the given records, in the JSON ingest format. */
export function jsonLines(
  records: (
    | ({ type: 'consignment' } & ConsignmentRecord)
    | ({ type: 'container_event' } & ContainerEventRecord)
    | ({ type: 'port_call' } & PortCallRecord)
  )[],
): string {
  return `${records.map((r) => JSON.stringify(r)).join('\n')}\n`;
}
