// Filled in by the api-keys routes: schemas and defineRoute contracts.
export const apiKeysRoutes = [] as const;
