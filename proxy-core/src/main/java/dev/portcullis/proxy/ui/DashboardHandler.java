package dev.portcullis.proxy.ui;

import static java.util.Objects.requireNonNull;

import dev.portcullis.proxy.auth.UserCookies;
import dev.portcullis.proxy.error.ErrorPages;
import dev.portcullis.proxy.error.ProxyError;
import dev.portcullis.proxy.internal.Exchanges;
import dev.portcullis.registry.RegistryException;
import dev.portcullis.registry.SessionRecord;
import dev.portcullis.registry.SessionRegistry;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.SameThreadExecutor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The signed-in user's sessions: {@code GET /.portcullis/} (HTML) and {@code GET /.portcullis/api/sessions} (JSON).
 * Only sessions whose registry owner is the dashboard cookie's user are listed (and probed). Each app's state comes
 * from {@link AppStates}: the agent's lease, then a probe of the app through the tunnel. The registry is read on a
 * worker thread; while probes are in flight no thread waits, and the answer is written on the I/O thread.
 *
 * <p>Immutable and thread-safe.
 */
final class DashboardHandler implements HttpHandler {
    private final SessionRegistry registry;
    private final AppStates states;
    private final SignedInUser users;
    private final UiPages pages;
    private final ErrorPages errorPages;
    private final boolean json;

    DashboardHandler(SessionRegistry registry, AppStates states, SignedInUser users, UiPages pages,
            ErrorPages errorPages, boolean json) {
        this.registry = requireNonNull(registry, "registry");
        this.states = requireNonNull(states, "states");
        this.users = requireNonNull(users, "users");
        this.pages = requireNonNull(pages, "pages");
        this.errorPages = requireNonNull(errorPages, "errorPages");
        this.json = json;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        if (exchange.isInIoThread()) {
            exchange.dispatch(this);
            return;
        }
        if (!exchange.getRequestMethod().equals(Methods.GET) && !exchange.getRequestMethod().equals(Methods.HEAD)) {
            errorPages.send(exchange, ProxyError.METHOD_NOT_ALLOWED, "the dashboard is GET only");
            return;
        }
        Optional<UserCookies.UserClaims> user = users.of(exchange);
        if (user.isEmpty()) {
            errorPages.send(exchange, ProxyError.SIGN_IN_REQUIRED, "dashboard without a valid dashboard cookie");
            return;
        }
        CompletableFuture<List<DashboardView.Row>> rows;
        try {
            UserCookies.UserClaims claims = user.get();
            if (registry.revocations().find(claims.id(), claims.subject(), null, claims.issuedAt()).isPresent()) {
                errorPages.send(exchange, ProxyError.SIGN_IN_REQUIRED, "dashboard cookie revoked");
                return;
            }
            String host = exchange.getRequestHeaders().getFirst(Headers.HOST);
            rows = states.of(sessions(user.get().subject()), exchange.getRequestScheme(), host == null ? "" : host,
                    Exchanges.hostPortSuffix(exchange));
        } catch (RegistryException e) {
            errorPages.send(exchange, ProxyError.REGISTRY_UNAVAILABLE, e.getMessage());
            return;
        }
        if (rows.isDone()) {
            send(exchange, user.get(), rows.join());
            return;
        }
        // Probes in flight: the exchange stays open and no thread waits; the page goes out on the I/O thread.
        exchange.dispatch(SameThreadExecutor.INSTANCE, () -> rows.whenComplete((done, failure) ->
                exchange.getIoThread().execute(() -> send(exchange, user.get(), done))));
    }

    private void send(HttpServerExchange exchange, UserCookies.UserClaims user, List<DashboardView.Row> rows) {
        if (json) {
            UiPages.pageHeaders(exchange);
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
            exchange.getResponseSender().send(DashboardView.json(user.subject(), rows), StandardCharsets.UTF_8);
        } else {
            String csrf = users.csrfToken(user);
            String html = pages.dashboard(user.subject(), csrf, DashboardView.html(rows, csrf));
            // The Open and Sign-out forms then carry a real Origin for browsers without Sec-Fetch-Site (no secret in
            // this page's URL; requests to other origins still get no Referer).
            pages.sendDashboard(exchange, html, "same-origin");
        }
    }

    /** The user's sessions by id (never another user's: only these are probed). */
    private List<SessionRecord> sessions(String user) {
        // SessionRegistry has no owner index yet: filter all sessions (see ARCHITECTURE.md, "What comes next").
        List<SessionRecord> mine = new ArrayList<>();
        for (SessionRecord s : registry.sessions()) {
            if (s.owner().equals(user)) {
                mine.add(s);
            }
        }
        mine.sort(Comparator.comparing(s -> s.id().value()));
        return mine;
    }
}
