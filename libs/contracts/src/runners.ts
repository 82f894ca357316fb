// Filled in by the runners routes: schemas and defineRoute contracts.
export const runnersRoutes = [] as const;
