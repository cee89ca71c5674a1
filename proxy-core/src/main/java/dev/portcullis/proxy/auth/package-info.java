/**
 * The gate's token code: verifying launch, access and agent JWTs ({@link dev.portcullis.proxy.auth.TokenVerifier}),
 * minting them ({@link dev.portcullis.proxy.auth.TokenMinter}), and the proxy's own per-app session cookie
 * ({@link dev.portcullis.proxy.auth.AppCookies}). Nothing here does I/O on a verification path: keys live in memory.
 * Parameters and return values are non-null unless documented otherwise.
 */
package dev.portcullis.proxy.auth;
