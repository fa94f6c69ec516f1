// Auth's redirect allow-list (IsRedirectURLValid / GetReferrer): the site URL's host, loopback IPs
// and the globs of additional_redirect_urls (`*` stops at . and /, `**` matches anything).
import type { IncomingMessage } from 'node:http'
import type { AuthConfig } from './config.ts'

const compiled = new Map<string, RegExp>()

export function globToRegExp(glob: string): RegExp {
  let re = compiled.get(glob)
  if (re) return re
  let src = ''
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!
    if (ch === '*' && glob[i + 1] === '*') {
      src += '.*'
      i++
    } else if (ch === '*') src += '[^./]*'
    else if (ch === '?') src += '[^./]'
    else if (ch === '{') {
      const end = glob.indexOf('}', i)
      src += `(?:${glob
        .slice(i + 1, end)
        .split(',')
        .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('|')})`
      i = end
    } else src += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
  }
  re = new RegExp(`^${src}$`)
  compiled.set(glob, re)
  return re
}

export function isRedirectUrlValid(cfg: AuthConfig, url: string | null | undefined): boolean {
  if (!url) return false
  let ref: URL
  try {
    ref = new URL(url)
  } catch {
    return false
  }
  try {
    if (new URL(cfg.siteUrl).hostname === ref.hostname) return true
  } catch {
    /* site URL unparsable: fall through */
  }
  const host = ref.hostname.replace(/^\[|\]$/g, '')
  if (/^[0-9]+$/.test(host)) return false
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) return host.startsWith('127.')
  if (host === '::1') return true
  const isHttp = ref.protocol === 'http:' || ref.protocol === 'https:'
  if (isHttp && !/^[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?$/.test(host)) return false
  const matchAgainst = url.split('#')[0]!
  return cfg.redirectAllowList.some((g) => globToRegExp(g).test(matchAgainst))
}

/** Auth's GetReferrer: redirect_to (header, query or form), else the Referer header, else the site URL. */
export function referrer(cfg: AuthConfig, req: IncomingMessage, query: URLSearchParams): string {
  const fromHeader = req.headers['redirect_to']
  const asked = (typeof fromHeader === 'string' && fromHeader) || query.get('redirect_to') || ''
  if (isRedirectUrlValid(cfg, asked)) return asked
  const ref = req.headers.referer
  if (typeof ref === 'string' && isRedirectUrlValid(cfg, ref)) return ref
  return cfg.siteUrl
}
