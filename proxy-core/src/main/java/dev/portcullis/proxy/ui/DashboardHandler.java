package dev.portcullis.proxy.ui;

import static java.util.Objects.requireNonNull;

import dev.portcullis.proxy.auth.UserCookies;
import dev.portcullis.proxy.error.ErrorPages;
import dev.portcullis.proxy.error.ProxyError;
import dev.portcullis.registry.RegistryException;
import dev.portcullis.registry.SessionRecord;
import dev.portcullis.registry.SessionRegistry;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The signed-in user's sessions: {@code GET /.portcullis/} (HTML) and {@code GET /.portcullis/api/sessions} (JSON).
 * Only sessions whose registry owner is the dashboard cookie's user are listed. An app's state comes from the agent
 * leases ({@link SessionRegistry#leases}): a live lease on any node is READY, none is OFFLINE. Worker thread.
 *
 * <p>Immutable and thread-safe.
 */
final class DashboardHandler implements HttpHandler {
    private final SessionRegistry registry;
    private final SignedInUser users;
    private final UiPages pages;
    private final ErrorPages errorPages;
    private final boolean json;

    DashboardHandler(SessionRegistry registry, SignedInUser users, UiPages pages, ErrorPages errorPages, boolean json) {
        this.registry = requireNonNull(registry, "registry");
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
        List<DashboardView.Row> rows;
        try {
            rows = rows(user.get().subject());
        } catch (RegistryException e) {
            errorPages.send(exchange, ProxyError.REGISTRY_UNAVAILABLE, e.getMessage());
            return;
        }
        if (json) {
            UiPages.pageHeaders(exchange);
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
            exchange.getResponseSender().send(DashboardView.json(user.get().subject(), rows), StandardCharsets.UTF_8);
        } else {
            String csrf = users.csrfToken(user.get());
            String html = pages.dashboard(user.get().subject(), csrf, DashboardView.html(rows, csrf));
            // The Open and Sign-out forms then carry a real Origin for browsers without Sec-Fetch-Site (no secret in
            // this page's URL; requests to other origins still get no Referer).
            pages.sendDashboard(exchange, html, "same-origin");
        }
    }

    /** The user's sessions by id, each with its agent's state (one lease lookup per agent). */
    private List<DashboardView.Row> rows(String user) {
        // SessionRegistry has no owner index yet: filter all sessions (see ARCHITECTURE.md, "What comes next").
        List<SessionRecord> mine = new ArrayList<>();
        for (SessionRecord s : registry.sessions()) {
            if (s.owner().equals(user)) {
                mine.add(s);
            }
        }
        mine.sort(Comparator.comparing(s -> s.id().value()));
        Map<String, AppState> agents = new HashMap<>();
        List<DashboardView.Row> rows = new ArrayList<>(mine.size());
        for (SessionRecord s : mine) {
            AppState state = agents.computeIfAbsent(s.agentId(),
                    agent -> registry.leases(agent).isEmpty() ? AppState.OFFLINE : AppState.READY);
            rows.add(new DashboardView.Row(s, state));
        }
        return rows;
    }
}
