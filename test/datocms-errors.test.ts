/**
 * Every error path of the DatoCMS profile answers `Content-Type: application/json` (the official
 * client treats any other media type as a failure to retry, see
 * ../shared/notes/image-and-dataset-libraries.md) in DatoCMS's error shape, with the rate headers
 * DatoCMS sends on every answer: unknown ids and routes (404), a refused API key (401), bad
 * parameters and bodies (422), unparsable JSON and a wrong X-Api-Version (400), a body over the
 * JSON limit, and beyond the rate limit (429).
 */
import type { Express } from "express";
import request from "supertest";
import type { Database } from "@assets/core";
import { imageAssetPlugin } from "@assets/image-asset";
import { createTestApp, userWithKey } from "./helpers/app.js";

type Auth = Record<string, string>;
const LIMIT = 20;

let db: Database;
let app: Express;
let auth: Auth;
let throttled: Auth;

beforeAll(async () => {
  ({ db, app } = await createTestApp({ plugins: [imageAssetPlugin({ rateLimit: { limit: LIMIT, windowMs: 60_000 } })] }));
  ({ auth } = await userWithKey(db, "caller"));
  ({ auth: throttled } = await userWithKey(db, "throttled"));
}, 60_000);

afterAll(async () => {
  await db?.close();
});

/** Each case makes one request, all of them fewer than the limit (the 429 case has a key of its own). */
const CASES: ReadonlyArray<[string, number, string, () => request.Test]> = [
  ["an unknown upload", 404, "NOT_FOUND", () => request(app).get("/datocms/uploads/999999").set(auth)],
  ["a path no route serves", 404, "NOT_FOUND", () => request(app).get("/datocms/no-such-thing").set(auth)],
  ["a method the path does not take", 404, "NOT_FOUND", () => request(app).patch("/datocms/upload-tags").set(auth)],
  ["a refused API key", 401, "INVALID_AUTHORIZATION_HEADER", () => request(app).get("/datocms/uploads").set("Authorization", "Bearer not-a-key")],
  ["an unsupported authorization scheme", 401, "INVALID_AUTHORIZATION_HEADER", () => request(app).get("/datocms/uploads").set("Authorization", "Digest x")],
  ["a bad query parameter", 422, "INVALID_PARAMS", () => request(app).get("/datocms/uploads?page[limit]=501").set(auth)],
  ["a bad filter", 422, "INVALID_FILTER_FIELDS_PARAM", () => request(app).get("/datocms/uploads?filter[fields][size][like]=3").set(auth)],
  ["a body missing an attribute", 422, "INVALID_FIELD", () => request(app).post("/datocms/uploads").set(auth).send({ data: { type: "upload", attributes: {} } })],
  ["a body that is not JSON", 400, "INVALID_JSON_BODY", () => request(app).post("/datocms/uploads").set(auth).set("Content-Type", "application/json").send("{not json")],
  ["another API version", 400, "INVALID_API_VERSION", () => request(app).get("/datocms/uploads").set(auth).set("X-Api-Version", "2")],
  ["a JSON body over the limit", 422, "INVALID_FIELD", () => request(app).post("/datocms/upload-requests").set(auth).set("Content-Type", "application/json").send(JSON.stringify({ data: { type: "upload_request", attributes: { filename: "x".repeat(1_100_000) } } }))],
];

describe("the DatoCMS profile's errors", () => {
  it.each(CASES)("answers %s with %d %s as application/json with the rate headers", async (_what, status, code, send) => {
    const res = await send().set("Accept", "application/json");
    expect(res.status).toBe(status);
    expect(res.headers["content-type"]).toMatch(/^application\/json(;|$)/);
    expect(JSON.parse(res.text)).toMatchObject({ data: [{ id: expect.any(String), type: "api_error", attributes: { code, details: expect.any(Object) } }] });
    expect(res.headers["x-ratelimit-limit"]).toBe(String(LIMIT));
    expect(Number(res.headers["x-ratelimit-remaining"])).toBeGreaterThanOrEqual(0);
    expect(Number(res.headers["x-ratelimit-reset"])).toBeGreaterThanOrEqual(1);
  });

  it("answers beyond the rate limit with 429 RATE_LIMIT_EXCEEDED as application/json", async () => {
    const answers = [];
    for (let i = 0; i <= LIMIT; i += 1) answers.push(await request(app).get("/datocms/upload-tags").set(throttled).set("Accept", "application/json"));
    const refused = answers.at(-1)!;
    expect(answers.map((res) => res.status)).toEqual([...Array(LIMIT).fill(200), 429]);
    expect(refused.headers["content-type"]).toMatch(/^application\/json(;|$)/);
    expect(JSON.parse(refused.text)).toMatchObject({ data: [{ type: "api_error", attributes: { code: "RATE_LIMIT_EXCEEDED" } }] });
    expect(refused.headers["x-ratelimit-remaining"]).toBe("0");
  });
});
