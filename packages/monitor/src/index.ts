export type {
  AlertAction,
  AlertLabelMapping,
  AlertLabelNames,
  AlertMapper,
  AlertResolution,
  AlertTarget,
} from './alert-label-mapping.js'
export { labelRule } from './alert-label-mapping.js'
export type { AlertmanagerAlert, AlertmanagerPayload } from './alertmanager-payload.js'
export { parseAlertmanagerPayload } from './alertmanager-payload.js'
export type { AlertReport, AlertTargetReport } from './alertmanager-receiver.js'
export type { SetAction, SetActionRequest, SetActionResult } from './apply-set-action.js'
export { findEndpoints, hostPort } from './find-endpoints.js'
export { isLoopback } from './is-loopback.js'
export { InsecureBindError, ListenError, MetricsConflictError } from './monitor-errors.js'
export type { MonitorHandler } from './monitor-handler.js'
export { createMonitorHandler } from './monitor-handler.js'
export type { MonitorHandlerOptions, StartMonitorOptions } from './monitor-options.js'
export { MONITOR_DEFAULTS } from './monitor-options.js'
export { MAX_TTL_MS, parseDuration } from './parse-duration.js'
export type { RunningMonitor } from './start-monitor.js'
export { startMonitor } from './start-monitor.js'
export { ENDPOINT_STATES } from './status-gauges.js'
export type { EndpointSnapshot, SetSnapshot, StatusSnapshot } from './status-snapshot.js'
