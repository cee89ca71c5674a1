/** TLS helpers for the tunnel: self-signed certificates for tests and demos. */
package dev.portcullis.tunnel.tls;
