export { clipSpans, mergeSpans, subtractSpans, totalLength, type Span } from './spans';
export { computeUptime, UptimeInputError, type IntervalKind, type UptimeFigures, type UptimeInterval, type UptimeWindow } from './uptime';
export { DAY_MS, dailyUptime, dayState, type DailyOptions, type DayFigures, type DayState } from './daily';
export { availabilityIntervals, type AvailabilitySource, type HistorySpan } from './availability';
