/** Forwarding of admitted requests into agent tunnels: headers, HTTP exchanges and WebSocket upgrades. */
package dev.portcullis.proxy.forward;
