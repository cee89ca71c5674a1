package dev.portcullis.proxy;

import static java.util.Objects.requireNonNull;

import dev.portcullis.proxy.auth.AppCookies;
import dev.portcullis.proxy.auth.CachingTokenVerifier;
import dev.portcullis.proxy.auth.JjwtTokenVerifier;
import dev.portcullis.proxy.auth.JwtAgentAuthenticator;
import dev.portcullis.proxy.auth.TokenVerifier;
import dev.portcullis.proxy.error.ErrorPages;
import dev.portcullis.proxy.forward.ForwardingHandler;
import dev.portcullis.proxy.forward.HttpForwarder;
import dev.portcullis.proxy.forward.WebSocketForwarder;
import dev.portcullis.proxy.internal.AdminHandler;
import dev.portcullis.proxy.internal.FrontHandler;
import dev.portcullis.proxy.internal.GateHandler;
import dev.portcullis.proxy.internal.LaunchHandler;
import dev.portcullis.proxy.internal.LeaseKeeper;
import dev.portcullis.proxy.internal.PemSsl;
import dev.portcullis.proxy.route.SessionRouter;
import dev.portcullis.registry.SessionRegistry;
import dev.portcullis.tunnel.TunnelServer;
import dev.portcullis.tunnel.TunnelServerConfig;
import dev.portcullis.tunnel.tls.TunnelTls;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.Options;

/**
 * One proxy node: the public listener (Undertow: routing, the gate, forwarding into tunnels), the tunnel listener for
 * agents (Netty, TLS, HTTP/2), and the admin listener (health). Start with {@link #start}; {@link #close()} stops
 * everything and releases this node's agent leases.
 *
 * <p>Thread-safe.
 */
public final class ProxyServer implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(ProxyServer.class);
    private static final int MAX_HEADER_SIZE = 32 * 1024;
    private static final int MAX_HEADERS = 100;

    private final ProxyConfig config;
    private final TunnelServer tunnelServer;
    private final Undertow publicServer;
    private final Undertow adminServer;
    private final LeaseKeeper leases;
    private final ExecutorService blocking;
    private final ScheduledExecutorService scheduler;

    private ProxyServer(ProxyConfig config, TunnelServer tunnelServer, Undertow publicServer, Undertow adminServer,
            LeaseKeeper leases, ExecutorService blocking, ScheduledExecutorService scheduler) {
        this.config = config;
        this.tunnelServer = tunnelServer;
        this.publicServer = publicServer;
        this.adminServer = adminServer;
        this.leases = leases;
        this.blocking = blocking;
        this.scheduler = scheduler;
    }

    /** Binds all three listeners before returning; throws if any cannot bind (and leaves nothing running). */
    public static ProxyServer start(ProxyConfig config, SessionRegistry registry) {
        requireNonNull(config, "config");
        requireNonNull(registry, "registry");
        // Bearer ACCESS tokens are checked in full once per CachingTokenVerifier.DEFAULT_TTL, not on every request.
        TokenVerifier verifier = new CachingTokenVerifier(new JjwtTokenVerifier(config.tokenSettings()), config.tokenSettings().clock());
        ExecutorService blocking = Executors.newFixedThreadPool(Math.max(2, config.workerThreads() / 4), threads("portcullis-auth"));
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(threads("portcullis-lease"));
        LeaseKeeper leases = new LeaseKeeper(registry, config.nodeId(), config.leaseTtl(), config.heartbeat(), config.clock(), scheduler);
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
                    leases);
            publicServer = publicServer(config, registry, verifier, tunnelServer);
            publicServer.start();
            adminServer = Undertow.builder()
                    .addHttpListener(config.adminPort(), config.adminHost())
                    .setIoThreads(1)
                    .setWorkerThreads(2)
                    .setHandler(new AdminHandler())
                    .build();
            adminServer.start();
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            if (publicServer != null) {
                publicServer.stop();
            }
            if (tunnelServer != null) {
                tunnelServer.close();
            }
            blocking.shutdownNow();
            scheduler.shutdownNow();
            throw new IllegalStateException("starting the proxy failed: " + e.getMessage(), e);
        }
        ProxyServer server = new ProxyServer(config, tunnelServer, publicServer, adminServer, leases, blocking, scheduler);
        logger.info("{} proxy up: public {} tunnel {} admin {}", config.nodeId(), server.publicAddress(),
                server.tunnelAddress(), server.adminAddress());
        return server;
    }

    private static Undertow publicServer(ProxyConfig config, SessionRegistry registry, TokenVerifier verifier,
            TunnelServer tunnelServer) throws IOException, GeneralSecurityException {
        ErrorPages errorPages = ErrorPages.load();
        SessionRouter router = new SessionRouter(config.appsDomain().orElse(null));
        AppCookies cookies = new AppCookies(AppCookies.secret(config.cookieSecret().orElse(null)), config.clock());
        boolean secure = config.publicTls();
        HttpForwarder http = new HttpForwarder(tunnelServer::tunnel, errorPages);
        ForwardingHandler forwarding = new ForwardingHandler(http, new WebSocketForwarder(http, errorPages));
        GateHandler gate = new GateHandler(verifier, cookies, registry, errorPages, router.subdomainMode(), secure, forwarding);
        LaunchHandler launch = new LaunchHandler(verifier, cookies, registry, router, errorPages, secure,
                config.cookieMaxAge(), config.clock());
        Undertow.Builder b = Undertow.builder()
                .setIoThreads(config.ioThreads())
                .setWorkerThreads(config.workerThreads())
                // SECURITY rows 33-36: bounded heads, no encoded slashes, slow-loris timeouts.
                .setServerOption(UndertowOptions.MAX_HEADER_SIZE, MAX_HEADER_SIZE)
                .setServerOption(UndertowOptions.MAX_HEADERS, MAX_HEADERS)
                // (ALLOW_ENCODED_SLASH is deprecated for DECODE_SLASH; PathNormalizer 400s encoded slashes anyway.)
                .setServerOption(UndertowOptions.DECODE_SLASH, false)
                .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, 10_000)
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, 60_000)
                .setServerOption(UndertowOptions.IDLE_TIMEOUT, 300_000)
                // We stream bodies; the per-exchange cap is lifted again in HttpForwarder.
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, Long.MAX_VALUE)
                .setServerOption(UndertowOptions.ENABLE_HTTP2, false)
                .setSocketOption(Options.REUSE_ADDRESSES, true)
                .setHandler(new FrontHandler(router, errorPages, launch, gate));
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

    /** The tunnel listener (for tests and the admin API). */
    public TunnelServer tunnelServer() {
        return tunnelServer;
    }

    @Override
    public void close() {
        logger.info("{} proxy stopping", config.nodeId());
        publicServer.stop();
        adminServer.stop();
        tunnelServer.close();
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

    private static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
