/** The agent side of the tunnel: dialing, handshake, reconnect policy and stream serving. */
package dev.portcullis.tunnel.agent;
