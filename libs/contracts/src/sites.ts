// Filled in by the sites routes: schemas and defineRoute contracts.
export const sitesRoutes = [] as const;
