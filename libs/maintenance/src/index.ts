export { RecurrenceError } from './errors';
export { inMaintenance, maintenanceAt, type Occurrence, occurrences, upcoming } from './occurrences';
export {
  expandSeries,
  isOpenEnded,
  isTimeZone,
  MAX_OCCURRENCE_S,
  MAX_OCCURRENCES,
  MAX_SERIES_DAYS,
  parseRule,
  type Recurrence,
  recurrenceOf,
  seriesEnd,
  type WindowLike,
} from './recurrence';
export { ruleText } from './rule-text';
