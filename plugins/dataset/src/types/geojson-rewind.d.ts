declare module "@mapbox/geojson-rewind" {
  import type { GeoJSON } from "geojson";
  /** Rewinds polygon rings in place: `clockwise` true makes outer rings clockwise (what d3-geo expects). */
  export default function rewind<T extends GeoJSON>(geojson: T, clockwise?: boolean): T;
}
