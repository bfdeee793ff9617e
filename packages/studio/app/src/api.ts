/** The asset API, reached at the studio's parent path (`/cms/studio/` talks to `/cms`). */
export const apiBase = location.pathname.replace(/\/studio\/?.*$/, "");

const KEY_STORAGE = "assets-studio-api-key";

/** The API key the studio sends, kept in this browser only; null = anonymous (or the host's session cookie). */
export const apiKey = {
  get: (): string | null => localStorage.getItem(KEY_STORAGE),
  set: (key: string | null) => (key ? localStorage.setItem(KEY_STORAGE, key) : localStorage.removeItem(KEY_STORAGE)),
};

/** An answer that was not 2xx, with the API's own message. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export function authHeaders(): Record<string, string> {
  const key = apiKey.get();
  return key ? { Authorization: `Bearer ${key}` } : {};
}

/** Fetches JSON from the API (a path below its base, or a URL it linked to); a failure throws ApiError with the message the API gave. */
export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/vnd.api+json, application/json", ...authHeaders(), ...(init.headers as Record<string, string>) };
  if (init.body && typeof init.body === "string") headers["Content-Type"] ??= "application/vnd.api+json";
  const res = await fetch(/^https?:/.test(path) ? path : `${apiBase}${path}`, { ...init, headers, credentials: "same-origin" });
  const text = await res.text();
  const body = text ? safeJson(text) : null;
  if (!res.ok) throw new ApiError(res.status, errorMessage(body) ?? `${res.status} ${res.statusText}`);
  return body as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The message of an error answer in any of the profiles' shapes: JSON:API, DatoCMS, DRF. */
export function errorMessage(body: unknown): string | null {
  if (!body || typeof body !== "object") return typeof body === "string" && body ? body : null;
  const record = body as Record<string, unknown>;
  if (Array.isArray(record.errors)) {
    return record.errors.map((e: { title?: string; detail?: string }) => e.detail ?? e.title).filter(Boolean).join("; ") || null;
  }
  if (Array.isArray(record.data)) {
    const codes = record.data.map((e: { attributes?: { code?: string; details?: unknown } }) => [e.attributes?.code, JSON.stringify(e.attributes?.details ?? "")].filter(Boolean).join(" "));
    return codes.join("; ") || null;
  }
  return typeof record.detail === "string" ? record.detail : null;
}

/** A JSON:API resource object as the core renders it. */
export interface Resource {
  type: string;
  id: string;
  attributes: Record<string, unknown> & { name: string; uuid: string; access_modifier: string; tags: string[]; created_at: string; writable: boolean };
  links?: { self: string; thumbnail?: string };
}

export interface ListDocument<T> {
  data: T[];
  meta: { total_count: number };
}

/** Reads a server-sent event stream with the API key (EventSource cannot send headers). */
export async function readEvents(path: string, onEvent: (event: string, data: unknown) => void, signal?: AbortSignal): Promise<void> {
  const res = await fetch(`${apiBase}${path}`, { headers: { Accept: "text/event-stream", ...authHeaders() }, signal });
  if (!res.ok || !res.body) throw new ApiError(res.status, `events: ${res.status}`);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const chunk = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = "message";
      const data: string[] = [];
      for (const line of chunk.split("\n")) {
        if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
      }
      if (data.length) onEvent(event, safeJson(data.join("\n")));
    }
  }
}
