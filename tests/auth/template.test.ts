// The local Auth's Go-template interpreter (local-stack/auth/template.ts) renders the project's
// mail templates exactly as Go's html/template does (Supabase Auth renders them with it): each case
// is rendered by both, Go through `go run` on a throwaway program, and the outputs must be equal.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { root } from '../../local-stack/config.ts'
import { renderTemplate } from '../../local-stack/auth/template'

const goProgram = `package main

import (
	"bytes"
	"encoding/json"
	"html/template"
	"os"
)

type testCase struct {
	Source string         \`json:"source"\`
	Data   map[string]any \`json:"data"\`
}

func main() {
	var cases []testCase
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		panic(err)
	}
	out := []string{}
	for _, c := range cases {
		t, err := template.New("mail").Parse(c.Source)
		if err != nil {
			out = append(out, "PARSE ERROR: "+err.Error())
			continue
		}
		var buf bytes.Buffer
		if err := t.Execute(&buf, c.Data); err != nil {
			out = append(out, "EXEC ERROR: "+err.Error())
			continue
		}
		out = append(out, buf.String())
	}
	json.NewEncoder(os.Stdout).Encode(out)
}
`

const site = 'http://127.0.0.1:5173'
const hash = 'f348f5580299d211e13a7f221f7a1e93cdffdc58aa7c3b98988a2bdd'
const confirmationUrl = (type: string, redirect: string) =>
  `http://127.0.0.1:54321/auth/v1/verify?token=${hash}&type=${type}&redirect_to=${redirect}`
const vars = (over: Record<string, unknown>) => ({
  SiteURL: site,
  ConfirmationURL: confirmationUrl('invite', site),
  Email: 'new.person@example.test',
  Token: '123456',
  TokenHash: hash,
  RedirectTo: site,
  Data: {},
  ...over,
})

const template = (name: string) => readFileSync(join(root, 'supabase', 'templates', name), 'utf8')

const cases: { name: string; source: string; data: Record<string, unknown> }[] = [
  {
    name: 'invite from the edge function (workspace in the redirect, full data)',
    source: template('invite.html'),
    data: vars({
      RedirectTo: `${site}/accept-invite?workspace=10000000-0000-4000-a000-000000000001`,
      Data: {
        invited_by: 'Adam Admin',
        workspace: 'Acme Corp',
        role: 'viewer',
        invited_to: '10000000-0000-4000-a000-000000000001',
      },
    }),
  },
  {
    name: 'invite with the site URL as redirect and no data',
    source: template('invite.html'),
    data: vars({}),
  },
  {
    name: 'invite falling back to user_metadata.invited_to',
    source: template('invite.html'),
    data: vars({ Data: { invited_to: 'abc', role: 'member' } }),
  },
  {
    name: 'invite with markup in the data (escaped)',
    source: template('invite.html'),
    data: vars({
      Email: "o'neil+tag@example.test",
      Data: { invited_by: '<b>"Tom" & \'Jerry\'</b>', workspace: 'R&D <Lab>' },
    }),
  },
  {
    name: 'magic link for an existing user invited to a workspace',
    source: template('magic_link.html'),
    data: vars({
      RedirectTo: `${site}/accept-invite?workspace=w1`,
      ConfirmationURL: confirmationUrl('magiclink', `${site}/accept-invite?workspace=w1`),
    }),
  },
  {
    name: 'magic link from the sign-in page',
    source: template('magic_link.html'),
    data: vars({
      RedirectTo: `${site}/`,
      ConfirmationURL: confirmationUrl('magiclink', `${site}/`),
    }),
  },
  {
    name: 'recovery',
    source: template('recovery.html'),
    data: vars({ ConfirmationURL: confirmationUrl('recovery', `${site}/reset-password`) }),
  },
  {
    name: 'language features: variables, else, and/or/not, eq/ne/lt/gt, len/slice/print/index, trim markers',
    source:
      '{{- $a := "x" -}} {{ $a = print $a 1 2 "y" }}[{{ $a }}] {{ if and (gt (len .S) 2) (eq (slice .S 0 2) "ab") }}yes{{ else }}no{{ end }}' +
      ' {{ if or .Missing .S }}or{{ end }} {{ if not .Missing }}not{{ end }} {{ if ne .S "x" }}ne{{ end }} {{ if lt 1 2 }}lt{{ end }}' +
      ' {{ index .M "k" }} {{ with .M }}{{ .k }}{{ end }} {{ with .Missing }}never{{ else }}else{{ end }} <a href="{{ .U }}">{{ .U }}</a> {{ .S | html }}\n\t{{- " trimmed " -}}\n!',
    data: { S: 'abc<d>', M: { k: 'v&w' }, U: 'http://e.test/a b?x=1&y="2"' },
  },
]

describe('Go-template interpreter', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fluxera-gotemplate-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('renders every case exactly like Go’s html/template', () => {
    writeFileSync(join(dir, 'main.go'), goProgram)
    const r = spawnSync('go', ['run', join(dir, 'main.go')], {
      input: JSON.stringify(cases.map((c) => ({ source: c.source, data: c.data }))),
      encoding: 'utf8',
      cwd: dir,
      env: { ...process.env, GO111MODULE: 'off', GOTOOLCHAIN: 'local', GOFLAGS: '' },
      maxBuffer: 16 << 20,
    })
    expect(r.error, 'Go must be installed to run this test').toBeUndefined()
    expect(r.status, r.stderr).toBe(0)
    const go = JSON.parse(r.stdout) as string[]
    cases.forEach((c, i) => {
      expect(renderTemplate(c.source, c.data), c.name).toBe(go[i])
    })
  })

  it('puts the invitation link, token hash and escaped data where the templates say', () => {
    const html = renderTemplate(cases[0]!.source, cases[0]!.data)
    expect(html).toContain(
      `href="${site}/accept-invite?workspace=10000000-0000-4000-a000-000000000001&token_hash=${hash}&type=invite"`,
    )
    expect(html).toContain('Adam Admin has invited you')
    const escaped = renderTemplate(cases[3]!.source, cases[3]!.data)
    expect(escaped).toContain('&lt;b&gt;&#34;Tom&#34; &amp; &#39;Jerry&#39;&lt;/b&gt;')
  })
})
