import { PluginRegistry } from "@assets/core";
import { imageAssetPlugin } from "../image-asset-plugin.js";

describe("imageAssetPlugin", () => {
  it("registers: its field declarations agree with its Prisma models", () => {
    expect(() => new PluginRegistry([imageAssetPlugin()])).not.toThrow();
  });
});
