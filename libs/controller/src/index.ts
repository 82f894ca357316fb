export { mountController, API_VERSION } from './controller-app';
export type { ControllerDeps, ControllerLimits } from './deps';
export { DEFAULT_LIMITS } from './deps';
export { ensureAdminKey, GENERATED_KEY_NAME, SEEDED_KEY_NAME } from './auth/admin-key';
export type { AdminKeyOptions, AdminKeyOutcome } from './auth/admin-key';
export { API_KEY_PREFIX, createApiKey, generateApiKey, hashApiKey, scopeAllows } from './auth/api-keys';
export { locationLink, ownLocationLink, type LocationLink } from './runner-api/location-link';
export { changeCheck, createCheckInSite } from './management/checks';
