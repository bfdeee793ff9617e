import request from "supertest";
import type { Express } from "express";
import type { Database } from "@assets/core";
import { datasetPlugin } from "@assets/dataset";
import { rasterSourcePlugin } from "@assets/raster-source";
import { createTestApp, userWithKey } from "./helpers/app.js";

/**
 * The core's generic "in use" answer: `GET /resources/:id/references` lists what each type's
 * plugin says depends on a resource, and `DELETE /resources/:id` refuses one in use unless
 * `force=true`. The dependants are written out by hand below; Lizard's own view of them
 * (`layers`, `deleted_sources`) is the independent check.
 */
describe("resource references and the in-use delete", () => {
  let db: Database;
  let app: Express;
  let root: Record<string, string>;
  let reader: Record<string, string>;

  beforeAll(async () => {
    ({ db, app } = await createTestApp({ plugins: [rasterSourcePlugin(), datasetPlugin()] }));
    ({ auth: root } = await userWithKey(db, "root", { superuser: true }));
    ({ auth: reader } = await userWithKey(db, "reader"));
  });
  afterAll(async () => {
    await db.close();
  });

  async function sourceWithLayers(name: string, layers: string[], labeltypes: string[] = []) {
    const row = await db.prisma.resource.create({ data: { name, type: "raster_source", access_modifier: "Public", raster_source: { create: {} } }, include: { raster_source: true } });
    const made = [];
    for (const layer of layers) made.push(await db.prisma.rasterLayer.create({ data: { name: layer, source_id: row.raster_source!.id } }));
    for (const label of labeltypes) made.push(await db.prisma.labelType.create({ data: { name: label, source_id: row.raster_source!.id } }));
    return { id: row.id, uuid: row.uuid, dependants: made.map((m) => m.uuid) };
  }

  it("lists a raster source's layers and label types, linked to the Lizard profile, and nothing for a type without dependants", async () => {
    const source = await sourceWithLayers("DEM", ["Hillshade", "Contours"], ["Depth labels"]);
    const res = await request(app).get(`/resources/${source.id}/references`).set(reader);
    expect(res.status).toBe(200);
    expect(res.body.meta).toEqual({ total_count: 3, in_use: true });
    expect(res.body.data.map((r: { type: string; id: string; attributes: { name: string } }) => [r.type, r.id, r.attributes.name])).toEqual([
      ["raster_layer", source.dependants[0], "Hillshade"],
      ["raster_layer", source.dependants[1], "Contours"],
      ["label_type", source.dependants[2], "Depth labels"],
    ]);
    const layer = await request(app).get(new URL(res.body.data[0].links.self).pathname).set(root);
    expect([layer.status, layer.body.name]).toEqual([200, "Hillshade"]);

    const plain = await db.prisma.resource.create({ data: { name: "Plain", type: "resource", access_modifier: "Public" } });
    const none = await request(app).get(`/resources/${plain.id}/references`).set(reader);
    expect([none.status, none.body]).toEqual([200, { data: [], meta: { total_count: 0, in_use: false } }]);
  });

  it("hides the references of a resource the caller may not view (404, as the resource itself)", async () => {
    const hidden = await db.prisma.resource.create({ data: { name: "Secret", type: "raster_source", access_modifier: "Private", raster_source: { create: {} } } });
    expect((await request(app).get(`/resources/${hidden.id}/references`).set(reader)).status).toBe(404);
    expect((await request(app).get(`/resources/${hidden.id}`).set(reader)).status).toBe(404);
  });

  it("refuses to delete a resource in use (409, naming its dependants) unless forced; forced, Lizard's layers keep it in deleted_sources", async () => {
    const source = await sourceWithLayers("Rain", ["Radar"]);
    const refused = await request(app).delete(`/resources/${source.id}`).set(root);
    expect(refused.status).toBe(409);
    expect(refused.body.errors[0].code).toBe("RESOURCE_IN_USE");
    expect(refused.body.errors[0].detail).toContain("1 raster_layer(s)");
    expect((await request(app).get(`/resources/${source.id}`).set(root)).status).toBe(200);

    const forced = await request(app).delete(`/resources/${source.id}?force=true`).set(root);
    expect(forced.status).toBe(204);
    expect((await request(app).get(`/resources/${source.id}`).set(root)).status).toBe(404);
    const layer = await request(app).get(`/api/v4/rasters/${source.dependants[0]}/`).set(root);
    expect(layer.status).toBe(200);
    expect(layer.body.source).toMatchObject({ deleted_sources: [expect.stringContaining(source.uuid)] });
  });

  it("deletes a resource nothing uses without force, and rejects a force that is not true or false", async () => {
    const source = await sourceWithLayers("Unused", []);
    expect((await request(app).delete(`/resources/${source.id}?force=maybe`).set(root)).status).toBe(400);
    expect((await request(app).delete(`/resources/${source.id}`).set(root)).status).toBe(204);
    expect(await db.prisma.resource.count({ where: { id: source.id } })).toBe(0);
  });

  it("says under which resource type and field values each asset type's resources are listed (a raster dataset: dataset, subtype raster)", async () => {
    const res = await request(app).get("/asset-types").set(reader);
    const byId = Object.fromEntries(res.body.data.map((t: { id: string; attributes: object }) => [t.id, t.attributes]));
    expect(byId.raster_dataset).toMatchObject({ resource_type: "dataset", resource_filter: { subtype: "raster" } });
    expect(byId.raster_source).toMatchObject({ resource_type: "raster_source", resource_filter: {} });
    const raster = await db.prisma.resource.create({ data: { name: "Raster dataset", type: "dataset", access_modifier: "Public", dataset: { create: { subtype: "raster" } } } });
    await db.prisma.resource.create({ data: { name: "Vector dataset", type: "dataset", access_modifier: "Public", dataset: { create: { subtype: "vector" } } } });
    const listed = await request(app).get("/resources?filter[fields][type][eq]=dataset&filter[fields][subtype][eq]=raster").set(reader);
    expect(listed.body.data.map((r: { id: string }) => r.id)).toEqual([String(raster.id)]);
  });

  it("filters uploads by the tags and access modifier of the resource they became", async () => {
    const tagged = await db.prisma.resource.create({ data: { name: "Tagged", type: "resource", access_modifier: "Common", tags: ["flood", "2024"] } });
    const other = await db.prisma.resource.create({ data: { name: "Other", type: "resource", access_modifier: "Public", tags: ["flood"] } });
    const upload = (filename: string, resource_id: number | null, state: "committed" | "rejected") =>
      db.prisma.upload.create({ data: { filename, storage_key: `k/${filename}`, state, resource_id, state_detail: state === "rejected" ? "corrupt" : "" } });
    const a = await upload("tagged.tif", tagged.id, "committed");
    const b = await upload("other.tif", other.id, "committed");
    await upload("rejected.tif", null, "rejected");
    const ids = async (query: string) => (await request(app).get(`/uploads?${query}`).set(root)).body.data.map((u: { id: string }) => u.id).sort();
    expect(await ids("filter[fields][resource.tags][all_in]=flood,2024")).toEqual([String(a.id)]);
    expect(await ids("filter[fields][resource.tags][all_in]=flood")).toEqual([String(a.id), String(b.id)].sort());
    expect(await ids("filter[fields][resource.access_modifier][eq]=public")).toEqual([String(b.id)]);
  });
});
