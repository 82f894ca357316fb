// Filled in by the events routes: schemas and defineRoute contracts.
export const eventsRoutes = [] as const;
