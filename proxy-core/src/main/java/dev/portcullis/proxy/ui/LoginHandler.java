package dev.portcullis.proxy.ui;

import static java.util.Objects.requireNonNull;

import dev.portcullis.proxy.auth.TokenClass;
import dev.portcullis.proxy.auth.TokenRejectedException;
import dev.portcullis.proxy.auth.TokenVerifier;
import dev.portcullis.proxy.auth.VerifiedToken;
import dev.portcullis.proxy.error.ErrorPages;
import dev.portcullis.proxy.error.ProxyError;
import dev.portcullis.registry.RegistryException;
import dev.portcullis.registry.SessionRegistry;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /.portcullis/login?token=<login JWT>}: swaps a single-use {@link TokenClass#LOGIN} token (a user, no
 * session) for the dashboard cookie and answers a 200 page that replaces itself with {@code /.portcullis/}.
 *
 * <p>Why a page and not a 303: the dashboard cookie is SameSite=Strict, and browsers treat every hop of a redirect
 * chain that began on another site (the control plane's link) as cross-site, so the Strict cookie would not ride on
 * the redirected request. The page's own navigation starts on our origin, so it does. The page shows no token, sends
 * {@code Referrer-Policy: no-referrer}, is never cached, and {@code location.replace} drops the token URL from the
 * history. Worker thread (the registry may block).
 *
 * <p>Immutable and thread-safe.
 */
final class LoginHandler implements HttpHandler {
    private static final Logger logger = LoggerFactory.getLogger(LoginHandler.class);

    private final TokenVerifier verifier;
    private final SessionRegistry registry;
    private final SignedInUser users;
    private final UiPages pages;
    private final ErrorPages errorPages;
    private final Clock clock;

    LoginHandler(TokenVerifier verifier, SessionRegistry registry, SignedInUser users, UiPages pages,
            ErrorPages errorPages, Clock clock) {
        this.verifier = requireNonNull(verifier, "verifier");
        this.registry = requireNonNull(registry, "registry");
        this.users = requireNonNull(users, "users");
        this.pages = requireNonNull(pages, "pages");
        this.errorPages = requireNonNull(errorPages, "errorPages");
        this.clock = requireNonNull(clock, "clock");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        if (!Requests.getOnWorker(this, exchange, errorPages, "login")) {
            return;
        }
        String raw = Requests.onlyParameter(exchange, "token");
        if (raw == null) {
            errorPages.send(exchange, ProxyError.SIGN_IN_REQUIRED, "login without exactly one token");
            return;
        }
        VerifiedToken token;
        try {
            token = verifier.verify(raw, TokenClass.LOGIN);
        } catch (TokenRejectedException e) {
            errorPages.send(exchange, ProxyError.SIGN_IN_REQUIRED, "login token rejected: " + e.getMessage());
            return;
        }
        try {
            // A login link from before a revocation of its user (or of itself) must not buy a fresh dashboard cookie.
            if (registry.revocations().find(token.tokenId(), token.subject(), null, token.issuedAt()).isPresent()) {
                errorPages.send(exchange, ProxyError.SIGN_IN_REQUIRED, "login token revoked");
                return;
            }
            if (!SingleUse.claim(registry, token.tokenId(), token.expiresAt(), clock)) {
                errorPages.send(exchange, ProxyError.SIGN_IN_REQUIRED, "login token replayed");
                return;
            }
        } catch (RegistryException e) {
            errorPages.send(exchange, ProxyError.REGISTRY_UNAVAILABLE, e.getMessage());
            return;
        }
        users.signIn(exchange, token.subject());
        logger.info("{} login: dashboard cookie issued for user {}", ErrorPages.requestId(exchange),
                TokenRejectedException.quote(token.subject()));
        UiPages.send(exchange, pages.login());
    }
}
