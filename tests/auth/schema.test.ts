// The auth schema matches Supabase Auth v2.189.0's (fixtures/auth-schema-*.tsv, read off a database
// after that release's migrations): every table, column name, type and nullability, and every enum,
// so SQL written against one runs on the other.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { closeSql, sql } from '../helpers/stack'

afterAll(closeSql)

const fixture = (name: string) =>
  readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split('\t'))

describe('auth schema', () => {
  it('has every table and column of Supabase Auth v2.189.0, with the same type and nullability', async () => {
    const expected = fixture('auth-schema-columns.tsv')
      .slice(1)
      .map(([table, column, type, nullable]) => `${table}.${column} ${type} ${nullable}`)
      .sort()
    const live = await sql<{ row: string }>(
      `select c.table_name || '.' || c.column_name || ' ' ||
              case when c.data_type = 'USER-DEFINED' then c.udt_schema || '.' || c.udt_name
                   when c.data_type = 'ARRAY' then c.udt_name
                   else c.data_type end || ' ' || c.is_nullable as row
         from information_schema.columns c
         join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
        where c.table_schema = 'auth' and t.table_type = 'BASE TABLE'`,
    )
    expect(live.map((r) => r.row).sort()).toEqual(expected)
  })

  it('has Auth’s enum types with their labels in order', async () => {
    const expected = fixture('auth-schema-enums.tsv').map(([type, labels]) => `${type} ${labels}`)
    const live = await sql<{ row: string }>(
      `select t.typname || ' ' || string_agg(e.enumlabel, ',' order by e.enumsortorder) as row
         from pg_type t join pg_enum e on e.enumtypid = t.oid join pg_namespace n on n.oid = t.typnamespace
        where n.nspname = 'auth' group by t.typname order by t.typname`,
    )
    expect(live.map((r) => r.row)).toEqual(expected.sort())
  })

  it('has auth.uid(), auth.role(), auth.email() and auth.jwt() reading PostgREST’s claims', async () => {
    const rows = await sql<{
      uid: string
      role: string
      email: string
      jwt: Record<string, string>
    }>(
      `select set_config('request.jwt.claims', '{"sub":"00000000-0000-4000-a000-000000000001","role":"authenticated","email":"owner@fluxera.test"}', true),
              auth.uid()::text as uid, auth.role() as role, auth.email() as email, auth.jwt() as jwt`,
    )
    expect(rows[0]).toMatchObject({
      uid: '00000000-0000-4000-a000-000000000001',
      role: 'authenticated',
      email: 'owner@fluxera.test',
    })
  })

  it('the demo users are rows as Auth writes them: $2a$ bcrypt, no NULL token columns, email identities', async () => {
    const users = await sql(
      `select u.email, u.encrypted_password like '$2a$%' as bcrypt,
              num_nulls(u.confirmation_token, u.recovery_token, u.email_change_token_new, u.email_change,
                        u.email_change_token_current, u.phone_change, u.phone_change_token, u.reauthentication_token) as null_tokens,
              i.provider_id = u.id::text as provider_id_is_user_id,
              i.identity_data ?& array['sub', 'email', 'email_verified', 'phone_verified'] as identity_data
         from auth.users u join auth.identities i on i.user_id = u.id and i.provider = 'email'
        where u.email in ('owner@fluxera.test', 'admin@fluxera.test', 'member@fluxera.test', 'viewer@fluxera.test') order by u.email`,
    )
    expect(users).toHaveLength(4)
    for (const u of users) {
      // Real Auth cannot read a user whose token columns are NULL (500 at sign-in): they hold '' or a token.
      expect(u).toMatchObject({
        bcrypt: true,
        null_tokens: 0,
        provider_id_is_user_id: true,
        identity_data: true,
      })
    }
  })
})
