import { useEffect, useState } from "preact/hooks";
import { api, ApiError, type ListDocument } from "./api.js";

interface Upload {
  id: string;
  attributes: { filename: string; state: string; state_detail: string | null; size: number | null; created_at: string };
}

const STATES = ["requested", "received", "processing", "retry", "committed", "rejected"];

/** The ingest records, newest first, filterable by state, with the pipeline's reasons. */
export function UploadsView({ generation }: { generation: number }) {
  const [state, setState] = useState(new URLSearchParams(location.search).get("state") ?? "");
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const params = new URLSearchParams({ "page[limit]": "100" });
    if (state) params.set("filter[fields][state][eq]", state);
    api<ListDocument<Upload>>(`/uploads?${params}`).then(
      (doc) => {
        setUploads(doc.data);
        setError(null);
      },
      (e) => setError(e instanceof ApiError ? e.message : String(e)),
    );
  }, [state, generation]);
  return (
    <div class="uploads-view">
      <label>State{" "}
        <select aria-label="Upload state" value={state} onChange={(e) => setState(e.currentTarget.value)}>
          <option value="">All</option>
          {STATES.map((s) => <option key={s}>{s}</option>)}
        </select>
      </label>
      {error && <p class="error" role="alert">{error}</p>}
      <table>
        <thead><tr><th>File</th><th>State</th><th>Size</th><th>Created</th><th>Reason</th></tr></thead>
        <tbody>
          {uploads.map((u) => (
            <tr key={u.id} data-testid="upload" data-state={u.attributes.state}>
              <td>{u.attributes.filename}</td>
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
