// Filled in by the notification-channels routes: schemas and defineRoute contracts.
export const notificationChannelsRoutes = [] as const;
