// TargetWatch dashboard: a single page over the HTTP API. The token lives in sessionStorage; every view asks only
// for what the signed-in role may read, and the navigation shows only those views.
// Contract: every value interpolated into HTML goes through esc() (numbers included: they come from the server or
// the address bar), every value put into an API path or query through encodeURIComponent or URLSearchParams, and
// no markup carries inline script or style (the server's Content-Security-Policy forbids both).
'use strict';

const T = {
  zh: {
    subtitle: '曾都区目标与底线监测', logout: '退出', login: '登录', token: '访问令牌 (Bearer token)',
    signin: '使用令牌登录', alerts: '告警', indicator: '指标', compliance: '合规总览', rules: '规则', rulesets: '规则版本',
    status: '状态', category: '类别', subject: '对象', all: '全部', filter: '筛选', severity: '级别', rule: '规则',
    period: '期间', value: '数值', threshold: '阈值', actions: '操作', comment: '备注', ack: '确认', resolve: '解决',
    assign: '指派', assignee: '指派给', history: '处理记录', deliveries: '通知投递', hits: '规则命中', source: '依据',
    readings: '读数', facts: '匹配事实', why: '为何触发', back: '返回', indicatorName: '指标代码', range: '范围',
    day: '24小时', month: '30天', year: '全年', date: '日期', show: '显示', goodDays: '优良天数比例',
    targets: '目标进度', water: '断面水质', debt: '债务率', safety: '安全底线', target: '目标', pace: '应达', due: '到期',
    provenance: '出处', confirmed: '确认', falsePositive: '误报', version: '版本', loadedAt: '加载时间', loadedBy: '加载人',
    diff: '比较', reload: '重新加载规则', backtest: '回测', from: '从', to: '到', run: '运行',
    candidate: '候选 thresholds.json (可选)', added: '新增', removed: '消失', changed: '变化', none: '无',
    count: '数量', open: '未处理', total: '总数', error: '错误', loading: '加载中…', attained: '年度达标',
    approve: '批准解决 (双人复核)', classNow: '年均类别', targetClass: '目标类别', band: '区间', activeCritical: '未关闭的严重安全告警',
  },
  en: {
    subtitle: 'Zengdu targets and bottom lines', logout: 'Sign out', login: 'Sign in', token: 'Access token (Bearer)',
    signin: 'Sign in with a token', alerts: 'Alerts', indicator: 'Indicator', compliance: 'Compliance', rules: 'Rules',
    rulesets: 'Rulesets', status: 'Status', category: 'Category', subject: 'Subject', all: 'All', filter: 'Filter',
    severity: 'Severity', rule: 'Rule', period: 'Period', value: 'Value', threshold: 'Threshold', actions: 'Actions',
    comment: 'Comment', ack: 'Acknowledge', resolve: 'Resolve', assign: 'Assign', assignee: 'Assignee',
    history: 'History', deliveries: 'Deliveries', hits: 'Rule hits', source: 'Source', readings: 'Readings',
    facts: 'Matched facts', why: 'Why it fired', back: 'Back', indicatorName: 'Indicator', range: 'Range',
    day: '24 hours', month: '30 days', year: 'Year', date: 'Date', show: 'Show', goodDays: 'Good-day ratio',
    targets: 'Targets', water: 'Water sections', debt: 'Debt ratio', safety: 'Safety bottom lines', target: 'Target',
    pace: 'Due', due: 'due', provenance: 'Provenance', confirmed: 'Confirmed', falsePositive: 'False positive', version: 'Version',
    loadedAt: 'Loaded at', loadedBy: 'Loaded by', diff: 'Compare', reload: 'Reload rules', backtest: 'Backtest',
    from: 'From', to: 'To', run: 'Run', candidate: 'Candidate thresholds.json (optional)', added: 'Added',
    removed: 'Removed', changed: 'Changed', none: 'none', count: 'Count', open: 'Open', total: 'Total',
    approve: 'Approve resolution (four eyes)', error: 'Error', loading: 'Loading…', attained: 'Annual attainment', classNow: 'Annual class',
    targetClass: 'Target class', band: 'Band', activeCritical: 'Active critical safety alerts',
  },
};
let lang = sessionStorage.getItem('tw.lang') || 'zh';
const t = (k) => (T[lang][k] || k);
const $ = (sel, root = document) => root.querySelector(sel);
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const view = () => $('#view');

const VIEWS = {
  officer: ['indicator', 'compliance', 'rules'],
  'risk-office': ['alerts', 'indicator', 'compliance', 'rules'],
  supervisor: ['alerts', 'indicator', 'compliance', 'rules', 'rulesets'],
  admin: ['rules', 'rulesets'],
};

async function api(path, options = {}) {
  const headers = { Authorization: 'Bearer ' + sessionStorage.getItem('tw.token') };
  if (options.body) headers['Content-Type'] = 'application/json';
  const res = await fetch('/api/v1' + path, { ...options, headers });
  const text = await res.text();
  const body = text ? JSON.parse(text) : {};
  if (!res.ok) {
    const err = new Error((body.message || res.status) + (body.field ? ' (' + body.field + ')' : ''));
    err.status = res.status;
    throw err;
  }
  return body;
}

function showError(e) {
  view().insertAdjacentHTML('afterbegin', `<p class="error" data-testid="error">${t('error')}: ${esc(e.message)}</p>`);
}

function sev(s) { return `<span class="sev sev-${esc(s)}">${esc(s)}</span>`; }

function renderNav() {
  const role = sessionStorage.getItem('tw.role');
  const current = location.hash.split('/')[1] || '';
  $('#nav').innerHTML = role ? VIEWS[role].map((v) =>
    `<a href="#/${v}" data-testid="nav-${v}" class="${current === v ? 'active' : ''}">${t(v)}</a>`).join('') : '';
  $('#who').textContent = role ? `${sessionStorage.getItem('tw.name')} · ${role}` : '';
  $('#logout').style.display = role ? '' : 'none';
  $('#lang').textContent = lang === 'zh' ? 'English' : '中文';
  document.querySelectorAll('[data-i18n]').forEach((el) => { el.textContent = t(el.dataset.i18n); });
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
}

function loginView() {
  view().innerHTML = `<form class="login" id="login-form">
    <h2>${t('signin')}</h2>
    <label>${t('token')}<input id="token" autocomplete="off" data-testid="token"></label>
    <p><button type="submit" id="login" data-testid="login">${t('login')}</button></p>
    <p id="login-error" class="error"></p></form>`;
  $('#login-form').onsubmit = async (ev) => {
    ev.preventDefault();
    sessionStorage.setItem('tw.token', $('#token').value.trim());
    try {
      const me = await api('/whoami');
      sessionStorage.setItem('tw.role', me.role);
      sessionStorage.setItem('tw.name', me.name);
      location.hash = '#/' + VIEWS[me.role][0];
    } catch (e) {
      sessionStorage.removeItem('tw.token');
      $('#login-error').textContent = e.message;
    }
  };
}

// ---- alerts ----

async function alertsView() {
  const q = new URLSearchParams(location.hash.split('?')[1] || '');
  view().innerHTML = `<h2>${t('alerts')}</h2>
    <div class="filters">
      <label>${t('status')}<select id="f-status">${['', 'pending', 'open', 'acknowledged', 'resolved'].map((s) =>
        `<option value="${esc(s)}" ${q.get('status') === s ? 'selected' : ''}>${esc(s) || t('all')}</option>`).join('')}</select></label>
      <label>${t('category')}<select id="f-category">${['', 'air', 'water', 'debt', 'safety', 'target'].map((s) =>
        `<option value="${esc(s)}" ${q.get('category') === s ? 'selected' : ''}>${esc(s) || t('all')}</option>`).join('')}</select></label>
      <label>${t('subject')}<input id="f-subject" value="${esc(q.get('subject') || '')}"></label>
      <button id="f-go">${t('filter')}</button>
    </div><div class="cards" id="counts"></div><div id="list">${t('loading')}</div>`;
  $('#f-go').onclick = () => {
    const p = new URLSearchParams();
    ['status', 'category', 'subject'].forEach((k) => { const v = $('#f-' + k).value.trim(); if (v) p.set(k, v); });
    location.hash = '#/alerts?' + p.toString();
  };
  const data = await api('/alerts?' + q.toString());
  const counts = {};
  data.alerts.forEach((a) => {
    counts[a.category] = (counts[a.category] || 0) + 1;
    counts[a.severity] = (counts[a.severity] || 0) + 1;
  });
  $('#counts').innerHTML = `<div class="card">${t('total')}<b data-testid="count-total">${esc(data.alerts.length)}</b></div>` +
    Object.entries(counts).map(([k, v]) => `<div class="card">${esc(k)}<b>${esc(v)}</b></div>`).join('');
  $('#list').innerHTML = `<table data-testid="alerts-table"><tr><th>#</th><th>${t('severity')}</th><th>${t('category')}</th>
    <th>${t('rule')}</th><th>${t('subject')}</th><th>${t('period')}</th><th>${t('value')}</th><th>${t('threshold')}</th>
    <th>${t('status')}</th><th>${t('actions')}</th></tr>` + data.alerts.map((a) => `<tr data-testid="alert-row-${esc(a.id)}">
    <td><a href="#/alert/${esc(a.id)}" data-testid="alert-link-${esc(a.id)}">${esc(a.id)}</a></td><td>${sev(a.severity)}</td>
    <td>${esc(a.category)}</td><td>${esc(a.rule)}</td><td>${esc(a.subject)}</td><td>${esc(a.period)}</td>
    <td>${esc(a.value)}</td><td>${esc(a.threshold.op)} ${esc(a.threshold.value)} ${esc(a.threshold.unit)}</td>
    <td class="status-${esc(a.status)}" data-testid="alert-status-${esc(a.id)}">${esc(a.status)}</td>
    <td>${a.status === 'resolved' ? '' : actionBox(a)}</td></tr>`).join('') + '</table>';
  bindActions(() => alertsView());
}

function actionBox(a) {
  const id = esc(a.id);
  const v = esc(a.version);
  return `<input placeholder="${t('comment')}" data-comment="${id}" data-testid="comment-${id}" size="12">
    ${a.status === 'open' ? `<button data-act="ack" data-id="${id}" data-version="${v}" data-testid="ack-${id}">${t('ack')}</button>` : ''}
    <button data-act="assign" data-id="${id}" data-version="${v}">${t('assign')}</button>
    <button data-act="resolve" data-id="${id}" data-version="${v}" data-testid="resolve-${id}">${t('resolve')}</button>`;
}

function bindActions(refresh) {
  document.querySelectorAll('[data-act]').forEach((b) => {
    b.onclick = async () => {
      const id = b.dataset.id;
      const comment = ($(`[data-comment="${CSS.escape(id)}"]`) || {}).value || '';
      const body = { comment, version: Number(b.dataset.version) };
      if (b.dataset.act === 'resolve') body.reason = comment;
      if (b.dataset.act === 'assign') body.assignee = comment;
      try {
        await api(`/alerts/${encodeURIComponent(id)}/${encodeURIComponent(b.dataset.act)}`, { method: 'POST', body: JSON.stringify(body) });
        refresh();
      } catch (e) { showError(e); }
    };
  });
}

async function alertView(rawId) {
  const id = encodeURIComponent(rawId || '');
  const a = await api('/alerts/' + id);
  const role = sessionStorage.getItem('tw.role');
  const history = await api(`/alerts/${id}/history`);
  const deliveries = await api(`/alerts/${id}/deliveries`);
  let hits = [];
  if (role === 'supervisor') {
    hits = (await api(`/rule-hits?rule=${encodeURIComponent(a.rule)}&subject=${encodeURIComponent(a.subject)}&limit=200`))
      .ruleHits.filter((h) => h.alertId === a.id);
  }
  view().innerHTML = `<p><a href="#/alerts">← ${t('back')}</a></p>
    <h2 data-testid="alert-title">#${esc(a.id)} ${esc(a.rule)} ${sev(a.severity)}
      <span class="status-${esc(a.status)}" data-testid="alert-status">${esc(a.status)}</span></h2>
    <table><tr><th>${t('subject')}</th><td>${esc(a.subject)} ${esc(a.region)}</td></tr>
      <tr><th>${t('indicatorName')}</th><td>${esc(a.indicator)}</td></tr>
      <tr><th>${t('period')}</th><td>${esc(a.period)}</td></tr>
      <tr><th>${t('value')}</th><td>${esc(a.value)} ${a.clearingValue != null ? '→ ' + esc(a.clearingValue) : ''}</td></tr>
      <tr><th>${t('threshold')}</th><td data-testid="alert-threshold">${esc(a.threshold.id)}: ${esc(a.threshold.op)} ${esc(a.threshold.value)} ${esc(a.threshold.unit)} (${esc(a.threshold.status)})</td></tr>
      <tr><th>${t('source')}</th><td>${esc(a.source)}</td></tr>
      <tr><th></th><td>${esc(a.description)}</td></tr></table>
    ${a.status === 'resolved' ? '' : `<p>${actionBox(a)}</p>`}
    ${a.resolveRequestedBy && a.status !== 'resolved' ? `<p>${esc(a.resolveRequestedBy)}: ${esc(a.resolveRequestedReason)}
      ${role === 'supervisor' ? `<button data-act="approve-resolve" data-id="${esc(a.id)}" data-version="${esc(a.version)}" data-testid="approve-${esc(a.id)}">${t('approve')}</button>` : ''}</p>` : ''}
    ${role === 'supervisor' ? `<p><button data-annotate="confirmed">${t('confirmed')}</button>
      <button data-annotate="false-positive">${t('falsePositive')}</button></p>` : ''}
    <h3>${t('hits')}</h3>${hits.length ? `<table>${hits.map((h) => `<tr><td><a href="#/hit/${esc(h.id)}" data-testid="hit-link-${esc(h.id)}">#${esc(h.id)}</a></td>
      <td>${esc(h.at)}</td><td>${esc(h.caused)}</td><td>${esc(h.value)}</td></tr>`).join('')}</table>` : `<p>${t('none')}</p>`}
    <h3>${t('history')}</h3><table>${history.history.map((e) => `<tr><td>${esc(e.at)}</td><td>${esc(e.actor)}</td>
      <td>${esc(e.kind)}</td><td>${esc(e.from || '')} → ${esc(e.to)}</td><td>${esc(e.comment || '')}</td></tr>`).join('')}</table>
    <h3>${t('deliveries')}</h3><table>${deliveries.deliveries.map((d) => `<tr><td>${esc(d.event)}</td><td>${esc(d.receiver)}</td>
      <td>${esc(d.attempts)}</td><td>${esc(d.lastStatus || d.lastError || '')}</td><td>${esc(d.deliveredAt || d.nextAttemptAt)}</td></tr>`).join('')}</table>`;
  bindActions(() => alertView(rawId));
  document.querySelectorAll('[data-annotate]').forEach((b) => {
    b.onclick = async () => {
      try {
        await api(`/alerts/${id}/annotate`, { method: 'POST', body: JSON.stringify({ verdict: b.dataset.annotate,
          comment: ($(`[data-comment="${CSS.escape(String(a.id))}"]`) || {}).value || '' }) });
        b.insertAdjacentHTML('afterend', ' ✓');
      } catch (e) { showError(e); }
    };
  });
}

async function hitView(rawId) {
  const id = encodeURIComponent(rawId || '');
  const h = await api('/rule-hits/' + id);
  const day = String(h.period).length === 10 ? h.period : null;
  let readings = [];
  if (day && h.readingIds.length) {
    readings = (await api('/readings?' + new URLSearchParams({ subject: h.subject, from: day, to: nextDay(day), limit: '2000' })))
      .readings.filter((r) => h.readingIds.includes(r.id));
  }
  view().innerHTML = `<p><a href="#" id="back">← ${t('back')}</a></p>
    <h2 data-testid="hit-title">${t('why')}: ${esc(h.rule)}</h2>
    <table><tr><th>${t('version')}</th><td>${esc(h.rulesetVersion)}</td></tr>
      <tr><th>${t('subject')}</th><td>${esc(h.subject)} · ${esc(h.indicator)} · ${esc(h.period)}</td></tr>
      <tr><th>${t('value')}</th><td data-testid="hit-value">${esc(h.value)}</td></tr>
      <tr><th>${t('threshold')}</th><td data-testid="hit-threshold">${esc(h.threshold.id)}: ${esc(h.threshold.op)} ${esc(h.threshold.value)} ${esc(h.threshold.unit)} · ${esc(h.threshold.status)}</td></tr>
      <tr><th>${t('provenance')}</th><td>${esc(h.threshold.source)}</td></tr>
      <tr><th>${t('status')}</th><td>${esc(h.caused)} ${h.alertId ? `<a href="#/alert/${esc(h.alertId)}">#${esc(h.alertId)}</a>` : ''}</td></tr></table>
    <h3>${t('readings')} (${esc(h.readingIds.length)})</h3>
    <table data-testid="hit-readings">${readings.map((r) => `<tr><td>${esc(r.id)}</td><td>${esc(r.observedAt)}</td><td>${esc(r.value)} ${esc(r.unit)}</td><td>rev ${esc(r.revision)}</td></tr>`).join('')}</table>
    <h3>${t('facts')}</h3><pre data-testid="hit-facts">${esc(JSON.stringify(h.facts, null, 2))}</pre>
    <p><button data-verdict="confirmed">${t('confirmed')}</button> <button data-verdict="false-positive">${t('falsePositive')}</button>
      <input id="verdict-comment" placeholder="${t('comment')}"></p>
    <ul>${(h.annotations || []).map((a) => `<li>${esc(a.verdict)} · ${esc(a.author)} · ${esc(a.comment || '')}</li>`).join('')}</ul>`;
  $('#back').onclick = (ev) => { ev.preventDefault(); history.back(); };
  document.querySelectorAll('[data-verdict]').forEach((b) => {
    b.onclick = async () => {
      await api(`/rule-hits/${id}/annotate`, { method: 'POST', body: JSON.stringify({ verdict: b.dataset.verdict, comment: $('#verdict-comment').value }) });
      hitView(id);
    };
  });
}

function nextDay(d) {
  const x = new Date(d + 'T00:00:00Z');
  x.setUTCDate(x.getUTCDate() + 1);
  return x.toISOString().slice(0, 10);
}

// ---- indicator chart ----

const AQI_COLORS = ['#00e400', '#ffff00', '#ff7e00', '#ff0000', '#99004c', '#7e0023'];
const aqiColor = (aqi) => AQI_COLORS[aqi <= 50 ? 0 : aqi <= 100 ? 1 : aqi <= 150 ? 2 : aqi <= 200 ? 3 : aqi <= 300 ? 4 : 5];
let chart;

async function indicatorView() {
  const q = new URLSearchParams(location.hash.split('?')[1] || '');
  const indicators = (await api('/indicators')).indicators;
  const ind = q.get('indicator') || 'PM2_5';
  const range = q.get('range') || 'day';
  // a date from the address bar is used only if it is one (it goes into the page and into API queries)
  const asked = q.get('date') || '';
  const date = /^\d{4}-\d{2}-\d{2}$/.test(asked) && !Number.isNaN(Date.parse(asked)) ? asked
    : new Date().toISOString().slice(0, 10);
  view().innerHTML = `<h2>${t('indicator')}</h2><div class="filters">
    <label>${t('subject')}<input id="i-subject" value="${esc(q.get('subject') || '')}" data-testid="i-subject"></label>
    <label>${t('indicatorName')}<select id="i-indicator">${indicators.map((i) =>
      `<option value="${esc(i.code)}" ${i.code === ind ? 'selected' : ''}>${esc(i.code)} ${esc(lang === 'zh' ? i.nameZh : i.nameEn)}</option>`).join('')}</select></label>
    <label>${t('range')}<select id="i-range">${['day', 'month', 'year'].map((r) =>
      `<option value="${esc(r)}" ${r === range ? 'selected' : ''}>${esc(t(r))}</option>`).join('')}</select></label>
    <label>${t('date')}<input id="i-date" type="date" value="${esc(date)}" data-testid="i-date"></label>
    <button id="i-go" data-testid="i-go">${t('show')}</button></div>
    <div class="chart-box"><canvas id="chart" data-testid="chart"></canvas></div><p id="chart-note"></p>`;
  $('#i-go').onclick = () => {
    const p = new URLSearchParams({ subject: $('#i-subject').value.trim(), indicator: $('#i-indicator').value,
      range: $('#i-range').value, date: $('#i-date').value });
    location.hash = '#/indicator?' + p.toString();
  };
  const subject = q.get('subject');
  if (!subject) return;
  const end = nextDay(date);
  const start = range === 'day' ? date : range === 'month' ? shift(date, -29) : date.slice(0, 4) + '-01-01';
  const to = range === 'year' ? (Number(date.slice(0, 4)) + 1) + '-01-01' : end;
  const meta = indicators.find((i) => i.code === ind);
  const rules = await api('/rules');
  // the limits a single value can be read against: daily means, samples, period values (not annual statistics)
  const limits = rules.thresholds.filter((th) => th.indicator === ind && th.kind === 'limit' && th.enabled &&
    ['24h-mean', 'sample', 'period-value', 'tap-sample'].includes(th.statistic) &&
    th.effectiveFrom <= start && (!th.effectiveTo || th.effectiveTo >= start));
  if (chart) chart.destroy();
  if (meta && meta.frequency === 'hourly' && range !== 'day') {
    const days = (await api('/air/days?' + new URLSearchParams({ subject, from: start, to: shift(to, -1) }))).days;
    chart = new Chart($('#chart'), { type: 'bar', data: { labels: days.map((d) => d.date), datasets: [
      { label: 'AQI', data: days.map((d) => d.aqi), backgroundColor: days.map((d) => aqiColor(d.aqi || 0)) }] },
      options: { animation: false, maintainAspectRatio: false, plugins: { annotation: {} } } });
    $('#chart-note').textContent = days.map((d) => `${d.date}: AQI ${d.aqi} ${d.category}`).slice(-5).join(' · ');
  } else {
    const readings = (await api('/readings?' + new URLSearchParams({ subject, indicator: ind, from: start, to, limit: '10000' }))).readings;
    const labels = readings.map((r) => r.observedAt.slice(0, 16).replace('T', ' '));
    const datasets = [{ label: `${ind} (${meta ? meta.unit : ''})`, data: readings.map((r) => r.value), borderColor: '#1f3b63', tension: .2 }];
    limits.forEach((th, i) => datasets.push({ label: `${th.id} ${th.op} ${th.value}`, data: readings.map(() => th.value),
      borderColor: ['#b00020', '#d35400', '#8e6d00'][i % 3], borderDash: [6, 4], pointRadius: 0 }));
    chart = new Chart($('#chart'), { type: 'line', data: { labels, datasets }, options: { animation: false, maintainAspectRatio: false } });
    $('#chart-note').textContent = limits.map((th) => `${th.id}: ${th.source}`).join(' | ');
  }
  $('#chart').dataset.rendered = 'true';
}

function shift(d, n) {
  const x = new Date(d + 'T00:00:00Z');
  x.setUTCDate(x.getUTCDate() + n);
  return x.toISOString().slice(0, 10);
}

// ---- compliance ----

async function complianceView() {
  const q = new URLSearchParams(location.hash.split('?')[1] || '');
  const year = q.get('year') || '2023';
  const c = await api('/compliance?' + new URLSearchParams({ year }));
  const pct = (v) => (v == null ? '—' : v.toFixed(1) + '%');
  view().innerHTML = `<h2>${t('compliance')} ${esc(year)}</h2>
    <div class="filters"><label>${t('year')}<input id="c-year" value="${esc(year)}" size="6"></label>
      <button id="c-go">${t('show')}</button></div>
    <h3>${t('goodDays')}</h3><table data-testid="compliance-air">${c.air.map((a) => `<tr><td>${esc(a.name)}</td>
      <td>${esc(pct(a.goodDayRatio))} (${esc(a.goodDays)}/${esc(a.validDays)})</td>
      <td><div class="bar"><span data-width="${esc(a.goodDayRatio || 0)}"></span><i data-left="${esc(a.goodDayTarget || 86)}"></i></div></td>
      <td>${t('target')} ${esc(pct(a.goodDayTarget))}</td><td>${t('attained')}: ${a.attained == null ? '—' : esc(a.attained)}</td></tr>`).join('')}</table>
    <h3>${t('targets')}</h3><table data-testid="compliance-targets"><tr><th>ID</th><th></th><th>${t('value')}</th>
      <th>${t('pace')}</th><th>${t('target')}</th><th>${t('status')}</th></tr>${c.targets.map((x) => `<tr><td>${esc(x.id)}</td>
      <td>${esc(x.phrase)}${x.item ? ` <b>${esc(x.item)}</b>` : ''} <small>${esc(x.strength)}</small></td><td>${esc(x.value)}</td><td>${esc(x.expected)} (${esc(x.share)}%)</td>
      <td>${esc(x.target)} ${esc(x.unit)}${x.milestone ? ` <small>${t('due')} ${esc(x.due)}</small>` : ''}</td><td class="${x.status === 'on-pace' || x.status === 'met' ? 'ok' : x.status === 'pending' ? '' : 'error'}">${esc(x.status)}</td></tr>`).join('')}</table>
    <h3>${t('water')}</h3><table><tr><th>${t('subject')}</th><th>${t('classNow')}</th><th>${t('targetClass')}</th><th></th></tr>
      ${c.water.map((w) => `<tr><td>${esc(w.name)}</td><td>${esc(w.class)}</td><td>${esc(w.targetClass)}</td>
      <td class="${w.meetsTarget == null ? '' : w.meetsTarget ? 'ok' : 'error'}">${w.meetsTarget == null
        ? esc(w.status === 'insufficient-data' ? '数据不足 (年初至今) / insufficient data (year to date)' : '未评价 / not assessed')
        : w.meetsTarget ? '✓' : '✗ ' + esc(w.worstParameters.join(', '))}</td></tr>`).join('')}</table>
    <h3>${t('debt')}</h3><table>${c.debt.map((d) => `<tr><td>${esc(d.subject)}</td><td>${esc(d.date)}</td><td>${esc(d.value)}%</td>
      <td>${t('band')}: ${esc(d.band)}</td></tr>`).join('')}</table>
    <h3>${t('safety')}</h3><p>${t('activeCritical')}: <b class="${c.safety.activeCritical ? 'error' : 'ok'}">${esc(c.safety.activeCritical)}</b></p>`;
  // bar geometry set through the CSSOM: style attributes in markup are refused by the Content-Security-Policy
  document.querySelectorAll('[data-width]').forEach((el) => { el.style.width = Number(el.dataset.width) + '%'; });
  document.querySelectorAll('[data-left]').forEach((el) => { el.style.left = Number(el.dataset.left) + '%'; });
  $('#c-go').onclick = () => { location.hash = '#/compliance?year=' + $('#c-year').value.trim(); };
}

// ---- rules and rulesets ----

async function rulesView() {
  const r = await api('/rules');
  view().innerHTML = `<h2>${t('rules')} <small>${esc(r.rulesetVersion)}</small></h2>
    <table data-testid="rules-table"><tr><th>${t('rule')}</th><th>${t('category')}</th><th>${t('severity')}</th><th></th>
      <th>${t('source')}</th><th>${t('hits')}</th></tr>${r.rules.map((x) => `<tr><td>${esc(x.name)}<br><small>${esc(x.file)}</small></td>
      <td>${esc(x.category)}</td><td>${sev(x.severity)}</td><td>${esc(x.description)}</td><td>${esc(x.source)}</td><td>${esc(x.hits)}</td></tr>`).join('')}</table>
    <h3>${t('threshold')}</h3><table><tr><th>ID</th><th>${t('indicatorName')}</th><th></th><th>${t('status')}</th>
      <th>${t('source')}</th></tr>${r.thresholds.map((x) => `<tr><td>${esc(x.id)}</td><td>${esc(x.indicator)}</td>
      <td>${esc(x.op)} ${esc(x.value)} ${esc(x.unit)}</td><td class="${x.status === 'CONFIRMED' ? 'ok' : 'error'}">${esc(x.status)}</td>
      <td>${esc(x.source)}</td></tr>`).join('')}</table>`;
}

async function rulesetsView() {
  const role = sessionStorage.getItem('tw.role');
  const r = await api('/rulesets');
  const options = r.rulesets.map((x) => `<option value="${esc(x.version)}">${esc(x.version)} ${esc(x.loadedAt)}</option>`).join('');
  view().innerHTML = `<h2>${t('rulesets')}</h2>
    <table data-testid="rulesets-table"><tr><th>${t('version')}</th><th>${t('loadedAt')}</th><th>${t('loadedBy')}</th></tr>
      ${r.rulesets.map((x) => `<tr><td>${esc(x.version)} ${x.current ? '✓' : ''}</td><td>${esc(x.loadedAt)}</td><td>${esc(x.loadedBy)}</td></tr>`).join('')}</table>
    <div class="filters"><label>A<select id="d-a">${options}</select></label><label>B<select id="d-b">${options}</select></label>
      <button id="d-go">${t('diff')}</button>${role === 'admin' ? ` <button id="reload" data-testid="reload">${t('reload')}</button>` : ''}</div>
    <div id="diff"></div>
    ${role === 'supervisor' ? `<h3>${t('backtest')}</h3><div class="filters">
      <label>${t('from')}<input id="b-from" type="date" value="2023-01-01"></label>
      <label>${t('to')}<input id="b-to" type="date" value="2023-01-31"></label>
      <label>${t('candidate')}<textarea id="b-file" rows="3" cols="50"></textarea></label>
      <button id="b-go" data-testid="backtest">${t('run')}</button></div><div id="backtest-result"></div>` : ''}`;
  $('#d-go').onclick = async () => {
    const d = await api(`/rulesets/${encodeURIComponent($('#d-a').value)}/diff/${encodeURIComponent($('#d-b').value)}`);
    $('#diff').innerHTML = d.files.length ? d.files.map((f) => `<h4>${esc(f.file)} (${esc(f.status)})</h4><pre>${f.diff.split('\n').map((l) =>
      `<span class="${l.startsWith('+') ? 'diff-add' : l.startsWith('-') ? 'diff-del' : ''}">${esc(l)}</span>`).join('\n')}</pre>`).join('') : `<p>${t('none')}</p>`;
  };
  if ($('#reload')) {
    $('#reload').onclick = async () => {
      try {
        const res = await api('/rulesets/reload', { method: 'POST', body: '{}' });
        $('#diff').innerHTML = `<p class="ok">${esc(res.previousVersion)} → ${esc(res.version)}</p>`;
      } catch (e) { showError(e); }
    };
  }
  if ($('#b-go')) {
    $('#b-go').onclick = async () => {
      const body = { from: $('#b-from').value, to: $('#b-to').value };
      if ($('#b-file').value.trim()) body.files = { 'thresholds.json': $('#b-file').value };
      try {
        const job = await api('/rulesets/backtest?wait=true', { method: 'POST', body: JSON.stringify(body) });
        const res = job.result;
        const rows = (list) => list.map((x) => `<li>${esc(x.rule)} · ${esc(x.subject)} · ${esc(x.period)} · ${esc(x.value)}</li>`).join('');
        $('#backtest-result').innerHTML = `<p data-testid="backtest-summary">${t('added')}: ${esc(res.added.length)} · ${t('removed')}: ${esc(res.removed.length)} · ${t('changed')}: ${esc(res.changed.length)}</p>
          <h4>${t('added')}</h4><ul>${rows(res.added)}</ul><h4>${t('removed')}</h4><ul>${rows(res.removed)}</ul>`;
      } catch (e) { showError(e); }
    };
  }
}

// ---- routing ----

async function route() {
  renderNav();
  const token = sessionStorage.getItem('tw.token');
  const [, name, arg] = location.hash.split('?')[0].split('/');
  if (!token) return loginView();
  const role = sessionStorage.getItem('tw.role');
  view().innerHTML = t('loading');
  try {
    if (name === 'alert') return await alertView(arg);
    if (name === 'hit') return await hitView(arg);
    const target = VIEWS[role].includes(name) ? name : VIEWS[role][0];
    if (target !== name) { location.hash = '#/' + target; return; }
    await ({ alerts: alertsView, indicator: indicatorView, compliance: complianceView, rules: rulesView, rulesets: rulesetsView })[target]();
  } catch (e) {
    if (e.status === 401) { sessionStorage.clear(); return loginView(); }
    view().innerHTML = '';
    showError(e);
  }
}

$('#lang').onclick = () => { lang = lang === 'zh' ? 'en' : 'zh'; sessionStorage.setItem('tw.lang', lang); route(); };
$('#logout').onclick = () => { const l = lang; sessionStorage.clear(); sessionStorage.setItem('tw.lang', l); location.hash = ''; route(); };
window.addEventListener('hashchange', route);
route();
