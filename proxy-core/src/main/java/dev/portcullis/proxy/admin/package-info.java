/**
 * The admin API on the admin listener (docs/ARCHITECTURE.md, "Admin API"): sessions, tunnels, live connections, kick
 * and revoke, behind an ADMIN-class bearer token.
 */
package dev.portcullis.proxy.admin;
