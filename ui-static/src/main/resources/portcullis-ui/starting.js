// The "starting" page: polls the app's status endpoint (same gate, same cookie) with backoff and reloads the page,
// which then reaches the app, once the app answers.
'use strict';
(function () {
  const main = document.getElementById('starting');
  const statusEl = document.getElementById('starting-status');
  const statusUrl = main.dataset.statusUrl;
  let delay = 1000;
  let timer = null;

  function show(state, text) {
    statusEl.dataset.state = state;
    statusEl.textContent = text;
  }

  function poll() {
    clearTimeout(timer);
    fetch(statusUrl, { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } })
      .then(function (response) {
        if (response.status === 401 || response.status === 403 || response.status === 404) {
          show('closed', 'You no longer have access to this session. Open it again from your dashboard.');
          return null;
        }
        return response.json();
      })
      .then(function (body) {
        if (body === null) {
          return;
        }
        if (body.state === 'ready') {
          show('ready', 'Ready. Opening\u2026');
          location.reload();
          return;
        }
        later(body.state === 'agent-offline' ? 'The compute node is not connected yet.' : 'The app is still starting.');
      })
      .catch(function () {
        later('The proxy is not reachable.');
      });
  }

  function later(why) {
    const seconds = Math.max(1, Math.round(delay / 1000));
    show('starting', why + ' Checking again in ' + seconds + ' s.');
    timer = setTimeout(poll, delay);
    delay = Math.min(10000, Math.round(delay * 1.5));
  }

  document.getElementById('starting-retry').addEventListener('click', function (event) {
    event.preventDefault();
    delay = 1000;
    poll();
  });
  poll();
})();
