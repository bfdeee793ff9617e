import type { Resource } from "./api.js";
import { localeMetadata, previewUrl, type FocalPoint } from "./image-metadata.js";
import { useAuthorizedImage } from "./library.js";

/**
 * The asset's preview; on an image the user may edit, a click sets its focal point (x, y in 0..1
 * of the whole image, as DatoCMS stores it), shown as a ring.
 */
export function Preview({ item, onPick }: { item: Resource; onPick?: (point: FocalPoint) => void }) {
  const { src } = useAuthorizedImage(previewUrl(item));
  const point = localeMetadata(item).focal_point ?? null;
  const pickable = !!onPick && item.attributes.is_image === true;
  const pick = (event: MouseEvent) => {
    const box = (event.currentTarget as HTMLElement).getBoundingClientRect();
    if (box.width && box.height) onPick!({ x: unit((event.clientX - box.left) / box.width), y: unit((event.clientY - box.top) / box.height) });
  };
  return (
    <div class={pickable ? "preview pickable" : "preview"} data-testid="preview" title={pickable ? "Click to set the focal point" : undefined}>
      <div class="frame">
        {src && <img src={src} alt={String(localeMetadata(item).alt ?? item.attributes.name)} onClick={pickable ? pick : undefined} data-testid="preview-image" />}
        {src && point && <span class="focal" data-testid="focal" style={{ left: `${point.x * 100}%`, top: `${point.y * 100}%` }} />}
      </div>
      {pickable && <span class="hint">{point ? `Focal point ${point.x.toFixed(2)}, ${point.y.toFixed(2)}` : "Click the image to set its focal point"}</span>}
    </div>
  );
}

/** 0..1, three decimals: finer than any display, and what a click can mean. */
const unit = (v: number) => Math.min(1, Math.max(0, Math.round(v * 1000) / 1000));
