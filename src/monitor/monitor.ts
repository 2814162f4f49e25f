import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { timeFromNs, type DiagnosticArrayMsg } from '../ros/messages';
import type { TimerHandle } from '../util/clock';
import { ClaudiaError, asClaudiaError } from '../util/errors';
import { createAccessPolicy } from './access';
import { createAuditLog, type AuditLog } from './audit-log';
import { toAuditLine } from './audit-record';
import { createDashboardFeed } from './dashboard-feed';
import { LAG_ERROR_MS, buildDiagnosticArray } from './diagnostics';
import { createEventLoopLag } from './event-loop-lag';
import { createHttpServer } from './http-server';
import { createInFlightTracker } from './in-flight';
import { createMetrics } from './metrics';
import { loadStaticAssets } from './static-assets';
import { levelRank, readStatuses } from './status-read';
import type { HealthReport, Monitor, MonitorDeps } from './types';
import { DEFAULT_WS_LIMITS, createWsHub, type WsHub } from './ws-hub';

/**
 * Observability in one object: prom-client metrics, the live dashboard over WebSocket,
 * /healthz, the /diagnostics publisher and the audit log. Everything arrives through
 * Telemetry and the status sources; no component imports the monitor.
 */
/** Components whose ERROR makes /healthz answer 503; the others only degrade it. */
const CORE_COMPONENTS: ReadonlySet<string> = new Set(['motion', 'safety', 'transport']);

export function createMonitor(deps: MonitorDeps): Monitor {
  const { config, clock, logger, telemetry } = deps;
  const lag = createEventLoopLag();
  const inFlight = createInFlightTracker(telemetry, config.ollama.hosts);
  const metrics = createMetrics({ config, telemetry, statusSources: deps.statusSources, lag, inFlight, extraGauges: deps.extraGauges });
  const tickMs = Math.max(50, deps.tuning?.dashboardTickMs ?? 1000);
  const wallMs = () => Number(clock.wallNs() / 1_000_000n);
  let hub: WsHub | undefined;
  const feed = createDashboardFeed({ config, telemetry, statusSources: deps.statusSources, lag, inFlight, wallMs, tickMs, push: (m) => hub?.broadcast(m) });

  let audit: AuditLog | undefined;
  let offAudit: (() => void) | undefined;
  if (config.audit.path) {
    audit = createAuditLog({ path: config.audit.path, maxBytes: config.audit.max_bytes, maxFiles: config.audit.max_files, logger, onDrop: (n) => metrics.auditDropped(n) });
    const a = audit;
    offAudit = telemetry.on((e) => {
      if (e.type === 'answer') a.write(toAuditLine(e.record));
    });
  }

  let server: FastifyInstance | undefined;
  let diagTimer: TimerHandle | undefined;
  let tickTimer: TimerHandle | undefined;
  let started = false;
  let closed = false;
  let publishFailed = false;

  const diagnostics = (): DiagnosticArrayMsg =>
    buildDiagnosticArray({ statuses: readStatuses(deps.statusSources), lag: lag.last(), hardwareId: config.diagnostics.hardware_id, stamp: timeFromNs(clock.wallNs()) });

  const health = (detail = false): { healthy: boolean; body: HealthReport } => {
    const statuses = readStatuses(deps.statusSources);
    const worst = statuses.reduce((m, s) => Math.max(m, levelRank(s.level)), 0);
    // Unhealthy (503) only when what keeps the robot safe is broken: the node still stops
    // the robot and answers from reflexes and cache without Ollama or Redis, and a
    // supervisor restarting it for an LLM outage would only interrupt that.
    const coreWorst = statuses.filter((s) => CORE_COMPONENTS.has(s.component)).reduce((m, s) => Math.max(m, levelRank(s.level)), 0);
    const lagP99 = lag.last().p99Ms;
    const healthy = coreWorst < 2 && lagP99 < LAG_ERROR_MS;
    return {
      healthy,
      body: {
        status: !healthy ? 'error' : worst >= 1 ? 'degraded' : 'ok',
        components: statuses.map((s) => ({ component: s.component, level: s.level, message: s.message, ...(detail ? { values: s.values } : {}) })),
        event_loop_lag_p99_ms: Math.round(lagP99 * 100) / 100,
        ws_clients: hub?.clientCount() ?? 0,
      },
    };
  };

  const diagLoop = () => {
    if (closed) return;
    try {
      const msg = diagnostics();
      deps.publishDiagnostics?.(msg);
      publishFailed = false;
    } catch (err) {
      if (!publishFailed) logger.warn('publishing /diagnostics failed', { error: asClaudiaError(err, 'E_TRANSPORT').toField() });
      publishFailed = true;
    }
    diagTimer = clock.setTimeout(diagLoop, 1000 / config.diagnostics.rate_hz);
  };

  const tickLoop = () => {
    if (closed) return;
    lag.roll();
    try {
      hub?.broadcast(feed.tick());
    } catch (err) {
      logger.warn('dashboard tick failed', { error: asClaudiaError(err).toField() });
    }
    tickTimer = clock.setTimeout(tickLoop, tickMs);
  };

  const listen = async (): Promise<{ url: string; port: number }> => {
    const assets = loadStaticAssets();
    const ws = { ...DEFAULT_WS_LIMITS, ...deps.tuning?.ws, maxClients: config.metrics.max_ws_clients };
    hub = createWsHub({
      limits: ws,
      logger,
      hello: () => feed.hello(),
      onReject: (r) => metrics.wsRejected(r),
      onDrop: (r) => metrics.wsDropped(r),
      onCount: (n) => metrics.setWsClients(n),
    });
    const srv = await createHttpServer({
      registry: metrics.registry,
      assets,
      hub,
      access: createAccessPolicy({ token: config.metrics.token, bindHost: config.metrics.host, allowedHosts: config.http.allowed_hosts }),
      health: () => health(),
      logger,
      maxConnections: deps.tuning?.maxConnections ?? Math.max(256, ws.maxClients * 4 + 64),
      plugins: deps.httpPlugins,
    });
    server = srv;
    try {
      await srv.listen({ port: config.metrics.port, host: config.metrics.host });
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      throw err.code === 'EADDRINUSE'
        ? new ClaudiaError('E_CONFIG', `metrics.port ${config.metrics.port} on ${config.metrics.host} is in use; set metrics.port (or --metrics-port; 0 = any free port), or stop what holds it (another claudia_llm still running? ps -ef | grep claudia-llm)`)
        : new ClaudiaError('E_CONFIG', `cannot serve metrics on ${config.metrics.host}:${config.metrics.port}: ${err.message}; check metrics.host`);
    }
    srv.server.on('error', (e) => logger.error('monitor server error', { error: e.message }));
    const addr = srv.server.address() as AddressInfo;
    const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    return { url: `http://${host}:${addr.port}`, port: addr.port };
  };

  return {
    registry: metrics.registry,
    diagnostics,
    health,
    wsClients: () => hub?.clientCount() ?? 0,
    async start() {
      if (started) throw new ClaudiaError('E_INTERNAL', 'monitor already started');
      started = true;
      const where = config.metrics.enabled ? await listen() : undefined;
      tickTimer = clock.setTimeout(tickLoop, tickMs);
      if (config.diagnostics.enabled) diagTimer = clock.setTimeout(diagLoop, 1000 / config.diagnostics.rate_hz);
      if (where) logger.debug('monitor listening', { dashboard: `${where.url}/`, metrics: `${where.url}/metrics` });
      return where;
    },
    async close() {
      if (closed) return;
      closed = true;
      clock.clearTimeout(diagTimer);
      clock.clearTimeout(tickTimer);
      offAudit?.();
      feed.close();
      await hub?.close();
      await server?.close();
      await audit?.close();
      metrics.close();
      inFlight.close();
      lag.close();
    },
  };
}
