package dev.portcullis.proxy.internal;

import static java.util.Objects.requireNonNull;

import dev.portcullis.proxy.auth.AppCookies;
import dev.portcullis.proxy.auth.TokenClass;
import dev.portcullis.proxy.auth.TokenRejectedException;
import dev.portcullis.proxy.auth.TokenVerifier;
import dev.portcullis.proxy.auth.VerifiedToken;
import dev.portcullis.proxy.error.ErrorPages;
import dev.portcullis.proxy.error.ProxyError;
import dev.portcullis.proxy.forward.Admission;
import dev.portcullis.proxy.forward.WebSocketForwarder;
import dev.portcullis.proxy.live.Credential;
import dev.portcullis.proxy.route.Route;
import dev.portcullis.registry.AppSpec;
import dev.portcullis.registry.RegistryException;
import dev.portcullis.registry.Revocation;
import dev.portcullis.registry.SessionRecord;
import dev.portcullis.registry.SessionRegistry;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.util.Optional;

/**
 * The gate for session requests: BEFORE any tunnel stream opens, checks
 * the credential (a bearer ACCESS token in Authorization or, for a WebSocket upgrade, in Sec-WebSocket-Protocol
 * ({@link SubprotocolToken}); else the proxy's cookie for this session and app; never a query parameter), that its session and app
 * are the route's, and that the registry's owner of the session is its subject. Every mismatch, unknown session or
 * unknown app is the same 404 (no oracle); a missing, invalid or revoked credential is 401. Then removes the proxy's own
 * credentials from the request and hands it to {@code next} on the I/O thread with an {@link Admission}.
 *
 * <p>Threads: the gate runs on a worker thread whenever it might block or spend long on the CPU: a registry whose reads
 * block (Redis), or a bearer token the verifier has not verified recently (a signature check). Otherwise (the registry
 * in memory, and a remembered bearer token or a cookie, whose HMAC is cheap) it runs on the I/O thread itself, which
 * saves two thread hand-offs per request (BENCHMARKS.md, "Profiles").
 *
 * <p>Immutable and thread-safe.
 */
public final class GateHandler implements HttpHandler {
    private static final String BEARER = "bearer ";

    private final TokenVerifier verifier;
    private final AppCookies cookies;
    private final SessionRegistry registry;
    private final ErrorPages errorPages;
    private final boolean subdomainMode;
    private final boolean secure;
    private final HttpHandler next;

    public GateHandler(TokenVerifier verifier, AppCookies cookies, SessionRegistry registry, ErrorPages errorPages,
            boolean subdomainMode, boolean secure, HttpHandler next) {
        this.verifier = requireNonNull(verifier, "verifier");
        this.cookies = requireNonNull(cookies, "cookies");
        this.registry = requireNonNull(registry, "registry");
        this.errorPages = requireNonNull(errorPages, "errorPages");
        this.subdomainMode = subdomainMode;
        this.secure = secure;
        this.next = requireNonNull(next, "next");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (exchange.isInIoThread() && !quickOnIoThread(exchange)) {
            exchange.dispatch(this);
            return;
        }
        Route route = requireNonNull(exchange.getAttachment(Exchanges.ROUTE), "route");
        String sid = route.session().value();
        String bearer = bearerToken(exchange);
        // Taken (and stripped) on every request, so the app never sees it whatever credential admits the request.
        String subprotocolBearer = SubprotocolToken.take(exchange.getRequestHeaders());
        boolean bearerInAuthorization = bearer != null;
        if (bearer == null && WebSocketForwarder.isUpgradeRequest(exchange)) {
            bearer = subprotocolBearer;
        }
        String subject = null;
        Credential credential = null;
        boolean byCookie = false;
        AppCookies.CookieClaims cookie = null;
        String rejection = "no credentials";
        if (bearer != null) {
            try {
                VerifiedToken token = verifier.verify(bearer, TokenClass.ACCESS);
                if (!sid.equals(token.sessionId()) || !route.app().equals(token.app())) {
                    errorPages.send(exchange, ProxyError.NOT_FOUND, "token is for another session or app");
                    return;
                }
                subject = token.subject();
                credential = new Credential(subject, token.tokenId(), token.issuedAt(), token.expiresAt());
                if (bearerInAuthorization) {
                    // Ours: it never reaches the app.
                    exchange.getRequestHeaders().remove(Headers.AUTHORIZATION);
                }
            } catch (TokenRejectedException e) {
                rejection = "bearer token rejected: " + e.getMessage();
            }
        }
        if (subject == null) {
            String name = AppCookies.cookieName(sid, route.app(), route.mode() == Route.Mode.SUBDOMAIN && subdomainMode, secure);
            Optional<AppCookies.CookieClaims> claims = CookieHeader.value(exchange.getRequestHeaders(), name).flatMap(cookies::verify);
            if (claims.isPresent()) {
                if (!sid.equals(claims.get().sessionId()) || !route.app().equals(claims.get().app())) {
                    errorPages.send(exchange, ProxyError.NOT_FOUND, "cookie is for another session or app");
                    return;
                }
                subject = claims.get().subject();
                // A live connection outlives the cookie value it opened with (the cookie slides while the user is
                // active); it ends at the login's absolute cap, or earlier by revocation.
                AppCookies.CookieClaims c = claims.get();
                credential = new Credential(subject, c.id(), c.issuedAt(),
                        c.loginAt() == null ? c.expiresAt() : c.loginAt().plus(cookies.absoluteTimeout()));
                byCookie = true;
                cookie = claims.get();
            } else if (bearer == null && CookieHeader.value(exchange.getRequestHeaders(), name).isPresent()) {
                rejection = "cookie invalid or expired";
            }
        }
        if (subject == null) {
            errorPages.send(exchange, ProxyError.UNAUTHORIZED, rejection);
            return;
        }
        SessionRecord session;
        try {
            Optional<Revocation> revoked = registry.revocations()
                    .find(credential.tokenId(), subject, route.session(), credential.issuedAt());
            if (revoked.isPresent()) {
                errorPages.send(exchange, ProxyError.UNAUTHORIZED, "credential revoked (" + revoked.get().kind() + ")");
                return;
            }
            session = registry.session(route.session()).orElse(null);
        } catch (RegistryException e) {
            errorPages.send(exchange, ProxyError.REGISTRY_UNAVAILABLE, e.getMessage());
            return;
        }
        Optional<AppSpec> app = session == null ? Optional.empty() : session.app(route.app());
        if (session == null || !session.owner().equals(subject) || app.isEmpty()) {
            // The same answer for all three: a token holder learns nothing about other people's sessions.
            errorPages.send(exchange, ProxyError.NOT_FOUND, session == null ? "unknown session"
                    : app.isEmpty() ? "unknown app" : "subject is not the session's owner");
            return;
        }
        if (cookie != null) {
            // Sliding lifetime: an active user's cookie is re-issued past half its idle timeout (same login id).
            String name = AppCookies.cookieName(sid, route.app(), route.mode() == Route.Mode.SUBDOMAIN && subdomainMode, secure);
            cookies.refresh(cookie).ifPresent(c -> SetCookieHeader.add(exchange, name, route.prefix(), c, secure));
        }
        CookieHeader.stripProxyCookies(exchange.getRequestHeaders());
        new Admission(route, session, app.get(), byCookie).attachTo(exchange);
        credential.attachTo(exchange);
        if (exchange.isInIoThread()) {
            next.handleRequest(exchange);
        } else {
            exchange.dispatch(exchange.getIoThread(), next);
        }
    }

    /** Whether the whole check is map lookups and at most an HMAC (see the class comment). */
    private boolean quickOnIoThread(HttpServerExchange exchange) {
        if (registry.readsBlock()) {
            return false;
        }
        String bearer = bearerToken(exchange);
        if (bearer == null && WebSocketForwarder.isUpgradeRequest(exchange)) {
            bearer = SubprotocolToken.peek(exchange.getRequestHeaders());
        }
        return bearer == null || verifier.remembered(bearer, TokenClass.ACCESS).isPresent();
    }

    /** The bearer token of the Authorization header, or null if there is none (the admin API reads it too). */
    public static String bearerToken(HttpServerExchange exchange) {
        String auth = exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
        if (auth == null || auth.length() <= BEARER.length() || !auth.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        return auth.substring(BEARER.length()).trim();
    }
}
