import type { IncomingMessage, ServerResponse } from "node:http";

/** Options of {@link toWebRequest}. */
export interface WebRequestOptions {
  /** Body bytes gathered into each chunk of the web stream (default 1 MiB). */
  chunkBytes?: number;
  /** Chunks the web stream may queue before the socket is paused (default 2). */
  queuedChunks?: number;
}

/**
 * A WHATWG `Request` for a Node request, for handlers written against the
 * web API (`@tus/server`'s `handleWeb`). The body streams, never buffered
 * whole: the socket's small chunks are gathered into `chunkBytes` chunks,
 * because web streams cost per chunk (promises on both ends) and a copy costs
 * less; the socket pauses while the stream is full. A connection that drops
 * ends the body early instead of failing it, as `@tus/server`'s own Node
 * adapter does, so a resumable upload keeps what arrived.
 *
 * `url` is the path the handler should see (e.g. `req.url` below a mount point).
 */
export function toWebRequest(req: IncomingMessage, url: string, options: WebRequestOptions = {}): Request {
  const chunkBytes = options.chunkBytes ?? 1024 * 1024;
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
  const hasBody = req.method !== "GET" && req.method !== "HEAD" && req.method !== "OPTIONS";
  const body = hasBody ? bodyStream(req, chunkBytes, options.queuedChunks ?? 2) : undefined;
  const origin = `http://${req.headers.host ?? "localhost"}`;
  return new Request(new URL(url, origin), { method: req.method, headers, body, duplex: body ? "half" : undefined } as RequestInit & { duplex?: "half" });
}

function bodyStream(req: IncomingMessage, chunkBytes: number, queuedChunks: number): ReadableStream<Uint8Array> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let closed = false;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const flush = () => {
          if (pendingBytes === 0) return;
          controller.enqueue(pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes));
          pending = [];
          pendingBytes = 0;
        };
        const finish = () => {
          if (closed) return;
          closed = true;
          flush();
          controller.close();
        };
        req.on("data", (chunk: Buffer) => {
          if (closed) return;
          pending.push(chunk);
          pendingBytes += chunk.length;
          if (pendingBytes < chunkBytes) return;
          flush();
          if ((controller.desiredSize ?? 1) <= 0) req.pause();
        });
        req.once("end", finish);
        // A dropped connection: end with what arrived (the handler decides what a short body means).
        req.once("close", finish);
        req.once("error", finish);
      },
      pull() {
        req.resume();
      },
      cancel() {
        closed = true;
        req.resume(); // drain what is still coming so the socket can answer
      },
    },
    { highWaterMark: queuedChunks },
  );
}

/** Writes a WHATWG `Response` with a small body (a protocol handler's answer) to a Node response. */
export async function sendWebResponse(res: ServerResponse, response: Response): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  res.statusCode = response.status;
  for (const [name, value] of response.headers) res.setHeader(name, value);
  res.end(body.length > 0 ? body : undefined);
}
