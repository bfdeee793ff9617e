import { useEffect, useRef, useState } from "preact/hooks";
import { api, ApiError, authHeaders, type ListDocument, type Resource } from "./api.js";
import { Detail } from "./detail.js";
import type { AssetType } from "./asset-types.js";
import { listQuery, readFilters, SORTS, UPLOAD_STATES, uploadQuery, writeFilters, type Filters } from "./filters.js";

const PAGE = 60;

/** An upload as `/uploads` lists it: its pipeline state, the reason of a rejection, the resource it became. */
export interface UploadItem {
  id: string;
  attributes: { filename: string; state: string; state_detail: string | null; created_at: string };
  relationships?: { resource?: { data: { id: string } | null } };
}

/** One card of the grid: an asset, or (listed by pipeline state) an upload that is not one yet or never will be. */
interface GridItem {
  key: string;
  resource: Resource | null;
  upload: UploadItem | null;
}

const byResource = (resource: Resource): GridItem => ({ key: `r${resource.id}`, resource, upload: null });

/**
 * One page of the grid by pipeline state: the uploads in that state, each shown as the asset it
 * became when there is one the caller may read (fetched in one more request), else as a placeholder.
 */
async function uploadPage(filters: Filters, offset: number): Promise<{ items: GridItem[]; total: number; read: number }> {
  const uploads = await api<ListDocument<UploadItem>>(`/uploads${uploadQuery(filters, offset, PAGE)}`);
  const ids = [...new Set(uploads.data.flatMap((u) => u.relationships?.resource?.data?.id ?? []))];
  const resources = new Map<string, Resource>();
  if (ids.length) {
    const params = new URLSearchParams({ "filter[fields][id][in]": ids.join(","), "page[limit]": String(ids.length) });
    for (const r of (await api<ListDocument<Resource>>(`/resources?${params}`)).data) resources.set(r.id, r);
  }
  const items = uploads.data.map((upload) => {
    const resource = resources.get(upload.relationships?.resource?.data?.id ?? "") ?? null;
    return { key: resource ? `r${resource.id}` : `u${upload.id}`, resource, upload };
  });
  return { items, total: uploads.meta.total_count, read: uploads.data.length };
}

/** The asset grid with its filters (kept in the URL), infinite scroll and the detail panel. */
export function Library({ generation, signedIn, types }: { generation: number; signedIn: boolean; types: AssetType[] }) {
  const [filters, setFilters] = useState<Filters>(readFilters());
  const [items, setItems] = useState<GridItem[]>([]);
  // Rows of the list read so far (uploads, when listing by state: some are the same asset, shown once).
  const [read, setRead] = useState(0);
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(new URLSearchParams(location.search).get("id"));
  const loading = useRef(false);
  const sentinel = useRef<HTMLDivElement>(null);
  // Answers of a superseded query (filters changed while a page was in flight) are dropped.
  const query = useRef(0);

  // Which query the grid shows, so a reader (a person, a test) can tell the answer to the current
  // filters and sign-in from one still on its way: `data-ready` on the grid.
  const currentKey = JSON.stringify([filters, generation, signedIn]);
  const [shownKey, setShownKey] = useState<string | null>(null);

  const loadMore = async (reset: boolean) => {
    if (loading.current && !reset) return;
    const ticket = ++query.current;
    const key = currentKey;
    loading.current = true;
    try {
      const offset = reset ? 0 : read;
      const next = filters.state
        ? await uploadPage(filters, offset)
        : await api<ListDocument<Resource>>(`/resources${listQuery(filters, types, offset, PAGE)}`).then((doc) => ({ items: doc.data.map(byResource), total: doc.meta.total_count, read: doc.data.length }));
      if (ticket !== query.current) return;
      setItems((all) => {
        const kept = reset ? [] : all;
        const seen = new Set(kept.map((i) => i.key));
        return [...kept, ...next.items.filter((i) => !seen.has(i.key) && seen.add(i.key))];
      });
      setRead((n) => (reset ? 0 : n) + next.read);
      setTotal(next.total);
      setShownKey(key);
      setError(null);
    } catch (e) {
      if (ticket === query.current) setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      if (ticket === query.current) loading.current = false;
    }
  };

  // The type filter needs the asset types (a raster dataset is listed as a dataset of subtype raster).
  const typesKnown = !filters.type || types.length > 0;
  useEffect(() => {
    writeFilters(filters);
    if (typesKnown) void loadMore(true);
  }, [filters, generation, signedIn, typesKnown]);

  useEffect(() => {
    const target = sentinel.current;
    if (!target) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && total !== null && read < total) void loadMore(false);
    }, { rootMargin: "600px" });
    observer.observe(target);
    return () => observer.disconnect();
  }, [items, total, read]);

  const set = (patch: Partial<Filters>) => setFilters((f) => ({ ...f, ...patch }));
  const open = (id: string | null) => {
    setSelected(id);
    const params = new URLSearchParams(location.search);
    if (id) params.set("id", id);
    else params.delete("id");
    history.replaceState(null, "", `${location.pathname}?${params}${location.hash}`);
  };
  const onChanged = (changed: Resource | null, id: string) => {
    setItems((all) => (changed ? all.map((i) => (i.resource?.id === id ? { ...i, resource: changed } : i)) : all.filter((i) => i.resource?.id !== id)));
    if (!changed) {
      setTotal((t) => (t === null ? t : t - 1));
      setRead((n) => Math.max(0, n - 1));
      open(null);
    }
  };
  const noun = filters.state ? "uploads" : "assets";

  return (
    <div class="library">
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <input type="search" placeholder="Search" aria-label="Search" value={filters.q} onInput={(e) => set({ q: e.currentTarget.value })} />
        <select aria-label="Type" value={filters.type} onChange={(e) => set({ type: e.currentTarget.value })}>
          <option value="">All types</option>
          {types.map((t) => <option key={t.id} value={t.id}>{t.id}</option>)}
        </select>
        <input placeholder="Tags (a,b)" aria-label="Tags" value={filters.tags} onChange={(e) => set({ tags: e.currentTarget.value })} />
        <select aria-label="State" value={filters.state} onChange={(e) => set({ state: e.currentTarget.value })}>
          <option value="">Any state</option>
          {UPLOAD_STATES.map((s) => <option key={s} value={s}>{s}</option>)}
        </select>
        <select aria-label="Access" value={filters.access} onChange={(e) => set({ access: e.currentTarget.value })}>
          <option value="">Any access</option>
          {["Public", "Common", "Private"].map((a) => <option key={a} value={a}>{a}</option>)}
        </select>
        <label>From <input type="date" aria-label="Created from" value={filters.from} onChange={(e) => set({ from: e.currentTarget.value })} /></label>
        <label>To <input type="date" aria-label="Created to" value={filters.to} onChange={(e) => set({ to: e.currentTarget.value })} /></label>
        <select aria-label="Sort" value={filters.sort} onChange={(e) => set({ sort: e.currentTarget.value })}>
          {SORTS.map(([value, label]) => <option key={value} value={value}>{label}</option>)}
        </select>
        <span class="count" data-testid="total">{total === null ? "" : `${total} ${noun}`}</span>
      </form>
      {error && <p class="error" role="alert">{error}</p>}
      <div class="content">
        <ul class="grid" data-testid="grid" data-ready={String(shownKey === currentKey)} data-signed-in={String(signedIn)} aria-busy={shownKey !== currentKey}>
          {items.map(({ key, resource, upload }) => (
            <li key={key}>
              {resource ? (
                <button class={resource.id === selected ? "card selected" : "card"} onClick={() => open(resource.id)} data-testid="card" data-type={resource.type} data-state={upload?.attributes.state}>
                  <Thumbnail item={resource} />
                  <span class="card-name">{resource.attributes.name}</span>
                  <span class="card-meta">{resource.type} · {upload ? upload.attributes.state : resource.attributes.access_modifier}</span>
                </button>
              ) : (
                upload && <PlaceholderCard upload={upload} />
              )}
            </li>
          ))}
        </ul>
        <div ref={sentinel} class="sentinel" />
        {selected && <Detail id={selected} onClose={() => open(null)} onChanged={onChanged} />}
      </div>
    </div>
  );
}

/** An upload that is no asset (yet): still in the pipeline, or rejected, with the pipeline's reason. */
function PlaceholderCard({ upload }: { upload: UploadItem }) {
  const { filename, state, state_detail } = upload.attributes;
  return (
    <div class={`card placeholder ${state}`} data-testid="card" data-type="upload" data-state={state} data-placeholder="">
      <span class="thumb"><span class="glyph">{state === "rejected" ? "×" : "…"}</span></span>
      <span class="card-name" title={filename}>{filename}</span>
      <span class="card-meta">upload · <span class={`state ${state}`}>{state}</span></span>
      {state_detail && <span class="card-reason" data-testid="reason" title={state_detail}>{state_detail}</span>}
    </div>
  );
}

/** A fixed-size box, so a late image never moves the grid. */
export function Thumbnail({ item }: { item: Resource }) {
  const image = useAuthorizedImage(item.links?.thumbnail);
  return (
    <span class="thumb" data-state={image.state}>
      {image.src ? <img src={image.src} alt="" decoding="async" width={160} height={120} /> : <span class="glyph">{item.type.slice(0, 2).toUpperCase()}</span>}
    </span>
  );
}

/** An image to show: its URL once there is one, and whether it is still coming. */
export interface AuthorizedImage {
  src: string | null;
  state: "none" | "loading" | "loaded" | "failed";
}

/** Busy answers (the delivery route bounds transforms in flight) are asked again, this often at most. */
const RETRIES = 4;

/**
 * An image URL the browser may show: an <img> cannot send the API key, so with a key the bytes
 * are fetched with it and shown from an object URL. A 429 or 503 is retried after its
 * Retry-After (or a growing pause), so a grid asking for many new derivatives at once fills in.
 */
export function useAuthorizedImage(url: string | undefined): AuthorizedImage {
  const [image, setImage] = useState<AuthorizedImage>({ src: null, state: url ? "loading" : "none" });
  useEffect(() => {
    if (!url) return setImage({ src: null, state: "none" });
    const headers = authHeaders();
    if (!headers.Authorization) return setImage({ src: url, state: "loaded" });
    setImage({ src: null, state: "loading" });
    let objectUrl: string | null = null;
    const controller = new AbortController();
    const load = async () => {
      for (let attempt = 0; ; attempt++) {
        const res = await fetch(url, { headers, signal: controller.signal });
        if (res.ok) return URL.createObjectURL(await res.blob());
        if (!(res.status === 429 || res.status === 503) || attempt >= RETRIES) return null;
        const wait = Number(res.headers.get("Retry-After")) * 1000 || 250 * 2 ** attempt;
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    };
    load().then(
      (loaded) => {
        objectUrl = loaded;
        setImage(loaded ? { src: loaded, state: "loaded" } : { src: null, state: "failed" });
      },
      () => !controller.signal.aborted && setImage({ src: null, state: "failed" }),
    );
    return () => {
      controller.abort();
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [url]);
  return image;
}
