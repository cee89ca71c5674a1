/** TLS helpers for the tunnel: the engine choice (native or JDK), self-signed certificates for tests and demos. */
package dev.portcullis.tunnel.tls;
