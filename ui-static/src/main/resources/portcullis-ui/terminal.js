// The terminal page: xterm.js attached to a session's terminal WebSocket (terminado protocol) through the proxy.
// The page lives at <app base>.portcullis/terminal (the app's own path or host), so the app cookie rides along on the
// WebSocket and its Origin is the app's own. Query: ws=<path under the app base> (default terminals/websocket/1).
'use strict';
(function () {
  const MARKER = '.portcullis/terminal';
  const statusEl = document.getElementById('term-status');
  const copyBtn = document.getElementById('term-copy');
  const pasteBtn = document.getElementById('term-paste');
  const reconnectBtn = document.getElementById('term-reconnect');

  function setState(state, text) {
    statusEl.dataset.state = state;
    statusEl.textContent = text;
    document.body.dataset.state = state;
    reconnectBtn.hidden = state !== 'closed';
  }

  const path = location.pathname;
  const base = path.endsWith(MARKER) ? path.slice(0, -MARKER.length) : '/';
  const wsPath = new URLSearchParams(location.search).get('ws') || 'terminals/websocket/1';
  if (!/^[A-Za-z0-9_~-][A-Za-z0-9._~-]*(\/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*$/.test(wsPath)) {
    setState('closed', 'The link names no valid terminal (ws=' + wsPath.slice(0, 60) + ').');
    reconnectBtn.hidden = true;
    return;
  }
  const wsUrl = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + base + wsPath;
  const statusUrl = base + '.portcullis/status';

  const term = new Terminal({
    cursorBlink: true,
    rendererType: 'dom',
    scrollback: 5000,
    fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
    fontSize: 14,
    theme: { background: '#101316', foreground: '#e8eaed' }
  });
  const fit = new FitAddon.FitAddon();
  term.loadAddon(fit);
  term.open(document.getElementById('terminal'));
  fit.fit();
  if (document.fonts && document.fonts.ready) {
    // The first fit may have measured a fallback font.
    document.fonts.ready.then(function () { fit.fit(); });
  }
  term.focus();

  let ws = null;
  let attempt = 0;
  let timer = null;
  let processEnded = false;
  let everConnected = false;

  function send(message) {
    if (ws && ws.readyState === WebSocket.OPEN) {
      ws.send(JSON.stringify(message));
    }
  }

  function sendSize() {
    send(['set_size', term.rows, term.cols, window.innerHeight, window.innerWidth]);
  }

  function connect() {
    clearTimeout(timer);
    processEnded = false;
    if (attempt === 0) {
      setState('connecting', 'Connecting\u2026');
    }
    const socket = new WebSocket(wsUrl);
    ws = socket;
    socket.onopen = function () {
      if (everConnected) {
        term.write('\r\n\x1b[2m[reconnected]\x1b[0m\r\n');
      }
      everConnected = true;
      attempt = 0;
      setState('connected', 'Connected');
      sendSize();
    };
    socket.onmessage = function (event) {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      if (!Array.isArray(message)) {
        return;
      }
      if (message[0] === 'stdout' && typeof message[1] === 'string') {
        term.write(message[1]);
      } else if (message[0] === 'disconnect') {
        processEnded = true;
      }
    };
    socket.onclose = function (event) {
      if (ws !== socket) {
        return;
      }
      ws = null;
      closed(event);
    };
  }

  function closed(event) {
    if (processEnded) {
      setState('closed', 'The terminal session ended. Reconnect to start a new one.');
      return;
    }
    if (event.code === 1008 || (event.code >= 4000 && event.code < 5000)) {
      setState('closed', 'Closed by the server' + (event.reason ? ': ' + event.reason : '') + '. Not reconnecting.');
      return;
    }
    // A refused upgrade shows up as 1006 without its status: ask the status endpoint (same cookie) why.
    fetch(statusUrl, { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } })
      .then(function (response) {
        if (response.status === 401) {
          setState('closed', 'Your access to this session expired or was revoked. Open it again from your dashboard.');
        } else if (response.status === 403 || response.status === 404) {
          setState('closed', 'This session or app does not exist, or it is not yours.');
        } else {
          scheduleReconnect(response.status === 200 ? 'Connection lost.' : 'The app is not answering yet.');
        }
      })
      .catch(function () {
        scheduleReconnect('The proxy is not reachable.');
      });
  }

  function scheduleReconnect(why) {
    attempt++;
    // Full-jitter exponential backoff: 0.25 s + random(0, min(30 s, 0.5 s * 2^attempt)).
    const delay = 250 + Math.floor(Math.random() * Math.min(30000, 500 * Math.pow(2, attempt)));
    setState('reconnecting', why + ' Reconnecting in ' + Math.max(1, Math.round(delay / 1000)) + ' s (attempt ' + attempt + ')\u2026');
    timer = setTimeout(connect, delay);
  }

  function copySelection() {
    const text = term.getSelection();
    if (!text) {
      return;
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).catch(function () { copyFallback(text); });
    } else {
      copyFallback(text);
    }
  }

  function copyFallback(text) {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    try {
      document.execCommand('copy');
    } finally {
      document.body.removeChild(area);
      term.focus();
    }
  }

  function pasteClipboard() {
    if (navigator.clipboard && navigator.clipboard.readText) {
      navigator.clipboard.readText().then(function (text) { term.paste(text); term.focus(); }).catch(function () {
        setState(statusEl.dataset.state, statusEl.textContent + ' (Paste: allow clipboard access, or use Ctrl+Shift+V.)');
      });
    }
  }

  term.attachCustomKeyEventHandler(function (event) {
    if (event.type !== 'keydown' || !event.ctrlKey || !event.shiftKey) {
      return true;
    }
    if (event.code === 'KeyC') {
      copySelection();
      event.preventDefault();
      return false;
    }
    if (event.code === 'KeyV') {
      // Not handled by xterm: the browser's own paste event reaches xterm's textarea and is sent as input.
      return false;
    }
    if (event.code === 'KeyE') {
      copyBtn.focus();
      event.preventDefault();
      return false;
    }
    return true;
  });

  term.onData(function (data) { send(['stdin', data]); });
  term.onResize(function () { sendSize(); });
  let resizeTimer = null;
  window.addEventListener('resize', function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () { fit.fit(); }, 100);
  });
  copyBtn.addEventListener('click', copySelection);
  pasteBtn.addEventListener('click', pasteClipboard);
  reconnectBtn.addEventListener('click', function () {
    attempt = 0;
    connect();
    term.focus();
  });

  // For people and tests: the visible text, and the connection state.
  window.portcullisTerminal = {
    terminal: term,
    state: function () { return statusEl.dataset.state; },
    text: function () {
      const buffer = term.buffer.active;
      const lines = [];
      for (let i = 0; i < buffer.length; i++) {
        lines.push(buffer.getLine(i).translateToString(true));
      }
      return lines.join('\n');
    }
  };

  connect();
})();
