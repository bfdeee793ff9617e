-- origin_x/origin_y become the minimum corner of the extent and upper_bound_x/upper_bound_y the
-- maximum corner, as Lizard reports them. Rows written under the old convention (origin = the
-- upper-left corner) are rewritten in place; rows already in the new order are unchanged.
UPDATE "RasterSource"
SET origin_x = LEAST(origin_x, upper_bound_x),
    upper_bound_x = GREATEST(origin_x, upper_bound_x),
    origin_y = LEAST(origin_y, upper_bound_y),
    upper_bound_y = GREATEST(origin_y, upper_bound_y)
WHERE origin_x > upper_bound_x OR origin_y > upper_bound_y;
