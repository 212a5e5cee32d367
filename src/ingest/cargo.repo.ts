/** SQL for reading stored cargo: consignments with parties and goods, containers with events. */
import { type Kysely, sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { DB } from '../db/schema.ts';

export interface ConsignmentFilter {
  port?: string | undefined;
  transportDocumentNumber?: string | undefined;
  containerNumber?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  limit: number;
  /** Paging: consignments with an id below this. */
  before?: number | undefined;
}

const partyColumns = (alias: 'shipper' | 'consignee' | 'notify' | 'forwarder') =>
  sql<{ name: string; country: string | null; eori: string | null } | null>`
    case when ${sql.ref(`${alias}.id`)} is null then null
    else json_build_object('name', ${sql.ref(`${alias}.name`)}, 'country', ${sql.ref(`${alias}.country`)}, 'eori', ${sql.ref(`${alias}.eori`)}) end`;

function consignmentQuery(db: Kysely<DB>) {
  return db
    .selectFrom('consignments as c')
    .leftJoin('port_calls as pc', 'pc.id', 'c.port_call_id')
    .leftJoin('parties as shipper', 'shipper.id', 'c.shipper_id')
    .leftJoin('parties as consignee', 'consignee.id', 'c.consignee_id')
    .leftJoin('parties as notify', 'notify.id', 'c.notify_party_id')
    .leftJoin('parties as forwarder', 'forwarder.id', 'c.forwarder_id')
    .select((eb) => [
      'c.id',
      'c.transport_document_number',
      'c.port_locode',
      'c.consignee_to_order',
      'c.origin_country',
      'c.place_of_receipt',
      'c.place_of_loading',
      'c.place_of_discharge',
      'c.place_of_delivery',
      'c.transshipment_ports',
      'c.total_packages',
      'c.gross_mass_kg',
      'c.declared_at',
      'c.source_ref',
      'c.created_at',
      'c.updated_at',
      'pc.vessel_imo',
      'pc.vessel_name',
      'pc.voyage',
      'pc.eta',
      'pc.ata',
      partyColumns('shipper').as('shipper'),
      partyColumns('consignee').as('consignee'),
      partyColumns('notify').as('notify_party'),
      partyColumns('forwarder').as('forwarder'),
      jsonArrayFrom(
        eb
          .selectFrom('goods_items as g')
          .select([
            'g.line_number',
            'g.hs_code',
            'g.description',
            'g.packages',
            'g.package_type',
            'g.gross_mass_kg',
            'g.origin_country',
            'g.container_numbers',
          ])
          .whereRef('g.consignment_id', '=', 'c.id')
          .orderBy('g.line_number'),
      ).as('goods'),
      jsonArrayFrom(
        eb
          .selectFrom('consignment_containers as cc')
          .innerJoin('containers as k', 'k.id', 'cc.container_id')
          .select([
            'k.container_number',
            'k.size_type',
            'k.reefer',
            'cc.seals',
            'cc.full_empty',
            'cc.gross_mass_kg',
          ])
          .whereRef('cc.consignment_id', '=', 'c.id')
          .orderBy('k.container_number'),
      ).as('containers'),
    ]);
}

export type ConsignmentRow = Awaited<ReturnType<ReturnType<typeof consignmentQuery>['execute']>>[number];

export async function listConsignments(db: Kysely<DB>, f: ConsignmentFilter): Promise<ConsignmentRow[]> {
  let q = consignmentQuery(db).orderBy('c.id', 'desc').limit(f.limit);
  if (f.port) q = q.where('c.port_locode', '=', f.port);
  if (f.transportDocumentNumber) q = q.where('c.transport_document_number', '=', f.transportDocumentNumber);
  if (f.from) q = q.where('c.created_at', '>=', f.from);
  if (f.to) q = q.where('c.created_at', '<', f.to);
  if (f.before) q = q.where('c.id', '<', f.before);
  if (f.containerNumber) {
    const number = f.containerNumber;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('consignment_containers as cc2')
          .innerJoin('containers as k2', 'k2.id', 'cc2.container_id')
          .whereRef('cc2.consignment_id', '=', 'c.id')
          .where('k2.container_number', '=', number),
      ),
    );
  }
  return q.execute();
}

export async function findContainer(db: Kysely<DB>, containerNumber: string) {
  const container = await db
    .selectFrom('containers')
    .selectAll()
    .where('container_number', '=', containerNumber)
    .executeTakeFirst();
  if (!container) return undefined;
  const consignments = await consignmentQuery(db)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('consignment_containers as cc2')
          .whereRef('cc2.consignment_id', '=', 'c.id')
          .where('cc2.container_id', '=', container.id),
      ),
    )
    .orderBy('c.id', 'desc')
    .limit(100)
    .execute();
  const events = await db
    .selectFrom('container_events')
    .select([
      'id',
      'event_type',
      'occurred_at',
      'place_locode',
      'place_detail',
      'seals',
      'full_empty',
      'haulier',
      'vessel_imo',
      'vessel_name',
      'voyage',
      'verified_gross_mass_kg',
      'status_code',
      'port_of_loading',
      'port_of_discharge',
      'details',
      'source_message_ref',
    ])
    .where('container_id', '=', container.id)
    .orderBy('occurred_at', 'asc')
    .orderBy('id', 'asc')
    .limit(1000)
    .execute();
  return { container, consignments, events };
}
