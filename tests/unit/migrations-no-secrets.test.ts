// No secret in a migration: migrations are what `supabase db push` runs against production, so a
// password written in one ships to every hosted project. Local passwords belong in
// supabase/seed.sql or the stack's bootstrap.
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const supabaseDir = resolve(__dirname, '../../supabase')

/** `password '...'`, `PASSWORD E'...'`, `encrypted password $$...$$`, `password $tag$...$tag$`. */
const PASSWORD_LITERAL =
  /\b(?:encrypted\s+|unencrypted\s+)?password\s*(?:=\s*)?(?:[eEuU]&?)?(?:'|\$[A-Za-z_]*\$)/gi

/** Where the SQL text has a password literal: `file:line: text`. Comments are skipped. */
function passwordLiterals(sql: string, file = 'sql'): string[] {
  const found: string[] = []
  sql.split('\n').forEach((line, i) => {
    const code = line.replace(/--.*$/, '')
    if (PASSWORD_LITERAL.test(code)) found.push(`${file}:${i + 1}: ${line.trim()}`)
    PASSWORD_LITERAL.lastIndex = 0
  })
  return found
}

describe('migrations carry no password', () => {
  it('the detector finds the forms a password literal takes', () => {
    expect(passwordLiterals(`create role x login password 'secret';`)).toHaveLength(1)
    expect(passwordLiterals(`CREATE ROLE x LOGIN PASSWORD 'secret';`)).toHaveLength(1)
    expect(passwordLiterals(`alter role x with encrypted password 'md5abc';`)).toHaveLength(1)
    expect(passwordLiterals(`alter role x password E'se\\'cret';`)).toHaveLength(1)
    expect(passwordLiterals(`alter role x password $$secret$$;`)).toHaveLength(1)
    expect(passwordLiterals(`alter role x password $pw$secret$pw$;`)).toHaveLength(1)
    expect(passwordLiterals(`create role x\n  login\n  password 'a';`)).toHaveLength(1)
  })

  it('and leaves alone what is not one', () => {
    expect(passwordLiterals(`alter role x nologin password null;`)).toEqual([])
    expect(passwordLiterals(`execute format('alter role %I password %L', r, v);`)).toEqual([])
    expect(passwordLiterals(`-- set one with: alter role x password '...'`)).toEqual([])
    expect(passwordLiterals(`comment on column t.password_hint is 'x';`)).toEqual([])
  })

  // The migrations, and the schema files the baseline migration is written from.
  const files = ['migrations', 'schemas'].flatMap((sub) =>
    readdirSync(join(supabaseDir, sub))
      .filter((f) => f.endsWith('.sql'))
      .map((f) => `${sub}/${f}`),
  )
  it('finds the baseline and the schema files', () => {
    expect(files.some((f) => /^migrations\/\d+_baseline\.sql$/.test(f))).toBe(true)
    expect(files.filter((f) => f.startsWith('schemas/')).length).toBeGreaterThan(5)
  })
  it.each(files)('%s', (file) => {
    expect(passwordLiterals(readFileSync(join(supabaseDir, file), 'utf8'), file)).toEqual([])
  })
})
