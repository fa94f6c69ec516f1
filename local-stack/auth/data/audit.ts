// auth.audit_log_entries: Auth's own audit trail.
import type { Db, Row } from '../db.ts'
import { INSTANCE_ID } from './users.ts'

export async function insertAuditEntry(c: Db, payload: Row, ip: string) {
  await c.query(
    `insert into auth.audit_log_entries (instance_id, id, payload, created_at, ip_address) values ($1, gen_random_uuid(), $2, now(), $3)`,
    [INSTANCE_ID, JSON.stringify(payload), ip],
  )
}
