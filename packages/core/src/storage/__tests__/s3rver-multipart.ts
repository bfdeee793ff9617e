import { readFile, readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import type S3rver from "s3rver";

type Middleware = S3rver["middleware"][number];

const xml = (value: string) => value.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
const NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';

/**
 * s3rver 3.7 answers ListMultipartUploads, ListParts and AbortMultipartUpload
 * with NotImplemented or 405, and takes parts for an upload that is gone, so
 * a failed put's multipart upload could never be removed there. This adds
 * the three calls and refuses parts and completions of unknown uploads, as the S3 API reference
 * shapes them, over s3rver's own upload folders
 * (`<directory>/<bucket>/._S3rver_uploads/<uploadId>/{key,<part>}`). Install
 * it before `run()`.
 */
export function addMultipartCalls(server: S3rver, directory: string): void {
  const uploadsOf = (bucket: string) => path.join(directory, bucket, "._S3rver_uploads");
  const middleware: Middleware = async (ctx, next) => {
    const [, bucket = "", ...keyParts] = ctx.path.split("/");
    const key = keyParts.map(decodeURIComponent).join("/");
    const uploadId = typeof ctx.query.uploadId === "string" ? ctx.query.uploadId : undefined;
    if (ctx.method === "GET" && !key && "uploads" in ctx.query) {
      const prefix = typeof ctx.query.prefix === "string" ? ctx.query.prefix : "";
      const ids = await readdir(uploadsOf(bucket)).catch(() => [] as string[]);
      const uploads: string[] = [];
      for (const id of ids.sort()) {
        const file = path.join(uploadsOf(bucket), id, "key");
        const [name, info] = await Promise.all([readFile(file, "utf8").catch(() => null), stat(file).catch(() => null)]);
        if (name === null || !info || !name.startsWith(prefix)) continue;
        uploads.push(`<Upload><Key>${xml(name)}</Key><UploadId>${xml(id)}</UploadId><Initiated>${info.mtime.toISOString()}</Initiated></Upload>`);
      }
      return reply(ctx, 200, `<ListMultipartUploadsResult ${NS}><Bucket>${xml(bucket)}</Bucket><Prefix>${xml(prefix)}</Prefix><MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated>${uploads.join("")}</ListMultipartUploadsResult>`);
    }
    if (key && uploadId) {
      const folder = path.join(uploadsOf(bucket), path.basename(uploadId));
      const owner = await readFile(path.join(folder, "key"), "utf8").catch(() => null);
      // As S3 does, and s3rver does not: parts and completions of an aborted upload fail.
      if (owner !== key) return reply(ctx, 404, `<Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message><UploadId>${xml(uploadId)}</UploadId></Error>`);
      if (ctx.method !== "GET" && ctx.method !== "DELETE") return next();
      if (ctx.method === "DELETE") {
        await rm(folder, { recursive: true, force: true });
        ctx.status = 204;
        ctx.body = null;
        return;
      }
      const parts: string[] = [];
      const names = (await readdir(folder)).filter((n) => /^\d+$/.test(n)).sort((a, b) => Number(a) - Number(b));
      for (const name of names) {
        const info = await stat(path.join(folder, name));
        const md5 = await readFile(path.join(folder, `${name}.md5`), "utf8").catch(() => "");
        parts.push(`<Part><PartNumber>${name}</PartNumber><LastModified>${info.mtime.toISOString()}</LastModified><ETag>"${md5}"</ETag><Size>${info.size}</Size></Part>`);
      }
      return reply(ctx, 200, `<ListPartsResult ${NS}><Bucket>${xml(bucket)}</Bucket><Key>${xml(key)}</Key><UploadId>${xml(uploadId)}</UploadId><IsTruncated>false</IsTruncated>${parts.join("")}</ListPartsResult>`);
    }
    await next();
  };
  server.middleware.unshift(middleware);
}

function reply(ctx: Parameters<Middleware>[0], status: number, body: string): void {
  ctx.status = status;
  ctx.type = "application/xml";
  ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
}
