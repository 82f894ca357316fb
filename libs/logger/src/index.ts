export { createLogger, LOG_FORMATS, LOG_LEVELS } from './logger';
export type { LogFormat, Logger, LoggerOptions, LogLevel } from './logger';
export { isSecretHeaderName, isSecretKey, redact, redactText, REDACTED } from './redact';
export { REQUEST_ID_HEADER, resolveRequestId } from './request-id';
