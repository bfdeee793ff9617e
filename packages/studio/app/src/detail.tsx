import { useEffect, useState } from "preact/hooks";
import { api, ApiError, type Resource } from "./api.js";
import { useAuthorizedImage } from "./library.js";

/** Attributes every resource has; the rest is the type's own metadata (EXIF, bounds, statistics…). */
const COMMON = new Set(["uuid", "name", "description", "access_modifier", "access_modifier_code", "tags", "extra_metadata", "organisation", "owner", "writable", "created_at", "updated_at"]);

interface PermSpec {
  users?: { user: string | number; permissions: string[] }[];
  groups?: { group: string | number; permissions: string[] }[];
  [key: string]: unknown;
}

interface FocalPoint {
  x: number;
  y: number;
}

export function Detail({ id, onClose, onChanged }: { id: string; onClose: () => void; onChanged: (r: Resource | null, id: string) => void }) {
  const [item, setItem] = useState<Resource | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [perms, setPerms] = useState<string>("");

  useEffect(() => {
    setItem(null);
    setError(null);
    api<{ data: Resource }>(`/resources/${id}`).then(
      (doc) => setItem(doc.data),
      (e) => setError(e instanceof ApiError ? e.message : String(e)),
    );
  }, [id]);
  useEffect(() => {
    setPerms("");
    if (!item?.attributes.writable) return;
    api<PermSpec>(`/resources/${id}/permissions`).then((spec) => setPerms(JSON.stringify(spec, null, 2)), () => setPerms(""));
  }, [item?.id, item?.attributes.writable]);

  const run = async (what: string, action: () => Promise<void>) => {
    try {
      await action();
      setError(null);
      setSaved(what);
    } catch (e) {
      setSaved(null);
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };

  const save = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const attributes = {
      name: String(form.get("name") ?? ""),
      description: String(form.get("description") ?? ""),
      tags: String(form.get("tags") ?? "").split(",").map((t) => t.trim()).filter(Boolean),
      access_modifier: String(form.get("access_modifier") ?? "Private"),
    };
    return run("Saved", async () => {
      const doc = await api<{ data: Resource }>(`/resources/${id}`, { method: "PATCH", body: JSON.stringify({ data: { type: item!.type, id, attributes } }) });
      setItem(doc.data);
      onChanged(doc.data, id);
    });
  };

  const savePerms = () =>
    run("Permissions saved", async () => {
      const spec = JSON.parse(perms) as PermSpec;
      await api(`/resources/${id}/permissions`, { method: "PUT", body: JSON.stringify(spec), headers: { "Content-Type": "application/json" } });
    });

  const remove = () => {
    const inUse = item?.attributes.in_use === true;
    const question = inUse ? `"${item?.attributes.name}" is in use. Delete it anyway?` : `Delete "${item?.attributes.name}"?`;
    if (!confirm(question)) return;
    void run("Deleted", async () => {
      await api(`/resources/${id}`, { method: "DELETE" });
      onChanged(null, id);
    });
  };

  if (!item) return <section class="detail">{error ? <p class="error" role="alert">{error}</p> : <p>Loading…</p>}</section>;
  const a = item.attributes;
  const own = Object.entries(a).filter(([key]) => !COMMON.has(key));
  return (
    <section class="detail" aria-label="Asset details" data-testid="detail">
      <header>
        <h2>{a.name}</h2>
        <button onClick={onClose} aria-label="Close">×</button>
      </header>
      {item.links?.thumbnail && <FocalPointPicker item={item} onPick={(point) => run("Focal point saved", () => saveFocalPoint(item, point, setItem))} />}
      {a.writable ? (
        <form class="edit" onSubmit={save}>
          <label>Title <input name="name" value={a.name} /></label>
          <label>Description <textarea name="description" value={String(a.description ?? "")} /></label>
          <label>Tags <input name="tags" value={a.tags.join(", ")} /></label>
          <label>Access
            <select name="access_modifier" value={a.access_modifier}>
              {["Public", "Common", "Private"].map((m) => <option key={m}>{m}</option>)}
            </select>
          </label>
          <button type="submit">Save</button>
          <button type="button" class="danger" onClick={remove}>Delete</button>
        </form>
      ) : (
        <p class="muted">Read only: {a.access_modifier}</p>
      )}
      {saved && <p class="ok" role="status">{saved}</p>}
      {error && <p class="error" role="alert">{error}</p>}
      <dl class="metadata" data-testid="metadata">
        <dt>type</dt><dd>{item.type}</dd>
        <dt>created</dt><dd>{new Date(a.created_at).toLocaleString()}</dd>
        {own.map(([key, value]) => [<dt key={`${key}-k`}>{key}</dt>, <dd key={`${key}-v`}>{format(value)}</dd>])}
      </dl>
      {perms && (
        <details class="perms">
          <summary>perm_spec</summary>
          <textarea aria-label="perm_spec" value={perms} onInput={(e) => setPerms(e.currentTarget.value)} rows={8} />
          <button onClick={savePerms}>Save permissions</button>
        </details>
      )}
    </section>
  );
}

function format(value: unknown): string {
  if (value === null || value === undefined) return "—";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** The image with its focal point; a click sets a new one (x, y in 0..1, as DatoCMS stores it). */
function FocalPointPicker({ item, onPick }: { item: Resource; onPick: (point: FocalPoint) => void }) {
  const src = useAuthorizedImage(item.links?.thumbnail);
  const point = focalPoint(item);
  const pick = (event: MouseEvent) => {
    const box = (event.currentTarget as HTMLElement).getBoundingClientRect();
    onPick({ x: round((event.clientX - box.left) / box.width), y: round((event.clientY - box.top) / box.height) });
  };
  return (
    <div class="preview" onClick={item.attributes.is_image ? pick : undefined} data-testid="preview">
      {src && <img src={src} alt={String(item.attributes.name)} />}
      {point && <span class="focal" style={{ left: `${point.x * 100}%`, top: `${point.y * 100}%` }} />}
    </div>
  );
}

const round = (v: number) => Math.min(1, Math.max(0, Math.round(v * 1000) / 1000));

function focalPoint(item: Resource): FocalPoint | null {
  const metadata = item.attributes.default_field_metadata as Record<string, { focal_point?: FocalPoint | null }> | undefined;
  for (const locale of Object.values(metadata ?? {})) if (locale?.focal_point) return locale.focal_point;
  return null;
}

/** Focal points are image metadata, kept by the image-asset plugin's DatoCMS profile. */
async function saveFocalPoint(item: Resource, point: FocalPoint, setItem: (r: Resource) => void) {
  const metadata = { ...((item.attributes.default_field_metadata as Record<string, Record<string, unknown>>) ?? {}) };
  const locales = Object.keys(metadata).length ? Object.keys(metadata) : ["en"];
  for (const locale of locales) metadata[locale] = { ...(metadata[locale] ?? {}), focal_point: point };
  await api(`/datocms/uploads/${item.id}`, {
    method: "PUT",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ data: { type: "upload", id: item.id, attributes: { default_field_metadata: metadata } } }),
  });
  const doc = await api<{ data: Resource }>(`/resources/${item.id}`);
  setItem(doc.data);
}
