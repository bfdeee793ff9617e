import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { LocalDiskStorage } from "../local-disk-storage.js";
import { describeStorageContract } from "../../testing/index.js";

describeStorageContract("LocalDiskStorage", async () => {
  const root = await mkdtemp(path.join(tmpdir(), "local-storage-"));
  const driver = new LocalDiskStorage({ root });
  return {
    driver,
    cleanup: () => rm(root, { recursive: true, force: true }),
    leftovers: () => readdir(driver.stagingDir).catch(() => []),
    twin: async () => new LocalDiskStorage({ root }),
  };
}, { move: true, link: true, list: true, removeAbandonedWrites: true });
