// CORS and JSON replies for edge functions called from the SPA (supabase.functions.invoke).
export const corsHeaders: Record<string, string> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'POST, OPTIONS',
  'Access-Control-Allow-Headers':
    'authorization, x-client-info, apikey, content-type, x-supabase-api-version',
  'Access-Control-Max-Age': '3600',
}

export function preflight(): Response {
  return new Response(null, { status: 204, headers: corsHeaders })
}

export function json(body: unknown, status = 200, extra: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...corsHeaders, 'Content-Type': 'application/json', ...extra },
  })
}

/** An error reply: `message` for people, `code` a stable machine code (the SPA reads both). */
export function errorReply(
  status: number,
  code: string,
  message: string,
  extra: Record<string, string> = {},
): Response {
  return json({ code, message }, status, extra)
}
