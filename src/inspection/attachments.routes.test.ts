import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../test/support/databases.ts';
import { assembleServer } from '../api/serve.ts';
import type { buildServer } from '../api/server.ts';
import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { sha256Hex } from './blobs.ts';
import { heldContainers, inspectionOf } from './inspections.fixtures.ts';

const MAX = 4096;
const config = loadConfig({
  TANDEM_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-attachments-')),
  TANDEM_LOG_LEVEL: 'silent',
  TANDEM_ATTACHMENT_MAX_BYTES: String(MAX),
});
const logger = createLogger('silent');

const fileOf = (signature: number[], size: number, fill = 7): Buffer => {
  const bytes = Buffer.alloc(size, fill);
  Buffer.from(signature).copy(bytes);
  return bytes;
};
const png = (size = 600, fill = 7) => fileOf([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], size, fill);
/** A WCO UFF 2 file: an HDF5 container. */
const uffHdf5 = () => fileOf([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a], 2000, 3);
const zip = () => fileOf([0x50, 0x4b, 0x03, 0x04], 900, 1);
const pdf = () => Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n');

describeEachDatabase('inspection attachments', (ctx) => {
  let app: ReturnType<typeof buildServer>;
  let headers: Record<string, string> = {};
  let readOnly: Record<string, string> = {};
  let scan = 0;
  let otherScan = 0;
  let physical = 0;

  const upload = (id: number, query: string, payload: Buffer, contentType = 'application/octet-stream') =>
    app.inject({
      method: 'POST',
      url: `/v1/inspections/${id}/attachments?${query}`,
      headers: { ...headers, 'content-type': contentType },
      payload,
    });

  beforeAll(async () => {
    const assembled = assembleServer(config, ctx.database, logger);
    app = assembled.app;
    await app.ready();
    const writer = await assembled.services.accounts.createToken('test', {
      name: 'scanner station',
      scopes: ['inspections:read', 'inspections:write', 'scanners:manage'],
    });
    headers = { authorization: `Bearer ${writer.token}` };
    const reader = await assembled.services.accounts.createToken('test', {
      name: 'reader',
      scopes: ['inspections:read'],
    });
    readOnly = { authorization: `Bearer ${reader.token}` };
    await app.inject({
      method: 'POST',
      url: '/v1/scanners',
      headers,
      payload: { code: 'S1', port: 'BEANR', name: 'portal', capacityPerHour: 10 },
    });
    await heldContainers(ctx.database, [501, 502]);
    await heldContainers(ctx.database, [503], 'mandatory_profile');
    scan = await inspectionOf(ctx.database, 501, 'scan');
    otherScan = await inspectionOf(ctx.database, 502, 'scan');
    physical = await inspectionOf(ctx.database, 503, 'physical');
    for (const [id, body] of [
      [scan, { scanner: 'S1' }],
      [otherScan, { scanner: 'S1' }],
      [physical, { assignee: 'team-a' }],
    ] as const) {
      await app.inject({ method: 'POST', url: `/v1/inspections/${id}/assign`, headers, payload: body });
      await app.inject({ method: 'POST', url: `/v1/inspections/${id}/start`, headers });
    }
  });
  afterAll(() => app.close());

  it('stores a scan image once by its hash, and serves it back with its media type', async () => {
    const image = png();
    const first = await upload(scan, 'kind=scan_image&fileName=front.png', image, 'image/png');
    expect(first.statusCode).toBe(201);
    const { attachment, duplicate } = first.json();
    expect(duplicate).toBe(false);
    expect(attachment).toMatchObject({
      kind: 'scan_image',
      fileName: 'front.png',
      mediaType: 'image/png',
      byteSize: image.length,
      sha256: sha256Hex(image),
      inspectionId: scan,
      contentUrl: `/v1/attachments/${attachment.id}/content`,
    });
    // The same file again on the same inspection is the same attachment.
    const again = await upload(scan, 'kind=scan_image&fileName=front-copy.png', image);
    expect(again.json()).toMatchObject({ duplicate: true, attachment: { id: attachment.id } });
    // On another inspection it is a new attachment of the same stored bytes.
    const elsewhere = await upload(otherScan, 'kind=scan_image', image);
    expect(elsewhere.json()).toMatchObject({ duplicate: false, attachment: { sha256: attachment.sha256 } });
    expect(elsewhere.json().attachment.id).not.toBe(attachment.id);
    const blobs = await ctx.database.db
      .selectFrom('blobs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('sha256', '=', attachment.sha256)
      .executeTakeFirstOrThrow();
    expect(Number(blobs.n)).toBe(1);

    const meta = await app.inject({
      method: 'GET',
      url: `/v1/attachments/${attachment.id}`,
      headers: readOnly,
    });
    expect(meta.json()).toMatchObject({ id: attachment.id, mediaType: 'image/png' });
    const content = await app.inject({ method: 'GET', url: attachment.contentUrl, headers: readOnly });
    expect(content.statusCode).toBe(200);
    expect(content.headers['content-type']).toBe('image/png');
    expect(content.headers['content-disposition']).toContain('front.png');
    expect(Buffer.compare(content.rawPayload, image)).toBe(0);
    expect(
      (await app.inject({ method: 'GET', url: '/v1/attachments/999999/content', headers: readOnly }))
        .statusCode,
    ).toBe(404);

    const detail = await app.inject({ method: 'GET', url: `/v1/inspections/${scan}`, headers: readOnly });
    expect(detail.json().attachments.map((a: { id: number }) => a.id)).toEqual([attachment.id]);
    const audit = await ctx.database.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'attachment.added')
      .execute();
    expect(audit).toHaveLength(2);
  });

  it('accepts WCO UFF files: HDF5 by its signature, a ZIP only when named .uff', async () => {
    const hdf5 = await upload(scan, 'kind=uff&fileName=scan-0001.h5', uffHdf5());
    expect(hdf5.statusCode).toBe(201);
    expect(hdf5.json().attachment).toMatchObject({ kind: 'uff', mediaType: 'application/x-hdf5' });
    const packaged = await upload(scan, 'kind=uff&fileName=scan-0001.uff', zip());
    expect(packaged.json().attachment).toMatchObject({ kind: 'uff', mediaType: 'application/zip' });
    const plainZip = await upload(scan, 'kind=uff&fileName=scan-0001.zip', zip());
    expect(plainZip.statusCode).toBe(400);
    expect(plainZip.json().error.message).toContain('WCO UFF');
    const document = await upload(scan, 'kind=document&fileName=report.pdf', pdf(), 'application/pdf');
    expect(document.json().attachment).toMatchObject({ kind: 'document', mediaType: 'application/pdf' });
  });

  it('refuses a text file with a clear error, a file of the wrong kind, and a too large file', async () => {
    const text = await upload(
      scan,
      'kind=scan_image&fileName=notes.txt',
      Buffer.from('container looked fine\n'),
    );
    expect(text.statusCode).toBe(400);
    expect(text.json().error).toMatchObject({
      code: 'validation_failed',
      details: { fileName: 'notes.txt' },
    });
    expect(text.json().error.message).toContain(
      'unrecognised file: accepted are JPEG, PNG, TIFF and DICOM images',
    );
    const declaredText = await upload(scan, 'kind=scan_image', Buffer.from('hello'), 'text/plain');
    expect(declaredText.statusCode).toBe(415);
    const wrongKind = await upload(scan, 'kind=uff', png(700, 9));
    expect(wrongKind.statusCode).toBe(400);
    expect(wrongKind.json().error.message).toContain('cannot be filed as uff');
    const tooLarge = await upload(scan, 'kind=scan_image', png(MAX + 1, 5));
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json().error).toMatchObject({ code: 'payload_too_large', details: { limit: MAX } });
    expect((await upload(scan, 'kind=scan_image', png(MAX, 5))).statusCode).toBe(201);
    expect((await upload(scan, 'kind=thumbnail', png())).statusCode).toBe(400);
    const noBody = await app.inject({
      method: 'POST',
      url: `/v1/inspections/${scan}/attachments?kind=scan_image`,
      headers: { ...headers, 'content-type': 'application/octet-stream' },
    });
    expect(noBody.statusCode).toBe(400);
  });

  it('files photos (not scan images) on a physical inspection, and nothing on one not yet started', async () => {
    expect((await upload(physical, 'kind=scan_image', png(800, 2))).statusCode).toBe(400);
    const photo = await upload(physical, 'kind=photo&fileName=opened-doors.png', png(800, 2));
    expect(photo.json().attachment).toMatchObject({ kind: 'photo', inspectionId: physical });
    const queuedScan = await inspectionOf(ctx.database, 503, 'scan');
    const early = await upload(queuedScan, 'kind=scan_image', png(800, 4));
    expect(early.statusCode).toBe(409);
    expect(early.json().error.details.currentState).toBe('queued');
    const forbidden = await app.inject({
      method: 'POST',
      url: `/v1/inspections/${scan}/attachments?kind=scan_image`,
      headers: { ...readOnly, 'content-type': 'image/png' },
      payload: png(),
    });
    expect(forbidden.statusCode).toBe(403);
  });
});
