export {
  availability,
  availabilityByDay,
  DAY_MS,
  incidentFigures,
  maintenanceSpells,
  type AvailabilityFigures,
  type DayFigures,
  type HistoryInput,
  type IncidentFigures,
  type ReportWindow,
  type Spell,
} from './availability';
export { locationFigures, locationFiguresOf, rollupPlan, SHORT_WINDOW_DAYS, type BucketRange, type LatencyFigures, type LocationFigures, type RollupPlan } from './latency';
export { checkReportCsv, csvField, siteReportCsv, toCsv, type CheckReportJson, type SiteReportJson } from './csv';
