/**
 * The two CSV layouts Tandem reads, recognised from the header row: container events (one row
 * per event) and consignment lines (one row per goods line, consecutive rows with the same
 * transport document number form one consignment). Each column says where its value goes in
 * the canonical record and how the text is read; docs/ingest-formats.md describes the same
 * columns for people.
 */

/** How a cell's text becomes a value. Unreadable text is passed on so the schema names it. */
export type CellKind =
  | 'text'
  | 'number'
  | 'integer'
  | 'list'
  | 'time'
  | 'boolean'
  | 'full_empty'
  | 'event_type';

export interface CsvColumn {
  name: string;
  /** Path in the record, `*` standing for the goods line or container index. */
  path: string;
  kind: CellKind;
  required?: boolean;
}

export type CsvLayoutName = 'container_events' | 'consignment_lines';

const column = (name: string, path: string, kind: CellKind = 'text', required = false): CsvColumn => ({
  name,
  path,
  kind,
  required,
});

export const containerEventColumns: readonly CsvColumn[] = [
  column('container_number', 'containerNumber', 'text', true),
  column('event_type', 'eventType', 'event_type', true),
  column('occurred_at', 'occurredAt', 'time'),
  column('place_locode', 'placeLocode'),
  column('place_detail', 'placeDetail'),
  column('size_type', 'sizeType'),
  column('seals', 'seals', 'list'),
  column('full_empty', 'fullEmpty', 'full_empty'),
  column('haulier', 'haulier'),
  column('vessel_imo', 'vesselImo'),
  column('vessel_name', 'vesselName'),
  column('voyage', 'voyage'),
  column('verified_gross_mass_kg', 'verifiedGrossMassKg', 'number'),
  column('status_code', 'statusCode'),
  column('port_of_loading', 'portOfLoading'),
  column('port_of_discharge', 'portOfDischarge'),
];

const partyColumns = (prefix: string, key: string): CsvColumn[] => [
  column(`${prefix}_name`, `${key}.name`),
  column(`${prefix}_street`, `${key}.street`),
  column(`${prefix}_city`, `${key}.city`),
  column(`${prefix}_postcode`, `${key}.postcode`),
  column(`${prefix}_country`, `${key}.country`),
  column(`${prefix}_eori`, `${key}.eori`),
];

/** Columns that describe the whole consignment: repeated on each of its rows. */
export const consignmentHeaderColumns: readonly CsvColumn[] = [
  column('transport_document_number', 'transportDocumentNumber', 'text', true),
  column('port_locode', 'portLocode'),
  column('vessel_imo', 'portCall.vesselImo'),
  column('vessel_name', 'portCall.vesselName'),
  column('call_sign', 'portCall.callSign'),
  column('voyage', 'portCall.voyage'),
  column('carrier_code', 'portCall.carrierCode'),
  column('eta', 'portCall.eta', 'time'),
  column('ata', 'portCall.ata', 'time'),
  column('etd', 'portCall.etd', 'time'),
  column('declared_at', 'declaredAt', 'time'),
  ...partyColumns('shipper', 'shipper'),
  ...partyColumns('consignee', 'consignee'),
  column('consignee_to_order', 'consigneeToOrder', 'boolean'),
  ...partyColumns('notify', 'notifyParty'),
  ...partyColumns('forwarder', 'forwarder'),
  column('origin_country', 'originCountry'),
  column('place_of_receipt', 'placeOfReceipt'),
  column('place_of_loading', 'placeOfLoading'),
  column('place_of_discharge', 'placeOfDischarge'),
  column('place_of_delivery', 'placeOfDelivery'),
  column('transshipment_ports', 'transshipmentPorts', 'list'),
  column('total_packages', 'totalPackages', 'integer'),
  column('total_gross_mass_kg', 'grossMassKg', 'number'),
];

/** Columns of one goods line and the container it is packed in. */
export const consignmentLineColumns: readonly CsvColumn[] = [
  column('line_number', 'goods.*.lineNumber', 'integer'),
  column('hs_code', 'goods.*.hsCode'),
  column('description', 'goods.*.description'),
  column('packages', 'goods.*.packages', 'integer'),
  column('package_type', 'goods.*.packageType'),
  column('gross_mass_kg', 'goods.*.grossMassKg', 'number'),
  column('net_mass_kg', 'goods.*.netMassKg', 'number'),
  column('goods_origin_country', 'goods.*.originCountry'),
  column('container_number', 'containers.*.containerNumber'),
  column('size_type', 'containers.*.sizeType'),
  column('seals', 'containers.*.seals', 'list'),
  column('full_empty', 'containers.*.fullEmpty', 'full_empty'),
  column('container_gross_mass_kg', 'containers.*.grossMassKg', 'number'),
];

export const layouts: Record<CsvLayoutName, readonly CsvColumn[]> = {
  container_events: containerEventColumns,
  consignment_lines: [...consignmentHeaderColumns, ...consignmentLineColumns],
};

/** Header cell as compared with column names: case, spaces and hyphens do not matter. */
export function normaliseHeader(cell: string): string {
  return cell
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

export type LayoutMatch =
  | { ok: true; layout: CsvLayoutName; unknownColumns: string[] }
  | { ok: false; reason: string; missing: string[] };

/**
 * Picks the layout from the header. A transport document number column means consignment
 * lines; an event type or container number column means container events.
 */
export function matchLayout(header: readonly string[]): LayoutMatch {
  const names = new Set(header.map(normaliseHeader));
  const layout: CsvLayoutName | undefined = names.has('transport_document_number')
    ? 'consignment_lines'
    : names.has('event_type') || names.has('container_number')
      ? 'container_events'
      : undefined;
  if (layout === undefined) {
    const missing = ['transport_document_number', 'container_number', 'event_type'];
    return {
      ok: false,
      missing,
      reason:
        'the header row matches no known CSV layout: a consignment-lines file needs the column transport_document_number, a container-events file needs container_number and event_type',
    };
  }
  const columns = layouts[layout];
  const missing = columns.filter((c) => c.required && !names.has(c.name)).map((c) => c.name);
  if (missing.length > 0) {
    return {
      ok: false,
      missing,
      reason: `the ${layout.replace('_', ' ')} layout needs the column(s) ${missing.join(', ')}, which the header row lacks`,
    };
  }
  const known = new Set(columns.map((c) => c.name));
  return { ok: true, layout, unknownColumns: [...names].filter((n) => n !== '' && !known.has(n)) };
}

/** True when a header line names at least two columns of a known layout (format sniffing). */
export function looksLikeKnownHeader(cells: readonly string[]): boolean {
  const known = new Set(Object.values(layouts).flatMap((cols) => cols.map((c) => c.name)));
  return cells.filter((c) => known.has(normaliseHeader(c))).length >= 2;
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const TRUE = new Set(['true', 'yes', 'y', '1']);
const FALSE = new Set(['false', 'no', 'n', '0']);

/**
 * The value of one cell, or undefined for an empty cell. Text that does not fit the kind is
 * returned as text, so that the record schema rejects it and names the column and value.
 */
export function readCell(kind: CellKind, raw: string): unknown {
  const text = raw.trim();
  if (text === '') return undefined;
  switch (kind) {
    case 'text':
    case 'time':
      return text;
    case 'number':
    case 'integer': {
      // A decimal comma (common in semicolon-separated files) is read as a point.
      const candidate = !text.includes('.') && /^[^,]*,[^,]*$/.test(text) ? text.replace(',', '.') : text;
      return NUMBER.test(candidate) ? Number(candidate) : text;
    }
    case 'list':
      return text
        .split('|')
        .map((s) => s.trim())
        .filter((s) => s !== '');
    case 'boolean': {
      const lower = text.toLowerCase();
      return TRUE.has(lower) ? true : FALSE.has(lower) ? false : text;
    }
    case 'full_empty': {
      const lower = text.toLowerCase();
      if (lower === 'full' || lower === 'f' || lower === '5') return 'full';
      if (lower === 'empty' || lower === 'e' || lower === '4') return 'empty';
      return text;
    }
    case 'event_type':
      return text.toLowerCase().replace(/[\s-]+/g, '_');
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sets `value` at a dotted path (no `*`), creating objects on the way. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let current = target;
  for (const key of keys.slice(0, -1)) {
    const next = current[key];
    if (isObject(next)) {
      current = next;
    } else {
      const created: Record<string, unknown> = {};
      current[key] = created;
      current = created;
    }
  }
  const last = keys[keys.length - 1];
  if (last !== undefined) current[last] = value;
}

/** Maps a record path from a schema issue back to the CSV column it came from. */
export function columnForPath(columns: readonly CsvColumn[], path: string): string {
  const generic = path.replace(/\.\d+(?=\.|$)/g, '.*');
  for (let p = generic; p !== ''; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '') {
    const found = columns.find((c) => c.path === p);
    if (found) return found.name;
  }
  return path;
}
