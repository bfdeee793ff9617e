import type { Request, Response } from "express";
import { wantsJsonApi } from "./error-handler.js";

// BigInt (file sizes) has no JSON form; sizes stay well below 2^53 in practice, so numbers are safe.
function replacer(_key: string, value: unknown) {
  return typeof value === "bigint" ? Number(value) : value;
}

/** Sends a JSON body in the media type the client asked for (JSON:API or plain JSON). */
export function sendJson(req: Request, res: Response, status: number, body: unknown): void {
  res.status(status).type(wantsJsonApi(req) ? "application/vnd.api+json" : "application/json").send(JSON.stringify(body, replacer));
}
