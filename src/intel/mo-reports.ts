/**
 * Modus-operandi reports: how drugs were hidden (concealment method), what gave it away
 * (indicators), in which container types (ISO 6346 size-type codes) and from where (countries or
 * UN/LOCODEs), with a description, photos, grading and a TLP marking like alerts. Every change is
 * a new version, audited and shared under the policy (object type `mo_report`) in its
 * transaction; withdrawals replicate. Photos are stored by hash (`storeBlob`) and travel inline,
 * base64, within the limits of object-wire.ts; the receiver re-checks each hash and format.
 */

import { randomUUID } from 'node:crypto';
import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import { z } from 'zod';
import { writeAudit } from '../db/audit.ts';
import { emitEvent } from '../db/outbox.ts';
import type { DB } from '../db/schema.ts';
import type { MoReportsTable } from '../db/tables/federation-objects.ts';
import { errors } from '../errors.ts';
import { federationErrors } from '../federation/errors.ts';
import { approveHeldShares, objectsHeldBy, queueObjectShares } from '../federation/object-queue.ts';
import {
  MAX_PHOTO_BYTES,
  MAX_PHOTO_BYTES_PER_REPORT,
  MAX_PHOTOS_PER_REPORT,
  type MoWire,
  moContentFields,
} from '../federation/object-wire.ts';
import type { Partner } from '../federation/partners.repo.ts';
import type { PartnerShareOutcome } from '../federation/share-queue.ts';
import { decideSharing } from '../federation/sharing.ts';
import { type RecognisedFile, readBlob, recogniseFile, sha256Hex, storeBlob } from '../inspection/blobs.ts';
import { patchOf } from '../lib/zod-input.ts';

type Db = Kysely<DB> | Transaction<DB>;
type MoRow = Selectable<MoReportsTable>;

export const moContentSchema = z.object(moContentFields);
export type MoContentInput = z.input<typeof moContentSchema>;
export const moPatchSchema = patchOf(moContentSchema);
export type MoPatch = z.input<typeof moPatchSchema>;

export interface MoPhotoView {
  position: number;
  sha256: string;
  mediaType: string;
  byteSize: number;
  caption: string | null;
  /** Where the bytes are served. */
  contentUrl: string;
}

export interface MoReport extends z.output<typeof moContentSchema> {
  id: number;
  uid: string;
  originAgency: string;
  local: boolean;
  version: number;
  status: 'active' | 'withdrawn';
  photos: MoPhotoView[];
  createdBy: string;
  updatedBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface MoChange {
  report: MoReport;
  sharing: PartnerShareOutcome[];
}

interface PhotoRecord {
  sha256: string;
  mediaType: string;
  byteSize: number;
  caption: string | null;
}

async function photosOf(db: Db, reportId: number): Promise<PhotoRecord[]> {
  const rows = await db
    .selectFrom('mo_report_photos')
    .selectAll()
    .where('report_id', '=', reportId)
    .orderBy('position')
    .execute();
  return rows.map((r) => ({
    sha256: r.sha256,
    mediaType: r.media_type,
    byteSize: r.byte_size,
    caption: r.caption,
  }));
}

/** The report's content, the same in the API and on the wire. */
function contentOf(r: MoRow) {
  return {
    title: r.title,
    concealmentMethod: r.concealment_method,
    indicators: r.indicators,
    containerTypes: r.container_types,
    origins: r.origins,
    description: r.description,
    sourceReliability: r.source_reliability,
    infoCredibility: r.info_credibility,
    tlp: r.tlp,
    recipients: r.recipients,
  };
}

async function present(db: Db, r: MoRow): Promise<MoReport> {
  const photos = await photosOf(db, r.id);
  return {
    id: r.id,
    uid: r.uid,
    originAgency: r.origin_agency,
    local: r.local,
    version: r.version,
    status: r.status,
    ...contentOf(r),
    photos: photos.map((p, i) => ({
      position: i + 1,
      ...p,
      contentUrl: `/v1/mo-reports/${r.id}/photos/${i + 1}`,
    })),
    createdBy: r.created_by,
    updatedBy: r.updated_by,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

function columns(c: z.output<typeof moContentSchema>) {
  return {
    title: c.title,
    concealment_method: c.concealmentMethod,
    indicators: c.indicators,
    container_types: c.containerTypes,
    origins: c.origins,
    description: c.description,
    source_reliability: c.sourceReliability,
    info_credibility: c.infoCredibility,
    tlp: c.tlp,
    recipients: c.recipients,
  };
}

async function replacePhotos(
  trx: Transaction<DB>,
  reportId: number,
  photos: readonly PhotoRecord[],
): Promise<void> {
  await trx.deleteFrom('mo_report_photos').where('report_id', '=', reportId).execute();
  if (photos.length === 0) return;
  await trx
    .insertInto('mo_report_photos')
    .values(
      photos.map((p, i) => ({
        report_id: reportId,
        position: i + 1,
        sha256: p.sha256,
        media_type: p.mediaType,
        byte_size: p.byteSize,
        caption: p.caption,
      })),
    )
    .execute();
}

/** Refuses a photo list beyond the limits, saying what to do. */
export function checkPhotoLimits(photos: readonly { byteSize: number }[]): void {
  if (photos.length > MAX_PHOTOS_PER_REPORT)
    throw errors.validation(
      `a report carries at most ${MAX_PHOTOS_PER_REPORT} photos; remove one first (DELETE /v1/mo-reports/{id}/photos/{position})`,
    );
  const total = photos.reduce((s, p) => s + p.byteSize, 0);
  if (total > MAX_PHOTO_BYTES_PER_REPORT)
    throw errors.validation(
      `the photos of a report may total ${MAX_PHOTO_BYTES_PER_REPORT} bytes (they travel inside one signed message); these would be ${total}: send smaller photos`,
      { total, limit: MAX_PHOTO_BYTES_PER_REPORT },
    );
}

/** The report as it travels, its photos inline. */
async function wireOf(db: Db, r: MoRow): Promise<MoWire> {
  const photos = [];
  for (const p of await photosOf(db, r.id)) {
    const bytes = await readBlob(db as Kysely<DB>, p.sha256);
    if (!bytes) throw new Error(`photo ${p.sha256} of report ${r.uid} is missing from the blob store`);
    photos.push({
      sha256: p.sha256,
      mediaType: p.mediaType,
      caption: p.caption,
      content: Buffer.from(bytes).toString('base64'),
    });
  }
  return {
    uid: r.uid,
    originAgency: r.origin_agency,
    version: r.version,
    ...contentOf(r),
    photos,
  };
}

async function share(trx: Transaction<DB>, r: MoRow): Promise<PartnerShareOutcome[]> {
  const wire = await wireOf(trx, r);
  return queueObjectShares(trx, {
    type: 'mo_report',
    id: r.id,
    version: r.version,
    tlp: r.tlp,
    recipients: r.recipients,
    upsert: { kind: 'mo.upsert', payload: () => wire },
    withdraw: {
      kind: 'mo.withdraw',
      payload: { uid: r.uid, originAgency: r.origin_agency, version: r.version },
    },
    withdrawn: r.status === 'withdrawn',
  });
}

/**
 * After a partner's sharing policy changed: each local active report the partner holds (its
 * latest share there is an upsert) that the new policy no longer lets it have gets a new version
 * and is shared again, so that the partner receives a withdrawal. Returns the ids of the reports
 * shared again. Call in the policy's transaction (as reshareAlertsAfterPolicy for alerts).
 */
export async function reshareMoReportsAfterPolicy(trx: Transaction<DB>, partner: Partner): Promise<number[]> {
  const ids = await objectsHeldBy(trx, partner.code, 'mo_report', 'mo.upsert');
  if (ids.length === 0) return [];
  const held = await trx
    .selectFrom('mo_reports')
    .selectAll()
    .where('local', '=', true)
    .where('status', '=', 'active')
    .where('id', 'in', ids)
    .execute();
  const reshared: number[] = [];
  for (const row of held) {
    const decision = decideSharing(
      { type: 'mo_report', tlp: row.tlp, recipients: row.recipients, personalDataFields: [] },
      partner.policy,
      partner.code,
    );
    if (decision.share) continue;
    const bumped = await trx
      .updateTable('mo_reports')
      .set({ version: sql`version + 1`, updated_at: new Date() })
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await share(trx, bumped);
    reshared.push(row.id);
  }
  return reshared;
}

const PHOTO_FORMATS: readonly RecognisedFile['format'][] = ['jpeg', 'png', 'tiff'];

/**
 * Checks a photo for a report before anything is stored: a JPEG, PNG or TIFF image of at most
 * MAX_PHOTO_BYTES (it travels inside a signed message). Throws a validation error that says what
 * the file is and what is accepted.
 */
export function checkMoPhoto(bytes: Uint8Array): RecognisedFile {
  if (bytes.length > MAX_PHOTO_BYTES)
    throw errors.validation(
      `a photo may have at most ${MAX_PHOTO_BYTES} bytes (it travels inside a signed message); this one has ${bytes.length}: send a smaller one`,
      { size: bytes.length, limit: MAX_PHOTO_BYTES },
    );
  const file = bytes.length === 0 ? undefined : recogniseFile(bytes);
  if (!file || !PHOTO_FORMATS.includes(file.format))
    throw errors.validation(
      `a photo of a report is a JPEG, PNG or TIFF image; this file is ${bytes.length === 0 ? 'empty' : file ? `a ${file.format} file` : 'none of these'}`,
      { format: file?.format ?? null },
    );
  return file;
}

export class MoReportService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly agencyCode: string,
  ) {}

  async create(actor: string, input: MoContentInput): Promise<MoChange> {
    const content = moContentSchema.parse(input);
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('mo_reports')
        .values({
          ...columns(content),
          uid: randomUUID(),
          origin_agency: this.agencyCode,
          local: true,
          version: 1,
          status: 'active',
          created_by: actor,
          updated_by: actor,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const sharing = await share(trx, row);
      await writeAudit(trx, {
        actor,
        action: 'mo_report.create',
        entityType: 'mo_report',
        entityId: row.id,
        details: { uid: row.uid, tlp: row.tlp, sharing },
      });
      return { report: await present(trx, row), sharing };
    });
  }

  /** A new version with the changed fields, or with the given photo list. */
  private async change(
    actor: string,
    id: number,
    action: string,
    edit: (
      current: MoRow,
      trx: Transaction<DB>,
    ) => Promise<{ fields: Partial<ReturnType<typeof columns>>; details: object }>,
  ): Promise<MoChange> {
    return this.db.transaction().execute(async (trx) => {
      const current = await trx
        .selectFrom('mo_reports')
        .selectAll()
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      if (!current?.local) throw errors.notFound('modus-operandi report of this instance', String(id));
      if (current.status === 'withdrawn')
        throw errors.conflict(`report ${id} is withdrawn and can no longer change`);
      const { fields, details } = await edit(current, trx);
      const row = await trx
        .updateTable('mo_reports')
        .set({ ...fields, version: current.version + 1, updated_by: actor, updated_at: new Date() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      const sharing = await share(trx, row);
      await writeAudit(trx, {
        actor,
        action,
        entityType: 'mo_report',
        entityId: id,
        details: { version: row.version, ...details, sharing },
      });
      return { report: await present(trx, row), sharing };
    });
  }

  async update(actor: string, id: number, patch: MoPatch): Promise<MoChange> {
    const p = moPatchSchema.parse(patch);
    return this.change(actor, id, 'mo_report.update', async (current, trx) => {
      const before = await present(trx, current);
      return {
        fields: columns(moContentSchema.parse({ ...before, ...p })),
        details: { changed: Object.keys(p) },
      };
    });
  }

  /** Adds a photo (JPEG, PNG or TIFF, at most MAX_PHOTO_BYTES): a new version, shared again. */
  async addPhoto(actor: string, id: number, bytes: Uint8Array, caption: string | null): Promise<MoChange> {
    const file = checkMoPhoto(bytes);
    return this.change(actor, id, 'mo_report.photo_add', async (current, trx) => {
      const photos = await photosOf(trx, current.id);
      const next = [
        ...photos,
        { sha256: sha256Hex(bytes), mediaType: file.mediaType, byteSize: bytes.length, caption },
      ];
      checkPhotoLimits(next);
      await storeBlob(trx, bytes);
      await replacePhotos(trx, current.id, next);
      return { fields: {}, details: { sha256: sha256Hex(bytes), bytes: bytes.length } };
    });
  }

  async removePhoto(actor: string, id: number, position: number): Promise<MoChange> {
    return this.change(actor, id, 'mo_report.photo_remove', async (current, trx) => {
      const photos = await photosOf(trx, current.id);
      const removed = photos[position - 1];
      if (!removed) throw errors.notFound('photo', `${id}/${position}`);
      await replacePhotos(
        trx,
        current.id,
        photos.filter((_, i) => i !== position - 1),
      );
      return { fields: {}, details: { sha256: removed.sha256 } };
    });
  }

  async withdraw(actor: string, id: number, reason?: string): Promise<MoChange> {
    return this.db.transaction().execute(async (trx) => {
      const current = await trx
        .selectFrom('mo_reports')
        .selectAll()
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      if (!current?.local) throw errors.notFound('modus-operandi report of this instance', String(id));
      if (current.status === 'withdrawn') return { report: await present(trx, current), sharing: [] };
      const row = await trx
        .updateTable('mo_reports')
        .set({ status: 'withdrawn', version: current.version + 1, updated_by: actor, updated_at: new Date() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      const sharing = await share(trx, row);
      await writeAudit(trx, {
        actor,
        action: 'mo_report.withdraw',
        entityType: 'mo_report',
        entityId: id,
        reason: reason ?? null,
        details: { version: row.version, sharing },
      });
      return { report: await present(trx, row), sharing };
    });
  }

  /** Releases shares held for four-eyes approval; the approver must not be the author of the version. */
  async approve(actor: string, id: number): Promise<{ report: MoReport; released: string[] }> {
    return this.db.transaction().execute(async (trx) => {
      const current = await trx.selectFrom('mo_reports').selectAll().where('id', '=', id).executeTakeFirst();
      if (!current?.local) throw errors.notFound('modus-operandi report of this instance', String(id));
      const released = await approveHeldShares(
        trx,
        {
          type: 'mo_report',
          id,
          version: current.version,
          author: current.updated_by,
          label: 'report',
          audit: { action: 'mo_report.approve_share', entityType: 'mo_report' },
        },
        actor,
      );
      return { report: await present(trx, current), released };
    });
  }

  async get(id: number): Promise<MoReport> {
    const row = await this.db.selectFrom('mo_reports').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw errors.notFound('modus-operandi report', String(id));
    return present(this.db, row);
  }

  async list(filter: {
    status?: 'active' | 'withdrawn';
    origin?: 'local' | 'partner';
    concealment?: string;
    limit: number;
  }): Promise<MoReport[]> {
    let q = this.db.selectFrom('mo_reports').selectAll().orderBy('id', 'desc').limit(filter.limit);
    if (filter.status) q = q.where('status', '=', filter.status);
    if (filter.origin) q = q.where('local', '=', filter.origin === 'local');
    if (filter.concealment)
      q = q.where('concealment_method', '=', filter.concealment as MoRow['concealment_method']);
    const rows = await q.execute();
    return Promise.all(rows.map((r) => present(this.db, r)));
  }

  async photo(
    id: number,
    position: number,
  ): Promise<{ bytes: Uint8Array; mediaType: string; fileName: string }> {
    const p = (await photosOf(this.db, id))[position - 1];
    const bytes = p && (await readBlob(this.db, p.sha256));
    if (!p || !bytes) throw errors.notFound('photo', `${id}/${position}`);
    const extension = p.mediaType.split('/')[1] ?? 'bin';
    return { bytes, mediaType: p.mediaType, fileName: `mo-${id}-${position}.${extension}` };
  }
}

/** Stores a partner's report (a newer version replaces the one held), re-checking every photo. */
export async function receiveMoReport(
  trx: Transaction<DB>,
  wire: MoWire,
  partner: Partner,
): Promise<'applied' | 'stale'> {
  const existing = await trx
    .selectFrom('mo_reports')
    .select(['id', 'version', 'local', 'origin_agency'])
    .where('uid', '=', wire.uid)
    .executeTakeFirst();
  if (existing && (existing.local || existing.origin_agency !== partner.code))
    throw federationErrors.notOwner(partner.code, wire.uid);
  if (existing && existing.version >= wire.version) return 'stale';
  const photos: PhotoRecord[] = [];
  for (const [i, p] of wire.photos.entries()) {
    const bytes = Buffer.from(p.content, 'base64');
    if (bytes.length > MAX_PHOTO_BYTES)
      throw federationErrors.malformedMessage(
        `photo ${i + 1} has ${bytes.length} bytes; the limit is ${MAX_PHOTO_BYTES}`,
      );
    if (sha256Hex(bytes) !== p.sha256)
      throw federationErrors.malformedMessage(`photo ${i + 1} does not match its SHA-256 ${p.sha256}`);
    try {
      checkMoPhoto(bytes);
    } catch (e) {
      throw federationErrors.malformedMessage(
        `photo ${i + 1} is not an accepted image: ${(e as Error).message}`,
      );
    }
    await storeBlob(trx, bytes);
    photos.push({ sha256: p.sha256, mediaType: p.mediaType, byteSize: bytes.length, caption: p.caption });
  }
  try {
    checkPhotoLimits(photos);
  } catch (e) {
    throw federationErrors.malformedMessage((e as Error).message);
  }
  const actor = `partner:${partner.code}`;
  const values = {
    ...columns(moContentSchema.parse(wire)),
    version: wire.version,
    status: 'active' as const,
    updated_by: actor,
    updated_at: new Date(),
  };
  const row = existing
    ? await trx
        .updateTable('mo_reports')
        .set(values)
        .where('id', '=', existing.id)
        .returning('id')
        .executeTakeFirstOrThrow()
    : await trx
        .insertInto('mo_reports')
        .values({ ...values, uid: wire.uid, origin_agency: partner.code, local: false, created_by: actor })
        .returning('id')
        .executeTakeFirstOrThrow();
  await replacePhotos(trx, row.id, photos);
  await writeAudit(trx, {
    actor,
    action: 'mo_report.receive',
    entityType: 'mo_report',
    entityId: row.id,
    details: { uid: wire.uid, version: wire.version, tlp: wire.tlp, photos: photos.map((p) => p.sha256) },
  });
  await emitEvent(trx, 'intel.mo_report.received', {
    reportId: row.id,
    uid: wire.uid,
    version: wire.version,
  });
  return 'applied';
}

export async function receiveMoWithdrawal(
  trx: Transaction<DB>,
  w: { uid: string; version: number },
  partner: Partner,
): Promise<'applied' | 'stale'> {
  const existing = await trx
    .selectFrom('mo_reports')
    .select(['id', 'version', 'local', 'origin_agency'])
    .where('uid', '=', w.uid)
    .executeTakeFirst();
  if (!existing) return 'stale';
  if (existing.local || existing.origin_agency !== partner.code)
    throw federationErrors.notOwner(partner.code, w.uid);
  if (existing.version >= w.version) return 'stale';
  const actor = `partner:${partner.code}`;
  await trx
    .updateTable('mo_reports')
    .set({ status: 'withdrawn', version: w.version, updated_by: actor, updated_at: new Date() })
    .where('id', '=', existing.id)
    .execute();
  await writeAudit(trx, {
    actor,
    action: 'mo_report.receive_withdrawal',
    entityType: 'mo_report',
    entityId: existing.id,
    details: { uid: w.uid, version: w.version },
  });
  await emitEvent(trx, 'intel.mo_report.withdrawn', { reportId: existing.id, uid: w.uid });
  return 'applied';
}
