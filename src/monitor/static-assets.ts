import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ClaudiaError } from '../util/errors';

export interface Asset {
  body: Buffer;
  type: string;
}

/**
 * The dashboard's files, read once at start: the page, its script and style from the
 * package, Chart.js from node_modules. The robot is offline, so nothing comes from a CDN,
 * and only these fixed names are served (no path from a URL ever reaches the file system).
 */
export function loadStaticAssets(): Map<string, Asset> {
  const dir = staticDir();
  const chart = path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.js');
  const files: Array<[string, string, string]> = [
    ['/', path.join(dir, 'index.html'), 'text/html; charset=utf-8'],
    ['/static/dashboard.js', path.join(dir, 'dashboard.js'), 'text/javascript; charset=utf-8'],
    ['/static/dashboard.css', path.join(dir, 'dashboard.css'), 'text/css; charset=utf-8'],
    ['/static/chart.umd.js', chart, 'text/javascript; charset=utf-8'],
  ];
  const out = new Map<string, Asset>();
  for (const [route, file, type] of files) {
    if (!existsSync(file)) throw new ClaudiaError('E_CONFIG', `dashboard asset ${file} is missing; reinstall the package (or run npm install for chart.js)`);
    out.set(route, { body: readFileSync(file), type });
  }
  out.set('/index.html', out.get('/') as Asset);
  return out;
}

/** src/monitor/static under tsx; dist/monitor/static if the build copied it, else the package's src copy. */
function staticDir(): string {
  const here = path.join(__dirname, 'static');
  if (existsSync(path.join(here, 'index.html'))) return here;
  return path.resolve(__dirname, '..', '..', 'src', 'monitor', 'static');
}
