// The admin page: calls the admin API (docs: admin-api.md) with fetch + Authorization: Bearer. The token lives in
// sessionStorage (this tab only); no cookies. Every value from the API is written with textContent, never as HTML.
'use strict';
(function () {
  const KEY = 'portcullis-admin-token';
  const $ = (id) => document.getElementById(id);
  let timer = null;

  function token() { return sessionStorage.getItem(KEY) || ''; }

  function status(text, isError) {
    const el = $('admin-status');
    el.textContent = text;
    el.className = isError ? 'notice error' : 'muted';
  }

  async function api(method, path, body) {
    const headers = { 'Accept': 'application/json', 'Authorization': 'Bearer ' + token() };
    const init = { method: method, headers: headers, cache: 'no-store', credentials: 'omit' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const response = await fetch(path, init);
    let json = null;
    try { json = await response.json(); } catch (e) { json = null; }
    if (!response.ok) {
      const message = json && json.message ? json.message : response.statusText;
      const error = new Error(response.status + ' ' + message);
      error.status = response.status;
      throw error;
    }
    return json;
  }

  function cell(row, text, className) {
    const td = document.createElement('td');
    td.textContent = text === undefined || text === null ? '' : String(text);
    if (className) { td.className = className; }
    row.appendChild(td);
    return td;
  }

  function button(label, ariaLabel, onClick) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'secondary';
    b.textContent = label;
    b.setAttribute('aria-label', ariaLabel);
    b.addEventListener('click', onClick);
    return b;
  }

  function empty(body, columns, text) {
    const row = document.createElement('tr');
    const td = cell(row, text, 'muted');
    td.colSpan = columns;
    body.appendChild(row);
  }

  function since(iso) {
    const t = Date.parse(iso);
    if (isNaN(t)) { return iso || ''; }
    const s = Math.max(0, Math.round((Date.now() - t) / 1000));
    const ago = s < 60 ? s + ' s' : s < 3600 ? Math.round(s / 60) + ' min' : Math.round(s / 3600) + ' h';
    return new Date(t).toLocaleTimeString() + ' (' + ago + ' ago)';
  }

  async function kick(body, what) {
    let message;
    let failed = false;
    try {
      const result = await api('POST', '/admin/api/kick', body);
      message = 'Kicked ' + what + ': ' + (result && result.closed !== undefined ? result.closed : 0) + ' connection(s) closed on this node.';
    } catch (e) {
      message = 'Kick failed: ' + e.message;
      failed = true;
    }
    await refresh();
    status(message, failed);
  }

  function renderConnections(list) {
    const body = $('connections-body');
    body.replaceChildren();
    if (!list.length) { empty(body, 9, 'No live connections.'); return; }
    for (const c of list) {
      const row = document.createElement('tr');
      row.dataset.connection = c.id;
      cell(row, c.user); cell(row, c.session); cell(row, c.app); cell(row, c.kind); cell(row, since(c.since));
      cell(row, c.bytesIn, 'num'); cell(row, c.bytesOut, 'num'); cell(row, c.remote);
      cell(row, '').appendChild(button('Kick', 'Kick connection ' + c.id + ' of ' + c.user,
        () => kick({ connection: c.id }, 'connection ' + c.id)));
      body.appendChild(row);
    }
  }

  function renderSessions(list) {
    const body = $('sessions-body');
    body.replaceChildren();
    if (!list.length) { empty(body, 5, 'No sessions.'); return; }
    for (const s of list) {
      const row = document.createElement('tr');
      row.dataset.session = s.id;
      cell(row, s.id); cell(row, s.owner); cell(row, s.agent);
      cell(row, (s.apps || []).map((a) => a.name + ' (' + a.kind + ', port ' + a.port + ')').join(', '));
      cell(row, '').appendChild(button('Kick', 'Kick every connection of session ' + s.id,
        () => kick({ session: s.id }, 'session ' + s.id)));
      body.appendChild(row);
    }
  }

  function renderTunnels(list) {
    const body = $('tunnels-body');
    body.replaceChildren();
    if (!list.length) { empty(body, 4, 'No agent is connected to this node.'); return; }
    for (const t of list) {
      const row = document.createElement('tr');
      cell(row, t.agent); cell(row, t.node); cell(row, since(t.since)); cell(row, t.streams, 'num');
      body.appendChild(row);
    }
  }

  async function refresh() {
    if (!token()) { status('Enter an admin token to load the tables.'); return; }
    try {
      const [connections, sessions, tunnels] = await Promise.all([
        api('GET', '/admin/api/connections'), api('GET', '/admin/api/sessions'), api('GET', '/admin/api/tunnels')]);
      renderConnections(connections.connections || []);
      renderSessions(sessions.sessions || []);
      renderTunnels(tunnels.tunnels || []);
      status('Updated ' + new Date().toLocaleTimeString() + '.');
    } catch (e) {
      const why = e.status === 401 ? 'The admin token was refused (401). Enter a valid admin token.'
        : e.status === 404 ? 'This proxy does not serve the admin API (404): ' + e.message
        : 'Loading failed: ' + e.message;
      status(why, true);
    }
  }

  function schedule() {
    if (timer) { clearInterval(timer); timer = null; }
    if ($('admin-auto').checked) { timer = setInterval(refresh, 5000); }
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('token-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const value = $('admin-token').value.trim();
      if (value) { sessionStorage.setItem(KEY, value); }
      $('admin-token').value = '';
      refresh();
    });
    $('admin-token-forget').addEventListener('click', () => {
      sessionStorage.removeItem(KEY);
      for (const id of ['connections-body', 'sessions-body', 'tunnels-body']) { $(id).replaceChildren(); }
      status('Token forgotten.');
    });
    $('admin-refresh').addEventListener('click', refresh);
    $('admin-auto').addEventListener('change', schedule);
    schedule();
    refresh();
  });
})();
