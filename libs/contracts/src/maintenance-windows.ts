// Filled in by the maintenance-windows routes: schemas and defineRoute contracts.
export const maintenanceWindowsRoutes = [] as const;
