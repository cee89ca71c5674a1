package dev.portcullis.proxy.ui;

import static java.util.Objects.requireNonNull;

import dev.portcullis.proxy.auth.OpenTickets;
import dev.portcullis.proxy.auth.TokenVerifier;
import dev.portcullis.proxy.auth.UserCookies;
import dev.portcullis.proxy.error.ErrorPages;
import dev.portcullis.proxy.error.ProxyError;
import dev.portcullis.proxy.forward.AppProbe;
import dev.portcullis.proxy.internal.Exchanges;
import dev.portcullis.proxy.internal.LaunchHandler;
import dev.portcullis.proxy.route.SessionRouter;
import dev.portcullis.registry.SessionRegistry;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.time.Clock;
import java.time.Duration;
import javax.crypto.SecretKey;

/**
 * The proxy's own pages on the public listener: every normalised path under {@link #PREFIX} except the launch
 * endpoint. On any host: static assets ({@code /.portcullis/ui/}) and, in subdomain mode, {@code enter}. On the
 * proxy's own host only (never on an app host, so no app origin ever gets the dashboard cookie or the open endpoint:
 * SECURITY.md rows 25-26): the dashboard, its JSON, login, logout and open. Anything else under the prefix is 404.
 *
 * <p>Immutable and thread-safe; I/O thread (each handler dispatches to a worker itself where it needs the registry).
 */
public final class PortalHandler implements HttpHandler {
    /** Every path of the proxy's own pages starts with this; the front never forwards one to an app. */
    public static final String PREFIX = UserCookies.PATH;
    public static final String UI_PREFIX = PREFIX + "ui/";
    static final String ENTER_PATH = PREFIX + "enter";
    /** How long the dashboard reuses an app's probe: shorter than dashboard.js's 10 s refresh. */
    static final Duration PROBE_TTL = Duration.ofSeconds(3);
    /** Apps whose probes are remembered at most (a few hundred bytes each). */
    static final int PROBE_MAX_ENTRIES = 4096;

    private final SessionRouter router;
    private final ErrorPages errorPages;
    private final StaticHandler assets;
    private final HttpHandler dashboard;
    private final HttpHandler sessionsJson;
    private final HttpHandler login;
    private final HttpHandler logout;
    private final HttpHandler open;
    private final HttpHandler enter;

    /**
     * @param cookieSecret the secret the app cookies are signed with (the same on every node)
     * @param maxAge the dashboard cookie's lifetime
     * @param probe asks the dashboard's apps whether they answer (a short timeout: the page waits for it)
     */
    public PortalHandler(TokenVerifier verifier, SessionRegistry registry, SessionRouter router, LaunchHandler launch,
            ErrorPages errorPages, UiResources resources, SecretKey cookieSecret, boolean secure, Duration maxAge,
            Clock clock, AppProbe probe) {
        this.router = requireNonNull(router, "router");
        this.errorPages = requireNonNull(errorPages, "errorPages");
        UiPages pages = UiPages.load(resources, router.appsDomain());
        SignedInUser users = new SignedInUser(new UserCookies(cookieSecret, clock), secure, maxAge);
        OpenTickets tickets = new OpenTickets(cookieSecret, clock);
        this.assets = publicAssets(resources, errorPages);
        AppStates states = new AppStates(registry, router,
                new AppProbeCache(probe::probe, clock, PROBE_TTL, PROBE_MAX_ENTRIES));
        this.dashboard = new DashboardHandler(registry, states, users, pages, errorPages, false);
        this.sessionsJson = new DashboardHandler(registry, states, users, pages, errorPages, true);
        this.login = new LoginHandler(verifier, registry, users, pages, errorPages, clock);
        this.logout = new LogoutHandler(users, errorPages);
        this.open = new OpenHandler(registry, users, tickets, launch, router, errorPages);
        this.enter = new EnterHandler(registry, tickets, launch, router, errorPages, clock);
    }

    /** {@code /.portcullis/ui/}: the shared assets; templates (.html) and the admin page's files are not served. */
    public static StaticHandler publicAssets(UiResources resources, ErrorPages errorPages) {
        return new StaticHandler(UI_PREFIX, "", resources,
                name -> !name.endsWith(".html") && !name.startsWith("admin/"), errorPages);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        String path = exchange.getRequestPath();
        if (path.startsWith(UI_PREFIX)) {
            assets.handleRequest(exchange);
            return;
        }
        boolean appHost = router.route(Exchanges.hostName(exchange), "/") instanceof SessionRouter.Routed;
        if (appHost) {
            ErrorPages.hideDashboardLink(exchange);
            if (path.equals(ENTER_PATH)) {
                enter.handleRequest(exchange);
            } else {
                errorPages.send(exchange, ProxyError.NOT_FOUND, "proxy page on an app host");
            }
            return;
        }
        HttpHandler page = switch (path.substring(PREFIX.length())) {
            case "" -> dashboard;
            case "api/sessions" -> sessionsJson;
            case "login" -> login;
            case "logout" -> logout;
            case "open" -> open;
            default -> null;
        };
        if (page == null) {
            errorPages.send(exchange, ProxyError.NOT_FOUND, "no such proxy page");
            return;
        }
        page.handleRequest(exchange);
    }
}
