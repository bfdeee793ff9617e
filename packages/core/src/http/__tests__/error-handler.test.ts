import { Writable } from "node:stream";
import express, { Router } from "express";
import { pino } from "pino";
import request from "supertest";
import { Errors } from "../../errors/index.js";
import { errorHandler, withErrorProfile, type ErrorProfile } from "../error-handler.js";
import { requestLogging } from "../logging.js";

/** A profile whose answers are easy to tell apart: `{ shape, code }`, status as refined. */
const profile = (shape: string, refine?: ErrorProfile["refine"]): ErrorProfile => ({
  refine,
  render: (error) => ({ status: error.status, body: { shape, code: error.code } }),
  headers: () => ({ "X-Shape": shape }),
});

function appWith(lines: string[]) {
  const log = pino(
    { level: "error" },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    }),
  );
  const inner = Router();
  inner.get("/inner/missing", () => {
    throw Errors.NOT_FOUND();
  });
  const outer = Router();
  outer.use(withErrorProfile(profile("inner"), inner));
  outer.get("/forbidden", () => {
    throw Errors.FORBIDDEN();
  });
  outer.get("/crash", () => {
    throw new Error("database on fire");
  });
  const app = express();
  app.use(requestLogging(log));
  app.use("/p", withErrorProfile(profile("outer", (error) => (error.status === 403 ? Errors.UNAUTHENTICATED() : error)), outer));
  app.get("/core", () => {
    throw Errors.CONFLICT();
  });
  app.use(errorHandler(log));
  return app;
}

describe("the one error handler", () => {
  const lines: string[] = [];
  const app = appWith(lines);

  it("answers in the profile of the innermost scope the error was raised in", async () => {
    const res = await request(app).get("/p/inner/missing");
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ shape: "inner", code: "NOT_FOUND" });
    expect(res.headers["x-shape"]).toBe("inner");
  });

  it("restores the outer profile when a request falls through a scope, and applies its refinement", async () => {
    const res = await request(app).get("/p/forbidden");
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ shape: "outer", code: "UNAUTHENTICATED" });
  });

  it("answers JSON:API outside every scope, in the media type the client asked for", async () => {
    const plain = await request(app).get("/core");
    expect(plain.status).toBe(409);
    expect(plain.headers["content-type"]).toMatch(/^application\/json/);
    expect(plain.body.errors[0]).toMatchObject({ status: "409", code: "CONFLICT" });
    const jsonApi = await request(app).get("/core").set("Accept", "application/vnd.api+json");
    expect(jsonApi.headers["content-type"]).toMatch(/^application\/vnd\.api\+json/);
  });

  it("answers an unexpected error as a generic 500 and logs it once with the request id", async () => {
    lines.length = 0;
    const res = await request(app).get("/p/crash").set("X-Request-Id", "req-42");
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ shape: "outer", code: "INTERNAL" });
    expect(JSON.stringify(res.body)).not.toContain("on fire");
    const logged = lines.map((line) => JSON.parse(line) as { reqId?: string; err?: { message: string } });
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ reqId: "req-42", err: { message: "database on fire" } });
  });
});
