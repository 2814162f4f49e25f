/* claudia_llm live dashboard. Plain browser script (no build step); talks only to its own
 * server over WebSocket. Every value from the server reaches the page through textContent,
 * never innerHTML, so an utterance cannot inject markup. */
(function () {
  'use strict';

  var MAX_POINTS = 120;
  var MAX_ROWS = 50;
  var MAX_ERRORS = 20;
  var SOURCES = ['reflex', 'cache', 'semantic_cache', 'llm', 'fallback'];
  var SOURCE_COLORS = { reflex: '#3fb950', cache: '#58a6ff', semantic_cache: '#a371f7', llm: '#d29922', fallback: '#8a98a8' };
  var LANES = ['urgent', 'high', 'medium', 'low'];
  var LANE_COLORS = { urgent: '#f85149', high: '#d29922', medium: '#58a6ff', low: '#8a98a8' };

  var token = new URLSearchParams(location.search).get('token') || '';
  var sessionBySource = {};
  var sessionTotal = 0;

  if (token) {
    var q = '?token=' + encodeURIComponent(token);
    document.getElementById('metrics-link').href = '/metrics' + q;
    document.getElementById('health-link').href = '/healthz' + q;
  }

  // ---- charts -------------------------------------------------------------------------------
  Chart.defaults.color = '#8a98a8';
  Chart.defaults.borderColor = '#26313d';
  Chart.defaults.font.size = 11;
  Chart.defaults.animation = false;

  function lineChart(id, datasets, yOpts) {
    return new Chart(document.getElementById(id), {
      type: 'line',
      data: { labels: [], datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        spanGaps: true,
        elements: { point: { radius: 2, hoverRadius: 4 }, line: { borderWidth: 2, tension: 0 } },
        scales: { x: { ticks: { maxTicksLimit: 6, maxRotation: 0 } }, y: Object.assign({ beginAtZero: true }, yOpts || {}) },
        plugins: { legend: { labels: { boxWidth: 10 } } },
      },
    });
  }

  var charts = {
    latency: lineChart('chart-latency', [
      { label: 'p50', data: [], borderColor: '#3fb950' },
      { label: 'p95', data: [], borderColor: '#d29922' },
      { label: 'p99', data: [], borderColor: '#f85149' },
    ]),
    sources: new Chart(document.getElementById('chart-sources'), {
      type: 'bar',
      data: {
        labels: [],
        datasets: SOURCES.map(function (s) { return { label: s, data: [], backgroundColor: SOURCE_COLORS[s] }; }),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        scales: { x: { stacked: true, ticks: { maxTicksLimit: 6, maxRotation: 0 } }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { labels: { boxWidth: 10 } } },
      },
    }),
    hit: lineChart('chart-hit', [{ label: 'hit rate %', data: [], borderColor: '#58a6ff', fill: true, backgroundColor: 'rgba(88,166,255,0.15)' }], { max: 100 }),
    queue: lineChart('chart-queue', LANES.map(function (l) { return { label: l, data: [], borderColor: LANE_COLORS[l] }; }), { ticks: { precision: 0 } }),
    rps: lineChart('chart-rps', [{ label: 'answers/s', data: [], borderColor: '#a371f7', fill: true, backgroundColor: 'rgba(163,113,247,0.15)' }]),
    mix: new Chart(document.getElementById('chart-mix'), {
      type: 'doughnut',
      data: { labels: SOURCES, datasets: [{ data: SOURCES.map(function () { return 0; }), backgroundColor: SOURCES.map(function (s) { return SOURCE_COLORS[s]; }), borderWidth: 0 }] },
      options: { responsive: true, maintainAspectRatio: false, plugins: { legend: { position: 'right', labels: { boxWidth: 10 } } } },
    }),
  };

  function clock(ms) {
    var d = new Date(ms);
    function two(n) { return (n < 10 ? '0' : '') + n; }
    return two(d.getHours()) + ':' + two(d.getMinutes()) + ':' + two(d.getSeconds());
  }

  function pushPoint(chart, label, values) {
    chart.data.labels.push(label);
    chart.data.datasets.forEach(function (ds, i) { ds.data.push(values[i]); });
    if (chart.data.labels.length > MAX_POINTS) {
      chart.data.labels.shift();
      chart.data.datasets.forEach(function (ds) { ds.data.shift(); });
    }
  }

  function addTick(t, redraw) {
    var label = clock(t.at);
    pushPoint(charts.latency, label, [t.p50, t.p95, t.p99]);
    pushPoint(charts.sources, label, SOURCES.map(function (s) { return (t.bySource && t.bySource[s]) || 0; }));
    pushPoint(charts.hit, label, [t.hitRate === null ? null : Math.round(t.hitRate * 1000) / 10]);
    pushPoint(charts.queue, label, LANES.map(function (l) { return (t.queue && t.queue[l]) || 0; }));
    pushPoint(charts.rps, label, [t.rps]);
    if (redraw) Object.keys(charts).forEach(function (k) { charts[k].update('none'); });
    setText('kpi-rps', fmt(t.rps, 1));
    setText('kpi-p50', t.p50 === null ? '–' : ms(t.p50));
    setText('kpi-p99', t.p99 === null ? '–' : ms(t.p99));
    setText('kpi-hit', t.hitRate === null ? '–' : Math.round(t.hitRate * 100) + ' %');
    var q = 0;
    LANES.forEach(function (l) { q += (t.queue && t.queue[l]) || 0; });
    setText('kpi-queue', String(q));
    setText('kpi-lag', ms(t.lagP99Ms));
  }

  function fmt(v, digits) { return typeof v === 'number' && isFinite(v) ? v.toFixed(digits) : '–'; }
  function ms(v) {
    if (typeof v !== 'number' || !isFinite(v)) return '–';
    if (v >= 1000) return (v / 1000).toFixed(2) + ' s';
    if (v >= 10) return v.toFixed(0) + ' ms';
    return v.toFixed(2) + ' ms';
  }
  function setText(id, text) { document.getElementById(id).textContent = text; }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = String(text);
    return e;
  }

  function safeClass(s) { return String(s).replace(/[^a-z_]/g, ''); }

  // ---- tables -------------------------------------------------------------------------------
  function utteranceRow(r) {
    var tr = el('tr');
    tr.dataset.requestId = String(r.id);
    tr.appendChild(el('td', 'time', clock(r.at)));
    tr.appendChild(el('td', 'text', r.text));
    tr.appendChild(el('td', null, r.language || '–'));
    var src = el('td');
    src.appendChild(el('span', 'src src-' + safeClass(r.source), r.source));
    tr.appendChild(src);
    var acts = el('td');
    if (!r.actions || r.actions.length === 0) acts.appendChild(el('span', 'act', 'chat'));
    (r.actions || []).forEach(function (a) {
      var kind = a.verdict.indexOf('blocked') === 0 ? 'blocked' : a.verdict.indexOf('dropped') === 0 ? 'dropped' : a.verdict === 'inserted' ? 'inserted' : 'ok';
      var span = el('span', 'act act-' + kind, a.name);
      span.title = a.verdict;
      acts.appendChild(span);
    });
    tr.appendChild(acts);
    tr.appendChild(el('td', 'num', ms(r.latencyMs)));
    var verdictText = r.error ? r.error : r.verdict === 'none' ? '–' : r.verdict === 'ok' ? 'ok' : (r.actions.filter(function (a) { return a.verdict.indexOf(':') > 0; }).map(function (a) { return a.verdict; })[0] || r.verdict);
    var level = r.error ? 'error' : r.verdict === 'blocked' ? 'error' : r.verdict === 'dropped' ? 'warn' : 'ok';
    var v = el('td');
    if (r.verdict === 'none' && !r.error) v.appendChild(el('span', 'muted', 'no action'));
    else v.appendChild(el('span', 'pill pill-' + level, verdictText));
    tr.appendChild(v);
    return tr;
  }

  function prependRow(tableId, row, max) {
    var body = document.querySelector('#' + tableId + ' tbody');
    var empty = body.querySelector('tr.empty');
    if (empty) empty.remove();
    body.insertBefore(row, body.firstChild);
    while (body.children.length > max) body.removeChild(body.lastChild);
  }

  function emptyRow(tableId, cols, text) {
    var body = document.querySelector('#' + tableId + ' tbody');
    if (body.children.length) return;
    var tr = el('tr', 'empty');
    var td = el('td', null, text);
    td.colSpan = cols;
    tr.appendChild(td);
    body.appendChild(tr);
  }

  function setTotals(totals) {
    sessionBySource = {};
    sessionTotal = 0;
    Object.keys(totals || {}).forEach(function (k) {
      sessionBySource[k] = Number(totals[k]) || 0;
      sessionTotal += sessionBySource[k];
    });
    showTotals();
  }

  function showTotals() {
    charts.mix.data.datasets[0].data = SOURCES.map(function (s) { return sessionBySource[s] || 0; });
    charts.mix.update('none');
    setText('kpi-total', String(sessionTotal));
  }

  function addAnswer(r, live) {
    prependRow('utterances', utteranceRow(r), MAX_ROWS);
    if (!live) return;
    sessionTotal++;
    sessionBySource[r.source] = (sessionBySource[r.source] || 0) + 1;
    showTotals();
  }

  function addError(r) {
    var tr = el('tr');
    tr.appendChild(el('td', 'time', clock(r.at)));
    tr.appendChild(el('td', null, r.component));
    tr.appendChild(el('td', null, r.code));
    tr.appendChild(el('td', 'text', r.message));
    prependRow('errors', tr, MAX_ERRORS);
  }

  function setHosts(hosts) {
    var body = document.querySelector('#hosts tbody');
    body.textContent = '';
    (hosts || []).forEach(function (h) {
      var tr = el('tr');
      tr.appendChild(el('td', null, h.host));
      var st = el('td');
      var pill = el('span', 'pill pill-' + safeClass(h.level), h.healthy ? (h.level === 'ok' ? 'up' : h.level) : 'down');
      pill.title = h.message || '';
      st.appendChild(pill);
      tr.appendChild(st);
      tr.appendChild(el('td', 'num', h.inFlight === undefined ? '–' : h.inFlight));
      tr.appendChild(el('td', null, (h.model || '–') + (h.modelLoaded === undefined ? '' : h.modelLoaded ? ' (loaded)' : ' (cold)')));
      tr.appendChild(el('td', 'num', h.latencyMs === undefined ? '–' : ms(h.latencyMs)));
      body.appendChild(tr);
    });
    emptyRow('hosts', 5, 'no LLM host (reflex-only mode)');
  }

  function setComponents(list) {
    var box = document.getElementById('components');
    box.textContent = '';
    (list || []).forEach(function (c) {
      var d = el('div', 'component');
      d.appendChild(el('span', 'pill pill-' + safeClass(c.level), c.level.toUpperCase()));
      d.appendChild(el('strong', null, c.component));
      var m = el('span', 'msg', c.message);
      m.title = c.message;
      d.appendChild(m);
      box.appendChild(d);
    });
  }

  function resetCharts() {
    Object.keys(charts).forEach(function (k) {
      if (k === 'mix') return;
      charts[k].data.labels = [];
      charts[k].data.datasets.forEach(function (ds) { ds.data = []; });
    });
  }

  // ---- connection ---------------------------------------------------------------------------
  var conn = document.getElementById('conn');
  function setConn(level, text) {
    conn.className = 'pill pill-' + level;
    conn.textContent = text;
  }

  var backoff = 500;
  function connect() {
    var url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws' + (token ? '?token=' + encodeURIComponent(token) : '');
    var ws = new WebSocket(url);
    ws.onopen = function () { backoff = 500; setConn('ok', 'live'); };
    ws.onmessage = function (ev) {
      var m;
      try { m = JSON.parse(ev.data); } catch (e) { return; }
      if (m.type === 'hello') {
        resetCharts();
        (m.ticks || []).forEach(function (t) { addTick(t, false); });
        Object.keys(charts).forEach(function (k) { charts[k].update('none'); });
        document.querySelector('#utterances tbody').textContent = '';
        document.querySelector('#errors tbody').textContent = '';
        (m.utterances || []).forEach(function (r) { addAnswer(r, false); });
        setTotals(m.totals);
        (m.errors || []).forEach(addError);
        emptyRow('utterances', 7, 'no utterance yet');
        emptyRow('errors', 4, 'no errors');
        setHosts(m.hosts);
        setComponents(m.components);
      } else if (m.type === 'tick') {
        addTick(m.tick, true);
        setTotals(m.totals);
        setHosts(m.hosts);
        setComponents(m.components);
      } else if (m.type === 'answer') {
        addAnswer(m.row, true);
      } else if (m.type === 'error') {
        addError(m.row);
      }
    };
    ws.onclose = function () {
      setConn('error', 'disconnected, retrying');
      setTimeout(connect, backoff);
      backoff = Math.min(backoff * 2, 10000);
    };
  }
  connect();
})();
