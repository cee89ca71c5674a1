/** The proxy side of the tunnel: listener pipeline, agent handshake, proxy-side tunnels and streams. */
package dev.portcullis.tunnel.server;
