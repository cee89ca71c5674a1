package dev.portcullis.tunnel;

import static java.util.Objects.requireNonNull;

import io.netty.handler.ssl.SslContext;
import java.util.concurrent.Executor;

/**
 * The proxy's tunnel listener configuration. Immutable; build with {@link #builder()}.
 */
public final class TunnelServerConfig {
    private final String host;
    private final int port;
    private final SslContext sslContext;
    private final TunnelSettings settings;
    private final Executor blockingExecutor;
    private final int eventLoopThreads;

    private TunnelServerConfig(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.sslContext = requireNonNull(b.sslContext, "sslContext");
        this.settings = b.settings;
        this.blockingExecutor = requireNonNull(b.blockingExecutor, "blockingExecutor");
        this.eventLoopThreads = b.eventLoopThreads;
        if (!sslContext.isServer()) {
            throw new IllegalArgumentException("sslContext: a client context (expected: a server SslContext)");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().bind(host, port).sslContext(sslContext).settings(settings)
                .blockingExecutor(blockingExecutor).eventLoopThreads(eventLoopThreads);
    }

    /** Bind host (name or literal IP). */
    public String host() { return host; }

    /** Bind port; 0 picks a free port (see {@link TunnelServer#localAddress()}). */
    public int port() { return port; }

    /** The server TLS context. */
    public SslContext sslContext() { return sslContext; }

    public TunnelSettings settings() { return settings; }

    /** Where {@link AgentAuthenticator#authenticate} runs (never an event loop). */
    public Executor blockingExecutor() { return blockingExecutor; }

    /** Event loop threads; 0 means Netty's default (2 x cores). */
    public int eventLoopThreads() { return eventLoopThreads; }

    /** Builder of {@link TunnelServerConfig}. Not thread-safe. */
    public static final class Builder {
        private String host = "0.0.0.0";
        private int port;
        private SslContext sslContext;
        private TunnelSettings settings = TunnelSettings.defaults();
        private Executor blockingExecutor;
        private int eventLoopThreads = Runtime.getRuntime().availableProcessors();

        private Builder() {}

        public Builder bind(String host, int port) {
            this.host = requireNonNull(host, "host");
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
            }
            this.port = port;
            return this;
        }

        public Builder sslContext(SslContext sslContext) {
            this.sslContext = requireNonNull(sslContext, "sslContext");
            return this;
        }

        public Builder settings(TunnelSettings settings) {
            this.settings = requireNonNull(settings, "settings");
            return this;
        }

        public Builder blockingExecutor(Executor blockingExecutor) {
            this.blockingExecutor = requireNonNull(blockingExecutor, "blockingExecutor");
            return this;
        }

        public Builder eventLoopThreads(int eventLoopThreads) {
            if (eventLoopThreads < 0) {
                throw new IllegalArgumentException("eventLoopThreads: " + eventLoopThreads + " (expected: >= 0)");
            }
            this.eventLoopThreads = eventLoopThreads;
            return this;
        }

        public TunnelServerConfig build() {
            return new TunnelServerConfig(this);
        }
    }
}
