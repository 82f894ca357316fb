// The management API's shapes as the dashboard's browser modules see them (through JSDoc
// `import('../../src/api-types').Site`): taken from the contracts the API validates with.
import type {
  getCheck,
  getCheckRollups,
  getEvent,
  getNotification,
  getSite,
  getSiteSlo,
  listCheckLocations,
  listCheckResults,
  listEvents,
  listMaintenanceWindows,
  listNotifications,
  listRunners,
  listSites,
  ResponseOf,
} from '@vigil/contracts';
import type { getCheckReport, getSiteReport } from '@vigil/contracts';

export type { EventType, SiteStatus } from '@vigil/contracts';

export type Site = ResponseOf<typeof getSite>;
export type SiteSlo = ResponseOf<typeof getSiteSlo>;
export type SiteListItem = ResponseOf<typeof listSites>['data'][number];
export type Check = ResponseOf<typeof getCheck>;
export type CheckLocation = ResponseOf<typeof listCheckLocations>['data'][number];
export type CheckResult = ResponseOf<typeof listCheckResults>['data'][number];
export type CheckRollups = ResponseOf<typeof getCheckRollups>;
export type VigilEvent = ResponseOf<typeof listEvents>['data'][number];
export type EventDetail = ResponseOf<typeof getEvent>;
export type EventSummary = EventDetail['effects'][number];
export type Notification = ResponseOf<typeof listNotifications>['data'][number];
export type NotificationDetail = ResponseOf<typeof getNotification>;
export type Runner = ResponseOf<typeof listRunners>['data'][number];
export type MaintenanceWindow = ResponseOf<typeof listMaintenanceWindows>['data'][number];

/** Every list answer: a page and the cursor of the next one. */
export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}
export type SiteReport = ResponseOf<typeof getSiteReport>;
export type CheckReport = ResponseOf<typeof getCheckReport>;
