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
  // Request ids sent from this page: the answer may come at decision, before its row (which
  // comes when the request is done), so rows are marked as they arrive too.
  var mine = {};

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
    // The cards cover every answer the charts still show, not only the newest window, so
    // they have a value whenever the latency chart has points.
    var recent = t.recent || {};
    setText('kpi-p50', recent.p50 === null || recent.p50 === undefined ? '–' : ms(recent.p50));
    setText('kpi-p99', recent.p99 === null || recent.p99 === undefined ? '–' : ms(recent.p99));
    setText('kpi-first', recent.firstEffectP50 === null || recent.firstEffectP50 === undefined ? '–' : ms(recent.firstEffectP50));
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
    var textCell = el('td', 'text', r.text);
    if (r.language) textCell.lang = r.language;
    if (r.origin) textCell.appendChild(el('span', 'via', 'via ' + r.origin));
    tr.appendChild(textCell);
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
    tr.appendChild(el('td', 'num first-effect', ms(r.firstEffectMs)));
    tr.appendChild(el('td', 'num latency', ms(r.latencyMs)));
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
    var row = utteranceRow(r);
    if (mine[r.id]) row.classList.add('mine');
    prependRow('utterances', row, MAX_ROWS);
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

  // ---- talking to the robot -----------------------------------------------------------------
  // Same-origin requests to the node's own API; the token (when the page got one) goes in the
  // Authorization header, never in the URL, as the motion endpoints require.
  var talkStatus = document.getElementById('talk-status');
  var talkInput = document.getElementById('talk-text');
  var sentHistory = [];
  var historyAt = 0;

  var stopStatus = document.getElementById('stop-status');
  function say(text, isError) {
    talkStatus.textContent = text;
    talkStatus.className = 'talk-status' + (isError ? ' error' : '');
  }
  function sayStop(text, isError) {
    stopStatus.textContent = text;
    stopStatus.className = 'stop-status' + (isError ? ' error' : '');
  }

  function post(path, body) {
    var headers = {};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (token) headers.Authorization = 'Bearer ' + token;
    return fetch(path, { method: 'POST', headers: headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store', credentials: 'omit' })
      .then(function (res) {
        return res.json().then(function (j) { return { status: res.status, body: j }; }, function () { return { status: res.status, body: {} }; });
      });
  }

  function markMine(requestId) {
    mine[requestId] = true;
    var rows = document.querySelectorAll('#utterances tbody tr');
    for (var i = 0; i < rows.length; i++) if (rows[i].dataset.requestId === requestId) rows[i].classList.add('mine');
  }

  document.getElementById('talk').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var text = talkInput.value;
    if (!text.trim()) return;
    sentHistory.push(text);
    historyAt = sentHistory.length;
    talkInput.value = '';
    say('sending…', false);
    post('/v1/query', { text: text }).then(function (res) {
      var a = res.body || {};
      if (res.status !== 200) return say(res.status + ' ' + (a.error || 'request failed'), true);
      var acts = (a.actions || []).map(function (x) { return x.name + ' ' + x.verdict; }).join(', ') || 'no action';
      // Answered at decision (service.reply_at): accepted, not yet executed; the row shows the outcome.
      var timing = a.first_effect_ms === null ? 'decided in ' + ms(a.latency_ms) + ', executing (the row below shows the outcome)' : 'first effect ' + ms(a.first_effect_ms) + ' · total ' + ms(a.latency_ms);
      say(a.source + ' · ' + acts + ' · “' + (a.reply || '') + '” · ' + timing + (a.error ? ' · ' + a.error : ''), !a.success);
      markMine(a.request_id);
    }, function (err) { say('could not reach the node: ' + err, true); });
  });

  talkInput.addEventListener('keydown', function (ev) {
    if (ev.key === 'ArrowUp' && historyAt > 0) { historyAt--; talkInput.value = sentHistory[historyAt]; ev.preventDefault(); }
    else if (ev.key === 'ArrowDown' && historyAt < sentHistory.length) { historyAt++; talkInput.value = sentHistory[historyAt] || ''; ev.preventDefault(); }
  });

  function stopNow() {
    sayStop('STOP sent…', false);
    post('/v1/stop').then(function (res) {
      if (res.status !== 200) return sayStop(res.status + ' ' + ((res.body && res.body.error) || 'stop refused'), true);
      sayStop('StopMove published ' + clock(Date.now()) + ' (' + ms(res.body.latency_ms) + ' after arrival)', false);
    }, function (err) { sayStop('could not reach the node: ' + err, true); });
  }
  document.getElementById('stop').addEventListener('click', stopNow);
  // Esc stops from anywhere on the page: a false stop is harmless, a slow one is not.
  document.addEventListener('keydown', function (ev) { if (ev.key === 'Escape') stopNow(); });

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
        emptyRow('utterances', 8, 'no utterance yet');
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
