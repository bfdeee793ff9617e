import { useEffect, useState } from "preact/hooks";
import { api, ApiError, type ListDocument } from "./api.js";
import { UPLOAD_STATES } from "./filters.js";

interface Upload {
  id: string;
  attributes: { filename: string; mime_type: string | null; state: string; state_detail: string | null; size: number | null; created_at: string };
}


/** The uploads list's filters, kept in the page's URL beside the library's (`file`, `upload_type`; `state` is shared with the grid's). */
interface UploadFilters {
  state: string;
  file: string;
  upload_type: string;
}

function readUploadFilters(): UploadFilters {
  const params = new URLSearchParams(location.search);
  return { state: params.get("state") ?? "", file: params.get("file") ?? "", upload_type: params.get("upload_type") ?? "" };
}

function writeUploadFilters(filters: UploadFilters): void {
  const params = new URLSearchParams(location.search);
  for (const [name, value] of Object.entries(filters)) {
    if (value) params.set(name, value);
    else params.delete(name);
  }
  const query = params.toString();
  history.replaceState(null, "", `${location.pathname}${query ? `?${query}` : ""}${location.hash}`);
}

/** The ingest records, newest first, filterable by state, file name and asset type, with the pipeline's reasons. */
export function UploadsView({ generation, types }: { generation: number; types: string[] }) {
  const [filters, setFilters] = useState<UploadFilters>(readUploadFilters());
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    writeUploadFilters(filters);
    const params = new URLSearchParams({ "page[limit]": "100" });
    if (filters.state) params.set("filter[fields][state][eq]", filters.state);
    if (filters.upload_type) params.set("filter[fields][type][eq]", filters.upload_type);
    if (filters.file.trim()) params.set("filter[query]", filters.file.trim());
    let current = true;
    api<ListDocument<Upload>>(`/uploads?${params}`).then(
      (doc) => {
        if (!current) return;
        setUploads(doc.data);
        setTotal(doc.meta.total_count);
        setError(null);
      },
      (e) => current && setError(e instanceof ApiError ? e.message : String(e)),
    );
    return () => {
      current = false;
    };
  }, [filters, generation]);
  const set = (patch: Partial<UploadFilters>) => setFilters((f) => ({ ...f, ...patch }));
  return (
    <div class="uploads-view">
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <input type="search" placeholder="File name" aria-label="File name" value={filters.file} onInput={(e) => set({ file: e.currentTarget.value })} />
        <select aria-label="Upload state" value={filters.state} onChange={(e) => set({ state: e.currentTarget.value })}>
          <option value="">Any state</option>
          {UPLOAD_STATES.map((s) => <option key={s}>{s}</option>)}
        </select>
        <select aria-label="Upload type" value={filters.upload_type} onChange={(e) => set({ upload_type: e.currentTarget.value })}>
          <option value="">Any type</option>
          {types.map((t) => <option key={t}>{t}</option>)}
        </select>
        <span class="count" data-testid="uploads-total">{total === null ? "" : total > uploads.length ? `newest ${uploads.length} of ${total} uploads` : `${total} uploads`}</span>
      </form>
      {error && <p class="error" role="alert">{error}</p>}
      <table>
        <thead><tr><th>File</th><th>MIME type</th><th>State</th><th>Size</th><th>Created</th><th>Reason</th></tr></thead>
        <tbody>
          {uploads.map((u) => (
            <tr key={u.id} data-testid="upload" data-state={u.attributes.state}>
              <td>{u.attributes.filename}</td>
              <td>{u.attributes.mime_type ?? "—"}</td>
              <td><span class={`state ${u.attributes.state}`}>{u.attributes.state}</span></td>
              <td>{u.attributes.size === null ? "—" : bytes(u.attributes.size)}</td>
              <td>{new Date(u.attributes.created_at).toLocaleString()}</td>
              <td>{u.attributes.state_detail ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function bytes(n: number): string {
  const units = ["B", "KB", "MB", "GB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
}
