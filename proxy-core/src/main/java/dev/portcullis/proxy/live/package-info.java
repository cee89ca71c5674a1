/**
 * The live-connection table of one proxy node (every admitted HTTP exchange and WebSocket, with byte counts), and
 * what closes entries in it: revocations and kicks from the registry's event bus, and credential expiry.
 */
package dev.portcullis.proxy.live;
