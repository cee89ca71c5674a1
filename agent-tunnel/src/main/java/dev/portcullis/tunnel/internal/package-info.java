/** Shared internals of both roles (HTTP/2 codec setup, handshake lines, liveness). Not API. */
package dev.portcullis.tunnel.internal;
