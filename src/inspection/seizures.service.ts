/**
 * Seizures: recording one (`record`, the seizureRecorder) with its evidence items, later evidence
 * items, photos, custody steps, and the reads. A seizure is placed from its inspection (container,
 * port, hold) or from a container number and port; it takes its origin country and consignment
 * from the container's consignment at that port, its readable reference from the port, year and a
 * sequence, and by default its detection source from the reason the container was held. Recording
 * it is audited, announced (`seizure.recorded`, which the federation feedback consumes) and turns
 * the hold's labelled outcome into a hit, all in one transaction.
 */
import type { Kysely, Transaction } from 'kysely';
import { emitEvent, writeAudit } from '../db/index.ts';
import type { DB } from '../db/schema.ts';
import type { Concealment, CustodyAction, DetectionSource, Substance } from '../db/tables/inspection.ts';
import { errors } from '../errors.ts';
import { checkAttachment, storeBlob } from './blobs.ts';
import { appendCustody, type CustodyStep } from './custody.service.ts';
import type { StoredCustodyEntry } from './custody.ts';
import {
  custodyOf,
  type EvidenceItemRow,
  evidenceOfSeizures,
  findEvidenceItem,
  insertEvidenceItem,
} from './evidence.repo.ts';
import { recordHoldOutcome } from './holds.repo.ts';
import {
  consignmentAt,
  findContainerId,
  findHoldOrigin,
  findInspectionPlace,
  findSeizure,
  type HoldOrigin,
  insertPhoto,
  insertSeizure,
  listSeizures,
  nextSeizureReference,
  type PhotoRow,
  photosOf,
  recentHoldAt,
  type SeizureRow,
} from './seizures.repo.ts';

export interface EvidenceInput {
  label: string;
  description: string;
  /** Who holds the item when it is seized (an officer, a store). */
  holder: string;
  location?: string | undefined;
}

export interface SeizureInput {
  inspectionId?: number | undefined;
  containerNumber?: string | undefined;
  port?: string | undefined;
  seizedAt: Date;
  substance: Substance;
  substanceDetail?: string | undefined;
  netMassKg: number;
  grossMassKg?: number | undefined;
  packages?: number | undefined;
  concealment: Concealment;
  placeInContainer: string;
  detectionSource?: DetectionSource | undefined;
  notes?: string | undefined;
  evidence?: EvidenceInput[] | undefined;
}

export interface EvidenceItem extends EvidenceItemRow {
  custody: CustodyView[];
}

export type CustodyView = Omit<StoredCustodyEntry, 'evidenceId'>;

export interface PhotoView extends Omit<PhotoRow, 'seizureId'> {
  /** Where the bytes are served. */
  contentUrl: string;
}

export interface Seizure extends SeizureRow {
  evidence: EvidenceItemRow[];
  photos: PhotoView[];
}

/** The detection source a hold implies when the recorder names none. */
export function detectionSourceOf(
  hold: Pick<HoldOrigin, 'source' | 'selectionReason' | 'modelVersion'> | undefined,
): DetectionSource {
  if (!hold) return 'manual';
  if (hold.source === 'partner_alert') return 'partner_intelligence';
  switch (hold.selectionReason) {
    case 'mandatory_profile':
      return 'profile';
    case 'risk':
      // Without a champion model the risk score is the profiles' alone.
      return hold.modelVersion === null ? 'profile' : 'model';
    case 'exploration':
      return 'random';
    default:
      return 'manual';
  }
}

const LIST_LIMIT = 1000;
/** Clocks of hand-held devices drift: a seizure time this far ahead is still accepted. */
const FUTURE_TOLERANCE_MS = 10 * 60_000;

export class SeizureService {
  constructor(private readonly db: Kysely<DB>) {}

  /** Records a seizure with its evidence items (each starting its chain of custody). */
  async record(input: SeizureInput, actor: string): Promise<Seizure> {
    if (input.seizedAt.getTime() > Date.now() + FUTURE_TOLERANCE_MS)
      throw errors.validation(
        `seizedAt ${input.seizedAt.toISOString()} is in the future; give the time of the seizure`,
      );
    if (input.grossMassKg !== undefined && input.grossMassKg < input.netMassKg)
      throw errors.validation(
        'grossMassKg must be at least netMassKg (the gross mass includes the packaging)',
        {
          netMassKg: input.netMassKg,
          grossMassKg: input.grossMassKg,
        },
      );
    const labels = (input.evidence ?? []).map((e) => e.label);
    const twice = labels.find((l, i) => labels.indexOf(l) !== i);
    if (twice !== undefined)
      throw errors.validation(`evidence label "${twice}" is used twice; labels are unique per seizure`);
    const id = await this.db.transaction().execute(async (trx) => {
      const place = await this.place(trx, input);
      const consignment = await consignmentAt(
        trx,
        place.containerId,
        place.port,
        input.seizedAt,
        place.hold?.assessmentId ?? null,
      );
      const reference = await nextSeizureReference(trx, place.port, input.seizedAt.getUTCFullYear());
      const detectionSource = input.detectionSource ?? detectionSourceOf(place.hold);
      const seizureId = await insertSeizure(trx, {
        reference,
        containerId: place.containerId,
        containerNumber: place.containerNumber,
        holdId: place.hold?.id ?? null,
        inspectionId: input.inspectionId ?? null,
        consignmentId: consignment?.id ?? null,
        port: place.port,
        seizedAt: input.seizedAt,
        substance: input.substance,
        substanceDetail: input.substanceDetail ?? null,
        netMassKg: input.netMassKg,
        grossMassKg: input.grossMassKg ?? null,
        packages: input.packages ?? null,
        concealment: input.concealment,
        placeInContainer: input.placeInContainer,
        detectionSource,
        originCountry: consignment?.originCountry ?? null,
        recordedBy: actor,
        notes: input.notes ?? null,
      });
      await writeAudit(trx, {
        actor,
        action: 'seizure.recorded',
        entityType: 'seizure',
        entityId: seizureId,
        details: {
          reference,
          containerNumber: place.containerNumber,
          port: place.port,
          holdId: place.hold?.id ?? null,
          inspectionId: input.inspectionId ?? null,
          substance: input.substance,
          netMassKg: input.netMassKg,
          concealment: input.concealment,
          detectionSource,
        },
      });
      await emitEvent(trx, 'seizure.recorded', {
        seizureId,
        holdId: place.hold?.id ?? null,
        containerNumber: place.containerNumber,
        substance: input.substance,
        netMassKg: input.netMassKg,
      });
      for (const e of input.evidence ?? []) await this.addItem(trx, seizureId, e, input.seizedAt, actor);
      if (place.hold) await recordHoldOutcome(trx, place.hold.id);
      return seizureId;
    });
    return this.get(id);
  }

  /** Adds an evidence item to a recorded seizure; its chain starts with 'seized'. */
  async addEvidence(seizureId: number, input: EvidenceInput, actor: string): Promise<EvidenceItem> {
    const id = await this.db.transaction().execute(async (trx) => {
      const seizure = await trx
        .selectFrom('seizures')
        .select('id')
        .where('id', '=', seizureId)
        .forUpdate()
        .executeTakeFirst();
      if (!seizure) throw errors.notFound('seizure', String(seizureId));
      return this.addItem(trx, seizureId, input, new Date(), actor);
    });
    return this.evidence(id);
  }

  /** Appends a custody step (transfer, sample, laboratory, return, destruction) to an item. */
  async custodyStep(
    evidenceId: number,
    step: CustodyStep & { action: Exclude<CustodyAction, 'seized'> },
    actor: string,
  ): Promise<CustodyView> {
    const stored = await this.db.transaction().execute((trx) => appendCustody(trx, evidenceId, step, actor));
    const { evidenceId: _item, ...view } = stored;
    return view;
  }

  async evidence(evidenceId: number): Promise<EvidenceItem> {
    const item = await findEvidenceItem(this.db, evidenceId);
    if (!item) throw errors.notFound('evidence item', String(evidenceId));
    const custody = (await custodyOf(this.db, evidenceId)).map(({ evidenceId: _item, ...e }) => e);
    return { ...item, custody };
  }

  /** Files a photo of the seizure (JPEG, PNG, TIFF); the bytes are stored once by their hash. */
  async addPhoto(
    seizureId: number,
    bytes: Uint8Array,
    fileName: string | undefined,
    actor: string,
  ): Promise<PhotoView> {
    const file = checkAttachment(bytes, 'photo', fileName);
    const photo = await this.db.transaction().execute(async (trx) => {
      const seizure = await trx
        .selectFrom('seizures')
        .select('id')
        .where('id', '=', seizureId)
        .executeTakeFirst();
      if (!seizure) throw errors.notFound('seizure', String(seizureId));
      const sha256 = await storeBlob(trx, bytes);
      const row = await insertPhoto(trx, {
        seizureId,
        sha256,
        fileName: fileName ?? null,
        mediaType: file.mediaType,
        byteSize: bytes.length,
        uploadedBy: actor,
      });
      await writeAudit(trx, {
        actor,
        action: 'seizure.photo_added',
        entityType: 'seizure',
        entityId: seizureId,
        details: { attachmentId: row.id, sha256, fileName: fileName ?? null, byteSize: bytes.length },
      });
      return row;
    });
    return photoView(photo);
  }

  async get(id: number): Promise<Seizure> {
    const row = await findSeizure(this.db, id);
    if (!row) throw errors.notFound('seizure', String(id));
    const [evidence, photos] = await Promise.all([
      evidenceOfSeizures(this.db, [id]),
      photosOf(this.db, [id]),
    ]);
    return { ...row, evidence, photos: photos.map(photoView) };
  }

  /** Seizures of a period (and port), newest first, at most 1,000. */
  async list(filter: {
    port?: string | undefined;
    from?: string | undefined;
    to?: string | undefined;
  }): Promise<Seizure[]> {
    const rows = await listSeizures(
      this.db,
      {
        port: filter.port,
        from: filter.from ? new Date(`${filter.from}T00:00:00Z`) : undefined,
        before: filter.to ? new Date(Date.parse(`${filter.to}T00:00:00Z`) + 86_400_000) : undefined,
      },
      LIST_LIMIT,
    );
    const ids = rows.map((r) => r.id);
    const [evidence, photos] = await Promise.all([evidenceOfSeizures(this.db, ids), photosOf(this.db, ids)]);
    return rows.map((r) => ({
      ...r,
      evidence: evidence.filter((e) => e.seizureId === r.id),
      photos: photos.filter((p) => p.seizureId === r.id).map(photoView),
    }));
  }

  private async place(
    trx: Transaction<DB>,
    input: SeizureInput,
  ): Promise<{ containerId: number; containerNumber: string; port: string; hold: HoldOrigin | undefined }> {
    if (input.inspectionId !== undefined) {
      const inspection = await findInspectionPlace(trx, input.inspectionId);
      if (!inspection) throw errors.notFound('inspection', String(input.inspectionId));
      if (input.containerNumber && input.containerNumber !== inspection.containerNumber)
        throw errors.validation(
          `inspection ${inspection.id} is of container ${inspection.containerNumber}, not ${input.containerNumber}`,
        );
      if (input.port && input.port !== inspection.port)
        throw errors.validation(`inspection ${inspection.id} is at ${inspection.port}, not ${input.port}`);
      const hold = inspection.holdId === null ? undefined : await findHoldOrigin(trx, inspection.holdId);
      return { ...inspection, hold };
    }
    if (!input.containerNumber || !input.port)
      throw errors.validation(
        'name the inspection (inspectionId), or the container (containerNumber) and the port',
      );
    const containerId = await findContainerId(trx, input.containerNumber);
    if (containerId === undefined) throw errors.notFound('container', input.containerNumber);
    const hold = await recentHoldAt(trx, containerId, input.port, input.seizedAt);
    return { containerId, containerNumber: input.containerNumber, port: input.port, hold };
  }

  private async addItem(
    trx: Transaction<DB>,
    seizureId: number,
    e: EvidenceInput,
    at: Date,
    actor: string,
  ): Promise<number> {
    const item = await insertEvidenceItem(trx, {
      seizureId,
      label: e.label,
      description: e.description,
      holder: e.holder,
      at,
    });
    if (!item)
      throw errors.conflict(`seizure ${seizureId} already has an evidence item labelled "${e.label}"`, {
        label: e.label,
      });
    await writeAudit(trx, {
      actor,
      action: 'evidence.created',
      entityType: 'evidence_item',
      entityId: item.id,
      details: { seizureId, label: e.label, description: e.description, holder: e.holder },
    });
    await appendCustody(
      trx,
      item.id,
      { action: 'seized', toHolder: e.holder, location: e.location, at },
      actor,
    );
    return item.id;
  }
}

function photoView({ seizureId: _s, ...p }: PhotoRow): PhotoView {
  return { ...p, contentUrl: `/v1/attachments/${p.id}/content` };
}
