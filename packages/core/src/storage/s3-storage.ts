import { createRequire } from "node:module";
import type { S3Client, S3ClientConfig } from "@aws-sdk/client-s3";
import { Readable, Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  StorageNotFoundError,
  abortError,
  assertValidRange,
  assertValidRead,
  type FreedStorage,
  type PutOptions,
  type PutResult,
  type StorageDriver,
  type StorageEntry,
  type StorageStat,
} from "./storage-driver.js";
import { assertValidKey } from "./storage-key.js";

/** Options for {@link S3Storage}. Client settings are ignored when `client` is given. */
export interface S3StorageOptions
  extends Pick<
    S3ClientConfig,
    "endpoint" | "region" | "credentials" | "forcePathStyle" | "requestChecksumCalculation" | "responseChecksumValidation"
  > {
  /** Bucket holding the objects; must exist. */
  bucket: string;
  /** Pre-configured client; otherwise one is built from the options above and owned by this driver. */
  client?: S3Client;
  /** Key prefix inside the bucket, e.g. `"assets/"`. */
  prefix?: string;
  /** Multipart part size in bytes (default 8 MiB, minimum 5 MiB). Caps objects at 10,000 parts. */
  partSize?: number;
  /** Parts uploaded concurrently (default 4). Memory per put is about `(queueSize + 1) * partSize`. */
  queueSize?: number;
  /** Largest object `move` copies server-side (default 5 GiB, S3's CopyObject limit); larger ones are streamed. */
  maxCopySize?: number;
}

const MiB = 1024 * 1024;

// The AWS SDK loads when an S3Storage is made, not with the core: a server on local disk never
// needs it, and it was ~20 MiB of its idle RSS.
const load = createRequire(import.meta.url);
interface Sdk {
  s3: typeof import("@aws-sdk/client-s3");
  storage: typeof import("@aws-sdk/lib-storage");
}
let libraries: Sdk | undefined;
function sdk(): Sdk {
  libraries ??= { s3: load("@aws-sdk/client-s3"), storage: load("@aws-sdk/lib-storage") };
  return libraries;
}

/**
 * Stores objects in an S3 bucket (or any S3-compatible server). Puts stream
 * through `@aws-sdk/lib-storage`: a single PutObject for small bodies,
 * otherwise a multipart upload that S3 only publishes on completion and that
 * is aborted on failure, so either way readers never see partial objects.
 * A put killed with its process leaves its multipart upload (and the bytes
 * of its parts) in the bucket: {@link removeAbandonedWrites} aborts those.
 */
export class S3Storage implements StorageDriver {
  readonly name = "s3";
  /** The client in use. */
  readonly client: S3Client;
  /** The bucket in use. */
  readonly bucket: string;
  /** Normalised prefix: empty or ending in `/`. */
  readonly prefix: string;
  readonly #ownsClient: boolean;
  readonly #partSize: number;
  readonly #queueSize: number;
  readonly #maxCopySize: number;
  /** Bucket keys this instance's puts are writing (a put's key is unique while it runs: `tmp/<uuid>`). */
  readonly #writing = new Map<string, number>();

  constructor(options: S3StorageOptions) {
    const { bucket, client, prefix = "", partSize = 8 * MiB, queueSize = 4, maxCopySize = 5 * 1024 * MiB } = options;
    this.bucket = bucket;
    this.#ownsClient = !client;
    this.client =
      client ??
      new (sdk().s3.S3Client)({
        region: options.region ?? "us-east-1",
        endpoint: options.endpoint,
        credentials: options.credentials,
        forcePathStyle: options.forcePathStyle,
        requestChecksumCalculation: options.requestChecksumCalculation,
        responseChecksumValidation: options.responseChecksumValidation,
      });
    const trimmed = prefix.replace(/^\/+|\/+$/g, "");
    if (trimmed) assertValidKey(trimmed);
    this.prefix = trimmed ? `${trimmed}/` : "";
    this.#partSize = partSize;
    this.#queueSize = queueSize;
    this.#maxCopySize = maxCopySize;
  }

  /** Bucket key for a storage key; throws `InvalidStorageKeyError` for bad keys. */
  objectKey(key: string): string {
    assertValidKey(key);
    return this.prefix + key;
  }

  async put(key: string, body: Readable, options: PutOptions = {}): Promise<PutResult> {
    const { signal, contentType } = options;
    const counter = new ByteCounter();
    let sourceError: unknown;
    let writing: string | undefined;
    body.once("error", (error) => (sourceError = error));
    try {
      const Key = this.objectKey(key);
      if (signal?.aborted) throw abortError(signal);
      this.#writing.set(Key, (this.#writing.get(Key) ?? 0) + 1);
      writing = Key;
      pipeline(body, counter, { signal }).catch(() => undefined);
      const upload = new (sdk().storage.Upload)({
        client: this.client,
        params: { Bucket: this.bucket, Key, Body: counter, ContentType: contentType },
        partSize: this.#partSize,
        queueSize: this.#queueSize,
        leavePartsOnError: false,
      });
      await upload.done();
      return { size: counter.bytes };
    } catch (error) {
      counter.destroy();
      body.destroy();
      if (signal?.aborted) throw abortError(signal);
      // The SDK may report its own follow-up failure (e.g. aborting the multipart upload); the source's error is the cause.
      throw sourceError ?? error;
    } finally {
      if (writing) {
        const left = (this.#writing.get(writing) ?? 1) - 1;
        if (left > 0) this.#writing.set(writing, left);
        else this.#writing.delete(writing);
      }
    }
  }

  async get(key: string): Promise<Readable> {
    const Key = this.objectKey(key);
    const response = await this.#send(key, () => this.client.send(new (sdk().s3.GetObjectCommand)({ Bucket: this.bucket, Key })));
    return response.Body as Readable;
  }

  async getRange(key: string, start: number, endInclusive: number): Promise<Readable> {
    assertValidRange(start, endInclusive);
    const Key = this.objectKey(key);
    const Range = `bytes=${start}-${endInclusive}`;
    const response = await this.#send(key, () =>
      this.client.send(new (sdk().s3.GetObjectCommand)({ Bucket: this.bucket, Key, Range })),
    );
    const body = response.Body as Readable;
    // Servers may ignore or mis-serve a Range (HTTP allows a 200 with the whole body; s3rver
    // answers `bytes=0-0` with everything): trim to what was asked for instead of trusting it.
    const served = parseContentRange(response.ContentRange) ?? { start: 0, total: response.ContentLength ?? 0 };
    if (served.start > start) {
      body.destroy();
      throw new Error(`Server returned ${response.ContentRange} for ${Range} of ${key}`);
    }
    if (start >= served.total) {
      body.destroy();
      throw new RangeError(`Range start ${start} is beyond the end of ${key} (${served.total} bytes)`);
    }
    const end = Math.min(endInclusive, served.total - 1);
    const length = end - start + 1;
    if (served.start === start && response.ContentLength === length) return body;
    return sliceStream(body, start - served.start, length);
  }

  async read(key: string, offset: number, length: number): Promise<Uint8Array> {
    assertValidRead(offset, length);
    if (length === 0) {
      if (!(await this.exists(key))) throw new StorageNotFoundError(key);
      return new Uint8Array(0);
    }
    let body: Readable;
    try {
      body = await this.getRange(key, offset, offset + length - 1);
    } catch (error) {
      if (error instanceof RangeError) return new Uint8Array(0);
      throw error;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async stat(key: string): Promise<StorageStat | null> {
    const Key = this.objectKey(key);
    try {
      const head = await this.client.send(new (sdk().s3.HeadObjectCommand)({ Bucket: this.bucket, Key }));
      return { size: head.ContentLength ?? 0, modifiedAt: head.LastModified ?? new Date(0) };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    return (await this.stat(key)) !== null;
  }

  async delete(key: string): Promise<void> {
    const Key = this.objectKey(key);
    await this.client.send(new (sdk().s3.DeleteObjectCommand)({ Bucket: this.bucket, Key }));
  }

  /** Server-side copy then delete: not atomic, `from` and `to` briefly both exist. */
  async move(from: string, to: string): Promise<void> {
    const source = this.objectKey(from);
    const Key = this.objectKey(to);
    const info = await this.stat(from);
    if (!info) throw new StorageNotFoundError(from);
    if (info.size > this.#maxCopySize) {
      await this.put(to, await this.get(from));
    } else {
      const CopySource = `${this.bucket}/${source.split("/").map(encodeURIComponent).join("/")}`;
      await this.#send(from, () => this.client.send(new (sdk().s3.CopyObjectCommand)({ Bucket: this.bucket, Key, CopySource })));
    }
    await this.delete(from);
  }

  async *list(prefix: string): AsyncIterable<StorageEntry> {
    let ContinuationToken: string | undefined;
    do {
      const page = await this.client.send(new (sdk().s3.ListObjectsV2Command)({ Bucket: this.bucket, Prefix: this.prefix + prefix, ContinuationToken }));
      for (const object of page.Contents ?? []) {
        if (!object.Key?.startsWith(this.prefix)) continue;
        yield { key: object.Key.slice(this.prefix.length), size: object.Size ?? 0, modifiedAt: object.LastModified ?? new Date(0) };
      }
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
  }

  /**
   * Aborts the multipart uploads under the prefix that no put of this
   * instance runs and whose last part (or start, without parts) is older
   * than `idleSince`; S3 then frees their parts. A put in another process
   * shows progress only per part (`partSize` bytes).
   */
  async removeAbandonedWrites(idleSince: Date): Promise<FreedStorage> {
    const freed = { count: 0, bytes: 0 };
    let KeyMarker: string | undefined;
    let UploadIdMarker: string | undefined;
    do {
      const page = await this.client.send(new (sdk().s3.ListMultipartUploadsCommand)({ Bucket: this.bucket, Prefix: this.prefix, KeyMarker, UploadIdMarker }));
      for (const upload of page.Uploads ?? []) {
        const { Key, UploadId } = upload;
        if (!Key || !UploadId || this.#writing.has(Key) || (upload.Initiated && upload.Initiated >= idleSince)) continue;
        const parts = await this.#parts(Key, UploadId);
        if (parts.lastModified >= idleSince) continue;
        try {
          await this.client.send(new (sdk().s3.AbortMultipartUploadCommand)({ Bucket: this.bucket, Key, UploadId }));
        } catch (error) {
          if ((error as Error)?.name === "NoSuchUpload") continue; // completed or aborted meanwhile
          throw error;
        }
        freed.count++;
        freed.bytes += parts.bytes;
      }
      KeyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      UploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
    } while (KeyMarker);
    return freed;
  }

  /** Bytes in a multipart upload's parts and when the last one arrived. */
  async #parts(Key: string, UploadId: string): Promise<{ bytes: number; lastModified: Date }> {
    let bytes = 0;
    let lastModified = new Date(0);
    let PartNumberMarker: string | undefined;
    do {
      const page = await this.client.send(new (sdk().s3.ListPartsCommand)({ Bucket: this.bucket, Key, UploadId, PartNumberMarker }));
      for (const part of page.Parts ?? []) {
        bytes += part.Size ?? 0;
        if (part.LastModified && part.LastModified > lastModified) lastModified = part.LastModified;
      }
      PartNumberMarker = page.IsTruncated ? page.NextPartNumberMarker : undefined;
    } while (PartNumberMarker);
    return { bytes, lastModified };
  }

  /** Releases the client's sockets if this driver created it. */
  destroy(): void {
    if (this.#ownsClient) this.client.destroy();
  }

  /** Runs an S3 call, mapping missing objects and unsatisfiable ranges to the driver's errors. */
  async #send<T>(key: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (isNotFound(error)) throw new StorageNotFoundError(key, { cause: error });
      if (statusOf(error) === 416 || (error as Error)?.name === "InvalidRange") {
        throw new RangeError(`Range not satisfiable for ${key}`, { cause: error });
      }
      throw error;
    }
  }
}

/** Parses `bytes a-b/total`; `null` when absent or unparseable. */
function parseContentRange(header: string | undefined): { start: number; total: number } | null {
  const match = /^bytes (\d+)-\d+\/(\d+)$/.exec(header ?? "");
  return match ? { start: Number(match[1]), total: Number(match[2]) } : null;
}

/** Skips `skip` bytes of `source`, then passes `length` bytes and stops reading it. */
function sliceStream(source: Readable, skip: number, length: number): Readable {
  async function* slice() {
    let position = 0;
    const end = skip + length;
    for await (const chunk of source as AsyncIterable<Buffer>) {
      const from = Math.max(skip - position, 0);
      const to = Math.min(end - position, chunk.length);
      position += chunk.length;
      if (to > from) yield chunk.subarray(from, to);
      if (position >= end) return;
    }
  }
  return Readable.from(slice(), { objectMode: false });
}

/** Counts bytes passing through. */
class ByteCounter extends Transform {
  bytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    callback(null, chunk);
  }
}

const statusOf = (error: unknown) => (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;

function isNotFound(error: unknown): boolean {
  const name = (error as Error)?.name;
  return name === "NoSuchKey" || name === "NotFound";
}
