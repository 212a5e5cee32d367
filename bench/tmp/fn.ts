import fs from 'node:fs'; import os from 'node:os'; import path from 'node:path';
import { sql } from 'kysely';
import { migrate, openDatabase } from '../../src/db/index.ts';
import { findGateStates } from '../../src/inspection/gate.repo.ts';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'micro-'));
const database = await openDatabase({ dataDir: dir, databaseUrl: process.env.URL });
await migrate(database);
const db = database.db;
await sql`create or replace function gate_states_test(numbers text[], recent_days int, window_days int)
returns table (container_number text, id bigint, status text, required text[], placed_at timestamptz, pending boolean, completed text[])
language plpgsql stable as $$
begin
  return query
    select h.container_number, h.id, h.status::text, h.required::text[], h.placed_at, false,
           case when h.status = 'active'
                then array(select i.kind::text from inspections i where i.hold_id = h.id and i.status = 'completed')
                else '{}'::text[] end
      from holds h
     where h.container_number = any(numbers)
       and (h.status = 'active' or h.released_at > now() - make_interval(days => recent_days))
    union all
    select c.container_number, null, null, null, null, true, null
      from containers c
      join consignment_containers cc on cc.container_id = c.id
      join consignments k on k.id = cc.consignment_id
      left join port_calls pc on pc.id = k.port_call_id
     where c.container_number = any(numbers)
       and k.created_at > now() - make_interval(days => window_days)
       and coalesce(pc.port_locode, k.port_locode) is not null
       and not exists (select 1 from assessments a where a.consignment_id = k.id and a.container_id = c.id);
end $$`.execute(db);
const N = 2000;
const time = async (name: string, f: (i: number) => Promise<unknown>) => {
  for (let i = 0; i < 200; i++) await f(i);
  const t = performance.now();
  for (let i = 0; i < N; i++) await f(i);
  console.log(name.padEnd(30), ((performance.now() - t) / N * 1000).toFixed(0), 'µs');
};
const num = (i: number) => `MSCU${String(i).padStart(7, '0')}`;
await time('select 1', () => sql`select 1`.execute(db));
await time('findGateStates', (i) => findGateStates(db, [num(i)]));
await time('plpgsql fn', (i) => sql`select * from gate_states_test(${[num(i)]}::text[], 30, 30)`.execute(db));
await database.close();
const d2 = await openDatabase({ dataDir: dir, databaseUrl: process.env.URL });
const db2 = d2.db;
const N2 = 1000;
const time2 = async (name: string, f: (i: number) => Promise<unknown>) => {
  for (let i = 0; i < 100; i++) await f(i);
  const t = performance.now();
  for (let i = 0; i < N2; i++) await f(i);
  console.log(name.padEnd(30), ((performance.now() - t) / N2 * 1000).toFixed(0), 'µs');
};
await time2('holds part', (i) => sql`select h.container_number, h.id from holds h where h.container_number = any(${[num(i)]}::text[]) and (h.status = 'active' or h.released_at > now() - make_interval(days => 30))`.execute(db2));
await time2('pending part', (i) => sql`select c.container_number from containers c
      join consignment_containers cc on cc.container_id = c.id
      join consignments k on k.id = cc.consignment_id
      left join port_calls pc on pc.id = k.port_call_id
     where c.container_number = any(${[num(i)]}::text[])
       and k.created_at > now() - make_interval(days => 30)
       and coalesce(pc.port_locode, k.port_locode) is not null
       and not exists (select 1 from assessments a where a.consignment_id = k.id and a.container_id = c.id)`.execute(db2));
await time2('pending part, no port', (i) => sql`select c.container_number from containers c
      join consignment_containers cc on cc.container_id = c.id
      join consignments k on k.id = cc.consignment_id
     where c.container_number = any(${[num(i)]}::text[])
       and k.created_at > now() - make_interval(days => 30)
       and not exists (select 1 from assessments a where a.consignment_id = k.id and a.container_id = c.id)`.execute(db2));
await time2('select from containers', (i) => sql`select c.id from containers c where c.container_number = any(${[num(i)]}::text[])`.execute(db2));
await time2('select from containers =', (i) => sql`select c.id from containers c where c.container_number = ${num(i)}`.execute(db2));
await time2('select 1 param', (i) => sql`select ${num(i)}::text`.execute(db2));
await time2('select 1 array param', (i) => sql`select ${[num(i)]}::text[]`.execute(db2));
await d2.close();
