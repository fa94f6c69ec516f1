// A small interpreter for the subset of Go's html/template that Supabase Auth's mail templates
// (supabase/templates/*.html) use: {{- -}} trimming, comments, `$x := ...` and `$x = ...`,
// if/with/else/end, the functions and/or/not/eq/ne/lt/le/gt/ge/len/slice/print/html/urlquery/index,
// pipelines with `|`, field access on maps (.Data.role), and html/template's escaping of output
// (HTML text and attributes; URL attributes are normalised first). tests/auth/template.test.ts
// compares it with Go itself.

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pipe: Pipe }
  | { kind: 'assign'; name: string; declare: boolean; pipe: Pipe }
  | { kind: 'if' | 'with'; pipe: Pipe; then: Node[]; else: Node[] }

type Pipe = Cmd[]
type Cmd = Arg[]
type Arg =
  | { t: 'field'; path: string[] } // .A.b or . (empty path)
  | { t: 'var'; name: string; path: string[] }
  | { t: 'str'; v: string }
  | { t: 'num'; v: number }
  | { t: 'bool'; v: boolean }
  | { t: 'ident'; name: string }
  | { t: 'pipe'; pipe: Pipe }

type Token = { kind: 'text'; text: string } | { kind: 'action'; body: string }

function lex(src: string): Token[] {
  const out: Token[] = []
  let i = 0
  while (i < src.length) {
    const open = src.indexOf('{{', i)
    if (open < 0) {
      out.push({ kind: 'text', text: src.slice(i) })
      break
    }
    let text = src.slice(i, open)
    let bodyStart = open + 2
    if (
      src.startsWith('{{- ', open) ||
      src.startsWith('{{-\n', open) ||
      src.startsWith('{{-\t', open)
    ) {
      text = text.replace(/\s+$/, '')
      bodyStart = open + 3
    }
    if (text) out.push({ kind: 'text', text })
    // Find the closing }} outside string literals and comments.
    let j = bodyStart
    let close = -1
    while (j < src.length) {
      if (src.startsWith('/*', j)) {
        const end = src.indexOf('*/', j + 2)
        if (end < 0) throw new Error('template: unclosed comment')
        j = end + 2
        continue
      }
      const ch = src[j]
      if (ch === '"' || ch === '`') {
        j++
        while (j < src.length && src[j] !== ch) j += src[j] === '\\' && ch === '"' ? 2 : 1
        j++
        continue
      }
      if (src.startsWith('}}', j)) {
        close = j
        break
      }
      j++
    }
    if (close < 0) throw new Error('template: unclosed action')
    let body = src.slice(bodyStart, close)
    let next = close + 2
    if (/\s-$/.test(body)) {
      body = body.replace(/\s-$/, '')
      while (next < src.length && /\s/.test(src[next]!)) next++
    }
    out.push({ kind: 'action', body: body.trim() })
    i = next
  }
  return out
}

function tokenizeArgs(s: string): string[] {
  const out: string[] = []
  let i = 0
  while (i < s.length) {
    const ch = s[i]!
    if (/\s/.test(ch)) {
      i++
    } else if (ch === '(' || ch === ')' || ch === '|') {
      out.push(ch)
      i++
    } else if (ch === '"' || ch === '`') {
      let j = i + 1
      while (j < s.length && s[j] !== ch) j += s[j] === '\\' && ch === '"' ? 2 : 1
      out.push(s.slice(i, j + 1))
      i = j + 1
    } else if (s.startsWith(':=', i)) {
      out.push(':=')
      i += 2
    } else if (ch === '=') {
      out.push('=')
      i++
    } else {
      let j = i
      while (j < s.length && !/[\s()|]/.test(s[j]!) && !(s[j] === ':' && s[j + 1] === '=')) j++
      if (j === i) throw new Error(`template: unexpected ${ch}`)
      out.push(s.slice(i, j))
      i = j
    }
  }
  return out
}

function parsePipe(tokens: string[], pos: { i: number }, stop: string | null): Pipe {
  const pipe: Pipe = []
  let cmd: Cmd = []
  while (pos.i < tokens.length) {
    const tok = tokens[pos.i]!
    if (tok === stop) break
    pos.i++
    if (tok === '|') {
      pipe.push(cmd)
      cmd = []
    } else if (tok === '(') {
      cmd.push({ t: 'pipe', pipe: parsePipe(tokens, pos, ')') })
      if (tokens[pos.i] !== ')') throw new Error('template: missing )')
      pos.i++
    } else cmd.push(parseArg(tok))
  }
  pipe.push(cmd)
  return pipe
}

function parseArg(tok: string): Arg {
  if (tok.startsWith('"')) return { t: 'str', v: JSON.parse(tok) as string }
  if (tok.startsWith('`')) return { t: 'str', v: tok.slice(1, -1) }
  if (tok === 'true' || tok === 'false') return { t: 'bool', v: tok === 'true' }
  if (/^-?\d+(\.\d+)?$/.test(tok)) return { t: 'num', v: Number(tok) }
  if (tok === '.') return { t: 'field', path: [] }
  if (tok.startsWith('.')) return { t: 'field', path: tok.slice(1).split('.') }
  if (tok.startsWith('$')) {
    const [name = '', ...path] = tok.split('.')
    return { t: 'var', name, path }
  }
  return { t: 'ident', name: tok }
}

function parse(tokens: Token[]): Node[] {
  let i = 0
  function block(ends: string[]): { nodes: Node[]; end: string } {
    const nodes: Node[] = []
    while (i < tokens.length) {
      const tk = tokens[i++]!
      if (tk.kind === 'text') {
        nodes.push({ kind: 'text', text: tk.text })
        continue
      }
      const body = tk.body
      if (body.startsWith('/*')) continue
      const words = tokenizeArgs(body)
      const head = words[0] ?? ''
      if (ends.includes(head) && (head !== 'else' || words.length === 1 || words[1] === 'if')) {
        if (head === 'else' && words[1] === 'if') {
          // {{ else if x }} == {{ else }}{{ if x }} ... sharing the outer {{ end }}
          const pipe = parsePipe(words, { i: 2 }, null)
          const inner = block(['else', 'end'])
          const node: Node = { kind: 'if', pipe, then: inner.nodes, else: [] }
          if (inner.end === 'else') node.else = block(['end']).nodes
          return { nodes: [...nodes, node], end: 'end-after-elseif' }
        }
        return { nodes, end: head }
      }
      if (head === 'if' || head === 'with') {
        const pipe = parsePipe(words, { i: 1 }, null)
        const then = block(['else', 'end'])
        const node: Node = { kind: head, pipe, then: then.nodes, else: [] }
        if (then.end === 'else') node.else = block(['end']).nodes
        else if (then.end === 'end-after-elseif') throw new Error('template: else if outside if')
        nodes.push(node)
        continue
      }
      if (head.startsWith('$') && (words[1] === ':=' || words[1] === '=')) {
        nodes.push({
          kind: 'assign',
          name: head,
          declare: words[1] === ':=',
          pipe: parsePipe(words, { i: 2 }, null),
        })
        continue
      }
      nodes.push({ kind: 'action', pipe: parsePipe(words, { i: 0 }, null) })
    }
    if (ends.length) throw new Error(`template: missing {{ end }}`)
    return { nodes, end: '' }
  }
  return block([]).nodes
}

// ---------- evaluation -------------------------------------------------------------------
type Scope = { vars: Map<string, unknown>[]; dot: unknown }

function truth(v: unknown): boolean {
  if (v == null) return false
  if (typeof v === 'string' || Array.isArray(v)) return v.length > 0
  if (typeof v === 'number') return v !== 0
  if (typeof v === 'boolean') return v
  if (typeof v === 'object') return Object.keys(v as object).length > 0
  return true
}

function field(v: unknown, path: string[]): unknown {
  let cur = v
  for (const p of path) {
    if (cur == null || typeof cur !== 'object') return undefined
    cur = (cur as Record<string, unknown>)[p]
  }
  return cur
}

function goString(v: unknown): string {
  if (v == null) return '<no value>'
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  if (Array.isArray(v)) return `[${v.map(goString).join(' ')}]`
  return `map[${Object.keys(v as object)
    .sort()
    .map((k) => `${k}:${goString((v as Record<string, unknown>)[k])}`)
    .join(' ')}]`
}

const SAFE_HTML = Symbol('html-escaped')
type Escaped = { [SAFE_HTML]: string }

/**
 * Go's HTML escapes, written once. html/template escapes text and quoted attribute values with
 * this table (its htmlReplacementTable); text/template's `html` function (HTMLEscapeString) uses
 * the same one without `+`.
 */
const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&#34;',
  "'": '&#39;',
  '+': '&#43;',
  '\0': '\uFFFD',
}

export function escapeHtml(s: string, { plus = true }: { plus?: boolean } = {}): string {
  return s.replace(plus ? /[&<>"'+\0]/g : /[&<>"'\0]/g, (c) => HTML_ESCAPES[c]!)
}

const funcs: Record<string, (...args: unknown[]) => unknown> = {
  len: (v) =>
    typeof v === 'string'
      ? Buffer.byteLength(v)
      : Array.isArray(v)
        ? v.length
        : v && typeof v === 'object'
          ? Object.keys(v).length
          : 0,
  slice: (v, a, b) => {
    const s = String(v ?? '')
    const buf = Buffer.from(s)
    const from = Number(a ?? 0)
    const to = b === undefined ? buf.length : Number(b)
    if (from < 0 || to > buf.length || from > to)
      throw new Error(`template: slice index out of range`)
    return buf.subarray(from, to).toString()
  },
  eq: (a, ...rest) => rest.some((b) => a === b),
  ne: (a, b) => a !== b,
  lt: (a, b) => (a as number) < (b as number),
  le: (a, b) => (a as number) <= (b as number),
  gt: (a, b) => (a as number) > (b as number),
  ge: (a, b) => (a as number) >= (b as number),
  not: (a) => !truth(a),
  print: (...args) => {
    // Go's fmt.Sprint: spaces between operands when neither is a string.
    let out = ''
    args.forEach((a, k) => {
      if (k > 0 && typeof a !== 'string' && typeof args[k - 1] !== 'string') out += ' '
      out += goString(a)
    })
    return out
  },
  // text/template's html (HTMLEscapeString): unlike html/template's contextual escaper, it leaves + alone.
  html: (...args) =>
    ({ [SAFE_HTML]: escapeHtml(args.map(goString).join(''), { plus: false }) }) as Escaped,
  urlquery: (...args) => encodeURIComponent(args.map(goString).join('')).replace(/%20/g, '+'),
  index: (v, ...keys) =>
    keys.reduce(
      (cur: unknown, k) => (cur == null ? undefined : (cur as Record<string, unknown>)[String(k)]),
      v,
    ),
}

function evalArg(arg: Arg, scope: Scope, final?: unknown, hasFinal = false): unknown {
  switch (arg.t) {
    case 'str':
    case 'num':
    case 'bool':
      return arg.v
    case 'field':
      return field(scope.dot, arg.path)
    case 'var': {
      for (let k = scope.vars.length - 1; k >= 0; k--) {
        const frame = scope.vars[k]!
        if (frame.has(arg.name)) return field(frame.get(arg.name), arg.path)
      }
      throw new Error(`template: undefined variable ${arg.name}`)
    }
    case 'pipe':
      return evalPipe(arg.pipe, scope)
    case 'ident':
      return callFunc(arg.name, [], scope, final, hasFinal)
  }
}

function callFunc(
  name: string,
  args: Arg[],
  scope: Scope,
  final: unknown,
  hasFinal: boolean,
): unknown {
  const fn = funcs[name]
  if (!fn) throw new Error(`template: function "${name}" not defined`)
  if (name === 'and' || name === 'or') return undefined
  const values = args.map((a) => evalArg(a, scope))
  if (hasFinal) values.push(final)
  return fn(...values)
}

function evalCmd(cmd: Cmd, scope: Scope, final: unknown, hasFinal: boolean): unknown {
  const [head, ...rest] = cmd
  if (!head) throw new Error('template: empty command')
  if (head.t === 'ident') {
    if (head.name === 'and' || head.name === 'or') {
      const all = rest.map((a) => () => evalArg(a, scope))
      if (hasFinal) all.push(() => final)
      let v: unknown
      for (const get of all) {
        v = get()
        if (head.name === 'and' ? !truth(v) : truth(v)) return v
      }
      return v
    }
    return callFunc(head.name, rest, scope, final, hasFinal)
  }
  if (rest.length || hasFinal) throw new Error('template: can only call functions with arguments')
  return evalArg(head, scope)
}

function evalPipe(pipe: Pipe, scope: Scope): unknown {
  let value: unknown
  pipe.forEach((cmd, k) => {
    value = evalCmd(cmd, scope, value, k > 0)
  })
  return value
}

// html/template's contextual escaping, for the contexts these templates have.
function inUrlAttribute(out: string): boolean {
  const tagStart = out.lastIndexOf('<')
  if (tagStart < 0 || out.lastIndexOf('>') > tagStart) return false
  const m = /(\w[\w-]*)\s*=\s*"([^"]*)$/.exec(out.slice(tagStart))
  return !!m && ['href', 'src', 'action'].includes(m[1]!.toLowerCase())
}

function normalizeUrl(s: string): string {
  // Go's urlNormalizer: keep RFC 3986 reserved and unreserved characters and existing %XX, encode the rest.
  let out = ''
  for (const ch of s) {
    if (/[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]/.test(ch)) out += ch
    else
      out += [...Buffer.from(ch)]
        .map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`)
        .join('')
  }
  return out
}

function render(nodes: Node[], scope: Scope, out: { s: string }) {
  for (const n of nodes) {
    switch (n.kind) {
      case 'text':
        out.s += n.text
        break
      case 'assign': {
        const v = evalPipe(n.pipe, scope)
        if (n.declare) scope.vars[scope.vars.length - 1]!.set(n.name, v)
        else {
          const frame = [...scope.vars].reverse().find((f) => f.has(n.name))
          if (!frame) throw new Error(`template: undefined variable ${n.name}`)
          frame.set(n.name, v)
        }
        break
      }
      case 'action': {
        const v = evalPipe(n.pipe, scope)
        if (v && typeof v === 'object' && SAFE_HTML in (v as object)) {
          out.s += (v as Escaped)[SAFE_HTML]
        } else {
          const text = v === undefined || v === null ? '' : goString(v)
          out.s += inUrlAttribute(out.s) ? escapeHtml(normalizeUrl(text)) : escapeHtml(text)
        }
        break
      }
      case 'if':
      case 'with': {
        const v = evalPipe(n.pipe, scope)
        if (truth(v)) {
          scope.vars.push(new Map())
          render(n.then, n.kind === 'with' ? { vars: scope.vars, dot: v } : scope, out)
          scope.vars.pop()
        } else {
          scope.vars.push(new Map())
          render(n.else, scope, out)
          scope.vars.pop()
        }
        break
      }
    }
  }
}

const cache = new Map<string, Node[]>()

/** Renders a Go html/template source with `data` as dot. */
export function renderTemplate(source: string, data: Record<string, unknown>): string {
  let nodes = cache.get(source)
  if (!nodes) {
    nodes = parse(lex(source))
    cache.set(source, nodes)
  }
  const out = { s: '' }
  render(nodes, { vars: [new Map<string, unknown>([['$', data]])], dot: data }, out)
  return out.s
}
