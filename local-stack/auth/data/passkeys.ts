// auth.webauthn_credentials: listed and deleted through the admin API (the stand-in never registers one).
import type { Db, Row } from '../db.ts'

export async function listPasskeys(c: Db, userId: string): Promise<Row[]> {
  const r = await c.query(
    `select id, friendly_name, created_at, last_used_at from auth.webauthn_credentials where user_id = $1 order by created_at, id`,
    [userId],
  )
  return r.rows
}

/** Deletes one passkey of the user; false when there is none with that id. */
export async function deletePasskey(c: Db, id: string, userId: string): Promise<boolean> {
  const r = await c.query(
    `delete from auth.webauthn_credentials where id = $1 and user_id = $2 returning id`,
    [id, userId],
  )
  return (r.rowCount ?? 0) > 0
}
