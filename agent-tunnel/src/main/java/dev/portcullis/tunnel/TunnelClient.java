package dev.portcullis.tunnel;

import static java.util.Objects.requireNonNull;

import dev.portcullis.tunnel.agent.TunnelConnector;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's side of the tunnels: keeps {@link TunnelClientConfig#connections()} authenticated tunnels up to one
 * proxy, serves the streams the proxy opens by connecting to the apps in the {@link AppTable}, and reconnects with
 * full-jitter backoff. The agent has no listening socket.
 *
 * <p>Thread-safe.
 */
public final class TunnelClient implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(TunnelClient.class);

    private final TunnelClientConfig config;
    private final EventLoopGroup group;
    private final ExecutorService blocking;
    private final List<TunnelConnector> connectors = new ArrayList<>();
    private final CompletableFuture<Void> firstConnected = new CompletableFuture<>();

    private TunnelClient(TunnelClientConfig config) {
        this.config = config;
        this.group = new MultiThreadIoEventLoopGroup(config.eventLoopThreads(), NioIoHandler.newFactory());
        // The token source may read a file: it runs here, never on an event loop.
        this.blocking = Executors.newSingleThreadExecutor(new DefaultThreadFactory("tunnel-client-blocking", true));
    }

    /** Starts dialing; returns at once (see {@link #firstConnected()}). */
    public static TunnelClient start(TunnelClientConfig config) {
        requireNonNull(config, "config");
        TunnelClient client = new TunnelClient(config);
        TunnelConnector.Events events = new TunnelConnector.Events() {
            @Override
            public void up(TunnelConnector connector) {
                client.firstConnected.complete(null);
            }

            @Override
            public void down(TunnelConnector connector) {
                // The connector redials by itself.
            }
        };
        for (int i = 0; i < config.connections(); i++) {
            String logId = "agent-" + config.proxyHost() + ":" + config.proxyPort() + "#" + i;
            client.connectors.add(new TunnelConnector(logId, config, client.group, client.blocking, events));
        }
        client.connectors.forEach(TunnelConnector::start);
        return client;
    }

    /** Completes when at least one tunnel is authenticated and HTTP/2 is up. */
    public CompletableFuture<Void> firstConnected() {
        return firstConnected;
    }

    /** Tunnels authenticated and up right now. */
    public int connectedTunnels() {
        return (int) connectors.stream().filter(TunnelConnector::isConnected).count();
    }

    /** Streams refused because their target was not in the {@link AppTable}. */
    public long refusedTargets() {
        return config.apps().refusedTargets();
    }

    /**
     * Graceful: GOAWAY on every tunnel, in-flight streams finish within the shutdown grace; no reconnect. Blocks up
     * to the grace period: never call it on an event loop.
     */
    @Override
    public void close() {
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        connectors.forEach(c -> closing.add(c.close()));
        try {
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
                    .get(config.settings().shutdownGrace().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            logger.info("agent: tunnels still open after the grace period; closing them");
        }
        shutdown();
    }

    /** Drops every connection at once: no GOAWAY, no reconnect, as if the agent process died. Blocks briefly. */
    public void terminate() {
        connectors.forEach(TunnelConnector::terminate);
        shutdown();
    }

    private void shutdown() {
        blocking.shutdownNow();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
