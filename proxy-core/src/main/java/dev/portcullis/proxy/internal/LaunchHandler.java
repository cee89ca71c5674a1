package dev.portcullis.proxy.internal;

import static java.util.Objects.requireNonNull;

import dev.portcullis.proxy.auth.AppCookies;
import dev.portcullis.proxy.auth.TokenClass;
import dev.portcullis.proxy.auth.TokenRejectedException;
import dev.portcullis.proxy.auth.TokenVerifier;
import dev.portcullis.proxy.auth.VerifiedToken;
import dev.portcullis.proxy.error.ErrorPages;
import dev.portcullis.proxy.error.ProxyError;
import dev.portcullis.proxy.route.Route;
import dev.portcullis.proxy.route.SessionRouter;
import dev.portcullis.registry.RegistryException;
import dev.portcullis.registry.SessionId;
import dev.portcullis.registry.SessionRecord;
import dev.portcullis.registry.SessionRegistry;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /.portcullis/launch?token=<launch JWT>} on any host: swaps a single-use launch token for the proxy's
 * cookie scoped to one app (its path, or a {@code __Host-} cookie on its host), then 303s to the app without the token
 * in the URL. In subdomain mode a request on another host is first sent to the app's host (the jti is claimed only on
 * that final hop). Runs on a worker thread (the registry may block).
 *
 * <p>Immutable and thread-safe.
 */
public final class LaunchHandler implements HttpHandler {
    private static final Logger logger = LoggerFactory.getLogger(LaunchHandler.class);
    private static final HttpString REFERRER_POLICY = new HttpString("Referrer-Policy");
    /** A claimed jti is remembered at least this long after the token's expiry (covers clock skew). */
    private static final Duration JTI_GRACE = Duration.ofMinutes(2);

    private final TokenVerifier verifier;
    private final AppCookies cookies;
    private final SessionRegistry registry;
    private final SessionRouter router;
    private final ErrorPages errorPages;
    private final boolean secure;
    private final Duration cookieMaxAge;
    private final Clock clock;

    public LaunchHandler(TokenVerifier verifier, AppCookies cookies, SessionRegistry registry, SessionRouter router,
            ErrorPages errorPages, boolean secure, Duration cookieMaxAge, Clock clock) {
        this.verifier = requireNonNull(verifier, "verifier");
        this.cookies = requireNonNull(cookies, "cookies");
        this.registry = requireNonNull(registry, "registry");
        this.router = requireNonNull(router, "router");
        this.errorPages = requireNonNull(errorPages, "errorPages");
        this.secure = secure;
        this.cookieMaxAge = requireNonNull(cookieMaxAge, "cookieMaxAge");
        this.clock = requireNonNull(clock, "clock");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        if (exchange.isInIoThread()) {
            exchange.dispatch(this);
            return;
        }
        String id = ErrorPages.requestId(exchange);
        if (!exchange.getRequestMethod().equals(Methods.GET)) {
            errorPages.send(exchange, ProxyError.METHOD_NOT_ALLOWED, "launch is GET only");
            return;
        }
        Deque<String> tokens = exchange.getQueryParameters().get("token");
        if (tokens == null || tokens.size() != 1) {
            errorPages.send(exchange, ProxyError.UNAUTHORIZED, "launch without exactly one token");
            return;
        }
        String raw = tokens.getFirst();
        VerifiedToken token;
        try {
            token = verifier.verify(raw, TokenClass.LAUNCH);
        } catch (TokenRejectedException e) {
            errorPages.send(exchange, ProxyError.UNAUTHORIZED, "launch token rejected: " + e.getMessage());
            return;
        }
        SessionId sid = SessionId.parseOrNull(token.sessionId());
        try {
            // A launch token issued before a revocation must not buy a cookie issued after it.
            var revoked = registry.revocations().find(token.tokenId(), token.subject(), sid, token.issuedAt());
            if (revoked.isPresent()) {
                errorPages.send(exchange, ProxyError.UNAUTHORIZED, "launch token revoked (" + revoked.get().kind() + ")");
                return;
            }
            SessionRecord session = sid == null ? null : registry.session(sid).orElse(null);
            if (session == null || !session.owner().equals(token.subject()) || session.app(token.app()).isEmpty()) {
                errorPages.send(exchange, ProxyError.NOT_FOUND, "launch for an unknown session/app or another owner");
                return;
            }
            var appHost = router.appHost(sid, token.app());
            String hostName = Exchanges.hostName(exchange);
            if (appHost.isPresent() && !appHost.get().equals(hostName)) {
                // Hop to the app's own host first, so that its __Host- cookie is set there; the jti stays unclaimed.
                redirect(exchange, exchange.getRequestScheme() + "://" + appHost.get() + Exchanges.hostPortSuffix(exchange)
                        + FrontHandler.LAUNCH_PATH + "?token=" + URLEncoder.encode(raw, StandardCharsets.US_ASCII));
                return;
            }
            Duration ttl = Duration.between(clock.instant(), token.expiresAt()).plus(JTI_GRACE);
            if (!registry.claimTokenId(token.tokenId(), ttl.isNegative() ? JTI_GRACE : ttl)) {
                errorPages.send(exchange, ProxyError.UNAUTHORIZED, "launch token replayed");
                return;
            }
        } catch (RegistryException e) {
            errorPages.send(exchange, ProxyError.REGISTRY_UNAVAILABLE, e.getMessage());
            return;
        }
        String path = setAppCookie(exchange, token.subject(), sid, token.app());
        logger.info("{} launch: session {} app {} cookie issued", id, sid, token.app());
        redirect(exchange, path);
    }

    /**
     * Adds the Set-Cookie of the app cookie for {@code subject} on {@code sid}/{@code app} (the caller has checked
     * that the registry says the subject owns it) and returns the app's URL path to redirect to. Also used by the
     * dashboard's open endpoint.
     */
    public String setAppCookie(HttpServerExchange exchange, String subject, SessionId sid, String app) {
        boolean subdomain = router.subdomainMode();
        String name = AppCookies.cookieName(sid.value(), app, subdomain, secure);
        String path = subdomain ? "/" : Route.pathPrefix(sid, app);
        String value = cookies.issue(subject, sid.value(), app, cookieMaxAge);
        StringBuilder cookie = new StringBuilder(name).append('=').append(value)
                .append("; Path=").append(path)
                .append("; Max-Age=").append(cookieMaxAge.toSeconds())
                .append("; HttpOnly; SameSite=Lax");
        if (secure) {
            cookie.append("; Secure");
        }
        exchange.getResponseHeaders().add(Headers.SET_COOKIE, cookie.toString());
        return path;
    }

    private static void redirect(HttpServerExchange exchange, String location) {
        exchange.setStatusCode(StatusCodes.SEE_OTHER);
        exchange.getResponseHeaders().put(Headers.LOCATION, location);
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        exchange.getResponseHeaders().put(REFERRER_POLICY, "no-referrer");
        exchange.endExchange();
    }
}
