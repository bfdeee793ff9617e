/**
 * A PNG thumbnail of a layer from its feature sample: geometries in WGS84, rings rewound
 * clockwise (d3-geo's spherical polygons are otherwise drawn inside out), projected with d3-geo
 * to SVG paths, rendered by sharp (librsvg). Web Mercator, like the maps the thumbnail sits
 * beside; equirectangular for layers reaching past ±80° latitude.
 */
import rewind from "@mapbox/geojson-rewind";
import { geoEquirectangular, geoMercator, geoPath, type GeoProjection } from "d3-geo";
import type { Feature, FeatureCollection, Geometry, Position } from "geojson";
import { loadProj4, loadSharp } from "../libraries.js";
import type { BBox, CrsInfo } from "../crs/crs-info.js";

/** Options of {@link renderThumbnail}. */
export interface ThumbnailOptions {
  /** Pixels (default 240 x 180, GeoNode's thumbnail size). */
  width?: number;
  height?: number;
  /** Blank pixels kept around the features (default 8; none around an {@link extent}). */
  padding?: number;
  /**
   * The WGS84 `[west, south, east, north]` the image shows (centred, the longer side filling the
   * image), instead of the features' own extent: what falls outside it is cut off.
   */
  extent?: BBox;
}

/** The rendered thumbnail and where it sits on the earth. */
export interface Thumbnail {
  png: Buffer;
  width: number;
  height: number;
  /** `EPSG:3857` (Web Mercator) or `EPSG:4326` (equirectangular): pixels are linear in this CRS. */
  projection: "EPSG:3857" | "EPSG:4326";
  /** The image's extent in `projection`'s coordinates, `[minX, minY, maxX, maxY]`. */
  extent: BBox;
}

const EARTH_RADIUS = 6378137;

function mapPositions(geometry: Geometry, f: (p: Position) => Position): Geometry {
  switch (geometry.type) {
    case "Point":
      return { type: "Point", coordinates: f(geometry.coordinates) };
    case "MultiPoint":
    case "LineString":
      return { type: geometry.type, coordinates: geometry.coordinates.map(f) } as Geometry;
    case "MultiLineString":
    case "Polygon":
      return { type: geometry.type, coordinates: geometry.coordinates.map((l) => l.map(f)) } as Geometry;
    case "MultiPolygon":
      return { type: "MultiPolygon", coordinates: geometry.coordinates.map((p) => p.map((l) => l.map(f))) };
    case "GeometryCollection":
      return { type: "GeometryCollection", geometries: geometry.geometries.map((g) => mapPositions(g, f)) };
  }
}

/** The corners of a WGS84 bbox: fitting them fits the rectangle (both projections keep meridians and parallels straight). */
function corners([west, south, east, north]: BBox): Geometry {
  return { type: "MultiPoint", coordinates: [[west, south], [west, north], [east, south], [east, north]] };
}

/** The sample in WGS84 longitude/latitude. */
function toWgs84(geometries: Geometry[], crs: CrsInfo): Geometry[] {
  if (crs.epsg === 4326) return geometries;
  const converter = loadProj4()(crs.definition, "EPSG:4326");
  return geometries.map((g) => mapPositions(g, (p) => converter.forward([p[0]!, p[1]!])));
}

/**
 * Draws `sample` (geometries in `crs`, e.g. summarizeLayer's sample) into a PNG. The
 * budget is the sample's: at most 2,000 features of at most 500 positions per line or ring.
 */
export async function renderThumbnail(sample: Geometry[], crs: CrsInfo, options: ThumbnailOptions = {}): Promise<Thumbnail> {
  const width = options.width ?? 240;
  const height = options.height ?? 180;
  const padding = options.padding ?? (options.extent ? 0 : 8);
  const features: Feature[] = toWgs84(sample, crs).map((geometry) => ({ type: "Feature", properties: {}, geometry }));
  const collection: FeatureCollection = rewind({ type: "FeatureCollection", features }, true);

  let latitudes = [Infinity, -Infinity];
  if (options.extent) latitudes = [options.extent[1], options.extent[3]];
  else {
    for (const f of features) {
      mapPositions(f.geometry, (p) => {
        latitudes = [Math.min(latitudes[0]!, p[1]!), Math.max(latitudes[1]!, p[1]!)];
        return p;
      });
    }
  }
  const mercator = latitudes[0]! >= -80 && latitudes[1]! <= 80;
  const projection: GeoProjection = (mercator ? geoMercator() : geoEquirectangular()).precision(0.1);
  const inner: [[number, number], [number, number]] = [[padding, padding], [width - padding, height - padding]];
  if (options.extent) projection.fitExtent(inner, corners(options.extent));
  else if (features.length > 0) projection.fitExtent(inner, collection);
  const scale = projection.scale();
  if (!Number.isFinite(scale) || scale <= 0 || scale > 1e12) {
    // A single point (or all in one place): centre it at a city-block scale.
    const first = features[0]?.geometry;
    const centre = first?.type === "Point" ? first.coordinates : [0, 0];
    projection.scale(1e6).center([centre[0]!, centre[1]!]).translate([width / 2, height / 2]);
  }

  const path = geoPath(projection).pointRadius(3);
  const shapes = features
    .map((f) => {
      const kind = f.geometry.type.replace("Multi", "");
      const d = path(f) ?? "";
      if (!d) return "";
      if (kind === "Polygon") return `<path d="${d}" fill="#3b82c4" fill-opacity="0.55" stroke="#1d4e89" stroke-width="1"/>`;
      if (kind === "LineString") return `<path d="${d}" fill="none" stroke="#1d4e89" stroke-width="1.5"/>`;
      return `<path d="${d}" fill="#d9480f" stroke="#7a2a08" stroke-width="0.75"/>`;
    })
    .join("");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${shapes}</svg>`;
  const png = await loadSharp()(Buffer.from(svg)).png().toBuffer();

  // Pixels are linear in Web Mercator metres (or degrees): invert two corners to state the extent.
  const [west, north] = projection.invert!([0, 0])!;
  const [east, south] = projection.invert!([width, height])!;
  const toMercator = (lon: number, lat: number) => [(EARTH_RADIUS * lon * Math.PI) / 180, EARTH_RADIUS * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360))] as const;
  const extent: BBox = mercator
    ? [toMercator(west!, south!)[0], toMercator(west!, south!)[1], toMercator(east!, north!)[0], toMercator(east!, north!)[1]]
    : [west!, south!, east!, north!];
  return { png, width, height, projection: mercator ? "EPSG:3857" : "EPSG:4326", extent };
}
