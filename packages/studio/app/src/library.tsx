import { useEffect, useRef, useState } from "preact/hooks";
import { api, ApiError, authHeaders, type ListDocument, type Resource } from "./api.js";
import { Detail } from "./detail.js";
import { listQuery, readFilters, SORTS, writeFilters, type Filters } from "./filters.js";

const PAGE = 60;

/** The asset grid with its filters (kept in the URL), infinite scroll and the detail panel. */
export function Library({ generation, signedIn, types }: { generation: number; signedIn: boolean; types: string[] }) {
  const [filters, setFilters] = useState<Filters>(readFilters());
  const [items, setItems] = useState<Resource[]>([]);
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(new URLSearchParams(location.search).get("id"));
  const loading = useRef(false);
  const sentinel = useRef<HTMLDivElement>(null);
  // Answers of a superseded query (filters changed while a page was in flight) are dropped.
  const query = useRef(0);

  const loadMore = async (reset: boolean) => {
    if (loading.current && !reset) return;
    const ticket = ++query.current;
    loading.current = true;
    try {
      const offset = reset ? 0 : items.length;
      const page = await api<ListDocument<Resource>>(`/resources${listQuery(filters, offset, PAGE)}`);
      if (ticket !== query.current) return;
      setItems((all) => (reset ? page.data : [...all, ...page.data]));
      setTotal(page.meta.total_count);
      setError(null);
    } catch (e) {
      if (ticket === query.current) setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      if (ticket === query.current) loading.current = false;
    }
  };

  useEffect(() => {
    writeFilters(filters);
    void loadMore(true);
  }, [filters, generation, signedIn]);

  useEffect(() => {
    const target = sentinel.current;
    if (!target) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && total !== null && items.length < total) void loadMore(false);
    }, { rootMargin: "600px" });
    observer.observe(target);
    return () => observer.disconnect();
  }, [items, total]);

  const set = (patch: Partial<Filters>) => setFilters((f) => ({ ...f, ...patch }));
  const open = (id: string | null) => {
    setSelected(id);
    const params = new URLSearchParams(location.search);
    if (id) params.set("id", id);
    else params.delete("id");
    history.replaceState(null, "", `${location.pathname}?${params}${location.hash}`);
  };
  const onChanged = (changed: Resource | null, id: string) => {
    setItems((all) => (changed ? all.map((r) => (r.id === id ? changed : r)) : all.filter((r) => r.id !== id)));
    if (!changed) {
      setTotal((t) => (t === null ? t : t - 1));
      open(null);
    }
  };

  return (
    <div class="library">
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <input type="search" placeholder="Search" aria-label="Search" value={filters.q} onInput={(e) => set({ q: e.currentTarget.value })} />
        <select aria-label="Type" value={filters.type} onChange={(e) => set({ type: e.currentTarget.value })}>
          <option value="">All types</option>
          {types.map((t) => <option key={t} value={t}>{t}</option>)}
        </select>
        <input placeholder="Tags (a,b)" aria-label="Tags" value={filters.tags} onChange={(e) => set({ tags: e.currentTarget.value })} />
        <select aria-label="Access" value={filters.access} onChange={(e) => set({ access: e.currentTarget.value })}>
          <option value="">Any access</option>
          {["Public", "Common", "Private"].map((a) => <option key={a} value={a}>{a}</option>)}
        </select>
        <label>From <input type="date" aria-label="Created from" value={filters.from} onChange={(e) => set({ from: e.currentTarget.value })} /></label>
        <label>To <input type="date" aria-label="Created to" value={filters.to} onChange={(e) => set({ to: e.currentTarget.value })} /></label>
        <select aria-label="Sort" value={filters.sort} onChange={(e) => set({ sort: e.currentTarget.value })}>
          {SORTS.map(([value, label]) => <option key={value} value={value}>{label}</option>)}
        </select>
        <span class="count" data-testid="total">{total === null ? "" : `${total} assets`}</span>
      </form>
      {error && <p class="error" role="alert">{error}</p>}
      <div class="content">
        <ul class="grid" data-testid="grid">
          {items.map((item) => (
            <li key={item.id}>
              <button class={item.id === selected ? "card selected" : "card"} onClick={() => open(item.id)} data-testid="card" data-type={item.type}>
                <Thumbnail item={item} />
                <span class="card-name">{item.attributes.name}</span>
                <span class="card-meta">{item.type} · {item.attributes.access_modifier}</span>
              </button>
            </li>
          ))}
        </ul>
        <div ref={sentinel} class="sentinel" />
        {selected && <Detail id={selected} onClose={() => open(null)} onChanged={onChanged} />}
      </div>
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
