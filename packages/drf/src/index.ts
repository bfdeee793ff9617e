/**
 * The Django REST framework dialect kit: what every DRF-shaped profile (Lizard's, the next one)
 * speaks, written once. Django lookups and the list-query parser (into the core's canonical
 * `ListQuery`), `PageNumberPagination` (page, page_size, `page=last`, the envelope and its
 * links), DRF's error shapes (`{detail}`, field-keyed lists, 401 with a challenge, 404, 405 with
 * `Allow`), route parameters (`:uuid`, `IsAuthenticatedOrReadOnly`) and the dynamic-rest dialect
 * (`filter{field.op}`, `sort[]`, `include[]`/`exclude[]`) of DRF-based APIs such as GeoNode's.
 */
export {
  assertDjangoPageExists,
  DJANGO_COMPARE_LOOKUPS,
  DJANGO_LOOKUP_OPERATORS,
  DJANGO_LOOKUPS,
  DJANGO_TEXT_LOOKUPS,
  djangoPageOf,
  lastDjangoPage,
  parseDjangoPage,
  parseDjangoQuery,
  type DjangoFilter,
  type DjangoListOptions,
  type DjangoListQuery,
  type DjangoLookup,
  type DjangoPage,
} from "./django-dialect.js";
export { allowOnly, DRF_ERRORS, drfErrorBody, drfInvalid, drfNotFound, invalidFields, refineDrfError, type FieldErrors } from "./drf-errors.js";
export { drfList, drfPage, type DrfPage, type ListResult } from "./drf-pagination.js";
export { signedIn, uuidParam } from "./route-params.js";
export {
  parseDynamicRestQuery,
  type ApiPreset,
  type DynamicRestListOptions,
  type DynamicRestQuery,
  type ExtentFields,
} from "./dynamic-rest-query.js";
export { DYNAMIC_REST_OPERATORS, isTruthy, parseDynamicRestFilters, type DynamicRestOperator, type ElementFilterOptions } from "./dynamic-rest-filters.js";
export {
  mergeFieldSelection,
  nestedSelection,
  parseFieldSelection,
  renderSelected,
  selectedFields,
  type FieldSelection,
  type SerializerFields,
} from "./dynamic-rest-fields.js";
export { browsableApi } from "./browsable-api.js";
export { DRF_ERROR, DRF_OBJECT, djangoListParameters, drfErrors, dynamicRestListParameters, drfPageParameters, drfPageSchema } from "./drf-openapi.js";
