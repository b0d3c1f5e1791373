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
    period: '期间', value: '数值', threshold: '阈值', actions: '操作', comment: '备注', ack: '认领', resolve: '解决',
    assign: '指派', assignee: '指派给', history: '处理记录', deliveries: '通知投递', hits: '规则命中', source: '依据',
    readings: '读数', facts: '匹配事实', why: '为何触发', back: '返回', indicatorName: '指标代码', range: '范围',
    day: '24小时', month: '30天', year: '全年', date: '日期', show: '显示', goodDays: '优良天数比例',
    targets: '目标进度', water: '断面水质', debt: '债务率', safety: '安全底线', target: '目标', pace: '应达', due: '到期',
    provenance: '出处', confirmed: '属实', falsePositive: '误报', version: '版本', loadedAt: '加载时间', loadedBy: '加载人',
    diff: '比较', reload: '重新加载规则', backtest: '回测', from: '从', to: '到', run: '运行',
    candidate: '候选 thresholds.json (可选)', added: '新增', removed: '消失', changed: '变化', none: '无',
    count: '数量', open: '未处理', total: '总数', error: '错误', loading: '加载中…', attained: '年度达标',
    approve: '批准解决 (双人复核)', classNow: '年均类别', targetClass: '目标类别', band: '区间', activeCritical: '未关闭的严重安全告警',
    imports: '导入', importFile: '导入文件 (CSV、Excel、HJ 212 报文记录)', upload: '上传并导入', uploading: '上传中',
    hourLabel: '小时标记', hourStart: '时段开始 (start)', hourEnd: '时段结束 (end)', byStation: '按站点设置', charset: '编码',
    detect: '自动识别', mapping: '列映射 (JSON，可选)', file: '文件', createdBy: '提交人', createdAt: '提交时间',
    progress: '进度', rowsRead: '已读行', staged: '读数', applied: '已处理', stored: '新存', corrections: '更正',
    unchanged: '未变', refused: '拒收', skipped: '跳过', rate: '速率', eta: '剩余', perSecond: '条/秒',
    refusedRows: '拒收的行', row: '行', field: '字段', cause: '原因', download: '下载 CSV', noFile: '请选择文件',
    queued: '排队中', reading: '读取中', applying: '入库中', done: '已完成', failed: '失败', importAlerts: '导入产生的告警',
    historical: '历史', showingFirst: '显示前', cursor: '已处理至',
    receivers: '通知渠道', receiverType: '类型', office: '所属办公室', address: '地址', lastSuccess: '最近成功',
    lastError: '最近错误', backlog: '待发送', delivered: '已送达', inhibited: '已抑制', limits: '限速',
    quietHours: '免打扰', perMinute: '条/分', retryFailed: '重发失败通知', requeued: '已重新排队',
    st_ok: '正常', st_failing: '发送失败', st_idle: '尚未发送', never: '从未', noReceivers: '未配置通知渠道 (config/routing.json)',
    t_webhook: 'Webhook', t_wecom: '企业微信', t_dingtalk: '钉钉', t_feishu: '飞书', t_sms: '短信',
    audit: '审计日志', time: '时间', actor: '操作人', role: '角色', request: '操作', remote: '来源地址', details: '详情',
    pathPrefix: '路径前缀', older: '更早的记录', noEntries: '没有记录', page: '页', prevPage: '上一页', nextPage: '下一页', handle: '处理', reason: '解决原因',
    needReason: '请填写解决原因', needAssignee: '请填写指派对象', bulk: '批量处理所选', bulkAck: '批量认领', bulkResolve: '批量解决',
    tokens: '访问令牌', tokenName: '名称', createdAt2: '创建时间', lastUsed: '最近使用', revoke: '撤销', revokedState: '已撤销',
    activeState: '有效', newToken: '新建令牌', create: '创建', secretOnce: '令牌只显示这一次，请立即复制并交给使用人：', needName: '请填写名称',
    confirmRevoke: '确定撤销此令牌？使用它的人将立即无法访问。', revokedDone: '已撤销令牌',
    yearLabel: '年份', glance: '目标一览', district: '区域', print: '打印', latest: '最新值', asOfDate: '日期', progressBar: '进度 (竖线为应达进度)',
    bestPossible: '全年最高可达', reasonCol: '说明', openAlertsN: '条未关闭告警', sectionsByClass: '断面水质类别', bottomLinesFirst: '底线与确保目标',
    reports: '月报', reportKind: '报告类型', monthly: '月报', quarterly: '季报', annual: '年报', periodValue: '期间',
    downloadXlsx: '下载 Excel', downloadHtml: '下载可打印网页 (HTML)', monthRatio: '本期优良天数比例', ytdRatio: '年初至今优良天数比例',
    accidents: '较大及以上事故', alertsOfPeriod: '本期数据告警', openedN: '本期新开', overdueN: '期末逾期未认领', mtta: '平均认领用时 (分钟)',
    debtBand: '债务率区间', withinQuota: '新增债务在限额内', yes: '是', no: '否', downloaded: '已下载',
    search: '搜索', shown: '显示', region: '所属区域', silenceReason: '静默原因', needSilenceReason: '请填写静默原因', silences: '静默规则', matchers: '匹配条件', startsAt: '开始', endsAt: '结束', recurrence: '每周时段', createdBy2: '创建人',
    expire: '立即失效', preview: '预览匹配的告警', createSilence: '创建静默', activeNow: '生效中', inactive: '未生效', expired: '已失效',
    needMatcher: '请至少填写一个匹配条件', matchesN: '将匹配的未解决告警', listHint: '多个值用逗号分隔', weekdays: '星期 (1-7, 逗号分隔)',
    needEnd: '请填写结束时间', created: '已创建',
    groupBy: '分组', noGroup: '不分组', expand: '展开', collapse: '收起', ackGroup: '认领全组', resolveGroup: '解决全组',
    groupsTruncated: '分组过多，只显示前 500 组，请缩小筛选范围', noKey: '（未填写）', groupCount: '告警数',
    selected: '已选', succeeded: '成功', conflicted: '冲突（已被他人更新）', failedN: '失败', newCritical: '新的紧急告警', subjects: '监测对象', kind: '类型', settings: '设置', edit: '编辑', register: '登记新对象', save: '保存', cancel: '取消', csvUpload: '批量导入 (CSV)', csvHint: 'CSV 第一行为列名：id,kind,name,region（或 编号,类型,名称,区域），其余列为设置，如 district、targetClass、samplesPerYear、hj212.mn、hj212.password；整份文件全部登记或全部拒收。', uploadSubjects: '上传并登记', allowed: '取值要求', noSettings: '此类型没有设置项', notJson: '不是有效的 JSON 对象', saved: '已保存', registeredN: '已登记', firstThousand: '只显示前 1000 个，请用筛选缩小范围', chartCapped: '只画出前 200000 个读数，请缩小范围（导出含全部读数）', invalidDay: '无效日（数据不足）', limitOf: '限值', dailyValue: '日均值', flagged: '带标记的数据', exportCsv: '导出 CSV', exportXlsx: '导出 Excel', silenced: '静默', silencedYes: '静默中', silencedNo: '未静默', liveUpdates: '告警有新变化', refresh: '刷新',
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
    imports: 'Imports', importFile: 'File to import (CSV, Excel, HJ 212 packet log)', upload: 'Upload and import',
    uploading: 'Uploading', hourLabel: 'Hour label', hourStart: 'start of the hour', hourEnd: 'end of the hour',
    byStation: "stations' setting", charset: 'Charset', detect: 'detect', mapping: 'Column mapping (JSON, optional)',
    file: 'File', createdBy: 'Submitted by', createdAt: 'Submitted', progress: 'Progress', rowsRead: 'Rows read',
    staged: 'Readings', applied: 'Applied', stored: 'Stored', corrections: 'Corrections', unchanged: 'Unchanged',
    refused: 'Refused', skipped: 'Skipped', rate: 'Rate', eta: 'Time left', perSecond: '/s', refusedRows: 'Refused rows',
    row: 'Row', field: 'Field', cause: 'Reason', download: 'Download CSV', noFile: 'Choose a file', queued: 'queued',
    reading: 'reading', applying: 'applying', done: 'done', failed: 'failed', importAlerts: 'Alerts of the import',
    historical: 'historical', showingFirst: 'showing the first', cursor: 'applied up to',
    receivers: 'Receivers', receiverType: 'Type', office: 'Office', address: 'Address', lastSuccess: 'Last success',
    lastError: 'Last error', backlog: 'Backlog', delivered: 'Delivered', inhibited: 'Inhibited', limits: 'Limits',
    quietHours: 'Quiet hours', perMinute: '/min', retryFailed: 'Send failed ones again', requeued: 'requeued',
    st_ok: 'ok', st_failing: 'failing', st_idle: 'idle', never: 'never', noReceivers: 'No receivers configured (config/routing.json)',
    t_webhook: 'Webhook', t_wecom: 'WeCom', t_dingtalk: 'DingTalk', t_feishu: 'Feishu', t_sms: 'SMS',
    audit: 'Audit log', time: 'Time', actor: 'Actor', role: 'Role', request: 'Action', remote: 'From', details: 'Details',
    pathPrefix: 'Path prefix', older: 'Older entries', noEntries: 'No entries', page: 'Page', prevPage: 'Previous', nextPage: 'Next', handle: 'Handle', reason: 'Resolve reason',
    needReason: 'Give a resolve reason', needAssignee: 'Give an assignee', bulk: 'Selected alerts', bulkAck: 'Acknowledge selected', bulkResolve: 'Resolve selected',
    tokens: 'Tokens', tokenName: 'Name', createdAt2: 'Created', lastUsed: 'Last used', revoke: 'Revoke', revokedState: 'revoked',
    activeState: 'active', newToken: 'New token', create: 'Create', secretOnce: 'The token is shown only this once; copy it now and hand it over:', needName: 'Give a name',
    confirmRevoke: 'Revoke this token? Whoever uses it loses access at once.', revokedDone: 'Revoked token',
    yearLabel: 'Year', glance: 'Targets at a glance', district: 'District', print: 'Print', latest: 'Latest', asOfDate: 'Date', progressBar: 'Progress (the line is the pace due)',
    bestPossible: 'best possible this year', reasonCol: 'Note', openAlertsN: 'open alerts', sectionsByClass: 'Sections by class', bottomLinesFirst: 'Bottom lines and ensured targets',
    reports: 'Briefings', reportKind: 'Kind', monthly: 'Monthly', quarterly: 'Quarterly', annual: 'Annual', periodValue: 'Period',
    downloadXlsx: 'Download Excel', downloadHtml: 'Download printable page (HTML)', monthRatio: 'Good-day ratio of the period', ytdRatio: 'Good-day ratio, year to date',
    accidents: 'Larger or worse accidents', alertsOfPeriod: 'Alerts of the period', openedN: 'Opened', overdueN: 'Overdue at its end', mtta: 'Mean time to acknowledge (min)',
    debtBand: 'Debt band', withinQuota: 'New debt within quota', yes: 'yes', no: 'no', downloaded: 'Downloaded',
    search: 'Search', shown: 'Shown', region: 'Region', silenceReason: 'Reason', needSilenceReason: 'Give the reason for the silence', silences: 'Silences', matchers: 'Matchers', startsAt: 'Starts', endsAt: 'Ends', recurrence: 'Weekly window', createdBy2: 'Created by',
    expire: 'Expire now', preview: 'Preview matching alerts', createSilence: 'Create silence', activeNow: 'active', inactive: 'not active', expired: 'expired',
    needMatcher: 'Give at least one matcher', matchesN: 'unresolved alerts would match', listHint: 'several values separated by commas', weekdays: 'Days (1-7, comma separated)',
    needEnd: 'Give the end', created: 'Created',
    groupBy: 'Group by', noGroup: 'none', expand: 'Expand', collapse: 'Collapse', ackGroup: 'Acknowledge group', resolveGroup: 'Resolve group',
    groupsTruncated: 'Too many groups: the first 500 are shown; narrow the filters', noKey: '(none)', groupCount: 'Alerts',
    selected: 'selected', succeeded: 'succeeded', conflicted: 'conflicted (changed by someone else)', failedN: 'failed', newCritical: 'New critical alert', subjects: 'Subjects', kind: 'Kind', settings: 'Settings', edit: 'Edit', register: 'Register a subject', save: 'Save', cancel: 'Cancel', csvUpload: 'Register from CSV', csvHint: 'The first row names the columns: id,kind,name,region and settings such as district, targetClass, samplesPerYear, hj212.mn, hj212.password; the whole file is registered or none of it.', uploadSubjects: 'Upload and register', allowed: 'Allowed', noSettings: 'This kind has no settings', notJson: 'not a JSON object', saved: 'Saved', registeredN: 'Registered', firstThousand: 'The first 1,000 are shown; narrow the filter', chartCapped: 'Only the first 200,000 readings are drawn; narrow the range (the export holds them all)', invalidDay: 'Invalid day (too few data)', limitOf: 'Limit', dailyValue: 'daily value', flagged: 'flagged data', exportCsv: 'Export CSV', exportXlsx: 'Export Excel', silenced: 'Silenced', silencedYes: 'silenced', silencedNo: 'not silenced', liveUpdates: 'Alerts have changed', refresh: 'Refresh',
  },
};
// What values read as, in each language: categories, severities, statuses, events, deliveries. No two labels of one
// screen read the same (the acknowledge button is 认领, a supervisor's "confirmed" verdict 属实).
const LABELS = {
  zh: {
    category: { air: '空气质量', water: '水环境', debt: '政府债务', safety: '安全生产', target: '目标任务' },
    severity: { info: '提示', warning: '警告', major: '重要', critical: '紧急' },
    status: { pending: '待确认触发', open: '未处理', acknowledged: '处理中', resolved: '已解决' },
    event: { opened: '新告警', reopened: '再次触发', updated: '更新', escalated: '已升级', repeated: '未确认提醒',
      acknowledged: '已认领', assigned: '已指派', commented: '备注', resolved: '已解决', withdrawn: '已撤销',
      inhibited: '已抑制', 'resolve-requested': '申请解决', 'resolve-approved': '批准解决', annotated: '复核' },
    delivery: { pending: '待发送', delivered: '已送达', failed: '发送失败', inhibited: '已抑制' },
    target: { 'on-pace': '按进度', 'behind-pace': '落后进度', 'at-risk': '有风险', met: '已完成', missed: '未完成', pending: '待完成',
      'not-reported': '未报送', 'not-checkable': '无法量化核查', 'by-rule': '由规则核查' },
    band: { green: '绿色', 'warning-line': '警戒线', yellow: '黄色', orange: '橙色', red: '红色' },
    kind: { 'air-station': '空气质量监测站', 'water-section': '地表水断面', 'drinking-water-source': '饮用水水源地', 'water-plant': '水厂', village: '村', township: '乡镇', district: '区县' },
    role: { officer: '数据填报员', 'risk-office': '风险处置办公室', supervisor: '督查人员', admin: '系统管理员' },
  },
  en: {
    category: { air: 'air', water: 'water', debt: 'debt', safety: 'safety', target: 'target' },
    severity: { info: 'info', warning: 'warning', major: 'major', critical: 'critical' },
    status: { pending: 'pending', open: 'open', acknowledged: 'acknowledged', resolved: 'resolved' },
    event: {},
    delivery: {},
    target: { 'on-pace': 'on track', 'behind-pace': 'behind pace', 'at-risk': 'at risk', 'not-reported': 'not reported', 'not-checkable': 'not checkable', 'by-rule': 'checked by rules' },
    band: { 'warning-line': 'warning line' },
    role: {},
  },
};
let lang = sessionStorage.getItem('tw.lang') || 'zh';
/** The label of a value of a kind (category, severity, status, event, delivery); the value itself if none. */
const lbl = (kind, v) => ((LABELS[lang][kind] || {})[v] || v);
/** A number as people read it: at most three decimals, no trailing zeros (80, 0.8, 86.5). */
const fmtValue = (v) => (typeof v === 'number' ? Number(v.toFixed(3)).toString() : (v ?? ''));
const t = (k) => (T[lang][k] || k);
const $ = (sel, root = document) => root.querySelector(sel);
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const view = () => $('#view');

const VIEWS = {
  officer: ['indicator', 'imports', 'glance', 'compliance', 'rules'],
  'risk-office': ['alerts', 'glance', 'reports', 'silences', 'indicator', 'compliance', 'rules', 'receivers'],
  supervisor: ['alerts', 'glance', 'reports', 'silences', 'indicator', 'compliance', 'rules', 'rulesets', 'imports', 'receivers'],
  admin: ['tokens', 'subjects', 'rules', 'rulesets', 'receivers', 'audit'],
};

// What the server's error codes mean, in Chinese: shown before the server's own (English) message, which names the
// field and the detail.
const ERROR_ZH = {
  unauthenticated: '令牌无效、已撤销或未提供', forbidden: '当前角色无权进行此操作', not_found: '未找到',
  invalid_parameter: '查询参数有误', invalid_request: '请求内容有误', malformed_request: '请求格式有误',
  invalid_reading: '读数有误', invalid_subject: '对象信息有误', invalid_silence: '静默规则有误',
  invalid_token_request: '令牌信息有误', invalid_action: '此操作不适用于当前状态', conflict: '已被他人更新，请刷新后重试',
  four_eyes: '紧急告警须另一位督查人员批准', payload_too_large: '内容过大', unsupported_media_type: '文件类型不支持',
  database_busy: '数据库繁忙，请稍后重试', database_unavailable: '数据库暂不可用，请稍后重试', shutting_down: '服务正在重启，请稍后重试',
  rejected_by_database: '数据库拒绝了该内容', internal_error: '服务器内部错误',
};
/** An error of the API as the user reads it: its meaning in Chinese first (on the Chinese page), then the detail. */
function apiError(body, status) {
  const detail = (body.message || status) + (body.field ? ' (' + body.field + ')' : '');
  const zh = lang === 'zh' && ERROR_ZH[body.code];
  return zh ? `${zh}：${detail}` : String(detail);
}

async function api(path, options = {}) {
  const headers = { Authorization: 'Bearer ' + sessionStorage.getItem('tw.token') };
  if (options.body) headers['Content-Type'] = 'application/json';
  const res = await fetch('/api/v1' + path, { ...options, headers });
  const text = await res.text();
  const body = text ? JSON.parse(text) : {};
  if (!res.ok) {
    const err = new Error(apiError(body, res.status));
    err.code = body.code;
    err.status = res.status;
    throw err;
  }
  return body;
}

/** Downloads a file the API answers (a briefing, an export) under the name it gives; the note says which. */
async function download(path, note) {
  try {
    note.textContent = t('loading');
    const res = await fetch('/api/v1' + path, { headers: { Authorization: 'Bearer ' + sessionStorage.getItem('tw.token') } });
    if (!res.ok) throw new Error(apiError(await res.json(), res.status));
    const name = ((res.headers.get('Content-Disposition') || '').match(/filename="([^"]+)"/) || [])[1] || 'download';
    const a = document.createElement('a');
    a.href = URL.createObjectURL(await res.blob());
    a.download = name;
    a.click();
    note.textContent = `${t('downloaded')} ${name}`;
  } catch (e) { note.textContent = ''; showError(e); }
}

function showError(e) {
  view().insertAdjacentHTML('afterbegin', `<p class="error" data-testid="error">${t('error')}: ${esc(e.message)}</p>`);
}

function sev(s) { return `<span class="sev sev-${esc(s)}" data-severity="${esc(s)}">${esc(lbl('severity', s))}</span>`; }

// Subjects, rules and indicators by id, read once per page load: shown by their names (in the page's language),
// with the id on hover.
let subjectNames = null;
let ruleTitles = {};
let indicatorNames = {};
async function loadSubjectNames() {
  if (!subjectNames) {
    const [subjects, rules, indicators] = await Promise.all(['/subjects', '/rules', '/indicators'].map((p) => api(p).catch(() => null)));
    subjectNames = subjects ? Object.fromEntries(subjects.subjects.map((x) => [x.id, x.name])) : {};
    ruleTitles = rules ? Object.fromEntries(rules.rules.map((r) => [r.name, { zh: r.titleZh, en: r.titleEn }])) : {};
    indicatorNames = indicators ? Object.fromEntries(indicators.indicators.map((i) => [i.code, { zh: i.nameZh, en: i.nameEn }])) : {};
  }
  return subjectNames;
}
function subj(id) {
  const name = (subjectNames || {})[id];
  return name ? `<span title="${esc(id)}">${esc(name)}</span>` : esc(id);
}
/** A rule by its name in the page's language, its id on hover. */
function ruleName(id) {
  const r = ruleTitles[id];
  return r ? `<span title="${esc(id)}" data-rule="${esc(id)}">${esc(r[lang] || id)}</span>` : esc(id);
}
/** An indicator by its name in the page's language, its code on hover. */
function indName(code) {
  const i = indicatorNames[code];
  return i ? `<span title="${esc(code)}">${esc(i[lang] || code)}</span>` : esc(code);
}

function renderNav() {
  const role = sessionStorage.getItem('tw.role');
  const current = location.hash.split('/')[1] || '';
  $('#nav').innerHTML = role ? VIEWS[role].map((v) =>
    `<a href="#/${v}" data-testid="nav-${v}" class="${current === v ? 'active' : ''}">${t(v)}</a>`).join('') : '';
  $('#who').textContent = role ? `${sessionStorage.getItem('tw.name')} · ${lbl('role', role)}` : '';
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
      sessionStorage.setItem('tw.id', String(me.id));
      location.hash = '#/' + VIEWS[me.role][0];
    } catch (e) {
      sessionStorage.removeItem('tw.token');
      $('#login-error').textContent = e.message;
    }
  };
}

// ---- alerts ----

// The alert board: a page of GET /api/v1/alerts (100 a page) with its exact total, filters, sorting by any column
// (a second click reverses it) and paging; the address bar holds the whole state.
// What the last bulk action did, shown above the board until the officer moves elsewhere (live redraws keep it).
let bulkNote = '';

// Live updates: while the board is shown it follows GET /api/v1/alerts/stream (read with fetch, which can send the
// token; EventSource cannot) and redraws itself a moment after events arrive, marking the rows they changed and
// announcing a new critical alert. Leaving the board closes the stream.
let live = null;
const liveChanged = new Set();
const liveCritical = [];
function followAlertStream() {
  if (live) return;
  const controller = new AbortController();
  live = controller;
  let redraw = null;
  (async () => {
    try {
      const res = await fetch('/api/v1/alerts/stream', {
        headers: { Authorization: 'Bearer ' + sessionStorage.getItem('tw.token') }, signal: controller.signal });
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5)).join('\n');
          if (!data) continue;
          const ev = JSON.parse(data);
          const alert = ev.alert || {};
          liveChanged.add(alert.id);
          if (alert.severity === 'critical' && (ev.event || {}).kind === 'opened') liveCritical.push(alert.id);
          clearTimeout(redraw);
          redraw = setTimeout(liveRedraw, 300);
        }
      }
    } catch (e) {
      // aborted on leaving the board, or the stream ended: the next visit opens a new one
    } finally {
      if (live === controller) live = null;
    }
  })();
}
window.addEventListener('hashchange', () => {
  bulkNote = '';
  if (live && !location.hash.startsWith('#/alerts')) { live.abort(); live = null; }
});

// Redraws the board for live events, unless the officer is in the middle of something (alerts selected, text typed,
// an input focused): then a notice offers the redraw instead, so that nothing chosen or typed is lost.
function liveRedraw() {
  if (!(location.hash.startsWith('#/alerts') || location.hash === '') || !$('#list')) return;
  const busy = [...document.querySelectorAll('#list input')].some((i) => (i.type === 'checkbox' ? i.checked : i.value.trim() !== ''))
    || (document.activeElement && document.activeElement.tagName === 'INPUT');
  if (!busy) { alertsView().catch(showError); return; }
  let notice = $('#live-pending');
  if (!notice) {
    $('#list').insertAdjacentHTML('afterbegin', `<p id="live-pending" data-testid="live-pending">${t('liveUpdates')}
      <button type="button" id="live-refresh">${t('refresh')}</button></p>`);
    $('#live-refresh').onclick = () => alertsView().catch(showError);
  }
}

async function alertsView() {
  const gen = routeGen;
  const q = new URLSearchParams(location.hash.split('?')[1] || '');
  const kinds = { status: 'status', severity: 'severity', category: 'category' };
  const option = (name, values) => values.map((s) =>
    `<option value="${esc(s)}" ${(q.get(name) || '') === s ? 'selected' : ''}>${s ? esc(lbl(kinds[name], s)) : t('all')}</option>`).join('');
  view().innerHTML = `<h2>${t('alerts')}</h2>
    <div class="filters">
      <label>${t('status')}<select id="f-status">${option('status', ['', 'pending', 'open', 'acknowledged', 'resolved'])}</select></label>
      <label>${t('severity')}<select id="f-severity">${option('severity', ['', 'critical', 'major', 'warning', 'info'])}</select></label>
      <label>${t('category')}<select id="f-category">${option('category', ['', 'air', 'water', 'debt', 'safety', 'target'])}</select></label>
      <label>${t('subject')}<input id="f-subject" value="${esc(q.get('subject') || '')}"></label>
      <label>${t('rule')}<input id="f-rule" value="${esc(q.get('rule') || '')}"></label>
      <label>${t('silenced')}<select id="f-silenced" data-testid="f-silenced">${[['', t('all')], ['true', t('silencedYes')], ['false', t('silencedNo')]].map(([v, l]) =>
        `<option value="${v}" ${(q.get('silenced') || '') === v ? 'selected' : ''}>${esc(l)}</option>`).join('')}</select></label>
      <label>${t('groupBy')}<select id="f-group" data-testid="group-by">${['', 'rule', 'subject', 'region'].map((g) =>
        `<option value="${esc(g)}" ${(q.get('group') || '') === g ? 'selected' : ''}>${g ? esc(t(g)) : t('noGroup')}</option>`).join('')}</select></label>
      <button id="f-go">${t('filter')}</button>
      <button type="button" id="f-csv" data-testid="alerts-csv">${t('exportCsv')}</button>
      <button type="button" id="f-xlsx" data-testid="alerts-xlsx">${t('exportXlsx')}</button> <span id="f-note" data-testid="alerts-note"></span>
    </div><div class="cards" id="counts"></div><div id="list">${t('loading')}</div>`;
  // the export holds every alert of the filter in the board's order, not only the page shown
  const exported = (format) => {
    const p = new URLSearchParams(q);
    ['page', 'limit', 'group'].forEach((k) => p.delete(k));
    p.set('format', format);
    p.set('lang', lang);
    return '/alerts?' + p.toString();
  };
  $('#f-csv').onclick = () => download(exported('csv'), $('#f-note'));
  $('#f-xlsx').onclick = () => download(exported('xlsx'), $('#f-note'));
  $('#f-go').onclick = () => {
    const p = new URLSearchParams();
    ['status', 'severity', 'category', 'subject', 'rule', 'silenced', 'group'].forEach((k) => { const v = $('#f-' + k).value.trim(); if (v) p.set(k, v); });
    if (q.get('sort')) { p.set('sort', q.get('sort')); p.set('order', q.get('order') || 'desc'); }
    location.hash = '#/alerts?' + p.toString();
  };
  if (q.get('group')) return groupsView(q);
  const query = new URLSearchParams(q);
  if (!query.get('limit')) query.set('limit', '100');
  const data = await api('/alerts?' + query.toString());
  await loadSubjectNames();
  if (stale(gen)) return;
  const pages = Math.max(1, Math.ceil(data.total / data.limit));
  $('#counts').innerHTML = `<div class="card">${t('total')}<b data-testid="count-total">${esc(data.total)}</b></div>
    <div class="card">${t('page')}<b data-testid="page-of">${esc(data.page)} / ${esc(pages)}</b></div>`;
  const link = (changes) => {
    const p = new URLSearchParams(q);
    Object.entries(changes).forEach(([k, v]) => (v == null ? p.delete(k) : p.set(k, v)));
    return '#/alerts?' + p.toString();
  };
  const th = (label, key) => {
    const current = (q.get('sort') || 'severity') === key;
    const order = current && (q.get('order') || 'desc') === 'desc' ? 'asc' : 'desc';
    const mark = current ? ((q.get('order') || 'desc') === 'desc' ? ' ▼' : ' ▲') : '';
    return `<th><a href="${esc(link({ sort: key, order, page: null }))}" data-testid="sort-${esc(key)}">${label}${mark}</a></th>`;
  };
  const pager = `<p class="pager">${data.page > 1 ? `<a href="${esc(link({ page: String(data.page - 1) }))}" data-testid="page-prev">← ${t('prevPage')}</a>` : ''}
    ${data.page < pages ? `<a href="${esc(link({ page: String(data.page + 1) }))}" data-testid="page-next">${t('nextPage')} →</a>` : ''}</p>`;
  const note = bulkNote;
  const critical = liveCritical.splice(0);
  followAlertStream();
  $('#list').innerHTML = `<div class="bulk" data-testid="bulk-bar">${t('bulk')}: <span id="sel-count">${t('selected')} 0</span>
      <input id="bulk-comment" placeholder="${t('comment')}" data-testid="bulk-comment" size="12">
      <button id="bulk-ack" type="button" data-testid="bulk-ack">${t('bulkAck')}</button>
      <input id="bulk-reason" placeholder="${t('reason')}" data-testid="bulk-reason" size="16">
      <button id="bulk-resolve" type="button" data-testid="bulk-resolve">${t('bulkResolve')}</button>
      <span data-testid="bulk-result">${esc(note)}</span></div>
    ${critical.length ? `<p class="live-banner" data-testid="new-critical">${t('newCritical')}: ${critical.map((i) => '#' + esc(i)).join(' ')}</p>` : ''}
    <table data-testid="alerts-table"><tr><th><input type="checkbox" id="sel-all" data-testid="select-all"></th>${th('#', 'id')}${th(t('severity'), 'severity')}${th(t('category'), 'category')}
    ${th(t('rule'), 'rule')}${th(t('subject'), 'subject')}${th(t('period'), 'period')}${th(t('value'), 'value')}<th>${t('threshold')}</th>
    ${th(t('status'), 'status')}<th>${t('actions')}</th></tr>` + data.alerts.map((a) => `<tr data-testid="alert-row-${esc(a.id)}"
      class="${critical.includes(a.id) ? 'live-critical' : liveChanged.has(a.id) ? 'live-changed' : ''}">
    <td>${a.status === 'resolved' ? '' : `<input type="checkbox" data-select="${esc(a.id)}" data-version="${esc(a.version)}" data-testid="select-${esc(a.id)}">`}</td>
    <td><a href="#/alert/${esc(a.id)}" data-testid="alert-link-${esc(a.id)}">${esc(a.id)}</a></td><td>${sev(a.severity)}</td>
    <td>${esc(lbl('category', a.category))}</td><td>${ruleName(a.rule)}</td><td>${subj(a.subject)}</td><td>${esc(a.period)}</td>
    <td>${esc(fmtValue(a.value))}</td><td>${esc(a.threshold.op)} ${esc(fmtValue(a.threshold.value))} ${esc(a.threshold.unit)}</td>
    <td class="status-${esc(a.status)}" data-status="${esc(a.status)}" data-testid="alert-status-${esc(a.id)}">${esc(lbl('status', a.status))}${a.silenced ? ` <span class="silenced" data-testid="silenced-${esc(a.id)}">${t('silencedYes')}</span>` : ''}</td>
    <td>${a.status === 'resolved' ? '' : actionBox(a)}</td></tr>`).join('') + '</table>' + pager;
  bindActions(() => alertsView());
  const boxes = () => [...document.querySelectorAll('[data-select]')];
  const count = () => { $('#sel-count').textContent = `${t('selected')} ${boxes().filter((b) => b.checked).length}`; };
  boxes().forEach((b) => { b.onchange = count; });
  $('#sel-all').onchange = () => { boxes().forEach((b) => { b.checked = $('#sel-all').checked; }); count(); };
  // one request per selected alert, each with the version shown: a changed alert is reported, never overwritten
  const bulk = async (action) => {
    const chosen = boxes().filter((b) => b.checked);
    const comment = $('#bulk-comment').value.trim();
    const reason = $('#bulk-reason').value.trim();
    if (!chosen.length) return;
    if (action === 'resolve' && !reason) { showError(new Error(t('needReason'))); return; }
    bulkNote = await actOnAll(chosen.map((b) => ({ id: b.dataset.select, version: Number(b.dataset.version) })), action, comment, reason);
    await alertsView();
  };
  $('#bulk-ack').onclick = () => bulk('ack');
  $('#bulk-resolve').onclick = () => bulk('resolve');
}

// One request per alert ({id, version}), each with the version shown: a changed alert is reported as a conflict,
// never overwritten. The note says how many succeeded and which conflicted or failed.
async function actOnAll(items, action, comment, reason) {
  let ok = 0;
  const conflicts = [];
  const failures = [];
  for (const a of items) {
    const body = { comment, version: a.version };
    if (action === 'resolve') body.reason = reason;
    try {
      await api(`/alerts/${encodeURIComponent(a.id)}/${action}`, { method: 'POST', body: JSON.stringify(body) });
      ok += 1;
    } catch (e) { (e.status === 409 ? conflicts : failures).push('#' + a.id); }
  }
  return `${t('succeeded')} ${ok}` + (conflicts.length ? `，${t('conflicted')} ${conflicts.length}: ${conflicts.join(' ')}` : '')
    + (failures.length ? `，${t('failedN')} ${failures.length}: ${failures.join(' ')}` : '');
}

// The board grouped by rule, subject or region (GET /api/v1/alerts/groups, the same filters): each group with its
// counts by severity, expanded in place (its first 100 alerts), and acknowledged or resolved as a whole with one
// comment or reason: every alert of the group is sent with the version read, a changed one reported as a conflict.
async function groupsView(q) {
  const by = q.get('group');
  const filters = new URLSearchParams(q);
  ['group', 'sort', 'order', 'page', 'limit'].forEach((k) => filters.delete(k));
  const gen = routeGen;
  const g = await api(`/alerts/groups?${new URLSearchParams({ ...Object.fromEntries(filters), by })}`);
  await loadSubjectNames();
  if (stale(gen)) return;
  const name = (k) => (!k ? t('noKey') : by === 'subject' ? subj(k) : by === 'rule' ? ruleName(k) : esc(k));
  const note = bulkNote;
  $('#counts').innerHTML = `<div class="card">${t('total')}<b data-testid="count-total">${esc(g.total ?? '—')}</b></div>`;
  $('#list').innerHTML = `<div class="bulk">${t('comment')} <input id="bulk-comment" data-testid="bulk-comment" size="12">
      ${t('reason')} <input id="bulk-reason" data-testid="bulk-reason" size="16"> <span data-testid="bulk-result">${esc(note)}</span></div>
    ${g.truncated ? `<p class="error">${t('groupsTruncated')}</p>` : ''}
    <table data-testid="groups-table"><tr><th>${esc(t(by))}</th><th>${t('groupCount')}</th><th>${t('severity')}</th><th></th></tr>
    ${g.groups.map((x, i) => `<tr data-testid="group-${esc(i)}"><td>${name(x.key)}</td><td data-testid="group-count-${esc(i)}">${esc(x.count)}</td>
      <td>${Object.entries(x.bySeverity).filter(([, n]) => n > 0).map(([k, n]) => `${sev(k)} ${esc(n)}`).join(' ')}</td>
      <td>${x.key ? `<button type="button" data-expand="${esc(i)}" data-testid="expand-${esc(i)}">${t('expand')}</button>
        <button type="button" data-group-act="ack" data-group="${esc(i)}" data-testid="ack-group-${esc(i)}">${t('ackGroup')}</button>
        <button type="button" data-group-act="resolve" data-group="${esc(i)}" data-testid="resolve-group-${esc(i)}">${t('resolveGroup')}</button>` : ''}</td></tr>
      <tr class="group-rows" id="group-rows-${esc(i)}"></tr>`).join('')}</table>`;
  const groupQuery = (x, extra) => new URLSearchParams({ ...Object.fromEntries(filters), [by]: x.key, ...extra });
  view().querySelectorAll('[data-expand]').forEach((b) => {
    b.onclick = async () => {
      const row = $('#group-rows-' + b.dataset.expand);
      if (row.innerHTML) { row.innerHTML = ''; b.textContent = t('expand'); return; }
      const x = g.groups[Number(b.dataset.expand)];
      const page = await api('/alerts?' + groupQuery(x, { limit: '100' }));
      row.innerHTML = `<td colspan="4"><table data-testid="group-alerts-${esc(b.dataset.expand)}">${page.alerts.map((a) => `<tr>
        <td><a href="#/alert/${esc(a.id)}">${esc(a.id)}</a></td><td>${sev(a.severity)}</td><td>${ruleName(a.rule)}</td><td>${subj(a.subject)}</td>
        <td>${esc(a.period)}</td><td>${esc(fmtValue(a.value))}</td><td data-status="${esc(a.status)}">${esc(lbl('status', a.status))}</td></tr>`).join('')}</table>
        ${page.total > page.alerts.length ? `<small>${t('showingFirst')} ${esc(page.alerts.length)} / ${esc(page.total)}</small>` : ''}</td>`;
      b.textContent = t('collapse');
    };
  });
  view().querySelectorAll('[data-group-act]').forEach((b) => {
    b.onclick = async () => {
      const action = b.dataset.groupAct;
      const comment = $('#bulk-comment').value.trim();
      const reason = $('#bulk-reason').value.trim();
      if (action === 'resolve' && !reason) { showError(new Error(t('needReason'))); return; }
      const x = g.groups[Number(b.dataset.group)];
      const targets = [];
      for (const status of action === 'ack' ? ['open'] : ['open', 'acknowledged']) {
        for (let p = 1; ; p++) {
          const page = await api('/alerts?' + groupQuery(x, { status, limit: '500', page: String(p), sort: 'id' }));
          targets.push(...page.alerts);
          if (page.page * page.limit >= page.total) break;
        }
      }
      bulkNote = await actOnAll(targets, action, comment, reason);
      await alertsView();
    };
  });
}

// An alert's actions. On the board: a comment and 认领 (acknowledge), and 处理 to its page. On its page: separate
// inputs for the comment, the assignee (one of the office's people suggested, or free text) and the resolve
// reason, each sent in its own field.
function actionBox(a, detail = false) {
  const id = esc(a.id);
  const v = esc(a.version);
  const ack = a.status === 'open' ? `<button data-act="ack" data-id="${id}" data-version="${v}" data-testid="ack-${id}">${t('ack')}</button>` : '';
  if (!detail) {
    return `<input placeholder="${t('comment')}" data-comment="${id}" data-testid="comment-${id}" size="12"> ${ack}
      <a href="#/alert/${id}" data-testid="handle-${id}">${t('handle')}</a>`;
  }
  return `<label>${t('comment')} <input data-comment="${id}" data-testid="comment-${id}" size="16"></label> ${ack}<br>
    <label>${t('assignee')} <input data-assignee="${id}" data-testid="assignee-${id}" list="people" size="12"
      value="${esc(a.assignee || '')}"></label>
    <button data-act="assign" data-id="${id}" data-version="${v}" data-testid="assign-${id}">${t('assign')}</button><br>
    <label>${t('reason')} <input data-reason="${id}" data-testid="reason-${id}" size="24"></label>
    <button data-act="resolve" data-id="${id}" data-version="${v}" data-testid="resolve-${id}">${t('resolve')}</button>`;
}

function bindActions(refresh) {
  document.querySelectorAll('[data-act]').forEach((b) => {
    b.onclick = async () => {
      const id = b.dataset.id;
      const field = (name) => (($(`[data-${name}="${CSS.escape(id)}"]`) || {}).value || '').trim();
      const body = { comment: field('comment'), version: Number(b.dataset.version) };
      if (b.dataset.act === 'resolve') {
        body.reason = field('reason');
        if (!body.reason) { showError(new Error(t('needReason'))); return; }
      }
      if (b.dataset.act === 'assign') {
        body.assignee = field('assignee');
        if (!body.assignee) { showError(new Error(t('needAssignee'))); return; }
      }
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
  await loadSubjectNames();
  let hits = [];
  if (role === 'supervisor') {
    hits = (await api(`/rule-hits?rule=${encodeURIComponent(a.rule)}&subject=${encodeURIComponent(a.subject)}&limit=200`))
      .ruleHits.filter((h) => h.alertId === a.id);
  }
  view().innerHTML = `<p><a href="#/alerts">← ${t('back')}</a></p>
    <h2 data-testid="alert-title">#${esc(a.id)} ${ruleName(a.rule)} ${sev(a.severity)}
      <span class="status-${esc(a.status)}" data-status="${esc(a.status)}" data-testid="alert-status">${esc(lbl('status', a.status))}</span></h2>
    <table><tr><th>${t('subject')}</th><td>${subj(a.subject)} (${esc(a.subject)}) ${esc(a.region)}</td></tr>
      <tr><th>${t('indicatorName')}</th><td>${indName(a.indicator)}</td></tr>
      <tr><th>${t('period')}</th><td>${esc(a.period)}</td></tr>
      <tr><th>${t('value')}</th><td>${esc(fmtValue(a.value))} ${esc(a.threshold.unit)} ${a.clearingValue != null ? '→ ' + esc(fmtValue(a.clearingValue)) : ''}</td></tr>
      <tr><th>${t('threshold')}</th><td data-testid="alert-threshold">${esc(a.threshold.id)}: ${esc(a.threshold.op)} ${esc(fmtValue(a.threshold.value))} ${esc(a.threshold.unit)} (${esc(a.threshold.status)})</td></tr>
      <tr><th>${t('source')}</th><td>${esc(a.source)}</td></tr>
      <tr><th></th><td>${esc(a.description)}</td></tr></table>
    ${a.status === 'resolved' ? '' : `<p>${actionBox(a, true)}</p>`}
    ${a.resolveRequestedBy && a.status !== 'resolved' ? `<p data-testid="resolve-requested">${esc(a.resolveRequestedBy)}: ${esc(a.resolveRequestedReason)}
      ${role === 'supervisor' && String(a.resolveRequestedById) !== sessionStorage.getItem('tw.id') ? `<button data-act="approve-resolve" data-id="${esc(a.id)}" data-version="${esc(a.version)}" data-testid="approve-${esc(a.id)}">${t('approve')}</button>` : ''}</p>` : ''}
    ${role === 'supervisor' ? `<p><button data-annotate="confirmed">${t('confirmed')}</button>
      <button data-annotate="false-positive">${t('falsePositive')}</button></p>` : ''}
    <h3>${t('hits')}</h3>${hits.length ? `<table>${hits.map((h) => `<tr><td><a href="#/hit/${esc(h.id)}" data-testid="hit-link-${esc(h.id)}">#${esc(h.id)}</a></td>
      <td>${esc(fmtTime(h.at))}</td><td>${esc(lbl('event', h.caused))}</td><td>${esc(fmtValue(h.value))}</td></tr>`).join('')}</table>` : `<p>${t('none')}</p>`}
    <h3>${t('history')}</h3><table data-testid="alert-history">${history.history.map((e) => `<tr><td>${esc(fmtTime(e.at))}</td><td>${esc(e.actor)}</td>
      <td data-kind="${esc(e.kind)}">${esc(lbl('event', e.kind))}</td><td>${esc(e.from ? lbl('status', e.from) : '')} → ${esc(lbl('status', e.to))}</td><td>${esc(e.comment || '')}</td></tr>`).join('')}</table>
    <h3>${t('deliveries')}</h3><table>${deliveries.deliveries.map((d) => `<tr><td>${esc(lbl('event', d.event))}</td><td>${esc(d.receiver)}</td>
      <td class="delivery-${esc(d.status)}">${esc(lbl('delivery', d.status))}</td><td>${esc(d.attempts)}</td><td>${esc(d.lastError || d.lastStatus || '')}</td><td>${esc(fmtTime(d.deliveredAt || d.nextAttemptAt))}</td></tr>`).join('')}</table>`;
  // the office's people (GET /api/v1/people) offered for the assignee; free text is still accepted
  let people = [];
  try { people = (await api('/people')).people; } catch (e) { people = []; }
  view().insertAdjacentHTML('beforeend', `<datalist id="people" data-testid="people">${[...new Map([a.assignee, sessionStorage.getItem('tw.name')]
    .filter(Boolean).map((n) => [n, { name: n, role: null }]).concat(people.map((p) => [p.name, p]))).values()]
    .map((p) => `<option value="${esc(p.name)}" label="${esc(p.role ? lbl('role', p.role) : '')}">`).join('')}</datalist>`);
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
  await loadSubjectNames();
  const day = String(h.period).length === 10 ? h.period : null;
  let readings = [];
  if (day && h.readingIds.length) {
    readings = (await api('/readings?' + new URLSearchParams({ subject: h.subject, from: day, to: nextDay(day), limit: '2000' })))
      .readings.filter((r) => h.readingIds.includes(r.id));
  }
  view().innerHTML = `<p><a href="#" id="back">← ${t('back')}</a></p>
    <h2 data-testid="hit-title">${t('why')}: ${ruleName(h.rule)}</h2>
    <table><tr><th>${t('version')}</th><td>${esc(h.rulesetVersion)}</td></tr>
      <tr><th>${t('subject')}</th><td>${subj(h.subject)} · ${indName(h.indicator)} · ${esc(h.period)}</td></tr>
      <tr><th>${t('value')}</th><td data-testid="hit-value">${esc(fmtValue(h.value))}</td></tr>
      <tr><th>${t('threshold')}</th><td data-testid="hit-threshold">${esc(h.threshold.id)}: ${esc(fmtOp(h.threshold.op))} ${esc(fmtValue(h.threshold.value))} ${esc(h.threshold.unit)} · ${esc(h.threshold.status)}</td></tr>
      <tr><th>${t('provenance')}</th><td>${esc(h.threshold.source)}</td></tr>
      <tr><th>${t('status')}</th><td>${esc(h.caused)} ${h.alertId ? `<a href="#/alert/${esc(h.alertId)}">#${esc(h.alertId)}</a>` : ''}</td></tr></table>
    <h3>${t('readings')} (${esc(h.readingIds.length)})</h3>
    <table data-testid="hit-readings">${readings.map((r) => `<tr><td>${esc(r.id)}</td><td>${esc(fmtTime(r.observedAt))}</td><td>${esc(fmtValue(r.value))} ${esc(r.unit)}</td><td>rev ${esc(r.revision)}</td></tr>`).join('')}</table>
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
// HJ 633-2012 表2: the AQI categories with their upper bounds and official colours.
const AQI_BANDS = [[0, 50], [50, 100], [100, 150], [150, 200], [200, 300], [300, 500]];
const AQI_NAMES = { zh: ['优', '良', '轻度污染', '中度污染', '重度污染', '严重污染'], en: ['Good', 'Moderate', 'Unhealthy for sensitive groups', 'Unhealthy', 'Very unhealthy', 'Hazardous'] };
const INVALID_COLOR = '#9aa3b0';
// Draws the AQI category bands behind the bars and the 100 and 200 lines (the good/polluted and heavy-pollution
// boundaries) over them.
const aqiBands = {
  id: 'aqiBands',
  beforeDatasetsDraw(c) {
    const { ctx, chartArea: a, scales: { y } } = c;
    ctx.save();
    AQI_BANDS.forEach(([lo, hi], i) => {
      const top = y.getPixelForValue(Math.min(hi, y.max));
      const bottom = y.getPixelForValue(Math.max(lo, y.min));
      if (bottom > top) { ctx.fillStyle = AQI_COLORS[i] + '30'; ctx.fillRect(a.left, top, a.right - a.left, bottom - top); }
    });
    ctx.restore();
  },
  afterDatasetsDraw(c) {
    const { ctx, chartArea: a, scales: { y } } = c;
    ctx.save();
    [[100, '#ff7e00'], [200, '#ff0000']].forEach(([v, color]) => {
      if (v > y.max) return;
      const py = y.getPixelForValue(v);
      ctx.strokeStyle = color; ctx.lineWidth = 2; ctx.setLineDash([6, 4]);
      ctx.beginPath(); ctx.moveTo(a.left, py); ctx.lineTo(a.right, py); ctx.stroke();
      ctx.fillStyle = color; ctx.fillText(`AQI ${v}`, a.right - 48, py - 4);
    });
    ctx.restore();
  },
};
function aqiLegend() {
  return `<div class="legend" data-testid="aqi-legend">${AQI_BANDS.map(([lo, hi], i) =>
    `<span><i style="background:${AQI_COLORS[i]}"></i>${esc(AQI_NAMES[lang][i])} ${i ? lo + 1 : lo}–${i === 5 ? '' : hi}</span>`).join('')}
    <span><i style="background:${INVALID_COLOR}"></i>${t('invalidDay')}</span>
    <span><b class="dash" style="border-color:#ff7e00"></b>AQI 100</span><span><b class="dash" style="border-color:#ff0000"></b>AQI 200</span></div>`;
}

// What a chart of the indicator compares with: daily values of an hourly air item (O3 by its 8-hour maximum) and the
// statistic of their limit; hourly values against the 1-hour limit (O3) or the daily one; samples and period values
// against theirs.
const DAILY = { PM2_5: ['PM2_5', '24h-mean'], PM10: ['PM10', '24h-mean'], SO2: ['SO2', '24h-mean'], NO2: ['NO2', '24h-mean'], CO: ['CO', '24h-mean'], O3: ['O3_8H', '8h-mean'] };
const HOURLY_LIMIT = { O3: '1h-max' };
/**
 * The limits over the dates shown, as stepped lines: thresholds of one statistic, operator and severity are one line
 * whose value on each date is the threshold in force that day (so the line steps where GB 3095-2026 takes over on
 * 2026-03-01), and is absent where none is.
 */
function limitLines(thresholds, statistics, dates) {
  const lines = new Map();
  thresholds.filter((th) => th.kind === 'limit' && th.enabled && statistics.includes(th.statistic)).forEach((th) => {
    const key = `${th.statistic} ${th.op} ${th.severity}`;
    if (!lines.has(key)) lines.set(key, []);
    lines.get(key).push(th);
  });
  const colors = ['#b00020', '#d35400', '#8e6d00', '#6a1b9a'];
  return [...lines.values()].map((ths, i) => {
    const at = (d) => ths.find((th) => th.effectiveFrom <= d && (!th.effectiveTo || d <= th.effectiveTo));
    const data = dates.map((d) => { const th = at(d); return th ? th.value : null; });
    const used = [...new Set(dates.map(at).filter(Boolean))];
    return { used, dataset: { label: `${t('limitOf')} ${fmtOp(ths[0].op)} ${used.map((th) => th.value).join(' → ') || '—'}`,
      data, borderColor: colors[i % colors.length], borderDash: [6, 4], pointRadius: 0, stepped: true, spanGaps: false, fill: false } };
  }).filter((l) => l.used.length);
}

/** The latest data of the district (or of the first station) as the page's subject, range and date. */
async function indicatorDefault() {
  const subjects = (await api('/subjects')).subjects;
  const first = subjects.find((x) => x.kind === 'district') || subjects.find((x) => x.kind === 'air-station');
  if (!first) return null;
  const latest = await api('/air/days?' + new URLSearchParams({ subject: first.id }));
  return latest.to ? { subject: first.id, indicator: 'PM2_5', range: 'month', date: latest.to } : { subject: first.id, indicator: 'PM2_5', range: 'month' };
}

async function indicatorView() {
  const gen = routeGen;
  let q = new URLSearchParams(location.hash.split('?')[1] || '');
  if (!q.get('subject')) {
    const d = await indicatorDefault();
    if (stale(gen)) return;
    if (d) { q = new URLSearchParams(d); history.replaceState(null, '', '#/indicator?' + q.toString()); }
  }
  const indicators = (await api('/indicators')).indicators;
  await loadSubjectNames();
  if (stale(gen)) return;
  const ind = q.get('indicator') || 'PM2_5';
  const range = q.get('range') || 'day';
  // a date from the address bar is used only if it is one (it goes into the page and into API queries)
  const asked = q.get('date') || '';
  const date = /^\d{4}-\d{2}-\d{2}$/.test(asked) && !Number.isNaN(Date.parse(asked)) ? asked
    : new Date().toISOString().slice(0, 10);
  const subject = q.get('subject');
  view().innerHTML = `<h2>${t('indicator')}${subject ? ' · ' + subj(subject) : ''}</h2><div class="filters no-print">
    <label>${t('subject')}<input id="i-subject" value="${esc(subject || '')}" data-testid="i-subject" list="i-subjects">
      <datalist id="i-subjects">${Object.entries(subjectNames || {}).map(([id, name]) => `<option value="${esc(id)}">${esc(name)}</option>`).join('')}</datalist></label>
    <label>${t('indicatorName')}<select id="i-indicator">${indicators.map((i) =>
      `<option value="${esc(i.code)}" ${i.code === ind ? 'selected' : ''}>${esc(lang === 'zh' ? i.nameZh : i.nameEn)} (${esc(i.code)})</option>`).join('')}</select></label>
    <label>${t('range')}<select id="i-range">${['day', 'month', 'year'].map((r) =>
      `<option value="${esc(r)}" ${r === range ? 'selected' : ''}>${esc(t(r))}</option>`).join('')}</select></label>
    <label>${t('date')}<input id="i-date" type="date" value="${esc(date)}" data-testid="i-date"></label>
    <button id="i-go" data-testid="i-go">${t('show')}</button>
    <button type="button" id="i-csv" data-testid="readings-csv">${t('exportCsv')}</button>
    <button type="button" id="i-xlsx" data-testid="readings-xlsx">${t('exportXlsx')}</button> <span id="i-note" data-testid="readings-note"></span></div>
    <div id="aqi-box" style="display:none"><h3>AQI</h3><div class="chart-box"><canvas id="aqi-chart" data-testid="aqi-chart"></canvas></div><div id="aqi-legend"></div></div>
    <h3 id="chart-title"></h3><div class="chart-box"><canvas id="chart" data-testid="chart"></canvas></div><p id="chart-note" data-testid="chart-note"></p>`;
  $('#i-go').onclick = () => {
    const p = new URLSearchParams({ subject: $('#i-subject').value.trim(), indicator: $('#i-indicator').value,
      range: $('#i-range').value, date: $('#i-date').value });
    location.hash = '#/indicator?' + p.toString();
  };
  if (!subject) return;
  const end = nextDay(date);
  const start = range === 'day' ? date : range === 'month' ? shift(date, -29) : date.slice(0, 4) + '-01-01';
  const to = range === 'year' ? (Number(date.slice(0, 4)) + 1) + '-01-01' : end;
  const readingsQuery = { subject, indicator: ind, from: start, to };
  $('#i-csv').onclick = () => download('/readings?' + new URLSearchParams({ ...readingsQuery, format: 'csv', lang }), $('#i-note'));
  $('#i-xlsx').onclick = () => download('/readings?' + new URLSearchParams({ ...readingsQuery, format: 'xlsx', lang }), $('#i-note'));
  const meta = indicators.find((i) => i.code === ind);
  const unit = meta ? meta.unit : '';
  const name = meta ? (lang === 'zh' ? meta.nameZh : meta.nameEn) : ind;
  const thresholds = (await api('/rules')).thresholds.filter((th) => th.indicator === ind);
  if (stale(gen)) return;
  Chart.getChart('chart')?.destroy();
  Chart.getChart('aqi-chart')?.destroy();
  const canvas = $('#chart');
  if (meta && meta.frequency === 'hourly' && range !== 'day' && DAILY[ind]) {
    const days = (await api('/air/days?' + new URLSearchParams({ subject, from: start, to: shift(to, -1) }))).days;
    if (stale(gen)) return;
    const labels = days.map((d) => d.date);
    const invalid = (d) => !d.valid;
    $('#aqi-box').style.display = '';
    $('#aqi-legend').innerHTML = aqiLegend();
    new Chart($('#aqi-chart'), { type: 'bar', plugins: [aqiBands], data: { labels, datasets: [
      { label: 'AQI', data: days.map((d) => d.aqi), backgroundColor: days.map((d) => (invalid(d) ? INVALID_COLOR : aqiColor(d.aqi || 0))) }] },
      options: { animation: false, maintainAspectRatio: false, scales: { y: { min: 0, suggestedMax: 220 } }, plugins: { legend: { display: false } } } });
    $('#aqi-chart').dataset.invalidDays = String(days.filter(invalid).length);
    $('#aqi-chart').dataset.rendered = 'true';
    const [key, statistic] = DAILY[ind];
    const lines = limitLines(thresholds, [statistic], labels);
    const missing = days.filter((d) => d.values[key] == null || invalid(d));
    $('#chart-title').textContent = `${name} · ${t('dailyValue')} (${unit})`;
    new Chart(canvas, { type: 'line', data: { labels, datasets: [
      { label: `${key} (${unit})`, data: days.map((d) => d.values[key] ?? null), borderColor: '#1f3b63', tension: .2,
        pointBackgroundColor: days.map((d) => (invalid(d) ? INVALID_COLOR : '#1f3b63')), pointStyle: days.map((d) => (invalid(d) ? 'crossRot' : 'circle')), pointRadius: days.map((d) => (invalid(d) ? 7 : 3)) },
      ...lines.map((l) => l.dataset),
      { label: t('invalidDay'), type: 'scatter', data: missing.map((d) => ({ x: d.date, y: 0 })), pointStyle: 'crossRot', pointRadius: 7, borderColor: INVALID_COLOR, backgroundColor: INVALID_COLOR }] },
      options: { animation: false, maintainAspectRatio: false, scales: { y: { min: 0 } } } });
    canvas.dataset.invalidDays = String(missing.length);
    canvas.dataset.limits = JSON.stringify(lines.map((l) => l.used.map((th) => th.id)));
    $('#chart-note').textContent = lines.flatMap((l) => l.used).map((th) => `${th.id} (${th.effectiveFrom}–${th.effectiveTo || ''}): ${th.source}`).join(' | ')
      + (missing.length ? ` · ${t('invalidDay')}: ${missing.length}` : '');
  } else {
    const readings = [];
    let cursor = null;
    do { // every reading of the range, page by page
      const page = await api('/readings?' + new URLSearchParams({ ...readingsQuery, limit: '10000', ...(cursor ? { cursor } : {}) }));
      readings.push(...page.readings);
      cursor = page.nextCursor;
    } while (cursor && readings.length < 200000 && !stale(gen));
    if (stale(gen)) return;
    const local = readings.map((r) => fmtTime(r.observedAt));
    const dates = local.map((l) => l.slice(0, 10));
    const statistics = meta && meta.frequency === 'hourly' ? [HOURLY_LIMIT[ind] || '24h-mean'] : ['sample', 'period-value', 'tap-sample'];
    const lines = limitLines(thresholds, statistics, dates);
    const flagged = readings.filter((r) => r.flag);
    $('#chart-title').textContent = `${name} (${unit})`;
    new Chart(canvas, { type: 'line', data: { labels: local, datasets: [
      { label: `${ind} (${unit})`, data: readings.map((r) => r.value), borderColor: '#1f3b63', tension: .2,
        pointStyle: readings.map((r) => (r.flag ? 'crossRot' : 'circle')), pointRadius: readings.map((r) => (r.flag ? 7 : 2)),
        pointBackgroundColor: readings.map((r) => (r.flag ? INVALID_COLOR : '#1f3b63')) },
      ...lines.map((l) => l.dataset)] },
      options: { animation: false, maintainAspectRatio: false } });
    canvas.dataset.invalidDays = String(flagged.length);
    canvas.dataset.limits = JSON.stringify(lines.map((l) => l.used.map((th) => th.id)));
    $('#chart-note').textContent = lines.flatMap((l) => l.used).map((th) => `${th.id}: ${th.source}`).join(' | ')
      + (flagged.length ? ` · ${t('flagged')}: ${flagged.length}` : '')
      + (cursor ? ` · ${t('chartCapped')}` : ''); // the chart's cap, said where it applies
  }
  canvas.dataset.rendered = 'true';
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
    <div class="filters"><label>${t('yearLabel')}<input id="c-year" value="${esc(year)}" size="6"></label>
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
      <td>${t('band')}: <span class="band band-${esc(d.band)}">${esc(lbl('band', d.band))}</span></td></tr>`).join('')}</table>
    <h3>${t('safety')}</h3><p>${t('activeCritical')}: <b class="${c.safety.activeCritical ? 'error' : 'ok'}">${esc(c.safety.activeCritical)}</b></p>`;
  widths();
  $('#c-go').onclick = () => { location.hash = '#/compliance?year=' + $('#c-year').value.trim(); };
}

// ---- targets at a glance ----

// Every target of the report for a year (GET /api/v1/targets), bottom lines and 确保 first, then by the report's
// sections; each with its status, latest value and date, and a bar of its progress against the pace due. The
// district's air, water and debt summaries (GET /api/v1/compliance) head the page. The page prints without the
// navigation and the filters.
const fmtOp = (op) => ({ '>=': '≥', '<=': '≤' }[op] || op || '');
const TARGET_CLASS = { 'on-pace': 'ok', met: 'ok', 'behind-pace': 'warn', 'at-risk': 'error', missed: 'error', pending: '', 'not-reported': 'muted', 'not-checkable': 'muted', 'by-rule': '' };
async function glanceView() {
  const q = new URLSearchParams(location.hash.split('?')[1] || '');
  const year = /^\d{4}$/.test(q.get('year') || '') ? q.get('year') : '2023';
  const subjects = (await api('/subjects')).subjects;
  await loadSubjectNames();
  const districts = subjects.filter((x) => x.kind === 'district');
  const district = q.has('district') ? q.get('district') : (districts[0] || {}).id || '';
  const params = new URLSearchParams({ year });
  if (district) params.set('district', district);
  const [g, c] = await Promise.all([api('/targets?' + params.toString()), api('/compliance?' + new URLSearchParams({ year }))]);
  const pct = (v) => (v == null ? '—' : Number(v).toFixed(1) + '%');
  const air = c.air.filter((a) => !district || a.subject === district);
  const stationsOf = new Set(subjects.filter((x) => !district || (x.settings || {}).district === district || x.region === district).map((x) => x.id));
  const water = c.water.filter((w) => !district || stationsOf.has(w.subject));
  const byClass = {};
  water.forEach((w) => { byClass[w.class || '—'] = (byClass[w.class || '—'] || 0) + 1; });
  const debt = c.debt.filter((d) => !district || d.subject === district);
  const bar = (x) => {
    if (x.value == null || !x.target || !String(x.op || '').startsWith('>')) return '';
    const paced = x.mode === 'cumulative' || (x.milestone && x.unit === '%');
    return `<div class="bar"><span data-width="${esc(100 * x.value / x.target)}"></span><i data-left="${esc(paced ? x.share : 100)}"></i></div>`;
  };
  const row = (x) => `<tr data-testid="target-${esc(x.id)}${x.subject && !district ? '-' + esc(x.subject) : ''}">
      <td>${esc(x.id)}</td><td>${esc(x.phrase)}${x.item ? ` <b>${esc(x.item)}</b>` : ''}</td>
      <td>${x.strength !== '—' ? `<span class="strength">${esc(x.strength)}</span>` : ''}</td>
      <td>${x.value != null ? `${esc(fmtValue(x.value))} ${esc(x.unit || '')}` : '—'}${!district && x.subject ? `<br><small>${subj(x.subject)}</small>` : ''}</td>
      <td>${esc(x.date || '')}</td><td>${bar(x)}</td>
      <td>${x.target != null ? `${esc(fmtOp(x.op))} ${esc(fmtValue(x.target))} ${esc(x.unit || '')}` : ''}${x.milestone ? `<br><small>${t('due')} ${esc(x.due)}</small>` : ''}</td>
      <td class="${esc(TARGET_CLASS[x.status] || '')}" data-status="${esc(x.status)}">${esc(lbl('target', x.status))}</td>
      <td><small>${x.status === 'by-rule' ? `${esc(x.rules.join(', '))}: ${esc(x.openAlerts)} ${t('openAlertsN')}` : x.status === 'not-checkable' ? esc(x.reason) : ''}</small></td></tr>`;
  view().innerHTML = `<h2>${t('glance')} ${esc(year)} ${district ? subj(district) : ''}</h2>
    <div class="filters no-print"><label>${t('yearLabel')}<input id="g-year" value="${esc(year)}" size="6"></label>
      <label>${t('district')}<select id="g-district"><option value="">${t('all')}</option>${districts.map((d) =>
        `<option value="${esc(d.id)}" ${d.id === district ? 'selected' : ''}>${esc(d.name)}</option>`).join('')}</select></label>
      <button id="g-go">${t('show')}</button> <button id="g-print" type="button">${t('print')}</button></div>
    <div class="cards" data-testid="glance-counts">${Object.entries(g.counts).map(([k, v]) =>
      `<div class="card ${esc(TARGET_CLASS[k] || '')}">${esc(lbl('target', k))}<b data-testid="count-${esc(k)}">${esc(v)}</b></div>`).join('')}</div>
    <div class="cards" data-testid="glance-summaries">
      ${air.map((a) => `<div class="card">${t('goodDays')} · ${esc(a.name)}<b>${esc(pct(a.goodDayRatio))}</b>
        <small>${t('target')} ${esc(pct(a.goodDayTarget))} · ${t('bestPossible')} ${esc(pct(a.bestPossibleRatio))}</small></div>`).join('')}
      <div class="card">${t('sectionsByClass')}<b>${water.length ? Object.entries(byClass).map(([k, v]) => `${esc(k)}: ${esc(v)}`).join(' · ') : '—'}</b>
        <small>${water.filter((w) => w.meetsTarget === false).length ? `✗ ${water.filter((w) => w.meetsTarget === false).map((w) => esc(w.name)).join(', ')}` : ''}</small></div>
      ${debt.map((d) => `<div class="card">${t('debt')} · ${subj(d.subject)}<b><span class="band band-${esc(d.band)}">${esc(lbl('band', d.band))}</span> ${esc(fmtValue(d.value))}%</b><small>${esc(d.date)}</small></div>`).join('')}
    </div>
    ${g.groups.map((grp) => `<h3>${grp.bottomLines ? t('bottomLinesFirst') : esc(grp.title)}</h3>
      <table data-testid="${grp.bottomLines ? 'glance-bottom-lines' : 'glance-group'}"><tr><th>ID</th><th></th><th></th><th>${t('latest')}</th><th>${t('asOfDate')}</th>
      <th>${t('progressBar')}</th><th>${t('target')}</th><th>${t('status')}</th><th>${t('reasonCol')}</th></tr>${grp.targets.map(row).join('')}</table>`).join('')}`;
  widths();
  $('#g-go').onclick = () => {
    const p = new URLSearchParams({ year: $('#g-year').value.trim() });
    p.set('district', $('#g-district').value);
    location.hash = '#/glance?' + p.toString();
  };
  $('#g-print').onclick = () => window.print();
}

// ---- briefings ----

// The monthly, quarterly and annual briefing (GET /api/v1/reports/...): its headline figures on the page, the whole
// of it as an Excel workbook (one sheet per section) or as a printable page to download (print to PDF from it).
const REPORT_PARAM = { monthly: 'month', quarterly: 'quarter', annual: 'year' };
async function reportsView() {
  const q = new URLSearchParams(location.hash.split('?')[1] || '');
  const kind = REPORT_PARAM[q.get('kind')] ? q.get('kind') : 'monthly';
  const value = q.get('period') || { monthly: '2023-01', quarterly: '2023-Q1', annual: '2023' }[kind];
  const districts = (await api('/subjects')).subjects.filter((x) => x.kind === 'district');
  const district = q.get('district') || (districts[0] || {}).id || '';
  view().innerHTML = `<h2>${t('reports')}</h2>
    <div class="filters"><label>${t('reportKind')}<select id="r-kind" data-testid="report-kind">${Object.keys(REPORT_PARAM).map((k) =>
      `<option value="${esc(k)}" ${k === kind ? 'selected' : ''}>${esc(t(k))}</option>`).join('')}</select></label>
      <label>${t('periodValue')}<input id="r-period" value="${esc(value)}" size="9" data-testid="report-period" placeholder="2023-05 · 2023-Q2 · 2023"></label>
      <label>${t('district')}<select id="r-district">${districts.map((d) =>
        `<option value="${esc(d.id)}" ${d.id === district ? 'selected' : ''}>${esc(d.name)}</option>`).join('')}</select></label>
      <button id="r-go" data-testid="report-show">${t('show')}</button></div><div id="report">${t('loading')}</div>`;
  $('#r-go').onclick = () => {
    location.hash = '#/reports?' + new URLSearchParams({ kind: $('#r-kind').value, period: $('#r-period').value.trim(), district: $('#r-district').value });
  };
  const query = new URLSearchParams({ [REPORT_PARAM[kind]]: value });
  if (district) query.set('district', district);
  const b = await api(`/reports/${kind}?${query}`);
  const pct = (v) => (v == null ? '—' : Number(v).toFixed(1) + '%');
  const card = (label, v, id) => `<div class="card">${label}<b data-testid="${esc(id)}">${v}</b></div>`;
  const acc = b.safety.accidentsByGrade;
  $('#report').innerHTML = `<h3 data-testid="report-title">${esc(b.district.name)} ${esc(b.period.label)} ${esc(t(b.kind))}</h3>
    <p><button type="button" data-format="xlsx" data-testid="report-xlsx">${t('downloadXlsx')}</button>
      <button type="button" data-format="html" data-testid="report-html">${t('downloadHtml')}</button> <span id="r-note" data-testid="report-note"></span></p>
    <div class="cards">${card(t('monthRatio'), esc(pct(b.air.period.goodDayRatio)), 'r-month-ratio')}
      ${card(t('ytdRatio'), esc(pct(b.air.yearToDate.goodDayRatio)), 'r-ytd-ratio')}
      ${card(t('debtBand'), b.debt.ratio ? `<span class="band band-${esc(b.debt.ratio.band)}">${esc(lbl('band', b.debt.ratio.band))}</span> ${esc(fmtValue(b.debt.ratio.value))}%` : '—', 'r-debt')}
      ${card(t('withinQuota'), esc(b.debt.withinQuota == null ? '—' : b.debt.withinQuota ? t('yes') : t('no')), 'r-quota')}
      ${card(t('accidents'), esc(acc['较大'] + acc['重大'] + acc['特别重大']), 'r-accidents')}
      ${card(t('alertsOfPeriod'), esc(b.alerts.ofPeriod.total), 'r-alerts')}
      ${card(t('openedN'), esc(b.alerts.opened), 'r-opened')}
      ${card(t('overdueN'), esc(b.alerts.overdue), 'r-overdue')}
      ${card(t('mtta'), esc(b.alerts.meanMinutesToAcknowledge ?? '—'), 'r-mtta')}</div>
    <div class="cards">${Object.entries(b.targets.counts).map(([k, v]) => `<div class="card">${esc(lbl('target', k))}<b>${esc(v)}</b></div>`).join('')}</div>`;
  view().querySelectorAll('[data-format]').forEach((btn) => {
    btn.onclick = async () => {
      const f = new URLSearchParams(query);
      f.set('format', btn.dataset.format);
      await download(`/reports/${kind}?${f}`, $('#r-note'));
    };
  });
}

// ---- silences ----

// Silences (GET /api/v1/silences): every one with its matchers, window and state; supervisors create one (matchers,
// a required reason, an end, an optional weekly window), preview the unresolved alerts it would match first, and
// expire one at once. Times are entered and shown in Beijing time.
const SILENCE_KEYS = ['category', 'severity', 'region', 'subject', 'rule'];
const beijing = (local) => (local ? local + ':00+08:00' : null); // a datetime-local value read as Beijing time
async function silencesView(note) {
  const role = sessionStorage.getItem('tw.role');
  const r = await api('/silences?limit=200');
  await loadSubjectNames();
  const m = (x) => Object.entries(x.matchers).map(([k, v]) => `${esc(t(k))}: ${v.map((y) => esc(k === 'severity' ? lbl('severity', y) : k === 'category' ? lbl('category', y) : y)).join(', ')}`).join('<br>');
  const state = (x) => (x.expiredAt ? `<span class="muted">${t('expired')} ${esc(fmtTime(x.expiredAt))}</span>` : x.activeNow ? `<b class="ok">${t('activeNow')}</b>` : `<span class="muted">${t('inactive')}</span>`);
  view().innerHTML = `<h2>${t('silences')}</h2>
    ${role === 'supervisor' ? `<form id="s-form" class="filters">
      ${SILENCE_KEYS.map((k) => `<label>${t(k)}<input id="s-${k}" data-testid="silence-${k}" size="12" placeholder="${t('listHint')}"></label>`).join('')}
      <label>${t('startsAt')}<input id="s-start" type="datetime-local"></label>
      <label>${t('endsAt')}<input id="s-end" type="datetime-local" data-testid="silence-end"></label>
      <label>${t('weekdays')}<input id="s-days" size="8" placeholder="1,2,3,4,5"></label>
      <label>${t('from')}<input id="s-from" type="time"></label><label>${t('to')}<input id="s-to" type="time"></label>
      <label>${t('silenceReason')}<input id="s-reason" data-testid="silence-reason" size="24"></label>
      <button type="button" id="s-preview" data-testid="silence-preview">${t('preview')}</button>
      <button type="submit" data-testid="silence-create">${t('createSilence')}</button></form>
      <div id="s-preview-result" data-testid="silence-preview-result"></div>` : ''}
    <p data-testid="silence-note">${esc(note || '')}</p>
    <table data-testid="silences-table"><tr><th>#</th><th>${t('matchers')}</th><th>${t('startsAt')}</th><th>${t('endsAt')}</th>
      <th>${t('recurrence')}</th><th>${t('silenceReason')}</th><th>${t('createdBy2')}</th><th>${t('status')}</th><th></th></tr>
      ${r.silences.map((x) => `<tr data-testid="silence-row-${esc(x.id)}"><td>${esc(x.id)}</td><td>${m(x)}</td><td>${esc(fmtTime(x.startsAt))}</td>
      <td>${esc(fmtTime(x.endsAt))}</td><td>${x.recurrence ? `${esc(x.recurrence.daysOfWeek.join(','))} ${esc(x.recurrence.startTime)}–${esc(x.recurrence.endTime)}` : '—'}</td>
      <td>${esc(x.reason)}</td><td>${esc(x.createdBy)}</td><td>${state(x)}</td>
      <td>${role === 'supervisor' && !x.expiredAt ? `<button type="button" data-expire="${esc(x.id)}" data-testid="expire-${esc(x.id)}">${t('expire')}</button>` : ''}</td></tr>`).join('')}</table>`;
  if (role !== 'supervisor') return;
  const matchers = () => {
    const out = {};
    SILENCE_KEYS.forEach((k) => {
      const v = $('#s-' + k).value.split(/[,，]/).map((x) => x.trim()).filter(Boolean);
      if (v.length) out[k] = v;
    });
    return out;
  };
  $('#s-preview').onclick = async () => {
    const mm = matchers();
    if (!Object.keys(mm).length) { showError(new Error(t('needMatcher'))); return; }
    try {
      const p = await api('/silences/preview', { method: 'POST', body: JSON.stringify({ matchers: mm }) });
      $('#s-preview-result').innerHTML = `<p><b data-testid="silence-preview-total">${esc(p.total)}</b> ${t('matchesN')}</p>
        <table>${p.alerts.map((a) => `<tr><td><a href="#/alert/${esc(a.id)}">#${esc(a.id)}</a></td><td>${sev(a.severity)}</td><td>${esc(a.rule)}</td>
        <td>${subj(a.subject)}</td><td>${esc(a.period)}</td><td>${esc(lbl('status', a.status))}</td></tr>`).join('')}</table>`;
    } catch (e) { showError(e); }
  };
  $('#s-form').onsubmit = async (ev) => {
    ev.preventDefault();
    const body = { matchers: matchers(), reason: $('#s-reason').value.trim(), endsAt: beijing($('#s-end').value) };
    if (!Object.keys(body.matchers).length) { showError(new Error(t('needMatcher'))); return; }
    if (!body.reason) { showError(new Error(t('needSilenceReason'))); return; }
    if (!body.endsAt) { showError(new Error(t('needEnd'))); return; }
    if ($('#s-start').value) body.startsAt = beijing($('#s-start').value);
    if ($('#s-days').value.trim()) {
      body.recurrence = { daysOfWeek: $('#s-days').value.split(/[,，]/).map((x) => Number(x.trim())), startTime: $('#s-from').value, endTime: $('#s-to').value };
    }
    try {
      const c = await api('/silences', { method: 'POST', body: JSON.stringify(body) });
      await silencesView(`${t('created')} #${c.id}`);
    } catch (e) { showError(e); }
  };
  view().querySelectorAll('[data-expire]').forEach((b) => {
    b.onclick = async () => {
      try {
        await api(`/silences/${encodeURIComponent(b.dataset.expire)}/expire`, { method: 'POST', body: '{}' });
        await silencesView();
      } catch (e) { showError(e); }
    };
  });
}

// ---- rules and rulesets ----

// The rule catalog and the thresholds in force, with a search over both (every word must occur in the row) and
// filters: rules by category, thresholds by confirmation status. The thresholds alone are hundreds of rows.
async function rulesView() {
  const r = await api('/rules');
  view().innerHTML = `<h2>${t('rules')} <small>${esc(r.rulesetVersion)}</small></h2>
    <div class="filters"><label>${t('search')}<input id="r-search" data-testid="rules-search" size="24"></label>
      <label>${t('category')}<select id="r-category"><option value="">${t('all')}</option>${['air', 'water', 'debt', 'safety', 'target'].map((c) =>
        `<option value="${esc(c)}">${esc(lbl('category', c))}</option>`).join('')}</select></label>
      <label>${t('status')}<select id="r-status"><option value="">${t('all')}</option><option>CONFIRMED</option><option>UNCONFIRMED</option></select></label>
      <span data-testid="rules-shown" id="r-shown"></span></div>
    <table data-testid="rules-table"><tr><th>${t('rule')}</th><th>${t('category')}</th><th>${t('severity')}</th><th></th>
      <th>${t('source')}</th><th>${t('hits')}</th></tr>${r.rules.map((x) => `<tr data-category="${esc(x.category)}"><td>${esc(x.name)}<br><small>${esc(x.file)}</small></td>
      <td>${esc(x.category)}</td><td>${sev(x.severity)}</td><td>${esc(x.description)}</td><td>${esc(x.source)}</td><td>${esc(x.hits)}</td></tr>`).join('')}</table>
    <h3>${t('threshold')}</h3><table><tr><th>ID</th><th>${t('indicatorName')}</th><th></th><th>${t('status')}</th>
      <th>${t('source')}</th></tr>${r.thresholds.map((x) => `<tr data-status="${esc(x.status)}"><td>${esc(x.id)}</td><td>${esc(x.indicator)}</td>
      <td>${esc(x.op)} ${esc(x.value)} ${esc(x.unit)}</td><td class="${x.status === 'CONFIRMED' ? 'ok' : 'error'}">${esc(x.status)}</td>
      <td>${esc(x.source)}</td></tr>`).join('')}</table>`;
  const rows = [...view().querySelectorAll('table tr')].filter((tr) => tr.querySelector('td'));
  const apply = () => {
    const words = $('#r-search').value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    const category = $('#r-category').value;
    const status = $('#r-status').value;
    let shown = 0;
    rows.forEach((tr) => {
      const text = tr.textContent.toLowerCase();
      // a rule row is filtered by its category, a threshold row by its status
      const ok = words.every((w) => text.includes(w))
        && (!category || !tr.dataset.category || tr.dataset.category === category)
        && (!status || !tr.dataset.status || tr.dataset.status === status);
      tr.hidden = !ok;
      if (ok) shown += 1;
    });
    $('#r-shown').textContent = `${t('shown')} ${shown} / ${rows.length}`;
  };
  ['r-search', 'r-category', 'r-status'].forEach((id) => { $('#' + id).oninput = apply; $('#' + id).onchange = apply; });
  apply();
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

// ---- imports ----

// Times as the domain reads them: Beijing time, 2023-03-01 08:00
const fmtTime = (iso) => (iso ? new Date(iso).toLocaleString('sv-SE', { timeZone: 'Asia/Shanghai', hour12: false }).slice(0, 16) : '');
const fmtNum = (n) => (n == null ? '—' : Number(n).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-US', { maximumFractionDigits: 0 }));
const fmtDuration = (s) => (s == null ? '—' : `${Math.floor(s / 3600)}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`);
// the Content-Type the API takes for a file, from its name (as the import command decides it)
function importType(name, charset) {
  const ext = (name.split('.').pop() || '').toLowerCase();
  if (ext === 'xlsx') return 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  if (ext === 'xls') return 'application/vnd.ms-excel';
  if (ext === 'hj212' || ext === 'log') return 'text/plain';
  return charset ? 'text/csv; charset=' + charset : 'text/csv';
}
let importTimer;

async function importsView() {
  const role = sessionStorage.getItem('tw.role');
  const list = (await api('/imports?limit=50')).imports;
  view().innerHTML = `<h2>${t('imports')}</h2>
    ${role === 'officer' ? `<form class="filters" id="import-form">
      <label>${t('importFile')}<input type="file" id="im-file" data-testid="import-file" accept=".csv,.txt,.xlsx,.xls,.hj212,.log"></label>
      <label>${t('subject')}<input id="im-subject" size="12"></label>
      <label>${t('hourLabel')}<select id="im-hour"><option value="">${t('byStation')}</option>
        <option value="start">${t('hourStart')}</option><option value="end">${t('hourEnd')}</option></select></label>
      <label>${t('charset')}<select id="im-charset"><option value="">${t('detect')}</option>
        ${['UTF-8', 'GBK', 'GB18030'].map((c) => `<option>${esc(c)}</option>`).join('')}</select></label>
      <label>${t('mapping')}<textarea id="im-mapping" rows="1" cols="32" placeholder='{"细颗粒物浓度": "PM2_5"}'></textarea></label>
      <button type="submit" data-testid="import-upload">${t('upload')}</button>
      <span id="im-upload"></span></form>` : ''}
    <table data-testid="imports-table"><tr><th>${t('file')}</th><th>${t('status')}</th><th>${t('progress')}</th>
      <th>${t('rowsRead')}</th><th>${t('stored')}</th><th>${t('unchanged')}</th><th>${t('refused')}</th>
      <th>${t('createdBy')}</th><th>${t('createdAt')}</th></tr>
      ${list.map((i) => `<tr data-testid="import-row-${esc(i.id)}"><td><a href="#/import/${esc(i.id)}">${esc(i.fileName)}</a></td>
      <td class="import-${esc(i.status)}">${esc(t(i.status))}</td><td><div class="bar"><span data-width="${esc(i.progress * 100)}"></span></div></td>
      <td>${esc(fmtNum(i.rowsRead))}</td><td>${esc(fmtNum(i.stored))}</td><td>${esc(fmtNum(i.unchanged))}</td>
      <td>${esc(fmtNum(i.refused))}</td><td>${esc(i.createdBy)}</td><td>${esc(fmtTime(i.createdAt))}</td></tr>`).join('')}</table>`;
  widths();
  const form = $('#import-form');
  if (!form) return;
  form.onsubmit = (ev) => {
    ev.preventDefault();
    const file = $('#im-file').files[0];
    if (!file) { $('#im-upload').innerHTML = `<span class="error">${t('noFile')}</span>`; return; }
    const q = new URLSearchParams({ name: file.name });
    if ($('#im-subject').value.trim()) q.set('subject', $('#im-subject').value.trim());
    if ($('#im-hour').value) q.set('hourLabel', $('#im-hour').value);
    if ($('#im-mapping').value.trim()) q.set('mapping', $('#im-mapping').value.trim());
    // XMLHttpRequest, not fetch: it reports the upload's progress; the browser streams the file from disk
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/v1/imports?' + q.toString());
    xhr.setRequestHeader('Authorization', 'Bearer ' + sessionStorage.getItem('tw.token'));
    xhr.setRequestHeader('Content-Type', importType(file.name, $('#im-charset').value));
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) $('#im-upload').textContent = `${t('uploading')} ${Math.round(100 * e.loaded / e.total)}%`;
    };
    xhr.onload = () => {
      let body = {};
      try { body = JSON.parse(xhr.responseText || '{}'); } catch (e) { body = { message: xhr.status }; }
      if (xhr.status === 202) { location.hash = '#/import/' + body.id; return; }
      const detail = (body.errors || []).filter((x) => x.message !== body.message).map((x) => x.message).join('; ');
      $('#im-upload').innerHTML = `<span class="error" data-testid="error">${t('error')} ${esc(xhr.status)}: ${esc(apiError(body, xhr.status))}${detail ? ' — ' + esc(detail) : ''}</span>`;
    };
    xhr.onerror = () => { $('#im-upload').innerHTML = `<span class="error">${t('error')}</span>`; };
    xhr.send(file);
  };
}

function widths() {
  // bar geometry set through the CSSOM: style attributes in markup are refused by the Content-Security-Policy; a
  // bar's fill (data-width) and its marker (data-left) are percentages within 0..100
  const pct = (v) => Math.max(0, Math.min(100, Number(v))) + '%';
  document.querySelectorAll('[data-width]').forEach((el) => { el.style.width = pct(el.dataset.width); });
  document.querySelectorAll('[data-left]').forEach((el) => { el.style.left = pct(el.dataset.left); });
}

async function importView(rawId) {
  clearTimeout(importTimer);
  const id = encodeURIComponent(rawId || '');
  const i = await api('/imports/' + id);
  const running = i.status !== 'done' && i.status !== 'failed';
  const counts = ['rowsRead', 'staged', 'applied', 'stored', 'corrections', 'unchanged', 'refused', 'skipped'];
  const value = { ...i, staged: i.readings };
  view().innerHTML = `<p><a href="#/imports">← ${t('back')}</a></p>
    <h2>${esc(i.fileName)} <span class="import-${esc(i.status)}" data-testid="import-status">${esc(t(i.status))}</span></h2>
    <div class="bar wide"><span data-width="${esc(i.progress * 100)}" data-testid="import-progress"></span></div>
    <p>${esc(Math.round(i.progress * 100))}%${i.rate != null ? ` · ${t('rate')} ${esc(fmtNum(i.rate))} ${t('perSecond')}` : ''}${i.etaSeconds != null ? ` · ${t('eta')} ${esc(fmtDuration(i.etaSeconds))}` : ''}
      ${i.cursor ? ` · ${t('cursor')} ${esc(i.cursor.subject)} ${esc(i.cursor.day)}` : ''}</p>
    <div class="cards">${counts.map((k) => `<div class="card">${t(k)}<b data-testid="import-${esc(k)}">${esc(fmtNum(value[k]))}</b></div>`).join('')}</div>
    ${i.error ? `<p class="error" data-testid="import-error">${esc(i.error)}</p>` : ''}
    <table><tr><th>${t('createdBy')}</th><td>${esc(i.createdBy)}</td><th>${t('createdAt')}</th><td>${esc(fmtTime(i.createdAt))}</td></tr></table>
    <h3>${t('importAlerts')}</h3>${i.alerts.total ? `<p>${t('total')} ${esc(i.alerts.total)} · ${t('historical')} ${esc(i.alerts.historical)} · ${t('open')} ${esc(i.alerts.open)}</p>
      <table data-testid="import-alerts"><tr><th>${t('rule')}</th><th>${t('severity')}</th></tr>${i.alerts.byRule.map((r) => `<tr><td>${esc(r.rule)}</td>
      <td>${Object.entries(r.bySeverity).map(([k, v]) => `${sev(k)} ${esc(v)}`).join(' ')}</td></tr>`).join('')}</table>` : `<p>${t('none')}</p>`}
    <h3>${t('refusedRows')} (${esc(fmtNum(i.refused))})</h3><div id="im-errors">${i.refused ? t('loading') : t('none')}</div>`;
  widths();
  if (i.refused) await refusedRows(id, i.refused);
  if (running) importTimer = setTimeout(() => { if (location.hash.startsWith('#/import/' + rawId)) importView(rawId); }, 1000);
}

const REFUSED_SHOWN = 200;

async function refusedRows(id, total) {
  const res = await fetch(`/api/v1/imports/${id}/errors`, { headers: { Authorization: 'Bearer ' + sessionStorage.getItem('tw.token') } });
  const text = await res.text();
  const rows = parseCsv(text.replace(/^\uFEFF/, '')).slice(1).filter((r) => r.length >= 3);
  const shown = rows.slice(0, REFUSED_SHOWN);
  $('#im-errors').innerHTML = `<p><button id="im-download" data-testid="import-download">${t('download')}</button>
    ${total > shown.length ? ` ${t('showingFirst')} ${esc(shown.length)} / ${esc(fmtNum(total))}` : ''}</p>
    <table data-testid="import-errors"><tr><th>${t('row')}</th><th>${t('field')}</th><th>${t('cause')}</th></tr>
    ${shown.map((r) => `<tr><td>${esc(r[0])}</td><td>${esc(r[1])}</td><td>${esc(r[2])}</td></tr>`).join('')}</table>`;
  $('#im-download').onclick = () => {
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
    a.download = `import-${decodeURIComponent(id)}-errors.csv`;
    a.click();
  };
}

// RFC 4180: quoted fields may hold commas, quotes ("") and line breaks
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let k = 0; k < text.length; k++) {
    const c = text[k];
    if (quoted) {
      if (c === '"' && text[k + 1] === '"') { field += '"'; k++; } else if (c === '"') { quoted = false; } else { field += c; }
    } else if (c === '"') { quoted = true; } else if (c === ',') { row.push(field); field = ''; } else if (c === '\n') {
      row.push(field.replace(/\r$/, '')); rows.push(row); row = []; field = '';
    } else { field += c; }
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  return rows;
}

// ---- receivers ----

// Each receiver of config/routing.json with its delivery figures (GET /api/v1/receivers); supervisors and admins
// may send a receiver's failed notifications again. The page refreshes every 10 s while shown.
let receiversTimer = null;
async function receiversView() {
  clearTimeout(receiversTimer);
  const r = await api('/receivers');
  const role = sessionStorage.getItem('tw.role');
  const canRetry = role === 'supervisor' || role === 'admin';
  const rows = r.receivers.map((x) => `<tr data-testid="receiver-${esc(x.id)}">
      <td>${esc(x.id)}</td><td>${esc(t('t_' + x.type))}</td><td>${esc(x.officeName)}<br><small>${esc(x.office)}</small></td>
      <td><small>${esc(x.url)}</small></td>
      <td class="${x.status === 'failing' ? 'error' : x.status === 'ok' ? 'ok' : ''}" data-testid="receiver-status">${esc(t('st_' + x.status))}</td>
      <td>${x.lastSuccessAt ? esc(fmtTime(x.lastSuccessAt)) : esc(t('never'))}</td>
      <td>${x.lastError ? `${esc(x.lastError)}<br><small>${esc(fmtTime(x.lastErrorAt))}</small>` : '—'}</td>
      <td data-testid="receiver-backlog">${esc(fmtNum(x.backlog))}</td><td>${esc(fmtNum(x.delivered))}</td>
      <td data-testid="receiver-failed">${esc(fmtNum(x.failed))}</td><td>${esc(fmtNum(x.inhibited))}</td>
      <td>${x.ratePerMinute ? esc(x.ratePerMinute) + esc(t('perMinute')) : '—'}${x.ratePerSecond ? ' · ' + esc(x.ratePerSecond) + esc(t('perSecond')) : ''}</td>
      <td>${x.quietHours ? esc(x.quietHours.from + '–' + x.quietHours.to) : '—'}</td>
      <td>${canRetry && x.failed > 0 ? `<button type="button" data-retry="${esc(x.id)}" data-testid="retry-${esc(x.id)}">${t('retryFailed')}</button>` : ''}</td>
    </tr>`).join('');
  view().innerHTML = `<h2>${t('receivers')}</h2>
    ${r.receivers.length ? `<table data-testid="receivers-table"><tr><th>ID</th><th>${t('receiverType')}</th><th>${t('office')}</th>
      <th>${t('address')}</th><th>${t('status')}</th><th>${t('lastSuccess')}</th><th>${t('lastError')}</th><th>${t('backlog')}</th>
      <th>${t('delivered')}</th><th>${t('failed')}</th><th>${t('inhibited')}</th><th>${t('limits')}</th><th>${t('quietHours')}</th><th></th></tr>
      ${rows}</table>` : `<p>${t('noReceivers')}</p>`}<p id="receivers-note" data-testid="receivers-note"></p>`;
  view().querySelectorAll('[data-retry]').forEach((b) => {
    b.onclick = async () => {
      try {
        const res = await api('/receivers/' + encodeURIComponent(b.dataset.retry) + '/retry', { method: 'POST', body: '{}' });
        await receiversView();
        $('#receivers-note').textContent = `${res.receiver}: ${t('requeued')} ${res.requeued}`;
      } catch (e) { showError(e); }
    };
  });
  receiversTimer = setTimeout(() => { if (location.hash.startsWith('#/receivers')) receiversView().catch(showError); }, 10000);
}

// ---- audit log ----

// GET /api/v1/audit for admins: newest first, filtered by actor and path prefix, older pages on request.
async function auditView() {
  const q = new URLSearchParams(location.hash.split('?')[1] || '');
  const query = new URLSearchParams({ limit: '100' });
  for (const k of ['actor', 'path', 'before']) if (q.get(k)) query.set(k, q.get(k));
  const r = await api('/audit?' + query.toString());
  const rows = r.entries.map((e) => `<tr data-testid="audit-${esc(e.id)}">
      <td>${esc(fmtTime(e.at))}</td><td>${esc(e.actor)}</td><td>${esc(e.role)}</td>
      <td><code>${esc(e.method)} ${esc(e.path)}</code></td>
      <td class="${e.status >= 400 ? 'error' : 'ok'}">${esc(e.status)}</td><td>${esc(e.remote)}</td>
      <td><small>${esc(JSON.stringify(e.details))}</small></td></tr>`).join('');
  view().innerHTML = `<h2>${t('audit')}</h2>
    <p><label>${t('actor')} <input id="au-actor" value="${esc(q.get('actor'))}"></label>
       <label>${t('pathPrefix')} <input id="au-path" value="${esc(q.get('path'))}" placeholder="/api/v1/tokens"></label>
       <button id="au-go" type="button" data-testid="audit-filter">${t('filter')}</button></p>
    ${r.entries.length ? `<table data-testid="audit-table"><tr><th>${t('time')}</th><th>${t('actor')}</th><th>${t('role')}</th>
      <th>${t('request')}</th><th>${t('status')}</th><th>${t('remote')}</th><th>${t('details')}</th></tr>${rows}</table>` : `<p>${t('noEntries')}</p>`}
    ${r.next ? `<p><a href="#/audit?${esc(new URLSearchParams({ ...Object.fromEntries(q), before: String(r.next) }).toString())}" data-testid="audit-older">${t('older')}</a></p>` : ''}`;
  $('#au-go').onclick = () => {
    const p = new URLSearchParams();
    if ($('#au-actor').value.trim()) p.set('actor', $('#au-actor').value.trim());
    if ($('#au-path').value.trim()) p.set('path', $('#au-path').value.trim());
    location.hash = '#/audit?' + p.toString();
  };
}

// ---- tokens ----

// Admins: every token (GET /api/v1/tokens: name, role, created, last used, revoked; never a secret), a new one
// (its secret shown once, right here) and revocation after a confirmation.
async function tokensView(created) {
  const r = await api('/tokens');
  const roles = ['officer', 'risk-office', 'supervisor', 'admin'];
  view().innerHTML = `<h2>${t('tokens')}</h2>
    <form class="filters" id="tk-form"><label>${t('tokenName')}<input id="tk-name" data-testid="token-name" maxlength="200"></label>
      <label>${t('role')}<select id="tk-role" data-testid="token-role">${roles.map((x) => `<option value="${esc(x)}">${esc(lbl('role', x))}</option>`).join('')}</select></label>
      <button type="submit" data-testid="token-create">${t('create')}</button></form>
    ${created ? `<p class="secret" data-testid="token-secret-box">${t('secretOnce')} <code data-testid="token-secret">${esc(created.token)}</code>
      (${esc(created.name)} · ${esc(lbl('role', created.role))})</p>` : ''}
    <p id="tk-note" data-testid="token-note"></p>
    <table data-testid="tokens-table"><tr><th>#</th><th>${t('tokenName')}</th><th>${t('role')}</th><th>${t('createdAt2')}</th>
      <th>${t('createdBy')}</th><th>${t('lastUsed')}</th><th>${t('status')}</th><th></th></tr>
      ${r.tokens.map((x) => `<tr data-testid="token-row-${esc(x.id)}"><td>${esc(x.id)}</td><td>${esc(x.name)}</td><td>${esc(lbl('role', x.role))}</td>
      <td>${esc(fmtTime(x.createdAt))}</td><td>${esc(x.createdBy || 'TARGETWATCH_ADMIN_TOKEN')}</td><td>${x.lastUsedAt ? esc(fmtTime(x.lastUsedAt)) : esc(t('never'))}</td>
      <td class="${x.revoked ? 'error' : 'ok'}">${x.revoked ? `${t('revokedState')} ${esc(fmtTime(x.revokedAt))}` : t('activeState')}</td>
      <td>${x.revoked ? '' : `<button type="button" data-revoke="${esc(x.id)}" data-testid="revoke-${esc(x.id)}">${t('revoke')}</button>`}</td></tr>`).join('')}</table>`;
  $('#tk-form').onsubmit = async (ev) => {
    ev.preventDefault();
    const name = $('#tk-name').value.trim();
    if (!name) { showError(new Error(t('needName'))); return; }
    try {
      const c = await api('/tokens', { method: 'POST', body: JSON.stringify({ name, role: $('#tk-role').value }) });
      await tokensView(c);
    } catch (e) { showError(e); }
  };
  view().querySelectorAll('[data-revoke]').forEach((b) => {
    b.onclick = async () => {
      if (!window.confirm(t('confirmRevoke'))) return;
      try {
        await api('/tokens/' + encodeURIComponent(b.dataset.revoke), { method: 'DELETE' });
        await tokensView();
        $('#tk-note').textContent = `${t('revokedDone')} #${b.dataset.revoke}`;
      } catch (e) { showError(e); }
    };
  });
}

// ---- subjects ----

// Subjects (admin): the registered stations, sections, villages and districts with their settings; register one or
// change one with a form (the settings of its kind listed with what each allows, from GET /api/v1/subject-kinds), or
// register many from a CSV file (all or nothing: a refused file lists its rows by their line in the file).
async function subjectsView(note) {
  const q = new URLSearchParams(location.hash.split('?')[1] || '');
  const [list, kinds] = await Promise.all([api('/subjects'), api('/subject-kinds')]);
  const kind = q.get('kind') || '';
  const words = (q.get('q') || '').toLowerCase();
  const shown = list.subjects.filter((x) => (!kind || x.kind === kind)
    && (!words || [x.id, x.name, x.region].join(' ').toLowerCase().includes(words)));
  const editing = list.subjects.find((x) => x.id === q.get('edit'));
  const settingsText = (x) => Object.entries(x.settings || {}).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : v}`).join(' · ');
  view().innerHTML = `<h2>${t('subjects')}</h2>
    <div class="filters no-print"><label>${t('kind')}<select id="s-kind" data-testid="s-kind"><option value="">${t('all')}</option>${kinds.kinds.map((k) =>
      `<option value="${esc(k.kind)}" ${k.kind === kind ? 'selected' : ''}>${esc(lbl('kind', k.kind))}</option>`).join('')}</select></label>
      <label>${t('search')}<input id="s-q" value="${esc(q.get('q') || '')}" data-testid="s-search"></label><button id="s-go">${t('filter')}</button></div>
    <p data-testid="subjects-note" class="ok">${esc(note || '')}</p>
    <p data-testid="subjects-shown">${t('shown')} ${esc(shown.length)} / ${esc(list.subjects.length)}</p>
    <table data-testid="subjects-table"><tr><th>ID</th><th>${t('tokenName')}</th><th>${t('kind')}</th><th>${t('region')}</th><th>${t('settings')}</th><th></th></tr>
      ${shown.slice(0, 1000).map((x) => `<tr data-testid="subject-row-${esc(x.id)}"><td>${esc(x.id)}</td><td>${esc(x.name)}</td><td>${esc(lbl('kind', x.kind))}</td>
      <td>${esc(x.region)}</td><td><small>${esc(settingsText(x))}</small></td>
      <td><a href="#/subjects?${esc(new URLSearchParams({ ...Object.fromEntries(q), edit: x.id }).toString())}" data-testid="edit-${esc(x.id)}">${t('edit')}</a></td></tr>`).join('')}</table>
    ${shown.length > 1000 ? `<p class="warn">${t('firstThousand')}</p>` : ''}
    <h3 id="s-form-title">${editing ? `${t('edit')} ${esc(editing.id)}` : t('register')}</h3>
    <form id="s-form" class="filters" data-testid="subject-form">
      <label>ID<input id="s-id" data-testid="s-id" value="${esc(editing ? editing.id : '')}" ${editing ? 'readonly' : ''} maxlength="128"></label>
      <label>${t('kind')}<select id="s-kind2" data-testid="s-kind2" ${editing ? 'disabled' : ''}>${kinds.kinds.map((k) =>
        `<option value="${esc(k.kind)}" ${(editing ? editing.kind : 'air-station') === k.kind ? 'selected' : ''}>${esc(lbl('kind', k.kind))}</option>`).join('')}</select></label>
      <label>${t('tokenName')}<input id="s-name" data-testid="s-name" value="${esc(editing ? editing.name : '')}" maxlength="200"></label>
      <label>${t('region')}<input id="s-region" data-testid="s-region" value="${esc(editing ? editing.region : '')}" maxlength="200"></label>
      <label>${t('settings')} (JSON)<textarea id="s-settings" data-testid="s-settings" rows="4" cols="48">${esc(editing ? JSON.stringify(editing.settings || {}, null, 1) : '{}')}</textarea></label>
      <button type="submit" data-testid="s-save">${t('save')}</button>${editing ? ` <a href="#/subjects">${t('cancel')}</a>` : ''}</form>
    <div id="s-hint" data-testid="s-hint"></div>
    <h3>${t('csvUpload')}</h3>
    <p class="muted">${t('csvHint')}</p>
    <p><input type="file" id="s-file" accept=".csv,text/csv" data-testid="s-file"> <button type="button" id="s-upload" data-testid="s-upload">${t('uploadSubjects')}</button></p>
    <div id="s-refused" data-testid="s-refused"></div>`;
  const hint = () => {
    const k = kinds.kinds.find((x) => x.kind === $('#s-kind2').value);
    $('#s-hint').innerHTML = k && k.settings.length ? `<table><tr><th>${t('settings')}</th><th>${t('allowed')}</th></tr>${k.settings.map((st) =>
      `<tr><td><code>${esc(st.key)}</code></td><td>${esc(st.rule)}</td></tr>`).join('')}</table>` : `<p class="muted">${t('noSettings')}</p>`;
  };
  hint();
  $('#s-kind2').onchange = hint;
  $('#s-go').onclick = () => {
    const p = new URLSearchParams();
    if ($('#s-kind').value) p.set('kind', $('#s-kind').value);
    if ($('#s-q').value.trim()) p.set('q', $('#s-q').value.trim());
    location.hash = '#/subjects?' + p.toString();
  };
  $('#s-form').onsubmit = async (ev) => {
    ev.preventDefault();
    let settings;
    try { settings = JSON.parse($('#s-settings').value || '{}'); } catch (e) { showError(new Error(`${t('settings')}: ${t('notJson')}`)); return; }
    const body = { id: $('#s-id').value.trim(), kind: $('#s-kind2').value, name: $('#s-name').value.trim(), region: $('#s-region').value.trim() || undefined, settings };
    try {
      if (editing) await api('/subjects/' + encodeURIComponent(editing.id), { method: 'PUT', body: JSON.stringify(body) });
      else await api('/subjects', { method: 'POST', body: JSON.stringify(body) });
      subjectNames = null;
      history.replaceState(null, '', '#/subjects');
      await subjectsView(`${t('saved')} ${body.id}`);
    } catch (e) { showError(e); }
  };
  $('#s-upload').onclick = async () => {
    const file = $('#s-file').files[0];
    if (!file) { showError(new Error(t('noFile'))); return; }
    const res = await fetch('/api/v1/subjects', { method: 'POST', body: file,
      headers: { Authorization: 'Bearer ' + sessionStorage.getItem('tw.token'), 'Content-Type': 'text/csv' } });
    const answer = await res.json();
    if (res.ok) { subjectNames = null; await subjectsView(`${t('registeredN')} ${answer.subjects.length}`); return; }
    // an error's index is the data row: line index + 2 of the file (the header is line 1)
    $('#s-refused').innerHTML = `<p class="error" data-testid="s-upload-error">${esc(apiError(answer, res.status))}</p>
      ${(answer.errors || []).length ? `<table data-testid="s-errors"><tr><th>${t('row')}</th><th>${t('field')}</th><th>${t('cause')}</th></tr>${answer.errors.slice(0, 200).map((er) =>
        `<tr><td>${er.index == null ? '' : esc(er.index + 2)}</td><td>${esc(er.field)}</td><td>${esc(er.message)}</td></tr>`).join('')}</table>` : ''}`;
  };
}

// ---- routing ----

// Each route() is one navigation; a view still loading when the next begins must not draw over it (stale()).
let routeGen = 0;
const stale = (gen) => gen !== routeGen;

async function route() {
  const gen = ++routeGen;
  renderNav();
  const token = sessionStorage.getItem('tw.token');
  const [, name, arg] = location.hash.split('?')[0].split('/');
  if (!token) return loginView();
  const role = sessionStorage.getItem('tw.role');
  view().innerHTML = t('loading');
  try {
    if (name === 'alert') return await alertView(arg);
    if (name === 'hit') return await hitView(arg);
    if (name === 'import' && VIEWS[role].includes('imports')) return await importView(arg);
    const target = VIEWS[role].includes(name) ? name : VIEWS[role][0];
    if (target !== name) { location.hash = '#/' + target; return; }
    await ({ alerts: alertsView, indicator: indicatorView, compliance: complianceView, rules: rulesView, rulesets: rulesetsView, imports: importsView, receivers: receiversView, audit: auditView, tokens: tokensView, subjects: subjectsView, glance: glanceView, reports: reportsView, silences: silencesView })[target]();
  } catch (e) {
    if (stale(gen)) return;
    if (e.status === 401) { sessionStorage.clear(); return loginView(); }
    view().innerHTML = '';
    showError(e);
  }
}

$('#lang').onclick = () => { lang = lang === 'zh' ? 'en' : 'zh'; sessionStorage.setItem('tw.lang', lang); route(); };
$('#logout').onclick = () => { const l = lang; sessionStorage.clear(); sessionStorage.setItem('tw.lang', l); location.hash = ''; route(); };
window.addEventListener('hashchange', route);
route();
