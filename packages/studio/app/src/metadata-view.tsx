import { useEffect, useState } from "preact/hooks";
import { api, type Resource } from "./api.js";

/** Attributes every resource has (the panel's header and form show them); the rest is the type's own. */
const COMMON = new Set(["uuid", "name", "description", "access_modifier", "access_modifier_code", "tags", "extra_metadata", "organisation", "owner", "writable", "created_at", "updated_at"]);

/** Structured attributes shown as their own tables rather than as JSON. */
const SECTIONS: Record<string, string> = { exif_info: "EXIF", spatial_bounds: "Bounds (WGS84)", statistics: "Band statistics", colors: "Palette" };

/** One attribute of a GeoNode dataset's `attribute_set`, with the statistics the upload computed. */
interface DatasetAttribute {
  attribute: string;
  attribute_type: string;
  count?: number | null;
  min?: string | number | null;
  max?: string | number | null;
  average?: string | number | null;
  unique_values?: unknown;
}

/** The type's own metadata: scalars as a list, EXIF, bounds, statistics, palette and dataset attributes as tables. */
export function MetadataView({ item }: { item: Resource }) {
  const a = item.attributes;
  const own = Object.entries(a).filter(([key]) => !COMMON.has(key));
  const scalars = own.filter(([key, value]) => !(key in SECTIONS) && (value === null || typeof value !== "object" || Array.isArray(value)));
  const sections = own.filter(([key, value]) => key in SECTIONS && value && typeof value === "object");
  return (
    <div class="metadata-view">
      <dl class="metadata" data-testid="metadata">
        <dt>type</dt><dd>{item.type}</dd>
        <dt>created</dt><dd>{new Date(a.created_at).toLocaleString()}</dd>
        <dt>updated</dt><dd>{new Date(String(a.updated_at)).toLocaleString()}</dd>
        {scalars.map(([key, value]) => [<dt key={`${key}-k`}>{key}</dt>, <dd key={`${key}-v`}>{format(value)}</dd>])}
      </dl>
      {sections.map(([key, value]) => (
        <details key={key} open={key !== "exif_info"} data-testid={`section-${key}`}>
          <summary>{SECTIONS[key]}</summary>
          {key === "colors" ? <Palette colors={value as unknown[]} /> : <Table value={value} />}
        </details>
      ))}
      {item.type === "dataset" && <DatasetAttributes id={item.id} />}
    </div>
  );
}

/** A record as key/value rows; a list of records (band statistics) as one row each. */
function Table({ value }: { value: unknown }) {
  if (Array.isArray(value) && value.every((row) => row && typeof row === "object")) {
    const columns = [...new Set(value.flatMap((row) => Object.keys(row as object)))];
    return (
      <table class="meta-table">
        <thead><tr>{columns.map((c) => <th key={c}>{c}</th>)}</tr></thead>
        <tbody>{value.map((row, i) => <tr key={i}>{columns.map((c) => <td key={c}>{format((row as Record<string, unknown>)[c])}</td>)}</tr>)}</tbody>
      </table>
    );
  }
  return (
    <dl class="metadata">
      {Object.entries(value as Record<string, unknown>).map(([key, v]) => [<dt key={`${key}-k`}>{key}</dt>, <dd key={`${key}-v`}>{format(v)}</dd>])}
    </dl>
  );
}

function Palette({ colors }: { colors: unknown[] }) {
  return (
    <span class="palette">
      {colors.map((c, i) => {
        const { red, green, blue, alpha } = c as { red: number; green: number; blue: number; alpha?: number };
        const css = `rgba(${red}, ${green}, ${blue}, ${(alpha ?? 255) / 255})`;
        return <span key={i} class="swatch" style={{ background: css }} title={css} />;
      })}
    </span>
  );
}

/** A dataset's attributes and their statistics, from the GeoNode profile's `attribute_set`. */
function DatasetAttributes({ id }: { id: string }) {
  const [rows, setRows] = useState<DatasetAttribute[] | null>(null);
  useEffect(() => {
    setRows(null);
    api<{ dataset: { attribute_set?: DatasetAttribute[] } }>(`/api/v2/datasets/${id}/?format=json`, { headers: { Accept: "application/json" } }).then(
      (doc) => setRows(doc.dataset.attribute_set ?? []),
      () => setRows([]),
    );
  }, [id]);
  if (!rows?.length) return null;
  return (
    <details open data-testid="section-attribute_set">
      <summary>Attributes</summary>
      <Table value={rows.map(({ attribute, attribute_type, count, min, max, average }) => ({ attribute, attribute_type, count, min, max, average }))} />
    </details>
  );
}

function format(value: unknown): string {
  if (value === null || value === undefined) return "—";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}
