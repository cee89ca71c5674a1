package dev.portcullis.proxy;

import static java.util.Objects.requireNonNull;

import dev.portcullis.proxy.admin.AdminApi;
import dev.portcullis.proxy.admin.TunnelsSeen;
import dev.portcullis.proxy.auth.AppCookies;
import dev.portcullis.proxy.auth.IdentityAssertions;
import dev.portcullis.proxy.auth.CachingTokenVerifier;
import dev.portcullis.proxy.auth.JjwtTokenVerifier;
import dev.portcullis.proxy.auth.JwksKeySource;
import dev.portcullis.proxy.auth.JwtAgentAuthenticator;
import dev.portcullis.proxy.auth.TokenVerifier;
import dev.portcullis.proxy.error.ErrorPages;
import dev.portcullis.proxy.error.StartingPage;
import dev.portcullis.proxy.forward.Admission;
import dev.portcullis.proxy.forward.AppProbe;
import dev.portcullis.proxy.forward.ForwardingHandler;
import dev.portcullis.proxy.forward.HttpForwarder;
import dev.portcullis.proxy.forward.WebSocketForwarder;
import dev.portcullis.proxy.internal.AdminHandler;
import dev.portcullis.proxy.internal.AppPagesHandler;
import dev.portcullis.proxy.internal.ConnectionLimitHandler;
import dev.portcullis.proxy.internal.CrossSiteHandler;
import dev.portcullis.proxy.internal.FrontHandler;
import dev.portcullis.proxy.internal.GateHandler;
import dev.portcullis.proxy.internal.IdentityHandler;
import dev.portcullis.proxy.internal.JwksHandler;
import dev.portcullis.proxy.internal.IdleTimeoutHandler;
import dev.portcullis.proxy.internal.LaunchHandler;
import dev.portcullis.proxy.internal.LeaseKeeper;
import dev.portcullis.proxy.internal.Origins;
import dev.portcullis.proxy.internal.PemSsl;
import dev.portcullis.proxy.live.LiveConnections;
import dev.portcullis.proxy.live.RevocationEnforcer;
import dev.portcullis.proxy.internal.RequestFramingHandler;
import dev.portcullis.proxy.route.SessionRouter;
import dev.portcullis.proxy.ui.AdminPageHandler;
import dev.portcullis.proxy.ui.PortalHandler;
import dev.portcullis.proxy.ui.UiResources;
import dev.portcullis.registry.SessionRegistry;
import dev.portcullis.tunnel.TunnelServer;
import dev.portcullis.tunnel.TunnelServerConfig;
import dev.portcullis.tunnel.tls.TunnelTls;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.SecretKey;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.Options;

/**
 * One proxy node: the public listener (Undertow: routing, the gate, forwarding into tunnels), the tunnel listener for
 * agents (Netty, TLS, HTTP/2), and the admin listener (health, admin API). At start it subscribes to the registry's
 * event bus, so revocations and kicks from any node close this node's live connections. Start with {@link #start}; {@link #close()} stops
 * everything and releases this node's agent leases.
 *
 * <p>Thread-safe.
 */
public final class ProxyServer implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(ProxyServer.class);
    /** How long the status endpoint waits for an app's answer before it says "starting". */
    private static final java.time.Duration APP_PROBE_TIMEOUT = java.time.Duration.ofSeconds(5);
    /** The dashboard waits for its probes (cached a few seconds per app): short, an app this slow shows "starting". */
    private static final java.time.Duration DASHBOARD_PROBE_TIMEOUT = java.time.Duration.ofSeconds(2);

    private final ProxyConfig config;
    private final TunnelServer tunnelServer;
    private final Undertow publicServer;
    private final Undertow adminServer;
    private final LeaseKeeper leases;
    private final ExecutorService blocking;
    private final ScheduledExecutorService scheduler;
    private final ScheduledExecutorService sweeper;
    private final LiveConnections live;
    private final AutoCloseable events;

    private ProxyServer(ProxyConfig config, TunnelServer tunnelServer, Undertow publicServer, Undertow adminServer,
            LeaseKeeper leases, ExecutorService blocking, ScheduledExecutorService scheduler, ScheduledExecutorService sweeper,
            LiveConnections live, AutoCloseable events) {
        this.config = config;
        this.tunnelServer = tunnelServer;
        this.publicServer = publicServer;
        this.adminServer = adminServer;
        this.leases = leases;
        this.blocking = blocking;
        this.scheduler = scheduler;
        this.sweeper = sweeper;
        this.live = live;
        this.events = events;
    }

    /** Binds all three listeners before returning; throws if any cannot bind (and leaves nothing running). */
    public static ProxyServer start(ProxyConfig config, SessionRegistry registry) {
        requireNonNull(config, "config");
        requireNonNull(registry, "registry");
        // Bearer ACCESS tokens are checked in full once per CachingTokenVerifier.DEFAULT_TTL, not on every request.
        TokenVerifier verifier = new CachingTokenVerifier(new JjwtTokenVerifier(config.tokenSettings()), config.tokenSettings().clock());
        // JWKS file/URL sources refresh on their own threads from now until close().
        JwksKeySource.startAll(config.tokenSettings().keySources());
        ExecutorService blocking = Executors.newFixedThreadPool(Math.max(2, config.workerThreads() / 4), threads("portcullis-auth"));
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(threads("portcullis-lease"));
        LeaseKeeper leases = new LeaseKeeper(registry, config.nodeId(), config.leaseTtl(), config.heartbeat(), config.clock(), scheduler);
        TunnelsSeen tunnelsSeen = new TunnelsSeen(leases, config.clock());
        // Its own thread: a registry call stuck until its timeout on the lease thread must not hold up expiry closes.
        ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(threads("portcullis-expiry"));
        LiveConnections live = new LiveConnections(config.nodeId(), config.clock(), config.expiryGrace(), sweeper);
        RevocationEnforcer enforcer = new RevocationEnforcer(live, registry.revocations(), blocking, config.clock());
        AutoCloseable events = null;
        TunnelServer tunnelServer = null;
        Undertow publicServer = null;
        Undertow adminServer = null;
        try {
            tunnelServer = TunnelServer.start(TunnelServerConfig.builder()
                            .bind(config.tunnelHost(), config.tunnelPort())
                            .sslContext(TunnelTls.forServer(PemSsl.privateKey(config.tunnelTlsKey()),
                                    PemSsl.certificates(config.tunnelTlsCert())).build())
                            .settings(config.tunnelSettings())
                            .blockingExecutor(blocking)
                            .build(),
                    new JwtAgentAuthenticator(verifier),
                    tunnelsSeen);
            // Before the public listener opens: no connection is admitted that a revocation could miss.
            events = registry.events().subscribe(enforcer);
            UiResources ui = UiResources.fromClasspath();
            IdentityAssertions identity = identityAssertions(config);
            publicServer = publicServer(config, registry, verifier, tunnelServer, live, ui, identity);
            publicServer.start();
            adminServer = Undertow.builder()
                    .addHttpListener(config.adminPort(), config.adminHost())
                    .setIoThreads(1)
                    .setWorkerThreads(2)
                    .setHandler(new JwksHandler(identity.jwksJson(), new AdminPageHandler(ui, ErrorPages.load(),
                            new AdminHandler(new AdminApi(verifier, registry, live, enforcer, tunnelServer::tunnels,
                                    tunnelsSeen, config.nodeId(), config.clock(), config.revocationTtl())))))
                    .build();
            adminServer.start();
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            if (publicServer != null) {
                publicServer.stop();
            }
            if (tunnelServer != null) {
                tunnelServer.close();
            }
            closeQuietly(events);
            blocking.shutdownNow();
            scheduler.shutdownNow();
            sweeper.shutdownNow();
            JwksKeySource.closeAll(config.tokenSettings().keySources());
            throw new IllegalStateException("starting the proxy failed: " + e.getMessage(), e);
        }
        ProxyServer server = new ProxyServer(config, tunnelServer, publicServer, adminServer, leases, blocking, scheduler,
                sweeper, live, events);
        logger.info("{} proxy up: public {} tunnel {} admin {}", config.nodeId(), server.publicAddress(),
                server.tunnelAddress(), server.adminAddress());
        return server;
    }

    private static Undertow publicServer(ProxyConfig config, SessionRegistry registry, TokenVerifier verifier,
            TunnelServer tunnelServer, LiveConnections live, UiResources ui, IdentityAssertions identity)
            throws IOException, GeneralSecurityException {
        ErrorPages errorPages = ErrorPages.load()
                .withStartingPage(StartingPage.load(ex -> Admission.find(ex).map(a -> a.route().prefix())));
        SessionRouter router = new SessionRouter(config.appsDomain().orElse(null));
        SecretKey cookieSecret = AppCookies.secret(config.cookieSecret().orElse(null));
        AppCookies cookies = new AppCookies(cookieSecret, config.clock(), config.cookieMaxAge(), config.cookieAbsoluteMaxAge());
        boolean secure = config.publicTls();
        PublicLimits limits = config.publicLimits();
        HttpForwarder http = new HttpForwarder(tunnelServer::tunnel, errorPages, live);
        ForwardingHandler forwarding = new ForwardingHandler(http, new WebSocketForwarder(http, errorPages));
        AppPagesHandler appPages = new AppPagesHandler(new AppProbe(tunnelServer::tunnel, APP_PROBE_TIMEOUT), errorPages, forwarding);
        // SECURITY rows 5-6: cookie-authenticated upgrades and writes must come from an allowed origin.
        CrossSiteHandler crossSite = new CrossSiteHandler(Origins.of(config.allowedOrigins()), errorPages,
                new IdentityHandler(identity, appPages));
        GateHandler gate = new GateHandler(verifier, cookies, registry, errorPages, router.subdomainMode(), secure, crossSite);
        LaunchHandler launch = new LaunchHandler(verifier, cookies, registry, router, errorPages, secure, config.clock());
        Undertow.Builder b = Undertow.builder()
                .setIoThreads(config.ioThreads())
                .setWorkerThreads(config.workerThreads())
                // SECURITY rows 33-36: bounded heads, no encoded slashes, slow-loris timeouts (PublicLimits).
                .setServerOption(UndertowOptions.MAX_HEADER_SIZE, limits.maxHeaderSize())
                .setServerOption(UndertowOptions.MAX_HEADERS, limits.maxHeaders())
                // (ALLOW_ENCODED_SLASH is deprecated for DECODE_SLASH; PathNormalizer 400s encoded slashes anyway.)
                .setServerOption(UndertowOptions.DECODE_SLASH, false)
                .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, (int) limits.requestParseTimeout().toMillis())
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, (int) limits.noRequestTimeout().toMillis())
                .setServerOption(UndertowOptions.IDLE_TIMEOUT, (int) limits.idleTimeout().toMillis())
                // We stream bodies; the per-exchange cap is lifted again in HttpForwarder.
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, Long.MAX_VALUE)
                .setServerOption(UndertowOptions.ENABLE_HTTP2, false)
                .setSocketOption(Options.REUSE_ADDRESSES, true)
                .setHandler(new ConnectionLimitHandler(limits.maxConnectionsPerIp(), errorPages,
                        new IdleTimeoutHandler(limits.idleTimeout(),
                                new RequestFramingHandler(errorPages, new JwksHandler(identity.jwksJson(),
                                        new FrontHandler(router, errorPages, launch,
                                                new PortalHandler(verifier, registry, router, launch, errorPages, ui,
                                                        cookieSecret, secure, config.cookieMaxAge(), config.clock(),
                                                        new AppProbe(tunnelServer::tunnel, DASHBOARD_PROBE_TIMEOUT)),
                                                gate))))));
        if (secure) {
            SSLContext ssl = PemSsl.serverContext(config.publicTlsCert().orElseThrow(), config.publicTlsKey().orElseThrow());
            b.addHttpsListener(config.publicPort(), config.publicHost(), ssl);
        } else {
            b.addHttpListener(config.publicPort(), config.publicHost());
        }
        return b.build();
    }

    public InetSocketAddress publicAddress() {
        return (InetSocketAddress) publicServer.getListenerInfo().get(0).getAddress();
    }

    public InetSocketAddress tunnelAddress() {
        return tunnelServer.localAddress();
    }

    public InetSocketAddress adminAddress() {
        return (InetSocketAddress) adminServer.getListenerInfo().get(0).getAddress();
    }

    public String nodeId() {
        return config.nodeId();
    }

    /** This node's live connections (for tests; the admin API lists them). */
    public LiveConnections liveConnections() {
        return live;
    }

    /** The tunnel listener (for tests and the admin API). */
    public TunnelServer tunnelServer() {
        return tunnelServer;
    }

    @Override
    public void close() {
        logger.info("{} proxy stopping", config.nodeId());
        closeQuietly(events);
        publicServer.stop();
        adminServer.stop();
        tunnelServer.close();
        JwksKeySource.closeAll(config.tokenSettings().keySources());
        sweeper.shutdownNow();
        scheduler.execute(leases::close);
        scheduler.shutdown();
        blocking.shutdown();
        try {
            if (!scheduler.awaitTermination(5, TimeUnit.SECONDS)) {
                scheduler.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        blocking.shutdownNow();
    }

    /** The identity header's signer: the configured PEM key, or one generated now (single node only). */
    private static IdentityAssertions identityAssertions(ProxyConfig config) throws IOException, GeneralSecurityException {
        if (config.identityKeyFile().isEmpty()) {
            logger.info("{} identity header signed with a key generated at start: configure identity.key-file when"
                    + " several nodes serve the same apps", config.nodeId());
            return IdentityAssertions.generated(config.identityIssuer(), config.identityTtl(), config.clock());
        }
        Path file = config.identityKeyFile().get();
        PrivateKey key = PemSsl.privateKey(file);
        if (!(key instanceof ECPrivateKey ec)) {
            throw new GeneralSecurityException(file + ": a " + key.getAlgorithm() + " key (expected: EC P-256, for ES256)");
        }
        return new IdentityAssertions(ec, config.identityIssuer(), config.identityTtl(), config.clock());
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            logger.debug("closing {} failed: {}", c, e.toString());
        }
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
