/** The proxy's internals: the front's handlers (validation, gate, launch), leases, TLS and admin. */
package dev.portcullis.proxy.internal;
