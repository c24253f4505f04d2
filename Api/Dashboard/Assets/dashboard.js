// WalletGrains dashboard: polls /dashboard/api/snapshot every second and redraws. Hand-written, no libraries.
// Every value from the server reaches the DOM through textContent or a numeric SVG attribute, never as markup.
'use strict';

(() => {
  const KEY_STORAGE = 'walletgrains.dashboard.apiKey';
  const SNAPSHOT_URL = '/dashboard/api/snapshot';
  const POLL_MS = 1000;
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const CHART_WIDTH = 400;
  const CHART_HEIGHT = 140;

  const byTestId = (id) => document.querySelector(`[data-testid="${id}"]`);
  let timer = null;
  let prompted = false;
  let previousAccounts = new Map();

  // The admin key arrives once in the fragment (never sent to the server), moves to sessionStorage,
  // and leaves the address bar and history at once.
  function takeKeyFromFragment() {
    if (!location.hash) {
      return;
    }

    const key = new URLSearchParams(location.hash.slice(1)).get('key');
    if (key) {
      sessionStorage.setItem(KEY_STORAGE, key);
      history.replaceState(null, '', location.pathname + location.search);
    }
  }

  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(poll, delay);
  }

  async function poll() {
    const started = performance.now();
    try {
      const headers = { Accept: 'application/json' };
      const key = sessionStorage.getItem(KEY_STORAGE);
      if (key) {
        headers.Authorization = `Bearer ${key}`;
      }

      const response = await fetch(SNAPSHOT_URL, { headers, cache: 'no-store', credentials: 'omit' });
      if (response.status === 401 || response.status === 403) {
        onRefused(response.status);
        return;
      }

      if (!response.ok) {
        throw new Error(`HTTP ${response.status}`);
      }

      render(await response.json());
      setState('live', 'live');
      showBanner(null);
    } catch (error) {
      setState('error', 'offline');
      showBanner(`Cannot load the snapshot: ${error.message}`);
    }

    // Poll at most once a second, counting the time the request took.
    schedule(Math.max(0, POLL_MS - (performance.now() - started)));
  }

  // 401: no key or an unknown one; 403: a key without the admin role. Prompt once on its own, then wait for the button.
  function onRefused(status) {
    setState('unauthorized', status === 401 ? 'key needed' : 'not admin');
    byTestId('change-key').hidden = false;
    if (status === 401 && !prompted) {
      prompted = true;
      if (askForKey()) {
        return;
      }
    }

    showBanner(status === 401
      ? 'The dashboard needs the admin API key: open /dashboard#key=<key> or use "Enter API key".'
      : 'This API key is not an admin key; the dashboard needs the admin role.');
  }

  function askForKey() {
    const key = window.prompt('Admin API key for this dashboard (kept in this tab only):');
    if (!key) {
      return false;
    }

    sessionStorage.setItem(KEY_STORAGE, key.trim());
    showBanner(null);
    schedule(0);
    return true;
  }

  function setState(state, text) {
    const element = byTestId('connection');
    element.dataset.state = state;
    element.textContent = text;
  }

  function showBanner(text) {
    const banner = byTestId('banner');
    banner.hidden = text === null;
    banner.textContent = text ?? '';
  }

  // ---- formatting -------------------------------------------------------------------------------

  function formatDuration(totalSeconds) {
    const s = Math.floor(totalSeconds);
    const days = Math.floor(s / 86400);
    const hours = Math.floor((s % 86400) / 3600);
    const minutes = Math.floor((s % 3600) / 60);
    const seconds = s % 60;
    const two = (n) => String(n).padStart(2, '0');
    if (days > 0) {
      return `${days}d ${two(hours)}h ${two(minutes)}m`;
    }

    if (hours > 0) {
      return `${hours}h ${two(minutes)}m ${two(seconds)}s`;
    }

    return minutes > 0 ? `${minutes}m ${two(seconds)}s` : `${seconds}s`;
  }

  function formatLatency(ms) {
    if (ms === 0) {
      return '–';
    }

    return ms < 1 ? `${Math.round(ms * 1000)} µs` : `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
  }

  // Wei arrive as decimal strings (up to 2^256): BigInt keeps them exact.
  function formatUnits(decimal, decimals, places) {
    if (decimal === null || decimal === undefined) {
      return '–';
    }

    const value = BigInt(decimal);
    const unit = 10n ** BigInt(decimals);
    const scale = 10n ** BigInt(places);
    const whole = value / unit;
    const fraction = ((value % unit) * scale) / unit;
    const wholeText = whole.toLocaleString('en-US');
    return places === 0 ? wholeText : `${wholeText}.${fraction.toString().padStart(places, '0')}`;
  }

  function shortHex(hex, head = 6, tail = 4) {
    return hex && hex.length > head + tail + 1 ? `${hex.slice(0, head)}…${hex.slice(-tail)}` : (hex ?? '–');
  }

  function clock(iso) {
    return new Date(iso).toLocaleTimeString('en-GB', { hour12: false });
  }

  // ---- DOM helpers ------------------------------------------------------------------------------

  function cell(text, options = {}) {
    const td = document.createElement('td');
    td.textContent = text;
    if (options.className) {
      td.className = options.className;
    }

    if (options.field) {
      td.dataset.field = options.field;
    }

    if (options.value !== undefined) {
      td.dataset.value = String(options.value);
    }

    if (options.title) {
      td.title = options.title;
    }

    return td;
  }

  function row(cells) {
    const tr = document.createElement('tr');
    tr.append(...cells);
    return tr;
  }

  function emptyRow(columns, text) {
    const td = cell(text, { className: 'muted' });
    td.colSpan = columns;
    return row([td]);
  }

  // ---- sections ---------------------------------------------------------------------------------

  function render(snapshot) {
    renderHeader(snapshot.silo, snapshot.runtime);
    renderRuntime(snapshot.runtime.grainTypes);
    renderAccounts(snapshot.accounts, snapshot.accountsTruncated);
    renderTransactions(snapshot.transactions);
    renderChains(snapshot.chains);
    renderChart(snapshot.rates.points);
  }

  function renderHeader(silo, runtime) {
    byTestId('silo-name').textContent = silo.name;
    byTestId('silo-environment').textContent = silo.environment;
    byTestId('silo-storage').textContent = silo.storage;
    byTestId('silo-uptime').textContent = formatDuration(silo.uptimeSeconds);
    byTestId('silo-activations').textContent = String(runtime.activations);
    byTestId('last-update').textContent = clock(silo.generatedAt);
  }

  function renderRuntime(types) {
    const rows = types.map((t) => row([
      cell(t.grainType),
      cell(String(t.activations), { className: 'num' }),
      cell(t.callsPerSecond.toFixed(1), { className: 'num' }),
      cell(t.calls.toLocaleString('en-US'), { className: 'num' }),
      cell(String(t.failures), { className: t.failures > 0 ? 'num bad' : 'num' }),
      cell(formatLatency(t.meanLatencyMs), { className: 'num' }),
      cell(formatLatency(t.p99LatencyMs), { className: 'num' }),
      cell(String(t.mailboxDepth), { className: t.mailboxDepth > 0 ? 'num hot' : 'num' }),
    ]));
    for (const [tr, t] of rows.map((r, i) => [r, types[i]])) {
      tr.dataset.grainType = t.grainType;
    }

    byTestId('runtime').replaceChildren(...(rows.length > 0 ? rows : [emptyRow(8, 'no grain calls yet')]));
  }

  function renderAccounts(accounts, truncated) {
    const seen = new Map();
    const rows = accounts.map((a) => {
      const id = `${a.chainId}:${a.address.toLowerCase()}`;
      const before = previousAccounts.get(id);
      seen.set(id, { nextNonce: a.nextNonce, pending: a.pending });
      const age = a.oldestPendingAgeSeconds;
      const tr = row([
        cell(a.chainName || String(a.chainId), { title: `chain id ${a.chainId}` }),
        cell(shortHex(a.address, 8, 6), { className: 'mono', title: a.address }),
        cell(String(a.nextNonce), { className: 'num', field: 'nextNonce', value: a.nextNonce }),
        cell(String(a.confirmedNonce), { className: 'num', field: 'confirmedNonce', value: a.confirmedNonce }),
        cell(String(a.pending), { className: a.pending > 0 ? 'num hot' : 'num', field: 'pending', value: a.pending }),
        cell(String(a.queued), { className: 'num', field: 'queued', value: a.queued }),
        cell(age === null ? '–' : formatDuration(age), { className: age !== null && age > 60 ? 'num bad' : 'num', field: 'oldestPendingAge', value: age ?? '' }),
        cell(String(a.feeBumps), { className: 'num', field: 'feeBumps', value: a.feeBumps }),
        cell(formatUnits(a.balance, 18, 4), { className: 'num', field: 'balance', value: a.balance ?? '', title: a.balance === null ? 'not yet read' : `${a.balance} wei` }),
      ]);
      tr.dataset.account = a.address.toLowerCase();
      tr.dataset.chain = String(a.chainId);
      if (a.pausedReason) {
        tr.title = `paused: ${a.pausedReason}`;
        tr.cells[1].classList.add('bad');
      }

      if (before && (before.nextNonce !== a.nextNonce || before.pending !== a.pending)) {
        tr.classList.add('changed');
      }

      return tr;
    });
    previousAccounts = seen;
    byTestId('accounts-note').textContent = truncated ? `first ${accounts.length} shown` : `${accounts.length}`;
    byTestId('accounts').replaceChildren(...(rows.length > 0 ? rows : [emptyRow(9, 'no custodied accounts')]));
  }

  function renderTransactions(transactions) {
    const rows = transactions.map((t) => {
      const status = document.createElement('span');
      status.className = `status status-${t.status}`;
      status.textContent = t.status;
      const statusCell = cell('', { field: 'status', value: t.status, title: t.errorCode ?? '' });
      statusCell.append(status);
      const tr = row([
        cell(clock(t.updatedAt), { className: 'muted' }),
        cell(shortHex(t.from), { className: 'mono', title: t.from }),
        cell(String(t.nonce), { className: 'num' }),
        statusCell,
        cell(String(t.attempts), { className: t.attempts > 1 ? 'num hot' : 'num', field: 'attempts', value: t.attempts }),
        cell(shortHex(t.hash), { className: 'mono', title: t.hash ?? 'not signed yet' }),
      ]);
      tr.dataset.transaction = t.id;
      tr.title = t.id;
      return tr;
    });
    byTestId('transactions').replaceChildren(...(rows.length > 0 ? rows : [emptyRow(6, 'no transactions yet')]));
  }

  function renderChains(chains) {
    const rows = chains.map((c) => {
      const head = c.headBlock === null ? 'unreachable' : c.headBlock.toLocaleString('en-US');
      const tr = row([
        cell(c.name || String(c.chainId), { title: `chain id ${c.chainId}` }),
        cell(head, { className: c.error ? 'num bad' : 'num', field: 'headBlock', value: c.headBlock ?? '', title: c.error ?? '' }),
        cell(c.baseFeePerGas === null ? '–' : `${formatUnits(c.baseFeePerGas, 9, 3)} gwei`, { className: 'num', title: c.baseFeePerGas === null ? '' : `${c.baseFeePerGas} wei (next block)` }),
        cell(c.rpcEndpoints.join(', '), { className: 'mono', title: c.rpcEndpoints.join('\n') }),
      ]);
      tr.dataset.chain = String(c.chainId);
      return tr;
    });
    byTestId('chains').replaceChildren(...(rows.length > 0 ? rows : [emptyRow(4, 'no chains configured')]));
  }

  // The smallest 1, 2 or 5 × 10^k at or above the peak, so the scale reads at a glance.
  function niceCeiling(value) {
    const power = 10 ** Math.floor(Math.log10(value));
    for (const step of [1, 2, 5, 10]) {
      if (step * power >= value) {
        return step * power;
      }
    }

    return 10 * power;
  }

  function renderChart(points) {
    const peak = Math.max(1, ...points.map((p) => Math.max(p.sends, p.confirmations)));
    const top = niceCeiling(peak);
    const x = (i) => (points.length <= 1 ? 0 : (i * CHART_WIDTH) / (points.length - 1));
    const y = (v) => CHART_HEIGHT - 2 - ((CHART_HEIGHT - 4) * v) / top;
    const svgElement = (name, attributes) => {
      const element = document.createElementNS(SVG_NS, name);
      for (const [attribute, value] of Object.entries(attributes)) {
        element.setAttribute(attribute, String(value));
      }

      return element;
    };

    const children = [0, 0.5, 1].map((f) => svgElement('line', { class: 'grid-line', x1: 0, x2: CHART_WIDTH, y1: y(top * f), y2: y(top * f) }));
    for (const series of ['sends', 'confirmations']) {
      const coordinates = points.map((p, i) => `${x(i).toFixed(1)},${y(p[series]).toFixed(1)}`).join(' ');
      children.push(svgElement('polyline', { class: `series ${series}`, points: coordinates }));
    }

    byTestId('chart').replaceChildren(...children);
    byTestId('chart-scale').textContent = `0–${top} per s`;

    // The legend shows the mean of the last five complete seconds: blocks arrive in bursts.
    const recent = points.slice(-5);
    const mean = (series) => (recent.reduce((sum, p) => sum + p[series], 0) / Math.max(1, recent.length)).toFixed(1);
    byTestId('sends-rate').textContent = mean('sends');
    byTestId('confirmations-rate').textContent = mean('confirmations');
  }

  byTestId('change-key').addEventListener('click', () => {
    askForKey();
  });

  takeKeyFromFragment();
  poll();
})();
