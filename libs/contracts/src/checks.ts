// Filled in by the checks routes: schemas and defineRoute contracts.
export const checksRoutes = [] as const;
