// One Jest run covers every workspace: unit tests beside the code
// (src/**/__tests__) and cross-package end-to-end tests in test/.
const shared = {
  testEnvironment: "node",
  extensionsToTreatAsEsm: [".ts"],
  moduleNameMapper: {
    "^@assets/core$": "<rootDir>/packages/core/src/index.ts",
    "^@assets/core/testing$": "<rootDir>/packages/core/src/testing/index.ts",
    "^@assets/server$": "<rootDir>/packages/server/src/index.ts",
    "^@assets/drf$": "<rootDir>/packages/drf/src/index.ts",
    "^@assets/geotiff$": "<rootDir>/packages/geotiff/src/index.ts",
    "^@assets/apidatatools$": "<rootDir>/plugins/apidatatools/src/index.ts",
    "^@assets/studio$": "<rootDir>/packages/studio/src/index.ts",
    "^@assets/raster-source$": "<rootDir>/plugins/raster-source/src/index.ts",
    "^@assets/dataset$": "<rootDir>/plugins/dataset/src/index.ts",
    "^@assets/image-asset$": "<rootDir>/plugins/image-asset/src/index.ts",
    "^(\\.{1,2}/.*)\\.js$": "$1",
  },
  // Type checking is `npm run typecheck`; tests only transpile, which keeps them fast.
  transform: { "^.+\\.ts$": ["ts-jest", { useESM: true, diagnostics: false }] },
};

export default {
  testTimeout: 60_000,
  projects: [
    { ...shared, displayName: "unit", rootDir: ".", testMatch: ["<rootDir>/{packages,plugins}/*/src/**/__tests__/**/*.test.ts"] },
    { ...shared, displayName: "e2e", rootDir: ".", testMatch: ["<rootDir>/test/**/*.test.ts"] },
  ],
};
