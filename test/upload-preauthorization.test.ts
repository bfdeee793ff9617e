import { request as httpRequest } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import express from "express";
import { createAssetRouter, createTestDatabase, type Database } from "@assets/core";
import { createTestPipeline, testLogger, userWithKey } from "./helpers/app.js";

const MiB = 1024 * 1024;
const BODY = 256 * MiB; // far beyond any socket buffer
const BOUNDARY = "preauth-boundary";

/**
 * Sends a multipart POST /uploads announcing a `BODY`-byte file, as fast as
 * the server takes it, and stops once the answer arrives. Resolves with the
 * status, the error code and how many bytes the server had read from the socket then.
 */
function bigUpload(port: number, auth: Record<string, string>, path: string, fieldsBeforeFile: Record<string, string>, read: () => number) {
  const head = Buffer.from(
    Object.entries(fieldsBeforeFile)
      .map(([name, value]) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
      .join("") + `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
  return new Promise<{ status: number; code: string | undefined; serverRead: number }>((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, method: "POST", path, headers: { ...auth, "content-type": `multipart/form-data; boundary=${BOUNDARY}`, "content-length": head.length + BODY + tail.length } });
    let answered = false;
    req.on("error", (error) => answered || reject(error));
    req.on("response", (res) => {
      answered = true;
      const serverRead = read();
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, code: (JSON.parse(Buffer.concat(chunks).toString()) as { errors?: { code: string }[] }).errors?.[0]?.code, serverRead });
      });
    });
    req.write(head);
    const chunk = Buffer.alloc(MiB, 7);
    let sent = 0;
    const pump = () => {
      while (!answered && sent < BODY) {
        sent += MiB;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      if (!answered) req.end(tail);
    };
    pump();
  });
}

describe("multipart uploads authorize a resource named before the file (issue 11.1)", () => {
  let db: Database;
  let port: number;
  let server: ReturnType<express.Express["listen"]>;
  let sockets: Socket[] = [];
  let auth: Record<string, string>;
  let hidden: number;
  let readOnly: number;
  let own: number;

  beforeAll(async () => {
    db = await createTestDatabase();
    const pipeline = await createTestPipeline(db, { limits: { maxUploadSize: 2 * BODY } });
    const app = express();
    app.use(createAssetRouter({ pipeline, logger: testLogger }));
    server = app.listen(0, "127.0.0.1");
    server.on("connection", (socket: Socket) => sockets.push(socket));
    await new Promise((resolve) => server.once("listening", resolve));
    port = (server.address() as AddressInfo).port;
    const alice = await userWithKey(db, "alice");
    const bob = await userWithKey(db, "bob");
    auth = alice.auth;
    hidden = (await db.prisma.resource.create({ data: { type: "note", name: "bob's private", owner_id: bob.user.id } })).id;
    readOnly = (await db.prisma.resource.create({ data: { type: "note", name: "bob's, readable", owner_id: bob.user.id } })).id;
    await db.prisma.permissionGrant.create({ data: { resource_id: readOnly, subject_type: "user", user_id: alice.user.id, permission: "view" } });
    own = (await db.prisma.resource.create({ data: { type: "note", name: "alice's", owner_id: alice.user.id } })).id;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
    await db.close();
  });

  /** Bytes the server has read from the connection of the latest request. */
  const serverRead = () => sockets.at(-1)?.bytesRead ?? 0;

  it.each([
    ["a form field ahead of the file, on a hidden resource", () => ["/uploads", { resource_id: String(hidden) }] as const, 404, "NOT_FOUND"],
    ["a form field ahead of the file, on a resource the caller may only read", () => ["/uploads", { resource_id: String(readOnly) }] as const, 403, "FORBIDDEN"],
    ["a query parameter, on a hidden resource", () => [`/uploads?resource_id=${hidden}`, {}] as const, 404, "NOT_FOUND"],
    ["a query parameter, on a resource the caller may only read", () => [`/uploads?resource_id=${readOnly}`, {}] as const, 403, "FORBIDDEN"],
    ["a malformed query parameter", () => ["/uploads?resource_id=abc", {}] as const, 400, "INVALID_PARAMETER"],
  ])("answers %s before reading the file", async (_label, target, status, code) => {
    sockets = [];
    const [path, fields] = target();
    const res = await bigUpload(port, auth, path, { ...fields }, serverRead);
    expect(res).toMatchObject({ status, code });
    // 256 MiB announced; the server read at most a few of the socket's own buffers.
    expect(res.serverRead).toBeLessThan(8 * MiB);
  });

  it("still takes the whole file for a resource the caller may change", async () => {
    sockets = [];
    const ok = await bigUpload(port, auth, `/uploads?resource_id=${own}`, {}, serverRead);
    expect(ok.status).toBe(202);
    expect(ok.serverRead).toBeGreaterThan(BODY);
    const row = await db.prisma.upload.findFirstOrThrow({ where: { resource_id: own } });
    expect(Number(row.size)).toBe(BODY);
  });
});
