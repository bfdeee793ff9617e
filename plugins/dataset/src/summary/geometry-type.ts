/** The layer's geometry type from the types its features have, as GDAL's GeoJSON driver reports it. */
export class GeometryTypeAccumulator {
  private readonly seen = new Set<string>();

  add(type: string | undefined): void {
    if (type) this.seen.add(type);
  }

  /**
   * The type every feature has; `Geometry` when they differ (GDAL: "Unknown (any)", also for
   * Polygons mixed with MultiPolygons); null when no feature has a geometry.
   */
  result(): string | null {
    if (this.seen.size === 0) return null;
    return this.seen.size === 1 ? [...this.seen][0]! : "Geometry";
  }
}
