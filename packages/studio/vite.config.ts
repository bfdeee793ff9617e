import { fileURLToPath } from "node:url";
import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

// The app is served under whatever path the host mounts the studio at, so every URL in the
// build is relative (`base: "./"`); the API's base is found at run time from that path.
export default defineConfig({
  root: fileURLToPath(new URL("./app", import.meta.url)),
  base: "./",
  plugins: [preact()],
  build: { outDir: fileURLToPath(new URL("./dist/app", import.meta.url)), emptyOutDir: true, target: "es2022", sourcemap: false },
});
