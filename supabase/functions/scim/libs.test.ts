// Proves that the npm libraries the SCIM function uses load in Deno (as Supabase's edge
// runtime resolves npm: specifiers) and handle what Okta and Entra send.
// Run: npx deno test --allow-env --allow-read --allow-net supabase/functions/scim/libs.test.ts
import { parseFilter } from './filter.ts'
import { applyPatch, patchOperations, toDbUser } from './resources.ts'
import { ScimError } from './wire.ts'

function assertEquals(actual: unknown, expected: unknown) {
  const a = JSON.stringify(actual)
  const e = JSON.stringify(expected)
  if (a !== e) throw new Error(`expected ${e}, got ${a}`)
}

Deno.test('scim2-parse-filter: Okta and Entra filters become database filters', () => {
  assertEquals(parseFilter('userName eq "ann@x.test"', 'user'), {
    op: 'eq',
    attr: 'userName',
    value: 'ann@x.test',
  })
  assertEquals(parseFilter('emails[type eq "work"].value eq "ann@x.test"', 'user'), {
    op: 'and',
    filters: [{ op: 'true' }, { op: 'eq', attr: 'email', value: 'ann@x.test' }],
  })
  assertEquals(parseFilter('externalId eq "1" or userName eq "b"', 'user'), {
    op: 'or',
    filters: [
      { op: 'eq', attr: 'externalId', value: '1' },
      { op: 'eq', attr: 'userName', value: 'b' },
    ],
  })
  assertEquals(parseFilter('displayName eq "Fluxera Admins"', 'group'), {
    op: 'eq',
    attr: 'displayName',
    value: 'Fluxera Admins',
  })
})

Deno.test('filters the service cannot answer are 400 invalidFilter', () => {
  for (const f of ['password eq "x"', 'userName eqq "x"', 'userName eq', '(']) {
    try {
      parseFilter(f, 'user')
      throw new Error(`accepted ${f}`)
    } catch (err) {
      if (!(err instanceof ScimError) || err.scimType !== 'invalidFilter') throw err
    }
  }
})

Deno.test('scim-patch: Okta deactivation, Entra capitalised ops and string booleans', () => {
  const user = {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: 'ann@x.test',
    active: true,
    emails: [{ value: 'ann@x.test', type: 'work', primary: true }],
    meta: { resourceType: 'User' },
  }
  const okta = applyPatch(
    user,
    patchOperations({ Operations: [{ op: 'replace', value: { active: false } }] }),
  )
  assertEquals(toDbUser(okta).active, false)
  const entra = applyPatch(
    user,
    patchOperations({
      Operations: [
        { op: 'Replace', path: 'active', value: 'False' },
        { op: 'Add', path: 'title', value: 'Engineer' },
        {
          op: 'Add',
          path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department',
          value: 'IT',
        },
        {
          op: 'Add',
          path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager',
          value: 'm-1',
        },
      ],
    }),
  )
  const db = toDbUser(entra)
  assertEquals([db.active, db.title, db.department, db.managerId], [false, 'Engineer', 'IT', 'm-1'])
})

Deno.test('scim-patch: group members added and removed, Okta and Entra style', () => {
  const group = {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
    displayName: 'G',
    members: [{ value: 'a' }, { value: 'b' }],
    meta: { resourceType: 'Group' },
  }
  const added = applyPatch(
    group,
    patchOperations({ Operations: [{ op: 'Add', path: 'members', value: [{ value: 'c' }] }] }),
  )
  assertEquals(
    added.members.map((m) => m.value),
    ['a', 'b', 'c'],
  )
  const removedOkta = applyPatch(
    added,
    patchOperations({ Operations: [{ op: 'remove', path: 'members[value eq "a"]' }] }),
  )
  const removedEntra = applyPatch(
    removedOkta,
    patchOperations({ Operations: [{ op: 'Remove', path: 'members', value: [{ value: 'b' }] }] }),
  )
  assertEquals(
    removedEntra.members.map((m) => m.value),
    ['c'],
  )
})
