/**
 * DatoCMS's upload `type` (what `filter[fields][type]` compares): a class of the file's media
 * type, stored on the ImageAsset at commit (migration `20261203140000_upload_type` filled in the
 * rows from before the column, with the same table in SQL).
 */

/** DatoCMS's upload types. */
export const UPLOAD_TYPES = ["image", "audio", "video", "archive", "pdfdocument", "presentation", "richtext", "spreadsheet", "other"] as const;
/** One of {@link UPLOAD_TYPES}. */
export type UploadType = (typeof UPLOAD_TYPES)[number];

const BY_MIME: Readonly<Record<string, UploadType>> = {
  "application/pdf": "pdfdocument",
  "application/zip": "archive",
  "application/x-zip-compressed": "archive",
  "application/x-tar": "archive",
  "application/gzip": "archive",
  "application/x-gzip": "archive",
  "application/x-bzip2": "archive",
  "application/x-xz": "archive",
  "application/x-7z-compressed": "archive",
  "application/vnd.rar": "archive",
  "application/x-rar-compressed": "archive",
  "application/vnd.ms-powerpoint": "presentation",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation": "presentation",
  "application/vnd.oasis.opendocument.presentation": "presentation",
  "application/vnd.apple.keynote": "presentation",
  "application/msword": "richtext",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "richtext",
  "application/vnd.oasis.opendocument.text": "richtext",
  "application/rtf": "richtext",
  "text/rtf": "richtext",
  "application/vnd.ms-excel": "spreadsheet",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "spreadsheet",
  "application/vnd.oasis.opendocument.spreadsheet": "spreadsheet",
  "text/csv": "spreadsheet",
};

/**
 * The type of a file with this media type (parameters such as `; charset=` ignored): the
 * top-level `image/`, `audio/`, `video/`, else the table above, else `other`.
 */
export function uploadTypeOf(mimeType: string | null): UploadType {
  const essence = (mimeType ?? "").split(";")[0]!.trim().toLowerCase();
  const top = essence.split("/")[0];
  if (top === "image" || top === "audio" || top === "video") return top;
  return BY_MIME[essence] ?? "other";
}
