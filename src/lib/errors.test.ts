import { describe, expect, it } from 'vitest'
import { AppError, toAppError, unwrap } from './errors'

describe('toAppError', () => {
  it('takes message from Postgres and code from its hint', () => {
    const e = toAppError({
      message: 'The Owner cannot be demoted.',
      hint: 'owner_protected',
      code: '42501',
    })
    expect(e).toBeInstanceOf(AppError)
    expect(e.message).toBe('The Owner cannot be demoted.')
    expect(e.code).toBe('owner_protected')
  })

  it('falls back to a code for the SQLSTATE', () => {
    expect(toAppError({ message: 'dup', code: '23505', hint: null }).code).toBe('duplicate')
  })

  it('knows the PostgREST status codes the database raises (PTxyz -> HTTP xyz)', () => {
    expect(toAppError({ message: 'Member not found.', code: 'PT404', hint: null }).code).toBe(
      'not_found',
    )
    expect(toAppError({ message: 'Slow down.', code: 'PT429', hint: null }).code).toBe(
      'rate_limited',
    )
    const limited = toAppError({ message: 'Too many', code: 'PT429', hint: 'invite_rate_limited' })
    expect(limited.code).toBe('invite_rate_limited')
  })

  it('says "try again" when the gateway, PostgREST or Postgres is down', async () => {
    const down = toAppError({ message: 'upstream unavailable: connect ECONNREFUSED', status: 502 })
    expect([down.code, down.message]).toEqual([
      'unavailable',
      'The server is briefly unavailable. Nothing was changed; try again in a moment.',
    ])
    expect(toAppError({ message: 'Database client error.', code: 'PGRST001' }).code).toBe(
      'unavailable',
    )
    await expect(
      unwrap(Promise.resolve({ data: null, error: { message: 'x', code: '' }, status: 503 })),
    ).rejects.toMatchObject({ code: 'unavailable', status: 503 })
  })

  it('explains Auth errors in plain words', () => {
    const e = toAppError({
      name: 'AuthApiError',
      message: 'Invalid login credentials',
      code: 'invalid_credentials',
      status: 400,
    })
    expect(e.message).toBe('Wrong email or password.')
    expect(e.code).toBe('invalid_credentials')
    expect(e.status).toBe(400)
  })

  it('turns fetch failures into a network error', () => {
    expect(toAppError(new TypeError('Failed to fetch')).code).toBe('network')
  })
})

describe('unwrap', () => {
  it('returns data, or throws an AppError', async () => {
    await expect(unwrap(Promise.resolve({ data: [1], error: null }))).resolves.toEqual([1])
    await expect(
      unwrap(Promise.resolve({ data: null, error: { message: 'nope', hint: 'not_allowed' } })),
    ).rejects.toMatchObject({ code: 'not_allowed', message: 'nope' })
  })
})
