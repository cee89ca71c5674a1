package dev.portcullis.proxy.ui;

import static java.util.Objects.requireNonNull;

import dev.portcullis.proxy.forward.Admission;
import dev.portcullis.proxy.forward.AppProbe;
import dev.portcullis.proxy.route.Route;
import dev.portcullis.proxy.route.SessionRouter;
import dev.portcullis.registry.AppSpec;
import dev.portcullis.registry.SessionRecord;
import dev.portcullis.registry.SessionRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The state of each app of some sessions, as the dashboard shows it. No live lease of the session's agent on any node
 * ({@link SessionRegistry#leases}): {@link AppState#OFFLINE}, and nothing is probed. Else each app is probed through
 * this node's tunnel ({@link AppProbeCache}), all at once, as the Open button would reach it (path mode: {@code HEAD
 * /s/{sid}/{app}/} with the dashboard's Host; subdomain mode: {@code HEAD /} with the app's host): an answer is
 * {@link AppState#READY}, none yet {@link AppState#STARTING}. When this node holds no tunnel of the agent (it is
 * connected to another node) the app cannot be asked from here and the lease decides: {@link AppState#READY}.
 *
 * <p>Thread-safe. {@link #of} reads the registry (blocking): worker threads only.
 */
final class AppStates {
    private final SessionRegistry registry;
    private final SessionRouter router;
    private final AppProbeCache probes;

    AppStates(SessionRegistry registry, SessionRouter router, AppProbeCache probes) {
        this.registry = requireNonNull(registry, "registry");
        this.router = requireNonNull(router, "router");
        this.probes = requireNonNull(probes, "probes");
    }

    /**
     * The rows of {@code sessions}, in order, once every probe has answered or timed out. Never completes
     * exceptionally.
     *
     * @param scheme the dashboard request's scheme
     * @param hostPortSuffix the dashboard request's Host port part ({@code ":8080"} or empty)
     * @param host the dashboard request's Host (what the app sees in path mode)
     */
    CompletableFuture<List<DashboardView.Row>> of(List<SessionRecord> sessions, String scheme, String host,
            String hostPortSuffix) {
        Map<String, Boolean> leased = new HashMap<>();
        List<CompletableFuture<DashboardView.Row>> rows = new ArrayList<>(sessions.size());
        for (SessionRecord s : sessions) {
            boolean online = leased.computeIfAbsent(s.agentId(), agent -> !registry.leases(agent).isEmpty());
            Map<String, CompletableFuture<AppState>> apps = new LinkedHashMap<>();
            for (AppSpec app : s.apps()) {
                apps.put(app.name(), online
                        ? probe(s, app, scheme, host, hostPortSuffix)
                        : CompletableFuture.completedFuture(AppState.OFFLINE));
            }
            rows.add(CompletableFuture.allOf(apps.values().toArray(CompletableFuture[]::new)).thenApply(done -> {
                Map<String, AppState> states = new LinkedHashMap<>();
                apps.forEach((name, state) -> states.put(name, state.join()));
                return new DashboardView.Row(s, states);
            }));
        }
        return CompletableFuture.allOf(rows.toArray(CompletableFuture[]::new))
                .thenApply(done -> rows.stream().map(CompletableFuture::join).toList());
    }

    private CompletableFuture<AppState> probe(SessionRecord s, AppSpec app, String scheme, String host,
            String hostPortSuffix) {
        Optional<String> appHost = router.appHost(s.id(), app.name());
        Route route = appHost.isPresent()
                ? new Route(s.id(), app.name(), "/", Route.Mode.SUBDOMAIN)
                : new Route(s.id(), app.name(), Route.pathPrefix(s.id(), app.name()), Route.Mode.PATH);
        String authority = appHost.map(h -> h + hostPortSuffix).orElse(host);
        return probes.probe(new Admission(route, s, app, false), scheme, authority)
                .thenApply(state -> state == AppProbe.State.STARTING ? AppState.STARTING : AppState.READY);
    }
}
