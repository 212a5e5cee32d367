/**
 * CUSCAR (customs cargo report) -> one port call and one consignment per CNI group.
 *
 * Layout read (UN/EDIFACT D.95B-D.03B CUSCAR; UK LOT10 and US ACE implementation guides):
 * header BGM/DTM/RFF/NAD; transport TDT with LOC (60 place of arrival, 24 port of entry, 125
 * last port of call, 94 previous port of call) and DTM (132 ETA, 133 ETD, 178 actual arrival);
 * equipment EQD with MEA/SEL; then per consignment CNI with RFF (BH house bill, BM bill of
 * lading, MB master bill, AAM waybill), LOC (88 receipt, 9 loading, 11 discharge, 7 delivery,
 * 13 transshipment, 27 origin), NAD (CZ/SH/OS shipper, CN consignee, N1/NI notify, FW
 * forwarder), CNT (7 gross mass, 11 packages), GID goods items with PAC, FTX+AAA, PIA/CST HS
 * codes, MEA and SGP (goods -> equipment). Equipment is taken in the consignment when it is
 * inside its CNI group or named in one of its SGP segments.
 */
import { type EdifactMessage, element, type Segment, text } from '../../lib/edifact/index.ts';
import type {
  ConsignmentContainerRecord,
  ConsignmentRecord,
  GoodsItemRecord,
  IngestItem,
  PortCallRecord,
} from '../records.ts';
import {
  clean,
  code,
  isToOrderName,
  massKg,
  parseDecimal,
  readDtm,
  readEqd,
  readLoc,
  readMea,
  readNad,
  readRff,
  readSel,
  readTdt,
  rejectAt,
  sourceRef,
  warnAt,
} from './common.ts';

const CALL_PORT_QUALIFIERS = ['60', '24'];
const PREVIOUS_PORT_QUALIFIERS = new Set(['125', '94']);
const DOCUMENT_REFERENCE_ORDER = ['BH', 'BM', 'MB', 'AAM'];
const SHIPPER_QUALIFIERS = ['CZ', 'SH', 'OS'];

interface EquipmentDraft {
  record: ConsignmentContainerRecord;
  segment: Segment;
}

interface ConsignmentDraft {
  cni: Segment;
  record: ConsignmentRecord;
  references: Map<string, string>;
  cniDocument: string | undefined;
  shippers: Map<string, ConsignmentRecord['shipper']>;
  equipment: EquipmentDraft[];
  linked: Set<string>;
  currentGoods: GoodsItemRecord | undefined;
}

function newConsignment(cni: Segment): ConsignmentDraft {
  return {
    cni,
    record: {
      transportDocumentNumber: '',
      consigneeToOrder: false,
      transshipmentPorts: [],
      goods: [],
      containers: [],
    },
    references: new Map(),
    cniDocument: clean(element(cni, 2, 1)),
    shippers: new Map(),
    equipment: [],
    linked: new Set(),
    currentGoods: undefined,
  };
}

/** Maps one CUSCAR message. Never throws; unusable consignments become rejections. */
export function mapCuscar(message: EdifactMessage): IngestItem[] {
  const items: IngestItem[] = [];
  const call: Partial<PortCallRecord> & { previousPorts: string[] } = { previousPorts: [] };
  const callPorts = new Map<string, string>();
  let declaredAt: string | undefined;
  const messageEquipment: EquipmentDraft[] = [];
  const consignments: ConsignmentDraft[] = [];
  let current: ConsignmentDraft | undefined;
  let equipment: EquipmentDraft | undefined;
  /** Trailers, bulk and other non-container equipment: reported, not stored as containers. */
  const otherEquipment = new Set<string>();

  for (const segment of message.segments) {
    switch (segment.tag) {
      case 'TDT': {
        const t = readTdt(segment);
        call.voyage ??= t.voyage;
        call.carrierCode ??= t.carrierCode;
        call.vesselName ??= t.vesselName;
        call.vesselImo ??= t.vesselImo;
        call.callSign ??= t.callSign;
        break;
      }
      case 'CNI':
        current = newConsignment(segment);
        consignments.push(current);
        equipment = undefined;
        break;
      case 'GID':
        equipment = undefined;
        if (current)
          current.currentGoods = readGid(segment, current.record.goods.length + 1, current.record.goods);
        break;
      case 'EQD': {
        const e = readEqd(segment);
        equipment = undefined;
        if (!e.id) {
          items.push(
            warnAt(message, segment, 'equipment_without_id', 'EQD without an equipment number; ignored'),
          );
          break;
        }
        if (e.qualifier !== 'CN' && e.qualifier !== '') {
          otherEquipment.add(e.id);
          items.push(
            warnAt(
              message,
              segment,
              'not_a_container',
              `equipment ${e.id} has type ${e.qualifier}, not CN (container); it is not stored as a container`,
            ),
          );
          break;
        }
        const record: ConsignmentContainerRecord = { containerNumber: e.id, seals: [] };
        if (e.sizeType) record.sizeType = e.sizeType;
        if (e.fullEmpty) record.fullEmpty = e.fullEmpty;
        equipment = { record, segment };
        if (current) current.currentGoods = undefined;
        (current ? current.equipment : messageEquipment).push(equipment);
        break;
      }
      case 'SEL': {
        const seal = readSel(segment);
        if (equipment && seal) equipment.record.seals.push(seal);
        break;
      }
      case 'MEA':
        applyMeasure(segment, equipment, current);
        break;
      case 'LOC': {
        const place = readLoc(segment);
        if (!place.code) break;
        if (current) {
          applyConsignmentPlace(current, place.qualifier, place.code);
        } else if (PREVIOUS_PORT_QUALIFIERS.has(place.qualifier)) {
          call.previousPorts.push(place.code);
        } else if (!callPorts.has(place.qualifier)) {
          callPorts.set(place.qualifier, place.code);
        }
        break;
      }
      case 'DTM': {
        const d = readDtm(segment);
        if (d.qualifier === '137' && !current) declaredAt ??= d.iso;
        if (current || !d.iso) break;
        if (d.qualifier === '132') call.eta ??= d.iso;
        if (d.qualifier === '133') call.etd ??= d.iso;
        if (d.qualifier === '178') call.ata ??= d.iso;
        break;
      }
      default:
        if (current) applyConsignmentSegment(current, segment);
    }
  }

  const portLocode = CALL_PORT_QUALIFIERS.map((q) => callPorts.get(q)).find((p) => p !== undefined);
  let portCall: PortCallRecord | undefined;
  if (portLocode) {
    portCall = { ...call, portLocode };
    items.push({ kind: 'port_call', ref: sourceRef(message), record: portCall });
  } else {
    items.push(
      warnAt(
        message,
        undefined,
        'missing_port_call',
        'no LOC+60 or LOC+24 before the first CNI: no port call',
      ),
    );
  }
  if (consignments.length === 0) {
    items.push(warnAt(message, undefined, 'no_consignments', 'CUSCAR without any CNI consignment'));
  }
  for (const draft of consignments) {
    for (const g of draft.record.goods) {
      g.containerNumbers = g.containerNumbers.filter((n) => !otherEquipment.has(n));
    }
    items.push(finishConsignment(message, draft, messageEquipment, portCall, declaredAt));
  }
  return items;
}

function readGid(segment: Segment, fallbackLine: number, goods: GoodsItemRecord[]): GoodsItemRecord {
  const n = parseDecimal(element(segment, 1));
  const lineNumber = n !== undefined && Number.isInteger(n) && n > 0 ? n : fallbackLine;
  const item: GoodsItemRecord = { lineNumber, containerNumbers: [] };
  const packages = parseDecimal(element(segment, 2, 1));
  if (packages !== undefined && Number.isInteger(packages) && packages >= 0) item.packages = packages;
  const packageType = code(element(segment, 2, 2));
  if (packageType) item.packageType = packageType;
  goods.push(item);
  return item;
}

function applyMeasure(
  segment: Segment,
  equipment: EquipmentDraft | undefined,
  current: ConsignmentDraft | undefined,
): void {
  const m = readMea(segment);
  const kg = massKg(m);
  if (kg === undefined) return;
  const gross = m.dimension === 'G' || m.dimension === 'AAB' || m.dimension === '';
  const net = m.dimension === 'N' || m.dimension === 'AAL';
  const goods = current?.currentGoods;
  if (goods) {
    if (gross) goods.grossMassKg ??= kg;
    if (net) goods.netMassKg ??= kg;
    return;
  }
  if (equipment && gross) equipment.record.grossMassKg ??= kg;
}

function applyConsignmentPlace(draft: ConsignmentDraft, qualifier: string, place: string): void {
  const r = draft.record;
  switch (qualifier) {
    case '88':
      r.placeOfReceipt ??= place;
      break;
    case '9':
      r.placeOfLoading ??= place;
      break;
    case '11':
      r.placeOfDischarge ??= place;
      break;
    case '7':
      r.placeOfDelivery ??= place;
      break;
    case '13':
      r.transshipmentPorts.push(place);
      break;
    case '27':
      if (draft.currentGoods) draft.currentGoods.originCountry ??= place;
      else r.originCountry ??= place;
      break;
  }
}

function applyConsignmentSegment(draft: ConsignmentDraft, segment: Segment): void {
  const r = draft.record;
  const goods = draft.currentGoods;
  switch (segment.tag) {
    case 'RFF': {
      const ref = readRff(segment);
      if (ref.value && !draft.references.has(ref.qualifier)) draft.references.set(ref.qualifier, ref.value);
      return;
    }
    case 'NAD': {
      const { qualifier, party } = readNad(segment);
      if (!party) return;
      if (SHIPPER_QUALIFIERS.includes(qualifier)) draft.shippers.set(qualifier, party);
      if (qualifier === 'CN') {
        if (isToOrderName(party.name)) r.consigneeToOrder = true;
        else r.consignee ??= party;
      }
      if (qualifier === 'N1' || qualifier === 'NI') r.notifyParty ??= party;
      if (qualifier === 'FW') r.forwarder ??= party;
      return;
    }
    case 'CNT': {
      const kind = text(segment, 1, 1);
      const value = parseDecimal(element(segment, 1, 2));
      if (value === undefined) return;
      if (kind === '7') {
        const kg = massKg({
          purpose: '',
          dimension: '',
          unit: text(segment, 1, 3).toUpperCase() || 'KGM',
          value,
          raw: '',
        });
        if (kg !== undefined) r.grossMassKg ??= kg;
      }
      if (kind === '11' && Number.isInteger(value) && value >= 0) r.totalPackages ??= value;
      return;
    }
    case 'PAC': {
      if (!goods) return;
      const packages = parseDecimal(element(segment, 1));
      if (
        goods.packages === undefined &&
        packages !== undefined &&
        Number.isInteger(packages) &&
        packages >= 0
      ) {
        goods.packages = packages;
      }
      goods.packageType ??= code(element(segment, 3, 1));
      return;
    }
    case 'FTX': {
      if (!goods || text(segment, 1).toUpperCase() !== 'AAA') return;
      const description = clean((segment.elements[3] ?? []).join(' '));
      if (description)
        goods.description = goods.description ? `${goods.description} ${description}` : description;
      return;
    }
    case 'PIA':
    case 'CST': {
      if (!goods || goods.hsCode) return;
      goods.hsCode = hsCodeOf(segment);
      return;
    }
    case 'SGP': {
      const id = element(segment, 1, 1).replace(/\s+/g, '').toUpperCase();
      if (id === '') return;
      draft.linked.add(id);
      if (goods && !goods.containerNumbers.includes(id)) goods.containerNumbers.push(id);
      return;
    }
  }
}

/** PIA+5+8471:HS or CST+1+8471:HS: the first item number whose type is HS (or untyped). */
function hsCodeOf(segment: Segment): string | undefined {
  for (const parts of segment.elements.slice(1)) {
    const value = (parts[0] ?? '').replace(/[\s.]/g, '');
    const type = (parts[1] ?? '').trim().toUpperCase();
    if (value !== '' && (type === 'HS' || type === '')) return value.toUpperCase();
  }
  return undefined;
}

function finishConsignment(
  message: EdifactMessage,
  draft: ConsignmentDraft,
  messageEquipment: EquipmentDraft[],
  portCall: PortCallRecord | undefined,
  declaredAt: string | undefined,
): IngestItem {
  const documentNumber =
    DOCUMENT_REFERENCE_ORDER.map((q) => draft.references.get(q)).find((v) => v !== undefined) ??
    draft.cniDocument;
  if (!documentNumber) {
    return rejectAt(message, draft.cni, {
      code: 'missing_field',
      field: 'transportDocumentNumber',
      reason:
        'consignment without a transport document number (no RFF+BH/BM/MB/AAM and no CNI document number)',
    });
  }
  const r = draft.record;
  r.transportDocumentNumber = documentNumber;
  r.shipper = SHIPPER_QUALIFIERS.map((q) => draft.shippers.get(q)).find((p) => p !== undefined);
  if (!r.shipper) delete r.shipper;
  if (portCall) {
    r.portCall = portCall;
    r.portLocode = portCall.portLocode;
  }
  if (declaredAt) r.declaredAt = declaredAt;
  const linkedFromMessage = messageEquipment.filter((e) => draft.linked.has(e.record.containerNumber));
  const seen = new Set<string>();
  for (const e of [...draft.equipment, ...linkedFromMessage]) {
    if (seen.has(e.record.containerNumber)) continue;
    seen.add(e.record.containerNumber);
    r.containers.push(e.record);
  }
  return { kind: 'consignment', ref: sourceRef(message, draft.cni), record: r };
}
