import Uppy from "@uppy/core";
import Tus from "@uppy/tus";
import { useEffect, useMemo, useState } from "preact/hooks";
import { api, apiBase, authHeaders, readEvents } from "./api.js";

/** One file's way in: the tus transfer, then the pipeline until committed or rejected. */
export interface UploadRow {
  id: string;
  name: string;
  /** Bytes sent, 0..1. */
  sent: number;
  paused: boolean;
  phase: "uploading" | "processing" | "committed" | "rejected" | "failed";
  /** The pipeline's progress, 0..1, while processing. */
  progress: number;
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

/** The studio's uploader: Uppy with its tus plugin against `/uploads/tus`, and each file's rows. */
export function useUploader(onCommitted: () => void) {
  const [rows, setRows] = useState<UploadRow[]>([]);
  const update = (id: string, patch: Partial<UploadRow>) => setRows((all) => all.map((row) => (row.id === id ? { ...row, ...patch } : row)));

  const uppy = useMemo(() => {
    // tus's last PATCH answers where the upload and its job are; remember it per upload URL.
    const links = new Map<string, string | null>();
    const instance = new Uppy({ autoProceed: true }).use(Tus, {
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
    instance.on("file-added", (file) =>
      setRows((all) => [...all, { id: file.id, name: file.name ?? "file", sent: 0, paused: false, phase: "uploading", progress: 0, detail: null, uploadId: null }]),
    );
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
    for (const file of files) uppy.addFile({ name: file.name, type: file.type, data: file, source: "drop" });
  };
  return {
    rows,
    addFiles,
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
        const progress = (data as { progress?: number }).progress;
        if (typeof progress === "number") update(id, { progress: progress > 1 ? progress / 100 : progress });
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

export function UploadPanel({ uploader }: { uploader: ReturnType<typeof useUploader> }) {
  const pick = (event: Event) => {
    const input = event.currentTarget as HTMLInputElement;
    if (input.files) uploader.addFiles(input.files);
    input.value = "";
  };
  return (
    <aside class="uploads-panel" aria-label="Uploads in progress">
      <label class="drop-hint">
        Drop files anywhere, or <input type="file" multiple onChange={pick} aria-label="Choose files" />
      </label>
      <ul>
        {uploader.rows.map((row) => (
          <li key={row.id} class={`upload-row ${row.phase}`} data-testid="upload-row" data-phase={row.phase}>
            <span class="name">{row.name}</span>
            <progress max={1} value={row.phase === "uploading" ? row.sent : row.progress} />
            <span class="phase">{row.phase}</span>
            {row.phase === "uploading" && <button onClick={() => uploader.togglePause(row.id)}>{row.paused ? "Resume" : "Pause"}</button>}
            {row.detail && <span class="detail">{row.detail}</span>}
          </li>
        ))}
      </ul>
    </aside>
  );
}
