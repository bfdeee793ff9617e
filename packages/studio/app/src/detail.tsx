import { useEffect, useState } from "preact/hooks";
import { api, ApiError, type Resource } from "./api.js";
import { Preview } from "./focal-point.js";
import { localeMetadata, saveLocaleMetadata, type FocalPoint } from "./image-metadata.js";
import { MetadataView } from "./metadata-view.js";
import { PermSpecEditor } from "./perm-spec-editor.js";
import { deleteAsset, usageOf } from "./usage.js";

const message = (e: unknown) => (e instanceof ApiError ? e.message : String(e));

/** The detail panel: preview (focal point), editing, the type's metadata, perm_spec, delete. */
export function Detail({ id, onClose, onChanged }: { id: string; onClose: () => void; onChanged: (r: Resource | null, id: string) => void }) {
  const [item, setItem] = useState<Resource | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const reload = async () => {
    const doc = await api<{ data: Resource }>(`/resources/${id}`);
    setItem(doc.data);
    onChanged(doc.data, id);
  };
  useEffect(() => {
    setItem(null);
    setError(null);
    setSaved(null);
    api<{ data: Resource }>(`/resources/${id}`).then((doc) => setItem(doc.data), (e) => setError(message(e)));
  }, [id]);

  const run = async (done: string, action: () => Promise<void>) => {
    setBusy(true);
    try {
      await action();
      setError(null);
      setSaved(done);
    } catch (e) {
      setSaved(null);
      setError(message(e));
    } finally {
      setBusy(false);
    }
  };

  if (!item) return <section class="detail">{error ? <p class="error" role="alert">{error}</p> : <p>Loading…</p>}</section>;
  const a = item.attributes;
  const isImage = a.is_image === true;
  const local = localeMetadata(item);

  const save = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const text = (name: string) => String(form.get(name) ?? "");
    const attributes = {
      name: text("name"),
      description: text("description"),
      tags: text("tags").split(",").map((t) => t.trim()).filter(Boolean),
      access_modifier: text("access_modifier") || "Private",
    };
    return run("Saved", async () => {
      await api(`/resources/${id}`, { method: "PATCH", body: JSON.stringify({ data: { type: item.type, id, attributes } }) });
      const alt = text("alt") || null;
      const title = text("title") || null;
      if (isImage && (alt !== (local.alt ?? null) || title !== (local.title ?? null))) await saveLocaleMetadata(item, { alt, title });
      await reload();
    });
  };
  const pickFocalPoint = (point: FocalPoint) =>
    run(`Focal point set to ${point.x}, ${point.y}`, async () => {
      await saveLocaleMetadata(item, { focal_point: point });
      await reload();
    });
  const remove = () =>
    run("Deleted", async () => {
      const usage = await usageOf(item);
      const question = usage ? `"${a.name}" is in use: ${usage}\nDelete it anyway?` : `Delete "${a.name}"?`;
      if (!confirm(question)) throw new Error("Not deleted.");
      await deleteAsset(item, !!usage);
      onChanged(null, id);
    });

  return (
    <section class="detail" aria-label="Asset details" data-testid="detail" aria-busy={busy}>
      <header>
        <h2>{a.name}</h2>
        <button onClick={onClose} aria-label="Close">×</button>
      </header>
      {item.links?.thumbnail && <Preview item={item} onPick={a.writable ? pickFocalPoint : undefined} />}
      {a.writable ? (
        <form class="edit" onSubmit={save} key={`${item.id}-${a.updated_at}`}>
          <label>Name <input name="name" defaultValue={a.name} /></label>
          {isImage && <label>Title <input name="title" defaultValue={local.title ?? ""} /></label>}
          {isImage && <label>Alt text <input name="alt" defaultValue={local.alt ?? ""} /></label>}
          <label>Description <textarea name="description" defaultValue={String(a.description ?? "")} /></label>
          <label>Tags <input name="tags" defaultValue={a.tags.join(", ")} /></label>
          <label>Access
            <select name="access_modifier" defaultValue={a.access_modifier}>
              {["Public", "Common", "Private", "Hidden"].map((m) => <option key={m}>{m}</option>)}
            </select>
          </label>
          <div class="actions">
            <button type="submit" disabled={busy}>Save</button>
            <button type="button" class="danger" onClick={remove} disabled={busy}>Delete</button>
          </div>
        </form>
      ) : (
        <p class="muted">Read only: {a.access_modifier}</p>
      )}
      {saved && <p class="ok" role="status">{saved}</p>}
      {error && <p class="error" role="alert">{error}</p>}
      <MetadataView item={item} />
      {a.writable && <PermSpecEditor id={item.id} onSaved={(what) => setSaved(what)} onError={(e) => setError(message(e))} />}
    </section>
  );
}
