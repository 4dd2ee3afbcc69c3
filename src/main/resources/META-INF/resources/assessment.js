// The sync assessment on the dashboard (GET /api/assessment): a drift badge on every flow that runs in a mode the
// advice disagrees with, and a panel with each flow's advice, its reasons and its API calls a day in each mode.
// Plain JavaScript beside index.html: it uses the same credentials (sessionStorage) and redraws with the page.
(function () {
  const AUTH_KEY = 'syncline.authorization';
  const REFRESH_MS = 5000;
  let drift = {};

  function authorized() {
    const headers = { 'Accept': 'application/json' };
    const authorization = sessionStorage.getItem(AUTH_KEY);
    if (authorization) headers['Authorization'] = authorization;
    return { headers, credentials: 'omit' };
  }

  function cell(row, value, className) {
    const td = document.createElement('td');
    td.textContent = value === null || value === undefined ? '—' : String(value);
    if (className) td.className = className;
    row.appendChild(td);
    return td;
  }

  const advice = (a) => a.mode + (a.cadence ? ' · ' + a.cadence + ' (' + a.cron + ')' : '');

  // The flow table is redrawn every few seconds: badges go back on each new row.
  function decorate() {
    for (const row of document.querySelectorAll('#flows tr[data-flow]')) {
      const reason = drift[row.dataset.flow];
      row.dataset.drift = reason ? 'true' : 'false';
      let badge = row.querySelector('.drift');
      if (!reason) {
        if (badge) badge.remove();
        continue;
      }
      if (!badge) {
        badge = document.createElement('span');
        badge.className = 'drift';
        row.children[2].appendChild(badge);
      }
      badge.textContent = 'drift';
      badge.title = reason;
    }
  }

  function renderPanel(flows) {
    const body = document.getElementById('assessment');
    body.replaceChildren();
    for (const f of flows) {
      const row = document.createElement('tr');
      row.dataset.flow = f.flow;
      row.dataset.drift = String(f.drift.drifting);
      cell(row, f.flow).title = f.dataFlow || '';
      cell(row, f.mode + (f.drift.drifting ? ' (drift)' : ''), f.drift.drifting ? 'drifting' : '');
      cell(row, advice(f.advice));
      cell(row, f.advice.reasons.join('; '), 'reason');
      cell(row, f.evidence.recordsPerDay, 'num');
      cell(row, f.evidence.keyChangesPerDay, 'num');
      cell(row, f.cost.realtime.apiCallsPerDay, 'num');
      cell(row, f.cost.realtimeMicroBatched.apiCallsPerDay, 'num');
      cell(row, f.cost.batch.apiCallsPerDay + ' (' + f.cost.batchCadence + ')', 'num');
      body.appendChild(row);
    }
  }

  async function download(path, name) {
    const response = await fetch(path, authorized());
    if (!response.ok) return;
    const link = document.createElement('a');
    link.href = URL.createObjectURL(await response.blob());
    link.download = name;
    link.click();
    URL.revokeObjectURL(link.href);
  }

  async function load() {
    if (document.getElementById('signed-in').hidden) return;
    try {
      const response = await fetch('api/assessment', authorized());
      if (!response.ok) return;
      const body = await response.json();
      drift = {};
      for (const f of body.flows) if (f.drift.drifting) drift[f.flow] = f.drift.reason;
      renderPanel(body.flows);
      decorate();
    } catch (e) {
      // the flow table already says when the API cannot be reached
    }
  }

  new MutationObserver(decorate).observe(document.getElementById('flows'), { childList: true });
  document.getElementById('assessment-csv').addEventListener('click', () => download('api/assessment/export.csv', 'syncline-assessment.csv'));
  document.getElementById('assessment-md').addEventListener('click', () => download('api/assessment/report.md', 'syncline-sync-reference-guide.md'));
  new MutationObserver(load).observe(document.getElementById('signed-in'), { attributes: true, attributeFilter: ['hidden'] });
  setInterval(load, REFRESH_MS);
  load();
})();
