export {
  MAX_READ_LENGTH,
  StorageNotFoundError,
  type FreedStorage,
  type PutOptions,
  type PutResult,
  type StorageDriver,
  type StorageEntry,
  type StorageStat,
} from "./storage-driver.js";
export { InvalidStorageKeyError, MAX_KEY_BYTES, assertValidKey } from "./storage-key.js";
export { LocalDiskStorage, STAGING_HEARTBEAT_MS, type LocalDiskStorageOptions } from "./local-disk-storage.js";
export { S3Storage, type S3StorageOptions } from "./s3-storage.js";
export {
  ChecksumMismatchError,
  HashingStream,
  createHashingStream,
  type HashResult,
  type HashingStreamOptions,
} from "./hashing-stream.js";
// The storage contract suite is test-only (imports @jest/globals): `@assets/core/testing` exports it.
