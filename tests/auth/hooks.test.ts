// The two Postgres hooks config.toml enables: custom access token (its claims go into the token;
// it records auth.sign_in) and password verification attempt (called on sign-in with Auth's input;
// a `reject` decision is honoured). Run by Auth as supabase_auth_admin.
import { afterAll, describe, expect, it } from 'vitest'
import { closeSql } from '../helpers/stack'
import { auth, claims, expectError, recorded, signIn, sql } from './helpers'

afterAll(closeSql)

const OWNER = '00000000-0000-4000-a000-000000000001'
const ACME = '10000000-0000-4000-a000-000000000001'

/** Replaces a hook function for the duration of fn, restoring the project's definition after. */
async function withHook(name: string, body: string, fn: () => Promise<void>) {
  const [orig] = await sql<{ def: string }>(`select pg_get_functiondef($1::regprocedure) as def`, [
    `public.${name}(jsonb)`,
  ])
  await sql(
    `create or replace function public.${name}(event jsonb) returns jsonb language plpgsql security definer set search_path = '' as $$ ${body} $$`,
  )
  try {
    await fn()
  } finally {
    await sql(orig!.def)
    await sql(
      `revoke all on function public.${name}(jsonb) from public, anon, authenticated, service_role`,
    )
    await sql(`grant execute on function public.${name}(jsonb) to supabase_auth_admin`)
  }
}

describe('custom access token hook', () => {
  it('runs on sign-in: the token has the claims it returns, and it records auth.sign_in', async () => {
    const before = await sql<{ n: number }>(
      `select count(*)::int as n from public.activity_log where workspace_id = $1 and action = 'auth.sign_in' and entity_id = $2::text`,
      [ACME, OWNER],
    )
    const s = await signIn('owner@fluxera.test')
    expect(Object.keys(claims(s.access_token)).sort()).toEqual(
      Object.keys(recorded('hook_access_token_claims')).sort(),
    )
    const after = await sql<{ n: number; method: string }>(
      `select count(*)::int as n, max(after ->> 'method') as method from public.activity_log where workspace_id = $1 and action = 'auth.sign_in' and entity_id = $2::text`,
      [ACME, OWNER],
    )
    expect(after[0]!.n).toBe(before[0]!.n + 1)
  })

  it('its claims go into the token, and an error it returns is Auth’s error', async () => {
    await withHook(
      'custom_access_token_hook',
      `begin
         if (event -> 'claims' ->> 'email') = 'viewer@fluxera.test' then
           return jsonb_build_object('error', jsonb_build_object('http_code', 403, 'message', 'No tokens for you'));
         end if;
         return jsonb_build_object('claims', (event -> 'claims') || jsonb_build_object('hooked', event ->> 'authentication_method'));
       end;`,
      async () => {
        const s = await signIn('member@fluxera.test')
        expect(claims(s.access_token).hooked).toBe('password')
        const refreshed = await auth('/token?grant_type=refresh_token', {
          body: { refresh_token: s.refresh_token },
        })
        expect(claims(refreshed.body.access_token).hooked).toBe('token_refresh')
        const refused = await auth('/token?grant_type=password', {
          body: { email: 'viewer@fluxera.test', password: 'Fluxera-demo-2026!' },
        })
        expect(refused.status).toBe(403)
        expect(refused.body.msg).toBe('No tokens for you')
        // Nothing half-made: the refused sign-in left no session behind.
        const sessions = await sql(
          `select 1 from auth.sessions s join auth.users u on u.id = s.user_id where u.email = 'viewer@fluxera.test' and s.created_at > now() - interval '2 seconds'`,
        )
        expect(sessions).toHaveLength(0)
      },
    )
  })
})

describe('password verification attempt hook', () => {
  it('is called with {user_id, valid} and records auth.sign_in_failed for a wrong password', async () => {
    const count = async () =>
      (
        await sql<{ n: number }>(
          `select count(*)::int as n from public.activity_log where workspace_id = $1 and action = 'auth.sign_in_failed' and entity_id = $2::text`,
          [ACME, OWNER],
        )
      )[0]!.n
    const before = await count()
    expectError(
      await auth('/token?grant_type=password', {
        body: { email: 'owner@fluxera.test', password: 'Wrong-password-1!' },
      }),
      400,
      'invalid_credentials',
    )
    expect(await count()).toBe(before + 1)
  })

  it('a reject decision refuses even the right password, with the hook’s message', async () => {
    await withHook(
      'password_verification_attempt_hook',
      `begin
         if (event ->> 'user_id') = '${OWNER}' then
           return jsonb_build_object('decision', 'reject', 'message', 'Too many attempts, try later');
         end if;
         return jsonb_build_object('decision', 'continue');
       end;`,
      async () => {
        const r = await auth('/token?grant_type=password', {
          body: { email: 'owner@fluxera.test', password: 'Fluxera-demo-2026!' },
          api: true,
        })
        expect({ status: r.status, body: r.body }).toEqual({
          status: 400,
          body: { code: 'invalid_credentials', message: 'Too many attempts, try later' },
        })
        await signIn('admin@fluxera.test')
      },
    )
    await signIn('owner@fluxera.test')
  })
})
