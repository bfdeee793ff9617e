import type { Request, RequestHandler } from "express";
import { Errors } from "@assets/core";

/**
 * Django REST framework's renderers: `?format=json` forces JSON, `?format=api` (or a browser's
 * `Accept: text/html`) renders the same answer as an HTML page whose URLs are links that stay in
 * the browsable view, as DRF's BrowsableAPIRenderer does. Any other `format` is a 404, as DRF
 * answers a format no renderer serves. Routes keep sending JSON; only what leaves is changed, so
 * lists, details and errors all get the page. Bodies that are not JSON (PNG windows) pass as they are.
 */
export function browsableApi(options: { name: string }): RequestHandler {
  return (req, res, next) => {
    const format = req.query.format;
    if (format !== undefined && format !== "json" && format !== "api") throw Errors.NOT_FOUND({ detail: "Not found." });
    res.vary("Accept");
    if (!wantsHtml(req, format)) return next();
    const send = res.send.bind(res);
    res.send = (body?: unknown) => {
      if (!/json/i.test(String(res.get("Content-Type") ?? ""))) return send(body);
      const text = typeof body === "string" ? body : Buffer.isBuffer(body) ? body.toString("utf8") : JSON.stringify(body);
      res.type("html");
      return send(renderPage(req, res.statusCode, res.get("Allow") ?? null, text, options.name));
    };
    next();
  };
}

function wantsHtml(req: Request, format: unknown): boolean {
  if (format === "api") return true;
  if (format === "json") return false;
  // A browser asks for text/html first; curl's */* and API clients' JSON keep JSON.
  return /text\/html/i.test(req.get("Accept") ?? "") && req.accepts(["application/json", "text/html"]) === "text/html";
}

const STATUS_TEXT: Record<number, string> = { 200: "OK", 201: "Created", 202: "Accepted", 204: "No Content", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 409: "Conflict", 413: "Payload Too Large", 415: "Unsupported Media Type", 422: "Unprocessable Entity", 429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable" };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The URL with `format=api`, so following it stays in the browsable view. */
function browsable(url: URL): string {
  const next = new URL(url);
  next.searchParams.set("format", "api");
  return next.href;
}

/** Pretty-printed JSON, escaped, with every URL of this host as a link. */
function linkedJson(text: string, origin: string): string {
  let pretty: string;
  try {
    pretty = JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return escapeHtml(text);
  }
  let html = "";
  let last = 0;
  for (const match of pretty.matchAll(/"(?:[^"\\]|\\.)*"/g)) {
    html += escapeHtml(pretty.slice(last, match.index));
    last = match.index + match[0].length;
    const value = JSON.parse(match[0]) as string;
    const url = URL.canParse(value) ? new URL(value) : null;
    html += url && url.origin === origin ? `"<a href="${escapeHtml(browsable(url))}">${escapeHtml(value)}</a>"` : escapeHtml(match[0]);
  }
  return html + escapeHtml(pretty.slice(last));
}

function renderPage(req: Request, status: number, allow: string | null, body: string, name: string): string {
  const url = new URL(req.originalUrl, `${req.protocol}://${req.get("host")}`);
  const json = new URL(url);
  json.searchParams.set("format", "json");
  const crumbs = url.pathname.split("/").filter(Boolean);
  const trail = crumbs.map((part, i) => `<a href="${escapeHtml(browsable(new URL(`/${crumbs.slice(0, i + 1).join("/")}/`, url)))}">${escapeHtml(part)}</a>`).join(" / ");
  const headers = [`HTTP ${status} ${STATUS_TEXT[status] ?? ""}`.trim(), allow ? `Allow: ${allow}` : null, "Content-Type: application/json", "Vary: Accept"].filter(Boolean).join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(crumbs.at(-1) ?? name)} – ${escapeHtml(name)}</title>
<style>
body{margin:0;font:14px/1.45 system-ui,sans-serif;color:#222;background:#f7f7f9}
header{background:#2c3e50;color:#fff;padding:10px 20px}header a{color:#fff}
main{padding:16px 20px;max-width:1100px}
.crumbs{margin:0 0 12px;color:#555}.crumbs a{color:#2c6fbb}
.request{font-family:ui-monospace,monospace;background:#fff;border:1px solid #ddd;padding:6px 10px}
pre{background:#fff;border:1px solid #ddd;padding:12px;overflow:auto;white-space:pre-wrap;word-break:break-word}
pre a{color:#2c6fbb}.formats{float:right}
</style></head>
<body><header><strong>${escapeHtml(name)}</strong> · Django REST framework style browsable API</header>
<main><p class="crumbs">${trail}</p>
<p class="formats"><a href="${escapeHtml(json.href)}">json</a></p>
<p class="request"><b>${escapeHtml(req.method)}</b> ${escapeHtml(url.pathname + url.search)}</p>
<pre class="response-info"><span class="meta">${escapeHtml(headers)}</span>

${linkedJson(body, url.origin)}</pre>
</main></body></html>`;
}
