import { describe, expect, it } from "@jest/globals";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import S3rver from "s3rver";
import { S3Storage, type S3StorageOptions } from "../s3-storage.js";
import { describeStorageContract } from "../../testing/index.js";
import { addMultipartCalls } from "./s3rver-multipart.js";

/** Starts s3rver on an ephemeral port with one bucket; returns a driver factory and a teardown. */
async function startS3rver(): Promise<{ make(extra?: Partial<S3StorageOptions>): Promise<S3Storage>; multipartUploads(): Promise<string[]>; close(): Promise<void> }> {
  const directory = await mkdtemp(path.join(tmpdir(), "s3rver-"));
  const server = new S3rver({ address: "127.0.0.1", port: 0, directory, silent: true });
  addMultipartCalls(server, directory);
  const { port } = await server.run();
  const drivers: S3Storage[] = [];
  let bucketCreated = false;
  return {
    async make(extra = {}) {
      const driver = new S3Storage({
        bucket: "assets-test",
        prefix: "contract/",
        endpoint: `http://127.0.0.1:${port}`,
        region: "us-east-1",
        credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
        forcePathStyle: true,
        // s3rver predates the SDK's default CRC32 checksums.
        requestChecksumCalculation: "WHEN_REQUIRED",
        responseChecksumValidation: "WHEN_REQUIRED",
        ...extra,
      });
      drivers.push(driver);
      if (!bucketCreated) await driver.client.send(new CreateBucketCommand({ Bucket: driver.bucket }));
      bucketCreated = true;
      return driver;
    },
    /** Multipart uploads begun and neither completed nor aborted. */
    multipartUploads: () => readdir(path.join(directory, "assets-test", "._S3rver_uploads")).catch(() => []),
    async close() {
      for (const driver of drivers) driver.destroy();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

describeStorageContract("S3Storage (s3rver)", async () => {
  const s3 = await startS3rver();
  return { driver: await s3.make(), cleanup: () => s3.close(), leftovers: () => s3.multipartUploads(), twin: () => s3.make() };
}, { move: true, list: true, removeAbandonedWrites: true });

describe("S3Storage specifics", () => {
  it("moves objects above maxCopySize by streaming them", async () => {
    const s3 = await startS3rver();
    try {
      const driver = await s3.make({ maxCopySize: 10, prefix: "" });
      await driver.put("tmp/big", Readable.from([Buffer.from("more than ten bytes")]));
      await driver.move("tmp/big", "objects/big");
      expect(await driver.exists("tmp/big")).toBe(false);
      expect(Buffer.from(await driver.read("objects/big", 0, 100)).toString()).toBe("more than ten bytes");
    } finally {
      await s3.close();
    }
  });

  it("normalises the prefix and keeps keys inside it", async () => {
    const driver = new S3Storage({ bucket: "b", prefix: "/assets/", region: "us-east-1" });
    expect(driver.objectKey("tmp/x")).toBe("assets/tmp/x");
    expect(() => new S3Storage({ bucket: "b", prefix: "../up" })).toThrow("Invalid storage key");
    driver.destroy();
  });
});
