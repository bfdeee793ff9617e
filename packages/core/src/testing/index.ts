// @assets/core/testing: what a driver's or a plugin's own tests need (they import @jest/globals).
export { describeStorageContract, type StorageCapabilities, type StorageContractFixture } from "./storage-contract.js";
export { createTestDatabase, type TestDatabaseOptions } from "./test-database.js";
export { stallingStream } from "./streams.js";
