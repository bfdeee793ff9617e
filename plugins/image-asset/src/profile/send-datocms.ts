import type { Response } from "express";

/**
 * Sends a DatoCMS answer. Always `application/json`, whatever the `Accept`: the official client
 * retries any answer of another media type (`application/vnd.api+json` included).
 */
export function sendDatocms(res: Response, status: number, body: unknown): void {
  res.status(status).type("application/json").send(JSON.stringify(body));
}
