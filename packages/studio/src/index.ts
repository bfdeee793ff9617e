import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import express, { type Router } from "express";

/** Where `vite build` put the app; shipped in the npm package (`files: ["dist"]`). */
export const STUDIO_APP_DIR = fileURLToPath(new URL("../dist/app", import.meta.url));

/**
 * The studio as an Express router: mount it next to the asset router, one level below its base
 * (`app.use("/cms/studio", studioRouter())` beside `app.use("/cms", createAssetRouter(...))`); the
 * app finds the API at its parent path and talks to it only through the public HTTP API.
 */
export function studioRouter(options: { appDir?: string } = {}): Router {
  const appDir = options.appDir ?? STUDIO_APP_DIR;
  const router = express.Router();
  // Hashed file names never change content, so they may be cached for good; index.html may not.
  router.use("/assets", express.static(`${appDir}/assets`, { immutable: true, maxAge: "1y", fallthrough: false }));
  router.get("/", (req, res) => {
    // The app's URLs are relative to its folder: /studio must be /studio/ for them to resolve.
    const [path, query] = splitUrl(req.originalUrl);
    if (!path.endsWith("/")) {
      res.redirect(301, `${path}/${query}`);
      return;
    }
    if (!existsSync(`${appDir}/index.html`)) {
      res.status(503).type("text/plain").send("The studio is not built: run `npm run build -w @assets/studio`.");
      return;
    }
    res.set("Cache-Control", "no-cache").sendFile(`${appDir}/index.html`);
  });
  return router;
}

function splitUrl(url: string): [string, string] {
  const at = url.indexOf("?");
  return at < 0 ? [url, ""] : [url.slice(0, at), url.slice(at)];
}
