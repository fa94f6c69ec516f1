// Which origin of the SPA a mailed link should open. Pure, no imports (unit-testable in Node).
//
// SITE_URL is the SPA's canonical origin. A request made by the SPA from another origin (a
// second front end, the browser tests' server) carries it in its Origin header; that origin is
// used for the link's redirect, and Supabase Auth decides whether it is allowed: a redirect
// outside its allow-list (additional_redirect_urls) is replaced by the site URL, and the mail
// templates then fall back to the site URL's /accept-invite.

export function appOrigin(originHeader: string | null | undefined, siteUrl: string): string {
  const site = siteUrl.replace(/\/+$/, '')
  if (!originHeader) return site
  try {
    const u = new URL(originHeader)
    if (
      (u.protocol === 'http:' || u.protocol === 'https:') &&
      u.origin === originHeader.replace(/\/+$/, '')
    )
      return u.origin
  } catch {
    /* not a URL: use the site URL */
  }
  return site
}
