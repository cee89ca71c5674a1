package dev.portcullis.proxy.ui;

import static java.util.Objects.requireNonNull;

import dev.portcullis.proxy.auth.UserCookies;
import dev.portcullis.proxy.error.ErrorPages;
import dev.portcullis.proxy.error.ProxyError;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Methods;
import java.util.Optional;

/**
 * {@code POST /.portcullis/logout} (form: {@code csrf}): same-origin and CSRF-checked like Open, removes the dashboard
 * cookie and 303s to the dashboard (which then asks to sign in). App cookies are untouched: they are scoped to their
 * apps and expire by themselves. Immutable and thread-safe; CPU only.
 */
final class LogoutHandler implements HttpHandler {
    private final SignedInUser users;
    private final ErrorPages errorPages;

    LogoutHandler(SignedInUser users, ErrorPages errorPages) {
        this.users = requireNonNull(users, "users");
        this.errorPages = requireNonNull(errorPages, "errorPages");
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        if (!exchange.getRequestMethod().equals(Methods.POST)) {
            errorPages.send(exchange, ProxyError.METHOD_NOT_ALLOWED, "logout is POST only");
            return;
        }
        Optional<UserCookies.UserClaims> user = users.of(exchange);
        if (user.isEmpty()) {
            Redirects.seeOther(exchange, UserCookies.PATH);
            return;
        }
        String crossSite = SameOrigin.problem(exchange);
        if (crossSite != null) {
            errorPages.send(exchange, ProxyError.FORBIDDEN, "logout refused: " + crossSite);
            return;
        }
        FormBody.read(exchange, fields -> {
            if (!users.isCsrfToken(user.get(), fields.get("csrf"))) {
                errorPages.send(exchange, ProxyError.FORBIDDEN, "logout refused: missing or wrong CSRF token");
                return;
            }
            users.signOut(exchange);
            Redirects.seeOther(exchange, UserCookies.PATH);
        }, (ex, reason) -> errorPages.send(ex, ProxyError.BAD_REQUEST, "logout: " + reason));
    }
}
