export type { Monitor, MonitorDeps, HealthReport } from './types';
export { createMonitor } from './monitor';
export { createMetrics, LATENCY_BUCKETS, type ExtraGauge, type Metrics } from './metrics';
export { buildDiagnosticArray, DIAG_LEVEL, STATUS_PREFIX } from './diagnostics';
export { createAuditLog, type AuditLog, type AuditLogOptions } from './audit-log';
export { toAuditLine, AUDIT_VERSION, type AuditLine } from './audit-record';
export { summariseAudit, formatAuditSummary, type AuditSummary } from './audit-summary';
export { normaliseSafetyReason, SAFETY_REASONS } from './labels';
export { sendError, type AccessKind, type HttpPlugin } from './http-server';
