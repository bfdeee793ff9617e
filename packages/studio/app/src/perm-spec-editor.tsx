import { useEffect, useState } from "preact/hooks";
import { api } from "./api.js";

/** GeoNode 4's levels, weakest first, as the compact perm_spec names them. */
const LEVELS = ["none", "view", "download", "edit", "manage", "owner"] as const;

/** One subject of the compact perm_spec: a user (`username`), a group (`name`) or the anonymous entry. */
interface Entry {
  id?: number;
  username?: string;
  name?: string;
  permissions: string;
}

/** The compact perm_spec: `organizations` are groups; `groups` holds the anonymous entry. */
interface CompactSpec {
  users: Entry[];
  organizations: Entry[];
  groups: Entry[];
}

type Kind = "users" | "organizations" | "groups";

const label = (kind: Kind, entry: Entry) => (kind === "users" ? entry.username : kind === "organizations" ? entry.name : "anyone") ?? String(entry.id);
const subjectOf = (kind: Kind, entry: Entry) => `${kind === "users" ? "user" : kind === "organizations" ? "group" : "anonymous"}:${label(kind, entry)}`;
const PERMISSIONS = "/permissions?format=compact";

/**
 * GeoNode's perm_spec of a resource (`/resources/:id/permissions`, compact shape): each user's and
 * group's level, and anyone's, to change or add. Shown only when the caller may read it: the
 * API answers it to those who may manage the resource.
 */
export function PermSpecEditor({ id, onSaved, onError }: { id: string; onSaved: (what: string) => void; onError: (e: unknown) => void }) {
  const [spec, setSpec] = useState<CompactSpec | null>(null);
  const [adding, setAdding] = useState<{ kind: "users" | "organizations"; name: string; level: string }>({ kind: "users", name: "", level: "view" });
  useEffect(() => {
    setSpec(null);
    api<CompactSpec>(`/resources/${id}${PERMISSIONS}`).then(setSpec, () => setSpec(null));
  }, [id]);
  if (spec === null) return null;

  const setLevel = (kind: Kind, index: number, level: string) =>
    setSpec({ ...spec, [kind]: spec[kind].map((e, i) => (i === index ? { ...e, permissions: level } : e)) });
  const add = () => {
    const name = adding.name.trim();
    if (!name) return;
    const entry: Entry = adding.kind === "users" ? { username: name, permissions: adding.level } : { name, permissions: adding.level };
    setSpec({ ...spec, [adding.kind]: [...spec[adding.kind], entry] });
    setAdding({ ...adding, name: "" });
  };
  const save = async () => {
    try {
      const answer = await api<CompactSpec>(`/resources/${id}${PERMISSIONS}`, { method: "PUT", body: JSON.stringify(spec), headers: { "Content-Type": "application/json" } });
      setSpec(answer);
      onSaved("Permissions saved");
    } catch (e) {
      onError(e);
    }
  };
  const rows = (["users", "organizations", "groups"] as const).flatMap((kind) => spec[kind].map((entry, index) => ({ kind, entry, index })));

  return (
    <details class="perms" data-testid="perm-spec">
      <summary>Permissions (perm_spec)</summary>
      <table class="meta-table">
        <tbody>
          {rows.map(({ kind, entry, index }) => (
            <tr key={subjectOf(kind, entry)} data-testid="perm-row" data-subject={subjectOf(kind, entry)}>
              <td>{kind === "users" ? "user" : kind === "organizations" ? "group" : ""}</td>
              <td>{label(kind, entry)}</td>
              <td>
                <select aria-label={`Level of ${subjectOf(kind, entry)}`} value={entry.permissions} onChange={(e) => setLevel(kind, index, e.currentTarget.value)}>
                  {LEVELS.map((level) => <option key={level} value={level}>{level}</option>)}
                </select>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="perm-add">
        <select aria-label="New subject kind" value={adding.kind} onChange={(e) => setAdding({ ...adding, kind: e.currentTarget.value as "users" | "organizations" })}>
          <option value="users">user</option>
          <option value="organizations">group</option>
        </select>
        <input aria-label="New subject name" placeholder="username or group" value={adding.name} onInput={(e) => setAdding({ ...adding, name: e.currentTarget.value })} />
        <select aria-label="New subject level" value={adding.level} onChange={(e) => setAdding({ ...adding, level: e.currentTarget.value })}>
          {LEVELS.filter((l) => l !== "owner").map((level) => <option key={level} value={level}>{level}</option>)}
        </select>
        <button type="button" onClick={add}>Add</button>
      </div>
      <button type="button" onClick={save}>Save permissions</button>
    </details>
  );
}
