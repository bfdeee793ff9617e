import Uppy from "@uppy/core";
import Tus from "@uppy/tus";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { api, apiBase, authHeaders, readEvents } from "./api.js";
import { typeFor, type AssetType } from "./asset-types.js";

/** One file's way in: the tus transfer, then the pipeline until committed or rejected. */
export interface UploadRow {
  id: string;
  name: string;
  /** The asset type it was sent as; null = a bare upload. */
  assetType: string | null;
  /** Bytes sent, 0..1. */
  sent: number;
  paused: boolean;
  phase: "uploading" | "processing" | "committed" | "rejected" | "failed";
  /** The pipeline's progress, 0..1, while processing. */
  progress: number;
  /** The job's state as its events report it (queued, running, retry…). */
  jobState: string | null;
  detail: string | null;
  uploadId: string | null;
}

interface UploadDocument {
  data: { id: string; attributes: { state: string; state_detail: string | null } };
}

/** `Link: <…/uploads/42>; rel="upload", <…/jobs/ab>; rel="job"` as sent with tus's last PATCH. */
function linkTargets(link: string | null): { upload?: string; job?: string } {
  const found: Record<string, string> = {};
  for (const part of (link ?? "").split(",")) {
    const match = /<([^>]+)>\s*;\s*rel="?([^";]+)"?/.exec(part);
    if (match) found[match[2]] = match[1].split("/").pop()!;
  }
  return found;
}

/** "" = pick the type per file ({@link typeFor}); otherwise the asset type every file is sent as. */
export type UploadAs = string;

/** The studio's uploader: Uppy with its tus plugin against `/uploads/tus`, and each file's rows. */
export function useUploader(types: AssetType[], onCommitted: () => void) {
  const [rows, setRows] = useState<UploadRow[]>([]);
  const [uploadAs, setUploadAs] = useState<UploadAs>("");
  // Uppy lives for the page; it reads the current choice through these.
  const choice = useRef({ types, uploadAs });
  choice.current = { types, uploadAs };
  const update = (id: string, patch: Partial<UploadRow>) => setRows((all) => all.map((row) => (row.id === id ? { ...row, ...patch } : row)));

  const uppy = useMemo(() => {
    // tus's last PATCH answers where the upload and its job are; remember it per upload URL.
    const links = new Map<string, string | null>();
    const instance = new Uppy({ autoProceed: false }).use(Tus, {
      endpoint: `${apiBase}/uploads/tus`,
      headers: () => authHeaders(),
      chunkSize: 8 * 1024 * 1024,
      retryDelays: [0, 1000, 3000],
      removeFingerprintOnSuccess: true,
      onAfterResponse: (req, res) => {
        const link = res.getHeader("Link");
        if (link) links.set(req.getURL(), link);
      },
    });
    instance.on("file-added", (file) => {
      const assetType = file.meta.type && !file.meta.type.includes("/") ? file.meta.type : null;
      setRows((all) => [...all, { id: file.id, name: file.name ?? "file", assetType, sent: 0, paused: false, phase: "uploading", progress: 0, jobState: null, detail: null, uploadId: null }]);
    });
    instance.on("upload-progress", (file, progress) => {
      if (file && progress.bytesTotal) update(file.id, { sent: progress.bytesUploaded / progress.bytesTotal });
    });
    instance.on("upload-error", (file, error) => file && update(file.id, { phase: "failed", detail: error.message }));
    instance.on("upload-success", (file, response) => {
      if (!file) return;
      const targets = linkTargets(links.get(response.uploadURL ?? "") ?? null);
      update(file.id, { sent: 1, phase: "processing", uploadId: targets.upload ?? null });
      void follow(file.id, targets, update).then(onCommitted);
    });
    return instance;
  }, []);
  useEffect(() => () => uppy.destroy(), [uppy]);

  const addFiles = (files: Iterable<File>) => {
    const { types: known, uploadAs: chosen } = choice.current;
    for (const file of files) {
      // tus's `type` names the asset type (Uppy would send the MIME type there); the MIME type goes as `filetype`.
      const assetType = chosen || typeFor(file, known);
      const meta = assetType ? { type: assetType, filetype: file.type } : { filetype: file.type };
      const id = uppy.addFile({ name: file.name, type: file.type, data: file, source: "drop" });
      uppy.setFileMeta(id, meta);
      const added = uppy.getFile(id);
      update(id, { assetType: added.meta.type && !added.meta.type.includes("/") ? added.meta.type : null });
    }
    void uppy.upload();
  };
  return {
    rows,
    addFiles,
    uploadAs,
    setUploadAs,
    togglePause: (id: string) => update(id, { paused: !!uppy.pauseResume(id) }),
    onDragOver: (event: DragEvent) => {
      if (event.dataTransfer?.types.includes("Files")) event.preventDefault();
    },
    onDrop: (event: DragEvent) => {
      if (!event.dataTransfer?.files.length) return;
      event.preventDefault();
      addFiles(event.dataTransfer.files);
    },
  };
}

/** Follows the job's events until it ends, then reads the upload's final state and its reason. */
async function follow(id: string, targets: { upload?: string; job?: string }, update: (id: string, patch: Partial<UploadRow>) => void) {
  try {
    if (targets.job) {
      await readEvents(`/jobs/${targets.job}/events`, (_event, data) => {
        const { progress, state } = data as { progress?: number; state?: string };
        if (typeof progress === "number") update(id, { progress: progress / 100, jobState: state ?? null });
      });
    }
    if (!targets.upload) return update(id, { phase: "committed" });
    const upload = await api<UploadDocument>(`/uploads/${targets.upload}`);
    const { state, state_detail } = upload.data.attributes;
    update(id, { phase: state === "committed" ? "committed" : state === "rejected" ? "rejected" : "processing", detail: state_detail, progress: 1 });
  } catch (error) {
    update(id, { phase: "failed", detail: error instanceof Error ? error.message : String(error) });
  }
}

export function UploadPanel({ uploader, types }: { uploader: ReturnType<typeof useUploader>; types: AssetType[] }) {
  const pick = (event: Event) => {
    const input = event.currentTarget as HTMLInputElement;
    if (input.files) uploader.addFiles(input.files);
    input.value = "";
  };
  return (
    <aside class="uploads-panel" aria-label="Uploads in progress">
      <div class="drop-hint">
        <label>Drop files anywhere, or <input type="file" multiple onChange={pick} aria-label="Choose files" /></label>
        <label>Upload as{" "}
          <select aria-label="Upload as" value={uploader.uploadAs} onChange={(e) => uploader.setUploadAs(e.currentTarget.value)}>
            <option value="">Automatic</option>
            {types.map((t) => <option key={t.id} value={t.id}>{t.id}</option>)}
          </select>
        </label>
      </div>
      <ul>
        {uploader.rows.map((row) => (
          <li key={row.id} class={`upload-row ${row.phase}`} data-testid="upload-row" data-phase={row.phase}>
            <span class="name" title={row.assetType ?? "bare upload"}>{row.name}</span>
            <progress max={1} value={row.phase === "uploading" ? row.sent : row.progress} aria-label={`${row.name} progress`} />
            <span class="phase">{row.phase === "uploading" ? `${Math.round(row.sent * 100)}% sent` : row.phase === "processing" ? `${row.jobState ?? "processing"} ${Math.round(row.progress * 100)}%` : row.phase}</span>
            {row.phase === "uploading" && <button onClick={() => uploader.togglePause(row.id)}>{row.paused ? "Resume" : "Pause"}</button>}
            {row.detail && <span class="detail">{row.detail}</span>}
          </li>
        ))}
      </ul>
    </aside>
  );
}
