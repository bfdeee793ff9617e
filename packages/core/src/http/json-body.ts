import express, { type RequestHandler } from "express";
import { findUnstorableJson, unstorableReason } from "../db/storable-json.js";
import { Errors } from "../errors/index.js";

const JSON_TYPES = ["application/json", "application/vnd.api+json", "application/*+json"];

/**
 * The router's JSON body reader (up to 1 MB). PostgreSQL's text and jsonb
 * cannot hold NUL (`\u0000`), and deep nesting breaks recursive code, so a
 * body with either is a 400 here, before any handler sees it.
 */
export function jsonBody(): RequestHandler[] {
  const refuseUnstorable: RequestHandler = (req, _res, next) => {
    const found = findUnstorableJson(req.body);
    if (found) throw Errors.INVALID_BODY({ detail: `${found.pointer}: ${unstorableReason(found.problem)}`, source: { pointer: found.pointer } });
    next();
  };
  return [express.json({ type: JSON_TYPES, limit: "1mb" }), refuseUnstorable];
}
