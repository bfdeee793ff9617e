import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import request from "supertest";
import type { Express } from "express";
import type { Database } from "@assets/core";
import { datasetPlugin } from "@assets/dataset";
import { rasterSourcePlugin } from "@assets/raster-source";
import sharp from "sharp";
import { tempDir, writeJson } from "../plugins/dataset/src/__tests__/fixtures.js";
import { createTestApp, userWithKey } from "./helpers/app.js";
import { qgisUpload } from "./helpers/qgis-geonode.js";

/**
 * GeoNode API v2 catalogue lists: favorites, approved/published/featured,
 * /categories, /keywords, /regions, /owners. Expected results are written out
 * by hand from the seed below and GeoNode's views (counts are of resources the
 * caller may see, as get_resources_with_perms; Hidden resources never count).
 */

const HOST = "geonode.test";

describe("GeoNode API v2: favorites, filtered lists and facets", () => {
  let db: Database;
  let app: Express;
  let root: string;
  let ada: Record<string, string>;
  let bob: Record<string, string>;
  const users: Record<"ada" | "bob" | "carol", number> = { ada: 0, bob: 0, carol: 0 };
  const ids: Record<string, number> = {};

  const call = (method: "get" | "post" | "delete", path: string, auth: Record<string, string> = {}) => request(app)[method](`/api/v2${path}`).set("Host", HOST).set(auth);
  const titles = (body: Record<string, unknown>, key = "resources") => (body[key] as { title: string }[]).map((r) => r.title);
  const counts = (body: Record<string, unknown>, key: string, name: string) =>
    Object.fromEntries((body[key] as Record<string, unknown>[]).map((row) => [row[name], row.count]));

  beforeAll(async () => {
    ({ db, app, pipeline: { root } } = await createTestApp({ plugins: [rasterSourcePlugin(), datasetPlugin()] }));
    ({ auth: ada, user: { id: users.ada } } = await userWithKey(db, "ada"));
    ({ auth: bob, user: { id: users.bob } } = await userWithKey(db, "bob"));
    ({ user: { id: users.carol } } = await userWithKey(db, "carol"));
    type Seed = [key: string, title: string, type: string, access: "Public" | "Private" | "Hidden", owner: number, tags: string[], dataset: Record<string, unknown> | null];
    const seed: Seed[] = [
      ["publicRain", "Public rain", "dataset", "Public", users.ada, ["rain", "radar"], { category: "climatologyMeteorologyAtmosphere", regions: ["NL"], featured: true }],
      ["privateRain", "Private rain", "dataset", "Private", users.ada, ["rain"], { category: "climatologyMeteorologyAtmosphere", regions: ["NL", "BE"], is_published: false }],
      ["hiddenDem", "Hidden dem", "dataset", "Hidden", users.ada, ["dem"], { category: "elevation", regions: ["DE"], featured: true }],
      ["bobDoc", "Bob doc", "document", "Public", users.bob, ["report"], null],
      ["bobPrivate", "Bob private", "dataset", "Private", users.bob, ["secret"], { category: "elevation", is_approved: false }],
      ["carolRaster", "Carol raster", "raster_source", "Public", users.carol, ["rain"], null],
    ];
    for (const [i, [key, name, type, access_modifier, owner_id, tags, dataset]] of seed.entries()) {
      const created_at = new Date(Date.UTC(2024, i, 1));
      ids[key] = (await db.prisma.resource.create({ data: { name, type, access_modifier, owner_id, tags, created_at, ...(dataset && { dataset: { create: { subtype: "vector", ...dataset } } }) } })).id;
    }
  });

  afterAll(async () => {
    await db?.close();
  });

  describe("approved, published, featured", () => {
    it.each([
      ["approved", {}, ["Bob doc", "Public rain"]],
      ["approved", "bob", ["Bob doc", "Public rain"]],
      ["approved", "ada", ["Bob doc", "Private rain", "Public rain"]],
      ["published", "ada", ["Bob doc", "Public rain"]],
      ["published", "bob", ["Bob private", "Bob doc", "Public rain"]],
      ["featured", "ada", ["Public rain"]],
      ["featured", {}, ["Public rain"]],
    ] as const)("/resources/%s/ for %j", async (name, who, expected) => {
      const auth = who === "ada" ? ada : who === "bob" ? bob : {};
      const res = await call("get", `/resources/${name}/`, auth);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ total: expected.length, page: 1, page_size: 10, links: { next: null, previous: null } });
      expect(titles(res.body)).toEqual(expected);
    });

    it("pages like the other lists", async () => {
      const first = await call("get", "/resources/approved/?page_size=1", ada);
      expect(first.body).toMatchObject({ total: 3, page_size: 1 });
      expect(new URL(first.body.links.next).searchParams.get("page")).toBe("2");
      expect((await call("get", "/resources/approved/?page=4&page_size=1", ada)).status).toBe(404);
    });
  });

  describe("favorites", () => {
    it("POST adds (201), again is a 400, an unseen resource a 404, an anonymous caller a 401", async () => {
      const added = await call("post", `/resources/${ids.publicRain}/favorite/`, bob);
      expect(added.status).toBe(201);
      expect(added.body).toEqual({ message: "Successfuly added resource to favorites" });
      const again = await call("post", `/resources/${ids.publicRain}/favorite/`, bob);
      expect(again.status).toBe(400);
      expect(again.body).toEqual({ message: "Resource is already in favorites" });
      expect((await call("post", `/resources/${ids.privateRain}/favorite/`, bob)).status).toBe(404);
      expect((await call("post", `/resources/${ids.hiddenDem}/favorite/`, bob)).status).toBe(404);
      expect((await call("post", `/resources/${ids.publicRain}/favorite/`)).status).toBe(401);
      // A resource made without data (no Dataset row yet) can be a favourite too.
      expect((await call("post", `/resources/${ids.bobDoc}/favorite/`, bob)).status).toBe(201);
      expect(await db.prisma.datasetFavorite.count({ where: { user_id: users.bob } })).toBe(2);
    });

    it("GET /resources/favorites/ lists the caller's, newest first; favorite is true on them for the caller only", async () => {
      const mine = await call("get", "/resources/favorites/", bob);
      expect(mine.status).toBe(200);
      expect(mine.body).toMatchObject({ total: 2, page: 1, page_size: 10 });
      expect(titles(mine.body, "favorites")).toEqual(["Bob doc", "Public rain"]);
      expect(mine.body.favorites.every((r: { favorite: boolean }) => r.favorite)).toBe(true);
      expect((await call("get", `/resources/${ids.publicRain}/`, bob)).body.resource.favorite).toBe(true);
      expect((await call("get", `/resources/${ids.publicRain}/`, ada)).body.resource.favorite).toBe(false);
      expect((await call("get", "/resources/favorites/", ada)).body.total).toBe(0);
      expect((await call("get", "/resources/favorites/")).status).toBe(401);
    });

    it("a favourite the caller can no longer see leaves their list", async () => {
      expect((await call("post", `/resources/${ids.privateRain}/favorite/`, ada)).status).toBe(201);
      expect(titles((await call("get", "/resources/favorites/", ada)).body, "favorites")).toEqual(["Private rain"]);
      await db.prisma.resource.update({ where: { id: ids.privateRain! }, data: { access_modifier: "Hidden" } });
      expect((await call("get", "/resources/favorites/", ada)).body.total).toBe(0);
      await db.prisma.resource.update({ where: { id: ids.privateRain! }, data: { access_modifier: "Private" } });
    });

    it("DELETE removes (200); one not in the favourites is GeoNode's 404", async () => {
      const removed = await call("delete", `/resources/${ids.publicRain}/favorite/`, bob);
      expect(removed.status).toBe(200);
      expect(removed.body).toEqual({ message: "Successfuly removed resource from favorites" });
      const missing = await call("delete", `/resources/${ids.publicRain}/favorite/`, bob);
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual({ message: "Resource not in favorites" });
      expect(titles((await call("get", "/resources/favorites/", bob)).body, "favorites")).toEqual(["Bob doc"]);
    });
  });

  describe("facets", () => {
    it("/keywords/ counts what each caller may see; keywords of nothing visible are not listed", async () => {
      const anonymous = await call("get", "/keywords/");
      expect(anonymous.status).toBe(200);
      expect(anonymous.body).toMatchObject({ total: 3, page: 1, page_size: 10 });
      expect(counts(anonymous.body, "keywords", "name")).toEqual({ radar: 1, rain: 1, report: 1 });
      expect(counts((await call("get", "/keywords/", ada)).body, "keywords", "name")).toEqual({ radar: 1, rain: 2, report: 1 });
      expect(counts((await call("get", "/keywords/", bob)).body, "keywords", "name")).toEqual({ radar: 1, rain: 1, report: 1, secret: 1 });
      expect(anonymous.body.keywords[0]).toMatchObject({ name: "radar", slug: "radar", link: `http://${HOST}/api/v2/keywords/radar` });
    });

    it("/keywords/ pages and searches; a detail counts too", async () => {
      const first = await call("get", "/keywords/?page_size=2", bob);
      expect(first.body.keywords.map((k: { name: string }) => k.name)).toEqual(["radar", "rain"]);
      expect(first.body.total).toBe(4);
      const second = await call("get", `/keywords/?${new URL(first.body.links.next).searchParams}`, bob);
      expect(second.body.keywords.map((k: { name: string }) => k.name)).toEqual(["report", "secret"]);
      expect(counts((await call("get", "/keywords/?search=RA")).body, "keywords", "name")).toEqual({ radar: 1, rain: 1 });
      expect((await call("get", "/keywords/rain/", ada)).body).toEqual({ keywords: expect.objectContaining({ name: "rain", count: 2 }) });
      expect((await call("get", "/keywords/secret/")).status).toBe(404);
      expect((await call("get", "/keywords/dem/", ada)).status).toBe(404);
    });

    it("/regions/ and /categories/ count visible datasets", async () => {
      expect(counts((await call("get", "/regions/", ada)).body, "regions", "code")).toEqual({ BE: 1, NL: 2 });
      expect(counts((await call("get", "/regions/")).body, "regions", "code")).toEqual({ NL: 1 });
      expect((await call("get", "/regions/NL/")).body.regions).toMatchObject({ code: "NL", name: "Netherlands", count: 1 });

      const all = await call("get", "/categories/?page_size=100", bob);
      expect(all.body.total).toBe(19);
      const byIdentifier = counts(all.body, "categories", "identifier");
      expect(byIdentifier).toMatchObject({ climatologyMeteorologyAtmosphere: 1, elevation: 1, biota: 0 });
      expect(counts((await call("get", "/categories/?page_size=100", ada)).body, "categories", "identifier")).toMatchObject({ climatologyMeteorologyAtmosphere: 2, elevation: 0 });
      const elevation = all.body.categories.find((c: { identifier: string }) => c.identifier === "elevation");
      expect((await call("get", `/categories/${elevation.id}/`)).body.categories).toMatchObject({ identifier: "elevation", count: 0 });
      expect((await call("get", "/categories/99/")).status).toBe(404);
      expect((await call("get", "/categories/")).body.categories).toHaveLength(10);
    });

    it("/owners/ lists the users owning a resource the caller may see, with how many", async () => {
      const anonymous = await call("get", "/owners/");
      expect(anonymous.body.owners.map((o: { username: string; count: number }) => [o.username, o.count])).toEqual([["ada", 1], ["bob", 1]]);
      expect((await call("get", "/owners/", bob)).body.owners.map((o: { username: string; count: number }) => [o.username, o.count])).toEqual([["ada", 1], ["bob", 2]]);
      expect((await call("get", `/owners/${users.ada}/`, ada)).body.owners).toMatchObject({ pk: users.ada, username: "ada", count: 2 });
      // Carol owns only another plugin's resource.
      expect((await call("get", `/owners/${users.carol}/`)).status).toBe(404);
    });
  });

  describe("set_thumbnail", () => {
    const image = (args: string[]) => execFileSync("convert", args, { maxBuffer: 16 * 1024 * 1024 });
    const identify = (bytes: Buffer) => {
      const file = join(tmpdir(), `thumb-${process.pid}-${Date.now()}.png`);
      writeFileSync(file, bytes);
      return execFileSync("identify", ["-format", "%m %w %h", file], { encoding: "utf8" });
    };
    const fetchBytes = (url: string, auth: Record<string, string>) =>
      request(app).get(new URL(url).pathname).set(auth).buffer(true).parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on("data", (c: Buffer) => chunks.push(c));
        r.on("end", () => done(null, Buffer.concat(chunks)));
      });
    const put = (id: number, auth: Record<string, string>) => request(app).put(`/api/v2/resources/${id}/set_thumbnail/`).set("Host", HOST).set(auth);

    it("takes a base64 data URL (JSON), a multipart file or an image body; stores a PNG of the image's size", async () => {
      const png = image(["-size", "64x48", "xc:red", "png:-"]);
      const first = await put(ids.publicRain!, ada).send({ file: `data:image/png;base64,${png.toString("base64")}` });
      expect(first.status).toBe(200);
      expect(first.body.thumbnail_url).toBe(`http://${HOST}/api/v2/resources/${ids.publicRain}/thumbnail.png`);
      expect(identify((await fetchBytes(first.body.thumbnail_url, {})).body as Buffer)).toBe("PNG 64 48");
      const firstKey = (await db.prisma.dataset.findUniqueOrThrow({ where: { resource_id: ids.publicRain! } })).thumbnail_key!;

      const jpeg = image(["-size", "100x80", "xc:blue", "jpg:-"]);
      const second = await put(ids.publicRain!, ada).attach("file", jpeg, { filename: "t.jpg", contentType: "image/jpeg" });
      expect(second.status).toBe(200);
      expect(identify((await fetchBytes(second.body.thumbnail_url, {})).body as Buffer)).toBe("PNG 100 80");
      const secondKey = (await db.prisma.dataset.findUniqueOrThrow({ where: { resource_id: ids.publicRain! } })).thumbnail_key!;
      expect(secondKey).not.toBe(firstKey);
      // The replaced one is removed from storage.
      expect([existsSync(join(root, firstKey)), existsSync(join(root, secondKey))]).toEqual([false, true]);

      // A resource made without data gets its Dataset row; a raw image body.
      const raw = await put(ids.bobDoc!, bob).set("Content-Type", "image/gif").send(image(["-size", "30x20", "xc:green", "gif:-"]));
      expect(raw.status).toBe(200);
      expect(identify((await fetchBytes(raw.body.thumbnail_url, {})).body as Buffer)).toBe("PNG 30 20");
      expect((await call("get", `/resources/${ids.bobDoc}/`)).body.resource.thumbnail_url).toBe(raw.body.thumbnail_url);
    });

    it("refuses what is not an image, more than 1 MB, and callers who may not change the resource", async () => {
      const notImage = await put(ids.publicRain!, ada).send({ file: `data:image/png;base64,${Buffer.from("not a png").toString("base64")}` });
      expect(notImage.status).toBe(400);
      expect(notImage.body).toMatchObject({ success: false, code: "invalid" });
      const big = await put(ids.publicRain!, ada).attach("file", randomBytes(1_200_000), { filename: "big.png", contentType: "image/png" });
      expect(big.status).toBe(400);
      expect(big.body.errors).toEqual(["File must not exceed 1MB"]);
      expect((await put(ids.publicRain!, ada).send({})).body.errors).toEqual(["Field file is required"]);
      expect((await put(ids.publicRain!, ada).send({ file: "https://example.com/t.png" })).status).toBe(400);
      const png = image(["-size", "8x8", "xc:red", "png:-"]);
      expect((await put(ids.publicRain!, bob).set("Content-Type", "image/png").send(png)).status).toBe(403);
      expect((await put(ids.privateRain!, bob).set("Content-Type", "image/png").send(png)).status).toBe(404);
      expect((await put(ids.publicRain!, {}).set("Content-Type", "image/png").send(png)).status).toBe(401);
      const still = (await db.prisma.dataset.findUniqueOrThrow({ where: { resource_id: ids.publicRain! } })).thumbnail_key!;
      expect(identify((await fetchBytes(`http://${HOST}/api/v2/resources/${ids.publicRain}/thumbnail.png`, {})).body as Buffer)).toBe("PNG 100 80");
      expect(existsSync(join(root, still))).toBe(true);
    });
  });

  describe("set_thumbnail_from_bbox", () => {
    const tmp = tempDir();
    afterAll(() => tmp.cleanup());
    const square = (lon: number, lat: number) => ({ type: "Feature", properties: { at: lon }, geometry: { type: "Polygon", coordinates: [[[lon, lat], [lon + 1, lat], [lon + 1, lat + 1], [lon, lat + 1], [lon, lat]]] } });
    const post = (id: number, auth: Record<string, string>, body: unknown) => request(app).post(`/api/v2/resources/${id}/set_thumbnail_from_bbox/`).set("Host", HOST).set(auth).send(body as object);
    const bytesOf = (url: string) =>
      request(app).get(new URL(url).pathname).buffer(true).parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on("data", (c: Buffer) => chunks.push(c));
        r.on("end", () => done(null, Buffer.concat(chunks)));
      });
    const identify = (bytes: Buffer) => {
      const file = join(tmpdir(), `bbox-thumb-${process.pid}-${Date.now()}.png`);
      writeFileSync(file, bytes);
      return execFileSync("identify", ["-format", "%m %w %h", file], { encoding: "utf8" });
    };
    /** Where lon/lat lands in a 240x180 Web Mercator image fitted (centred) to bbox [xmin, xmax, ymin, ymax] (written out here, not the renderer's code). */
    const pixelOf = ([xmin, xmax, ymin, ymax]: number[], lon: number, lat: number) => {
      const mx = (l: number) => (l * Math.PI) / 180;
      const my = (l: number) => Math.log(Math.tan(Math.PI / 4 + (l * Math.PI) / 360));
      const scale = Math.min(240 / (mx(xmax!) - mx(xmin!)), 180 / (my(ymax!) - my(ymin!)));
      const left = (240 - scale * (mx(xmax!) - mx(xmin!))) / 2;
      const top = (180 - scale * (my(ymax!) - my(ymin!))) / 2;
      return [left + scale * (mx(lon) - mx(xmin!)), top + scale * (my(ymax!) - my(lat))] as const;
    };
    /** The painted (alpha > 0) pixels of a PNG, as [x, y]. */
    const painted = async (png: Buffer) => {
      const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      const out: [number, number][] = [];
      for (let i = 0; i < info.width * info.height; i += 1) if (data[i * 4 + 3]! > 0) out.push([i % info.width, Math.floor(i / info.width)]);
      return out;
    };
    let datasetId = 0;

    beforeAll(async () => {
      // Two 1-degree squares 10 degrees apart.
      const file = writeJson(tmp.file("squares.geojson"), { type: "FeatureCollection", features: [square(0, 0), square(10, 0)] });
      const outcome = await qgisUpload(app, ada, { title: "Squares", main: file, sidecars: [], allowPublicAccess: true });
      expect(outcome.ok).toBe(true);
      datasetId = (outcome.last as { request: { output_params: { resources: { id: number }[] } } }).request.output_params.resources[0]!.id;
    });

    it("draws only the features inside the bbox, fitted to it, as a 240x180 PNG; answers GeoNode's {message, success, thumbnail_url}", async () => {
      const bbox = [-1, 3, -1, 2];
      const res = await post(datasetId, ada, { bbox, srid: "EPSG:4326" });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ message: "Thumbnail correctly created.", success: true, thumbnail_url: `http://${HOST}/api/v2/resources/${datasetId}/thumbnail.png` });
      expect((await call("get", `/resources/${datasetId}/`, ada)).body.resource.thumbnail_url).toBe(res.body.thumbnail_url);
      const png = (await bytesOf(res.body.thumbnail_url)).body as Buffer;
      expect(identify(png)).toBe("PNG 240 180");
      // Every painted pixel is within the first square's place in the bbox (1.5 px for the stroke); its centre is painted blue.
      const [left, bottom] = pixelOf(bbox, 0, 0);
      const [right, top] = pixelOf(bbox, 1, 1);
      const pixels = await painted(png);
      expect(pixels.length).toBeGreaterThan(0.8 * (right - left) * (bottom - top));
      expect(pixels.every(([x, y]) => x >= left - 1.5 && x <= right + 1.5 && y >= top - 1.5 && y <= bottom + 1.5)).toBe(true);
      const [cx, cy] = pixelOf(bbox, 0.5, 0.5);
      const { data } = await sharp(png).extract({ left: Math.round(cx), top: Math.round(cy), width: 1, height: 1 }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      expect(data[2]!).toBeGreaterThan(data[0]!); // #3b82c4 at 0.55: blue over red
    });

    it("a bbox in another srid (EPSG:3857, as GeoNode's client sends) around both squares draws both", async () => {
      const merc = (lon: number, lat: number) => [(6378137 * lon * Math.PI) / 180, 6378137 * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360))];
      const [x0, y0] = merc(-1, -1);
      const [x1, y1] = merc(12, 2);
      const res = await post(datasetId, ada, { bbox: [x0, x1, y0, y1], srid: "EPSG:3857", zoom: 5 });
      expect(res.status).toBe(200);
      const pixels = await painted((await bytesOf(res.body.thumbnail_url)).body as Buffer);
      const degrees = [-1, 12, -1, 2];
      const near = (lon: number) => {
        const [a] = pixelOf(degrees, lon, 0);
        const [b] = pixelOf(degrees, lon + 1, 0);
        return pixels.filter(([x]) => x >= a - 1.5 && x <= b + 1.5).length;
      };
      expect(near(0)).toBeGreaterThan(10);
      expect(near(10)).toBeGreaterThan(10);
      expect(near(0) + near(10)).toBe(pixels.length);
    });

    it("a bbox meeting no feature draws an empty image", async () => {
      const res = await post(datasetId, ada, { bbox: [20, 30, 20, 30], srid: "EPSG:4326" });
      expect(res.status).toBe(200);
      const png = (await bytesOf(res.body.thumbnail_url)).body as Buffer;
      expect(identify(png)).toBe("PNG 240 180");
      expect(await painted(png)).toEqual([]);
    });

    it("a bad bbox or srid is GeoNode's 400; unseen is a 404, not changeable a 403, anonymous a 401, a document a 405", async () => {
      for (const body of [{ srid: "EPSG:4326" }, { bbox: [0, 1, 0], srid: "EPSG:4326" }, { bbox: [1, 0, 0, 1], srid: "EPSG:4326" }, { bbox: ["a", 1, 0, 1], srid: "EPSG:4326" }, { bbox: [0, 1, 0, 1] }, { bbox: [0, 1, 0, 1], srid: "EPSG:999999" }, { bbox: [0, 1, 0, 100], srid: 4326 }]) {
        const res = await post(datasetId, ada, body);
        expect([res.status, res.body.success, res.body.code]).toEqual([400, false, "invalid"]);
      }
      expect((await post(datasetId, ada, { bbox: [0, 1, 0, 1], srid: "EPSG:4326" })).status).toBe(200);
      expect((await post(datasetId, bob, { bbox: [0, 1, 0, 1], srid: "EPSG:4326" })).status).toBe(403);
      expect((await post(ids.privateRain!, bob, { bbox: [0, 1, 0, 1], srid: "EPSG:4326" })).status).toBe(404);
      expect((await post(datasetId, {}, { bbox: [0, 1, 0, 1], srid: "EPSG:4326" })).status).toBe(401);
      expect((await post(ids.bobDoc!, bob, { bbox: [0, 1, 0, 1], srid: "EPSG:4326" })).status).toBe(405);
      expect((await request(app).get(`/api/v2/resources/${datasetId}/set_thumbnail_from_bbox/`).set(ada)).status).toBe(405);
    });
  });

  describe("users and groups", () => {
    it("a signed-in caller sees themselves and the members of their groups; a superuser everyone", async () => {
      const group = await db.prisma.group.create({ data: { name: "hydro", members: { create: [{ user_id: users.ada }, { user_id: users.bob }] } } });
      const { auth: root } = await userWithKey(db, "root", { superuser: true });
      const { auth: carol } = await userWithKey(db, "carol2");
      const names = (body: Record<string, unknown>, key: string, field: string) => (body[key] as Record<string, unknown>[]).map((row) => row[field]);

      expect((await call("get", "/users/")).status).toBe(401);
      const adaSees = await call("get", "/users/", ada);
      expect(adaSees.body).toMatchObject({ total: 2, page: 1, page_size: 10 });
      expect(names(adaSees.body, "users", "username")).toEqual(["ada", "bob"]);
      expect(names((await call("get", "/users/", carol)).body, "users", "username")).toEqual(["carol2"]);
      expect(names((await call("get", "/users/?page_size=100", root)).body, "users", "username")).toEqual(["ada", "bob", "carol", "carol2", "root"]);
      expect((await call("get", `/users/${users.bob}/`, ada)).body.user).toMatchObject({ pk: users.bob, username: "bob", is_superuser: false, link: `http://${HOST}/api/v2/users/${users.bob}` });
      expect((await call("get", `/users/${users.bob}/`, carol)).status).toBe(404);

      expect(names((await call("get", "/groups/", ada)).body, "group_profiles", "title")).toEqual(["hydro"]);
      expect((await call("get", "/groups/", carol)).body).toMatchObject({ total: 0, group_profiles: [] });
      expect((await call("get", `/groups/${group.id}/`, root)).body.group_profile).toMatchObject({ pk: group.id, title: "hydro", group: { pk: group.id, name: "hydro" } });
      expect((await call("get", `/groups/${group.id}/`, carol)).status).toBe(404);
      expect((await call("get", "/groups/")).status).toBe(401);
    });
  });
});
