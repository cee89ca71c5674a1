// Portcullis override for Jupyter (demo and browser tests): the notebook's terminado client, for the xterm.js 4 API
// (onData/loadAddon instead of 3.x's on('data')/applyAddon). The DOM renderer keeps the text readable by the test.
define(['portcullis-xterm', 'portcullis-xterm-fit'], function (xterm, fitAddon) {
    'use strict';
    function make_terminal(element, ws_url) {
        var ws = new WebSocket(ws_url);
        var term = new xterm.Terminal({rendererType: 'dom'});
        var fit = new fitAddon.FitAddon();
        term.loadAddon(fit);
        term.fit = function () { fit.fit(); };
        ws.onopen = function () {
            term.onData(function (data) { ws.send(JSON.stringify(['stdin', data])); });
            term.onTitleChange(function (title) { document.title = title; });
            term.open(element);
            term.fit();
            ws.send(JSON.stringify(['set_size', term.rows, term.cols, window.innerHeight, window.innerWidth]));
            ws.onmessage = function (event) {
                var message = JSON.parse(event.data);
                if (message[0] === 'stdout') {
                    term.write(message[1]);
                } else if (message[0] === 'disconnect') {
                    term.write('\r\n\r\n[CLOSED]\r\n');
                }
            };
        };
        return {socket: ws, term: term};
    }
    return {make_terminal: make_terminal};
});
