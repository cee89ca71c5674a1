/**
 * Terminals over WebSocket, speaking terminado's protocol (the one of Jupyter's {@code /terminals/websocket/<name>}):
 * the message codec, a PTY-backed terminal backend for the demo and the tests, and the WebSocket client of
 * {@code portcullis term}.
 */
package dev.portcullis.proxy.terminal;
