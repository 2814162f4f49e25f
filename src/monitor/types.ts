import type { Registry } from 'prom-client';
import type { Config } from '../config/types';
import type { DiagnosticArrayMsg } from '../ros/messages';
import type { Clock } from '../util/clock';
import type { Logger } from '../util/logger';
import type { StatusSource, Telemetry } from '../util/telemetry';
import type { HttpPlugin } from './http-server';
import type { ExtraGauge } from './metrics';
import type { WsLimits } from './ws-hub';

export interface MonitorDeps {
  config: Readonly<Config>;
  telemetry: Telemetry;
  /** Read at every scrape, diagnostics tick and dashboard tick (components may come and go). */
  statusSources: () => StatusSource[];
  clock: Clock;
  logger: Logger;
  /** Where the DiagnosticArray goes (the node's /diagnostics publisher); absent = not published. */
  publishDiagnostics?: (msg: DiagnosticArrayMsg) => void;
  extraGauges?: ExtraGauge[];
  /** Routes of the ways in that share this server (the HTTP API); the monitor knows only the plugin shape. */
  httpPlugins?: HttpPlugin[];
  /** Tuning for tests: dashboard tick and WebSocket limits (max clients comes from config). */
  tuning?: { dashboardTickMs?: number; ws?: Partial<Omit<WsLimits, 'maxClients'>>; maxConnections?: number };
}

export interface HealthReport {
  status: 'ok' | 'degraded' | 'error';
  /** `values` (the component's own figures) only with detail (GET /v1/status). */
  components: Array<{ component: string; level: string; message: string; values?: Record<string, string | number | boolean> }>;
  event_loop_lag_p99_ms: number;
  ws_clients: number;
}

export interface Monitor {
  /** Own prom-client registry (never the global one). */
  readonly registry: Registry;
  /** Starts the HTTP server (when metrics.enabled) and the diagnostics and dashboard timers. `url` has no trailing slash (`http://127.0.0.1:8002`). */
  start(): Promise<{ url: string; port: number } | undefined>;
  /** The DiagnosticArray as it would be published now (also what the timer publishes). */
  diagnostics(): DiagnosticArrayMsg;
  /** What /healthz answers; `detail` adds each component's values (GET /v1/status). */
  health(detail?: boolean): { healthy: boolean; body: HealthReport };
  /** Connected dashboard WebSocket clients. */
  wsClients(): number;
  close(): Promise<void>;
}
