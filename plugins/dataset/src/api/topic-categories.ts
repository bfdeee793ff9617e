/**
 * GeoNode's TopicCategory table: the ISO 19115 MD_TopicCategoryCode values
 * (GeoNode loads them as a fixture; `id` is their position here, 1-based, in
 * identifier order as GeoNode's model orders them). `fa_class` is GeoNode's
 * column default.
 */
export interface TopicCategory {
  id: number;
  identifier: string;
  gn_description: string;
  description: string;
}

const ISO_TOPICS: readonly [string, string, string][] = [
  ["biota", "Biota", "Flora and/or fauna in natural environment."],
  ["boundaries", "Boundaries", "Legal land descriptions."],
  ["climatologyMeteorologyAtmosphere", "Climatology Meteorology Atmosphere", "Processes and phenomena of the atmosphere."],
  ["economy", "Economy", "Economic activities, conditions and employment."],
  ["elevation", "Elevation", "Height above or below sea level."],
  ["environment", "Environment", "Environmental resources, protection and conservation."],
  ["farming", "Farming", "Rearing of animals and/or cultivation of plants."],
  ["geoscientificInformation", "Geoscientific Information", "Information pertaining to earth sciences."],
  ["health", "Health", "Health, health services, human ecology, and safety."],
  ["imageryBaseMapsEarthCover", "Imagery Base Maps Earth Cover", "Base maps."],
  ["inlandWaters", "Inland Waters", "Inland water features, drainage systems and their characteristics."],
  ["intelligenceMilitary", "Intelligence Military", "Military bases, structures, activities."],
  ["location", "Location", "Positional information and services."],
  ["oceans", "Oceans", "Features and characteristics of salt water bodies (excluding inland waters)."],
  ["planningCadastre", "Planning Cadastre", "Information used for appropriate actions for future use of the land."],
  ["society", "Society", "Characteristics of society and cultures."],
  ["structure", "Structure", "Man-made construction."],
  ["transportation", "Transportation", "Means and aids for conveying persons and/or goods."],
  ["utilitiesCommunication", "Utilities Communication", "Energy, water and waste systems and communications infrastructure and services."],
];

export const TOPIC_CATEGORIES: readonly TopicCategory[] = ISO_TOPICS.map(([identifier, gn_description, description], i) => ({ id: i + 1, identifier, gn_description, description }));

/** The category with `identifier`, if it is one of ISO's. */
export function topicCategory(identifier: string): TopicCategory | undefined {
  return TOPIC_CATEGORIES.find((c) => c.identifier === identifier);
}
