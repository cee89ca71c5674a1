package dev.portcullis.tunnel;

import static java.util.Objects.requireNonNull;

import dev.portcullis.tunnel.agent.ReconnectPolicy;
import io.netty.handler.ssl.SslContext;
import io.netty.util.NetUtil;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The agent's tunnel configuration. Immutable; build with {@link #builder()}.
 */
public final class TunnelClientConfig {
    private final String proxyHost;
    private final int proxyPort;
    private final SslContext sslContext;
    private final String serverName;
    private final Supplier<String> tokenSource;
    private final AppTable apps;
    private final int connections;
    private final ReconnectPolicy reconnectPolicy;
    private final TunnelSettings settings;
    private final String appHost;
    private final int eventLoopThreads;
    private final int appMaxIdle;
    private final Duration appIdleTimeout;

    private TunnelClientConfig(Builder b) {
        this.proxyHost = requireNonNull(b.proxyHost, "proxyHost");
        this.proxyPort = b.proxyPort;
        this.sslContext = requireNonNull(b.sslContext, "sslContext");
        this.serverName = b.serverName != null ? b.serverName : b.proxyHost;
        this.tokenSource = requireNonNull(b.tokenSource, "tokenSource");
        this.apps = requireNonNull(b.apps, "apps");
        this.connections = b.connections;
        this.reconnectPolicy = b.reconnectPolicy;
        this.settings = b.settings;
        this.appHost = b.appHost;
        this.eventLoopThreads = b.eventLoopThreads;
        this.appMaxIdle = b.appMaxIdle;
        this.appIdleTimeout = b.appIdleTimeout;
        if (sslContext.isServer()) {
            throw new IllegalArgumentException("sslContext: a server context (expected: a client SslContext)");
        }
        if (proxyPort < 1 || proxyPort > 65_535) {
            throw new IllegalArgumentException("proxyPort: " + proxyPort + " (expected: 1..65535)");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().proxy(proxyHost, proxyPort).sslContext(sslContext).serverName(serverName)
                .tokenSource(tokenSource).apps(apps).connections(connections).reconnectPolicy(reconnectPolicy)
                .settings(settings).appHost(appHost).eventLoopThreads(eventLoopThreads)
                .appKeepAlive(appMaxIdle, appIdleTimeout);
    }

    public String proxyHost() { return proxyHost; }
    public int proxyPort() { return proxyPort; }
    /** Client TLS context; the caller configures trust. */
    public SslContext sslContext() { return sslContext; }
    /** The name the proxy's certificate must carry (SNI and HTTPS hostname verification). */
    public String serverName() { return serverName; }
    /** Read on every connect, so a renewed token is used without a restart. */
    public Supplier<String> tokenSource() { return tokenSource; }
    public AppTable apps() { return apps; }
    /** Tunnels kept up at once. */
    public int connections() { return connections; }
    public ReconnectPolicy reconnectPolicy() { return reconnectPolicy; }
    public TunnelSettings settings() { return settings; }
    /** The literal IP the apps listen on (apps bind loopback or a bridge address). */
    public String appHost() { return appHost; }
    public int eventLoopThreads() { return eventLoopThreads; }
    /** Idle keep-alive connections kept per app port and tunnel connection; 0: a new connection per request. */
    public int appMaxIdle() { return appMaxIdle; }
    /** An idle app connection is closed after this. */
    public Duration appIdleTimeout() { return appIdleTimeout; }

    /** Builder of {@link TunnelClientConfig}. Not thread-safe. */
    public static final class Builder {
        private String proxyHost;
        private int proxyPort;
        private SslContext sslContext;
        private String serverName;
        private Supplier<String> tokenSource;
        private AppTable apps;
        private int connections = 2;
        private ReconnectPolicy reconnectPolicy = ReconnectPolicy.defaults();
        private TunnelSettings settings = TunnelSettings.defaults();
        private String appHost = "127.0.0.1";
        private int eventLoopThreads = Math.max(2, Runtime.getRuntime().availableProcessors());
        // 4 s: below the shortest common app keep-alive timeouts (Node.js 5 s), so the app rarely closes first.
        private int appMaxIdle = 128;
        private Duration appIdleTimeout = Duration.ofSeconds(4);

        private Builder() {}

        public Builder proxy(String host, int port) {
            this.proxyHost = requireNonNull(host, "host");
            this.proxyPort = port;
            return this;
        }

        public Builder sslContext(SslContext v) { sslContext = requireNonNull(v, "sslContext"); return this; }
        public Builder serverName(String v) { serverName = requireNonNull(v, "serverName"); return this; }
        public Builder tokenSource(Supplier<String> v) { tokenSource = requireNonNull(v, "tokenSource"); return this; }
        public Builder apps(AppTable v) { apps = requireNonNull(v, "apps"); return this; }

        public Builder connections(int v) {
            if (v < 1 || v > 64) {
                throw new IllegalArgumentException("connections: " + v + " (expected: 1..64)");
            }
            connections = v;
            return this;
        }

        public Builder reconnectPolicy(ReconnectPolicy v) { reconnectPolicy = requireNonNull(v, "reconnectPolicy"); return this; }
        public Builder settings(TunnelSettings v) { settings = requireNonNull(v, "settings"); return this; }
        /** A literal IP (no DNS: app connections are made on event loops, which must never block). */
        public Builder appHost(String v) {
            requireNonNull(v, "appHost");
            if (!NetUtil.isValidIpV4Address(v) && !NetUtil.isValidIpV6Address(v)) {
                throw new IllegalArgumentException("appHost: " + v + " (expected: a literal IPv4 or IPv6 address)");
            }
            appHost = v;
            return this;
        }

        public Builder eventLoopThreads(int v) {
            if (v < 1) {
                throw new IllegalArgumentException("eventLoopThreads: " + v + " (expected: >= 1)");
            }
            eventLoopThreads = v;
            return this;
        }

        /**
         * Keep-alive connections to apps: at most {@code maxIdle} idle ones per app port and tunnel connection (0
         * turns reuse off), each closed after {@code idleTimeout} unused.
         */
        public Builder appKeepAlive(int maxIdle, Duration idleTimeout) {
            requireNonNull(idleTimeout, "idleTimeout");
            if (maxIdle < 0) {
                throw new IllegalArgumentException("appKeepAlive maxIdle: " + maxIdle + " (expected: >= 0)");
            }
            if (idleTimeout.isNegative() || idleTimeout.isZero()) {
                throw new IllegalArgumentException("appKeepAlive idleTimeout: " + idleTimeout + " (expected: > 0)");
            }
            appMaxIdle = maxIdle;
            appIdleTimeout = idleTimeout;
            return this;
        }

        public TunnelClientConfig build() {
            return new TunnelClientConfig(this);
        }
    }
}
