import { useEffect, useState } from "preact/hooks";
import { api } from "./api.js";

/**
 * GeoNode's perm_spec of a resource (`/resources/:id/permissions`), as JSON to edit. Shown only
 * when the caller may read it: the API answers it to those who may manage the resource.
 */
export function PermSpecEditor({ id, onSaved, onError }: { id: string; onSaved: (what: string) => void; onError: (e: unknown) => void }) {
  const [spec, setSpec] = useState<string | null>(null);
  useEffect(() => {
    setSpec(null);
    api<unknown>(`/resources/${id}/permissions`).then((answer) => setSpec(JSON.stringify(answer, null, 2)), () => setSpec(null));
  }, [id]);
  if (spec === null) return null;
  const save = async () => {
    try {
      const answer = await api<unknown>(`/resources/${id}/permissions`, { method: "PUT", body: JSON.stringify(JSON.parse(spec)), headers: { "Content-Type": "application/json" } });
      setSpec(JSON.stringify(answer, null, 2));
      onSaved("Permissions saved");
    } catch (e) {
      onError(e);
    }
  };
  return (
    <details class="perms" data-testid="perm-spec">
      <summary>Permissions (perm_spec)</summary>
      <textarea aria-label="perm_spec" value={spec} onInput={(e) => setSpec(e.currentTarget.value)} rows={10} />
      <button type="button" onClick={save}>Save permissions</button>
    </details>
  );
}
