// Keeps the dashboard's app states current without a reload: every 10 s it reads /.portcullis/api/sessions (same
// origin, the dashboard cookie rides along) and updates each app's badge and Open button. Values are written with
// textContent only. Sessions that appear or disappear need a reload (the page says so).
'use strict';
(function () {
  const LABELS = { ready: 'Ready', starting: 'Starting', offline: 'Agent offline' };
  let shownChange = false;

  async function refresh() {
    let data;
    try {
      const response = await fetch('/.portcullis/api/sessions', { headers: { 'Accept': 'application/json' }, cache: 'no-store' });
      if (!response.ok) { return; }
      data = await response.json();
    } catch (e) {
      return;
    }
    let known = 0;
    for (const session of data.sessions || []) {
      for (const app of session.apps || []) {
        const id = session.id + '-' + app.name;
        const item = document.getElementById('app-' + id);
        if (!item) { continue; }
        known++;
        if (item.dataset.state === app.state || !LABELS[app.state]) { continue; }
        item.dataset.state = app.state;
        const badge = document.getElementById('state-' + id);
        badge.className = 'badge ' + app.state;
        badge.textContent = LABELS[app.state];
        document.getElementById('open-' + id).disabled = app.state === 'offline';
      }
    }
    const rendered = document.querySelectorAll('li[data-state]').length;
    if (known !== rendered && !shownChange) {
      shownChange = true;
      const note = document.getElementById('dashboard-changed');
      note.hidden = false;
    }
  }

  document.addEventListener('DOMContentLoaded', () => { setInterval(refresh, 10000); });
})();
