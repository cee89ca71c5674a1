package dev.portcullis.tunnel;

import static java.util.Objects.requireNonNull;

import dev.portcullis.tunnel.server.ProxyTunnel;
import dev.portcullis.tunnel.server.TunnelLifecycle;
import dev.portcullis.tunnel.server.TunnelServerInitializer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's tunnel listener: accepts agents' TLS connections, authenticates them, and keeps the resulting
 * {@link Tunnel}s by agent id.
 *
 * <p>Thread-safe. {@link Listener} callbacks run on a tunnel's event loop and must not block.
 */
public final class TunnelServer implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(TunnelServer.class);

    /** Tunnel up/down events, on the tunnel's event loop: hop to another executor for anything blocking. */
    public interface Listener {
        default void onTunnelUp(Tunnel tunnel) {}

        default void onTunnelDown(Tunnel tunnel) {}
    }

    private final TunnelServerConfig config;
    private final Listener listener;
    private final EventLoopGroup group;
    private final Map<String, Set<ProxyTunnel>> byAgent = new ConcurrentHashMap<>();
    private volatile Channel serverChannel;

    private TunnelServer(TunnelServerConfig config, Listener listener) {
        this.config = config;
        this.listener = listener;
        this.group = new MultiThreadIoEventLoopGroup(config.eventLoopThreads(), NioIoHandler.newFactory());
    }

    /**
     * Binds the listener and returns once it accepts connections.
     *
     * @throws IllegalStateException if the address cannot be bound
     */
    public static TunnelServer start(TunnelServerConfig config, AgentAuthenticator authenticator, Listener listener) {
        requireNonNull(config, "config");
        requireNonNull(authenticator, "authenticator");
        requireNonNull(listener, "listener");
        TunnelServer server = new TunnelServer(config, listener);
        ChannelFuture bound = new ServerBootstrap()
                .group(server.group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(512 << 10, 1 << 20))
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new TunnelServerInitializer(config, authenticator, server.new Lifecycle()))
                .bind(config.host(), config.port())
                .awaitUninterruptibly();
        if (!bound.isSuccess()) {
            server.group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new IllegalStateException(
                    "tunnel listener: cannot bind " + config.host() + ":" + config.port(), bound.cause());
        }
        server.serverChannel = bound.channel();
        logger.info("tunnel listener on {}", server.serverChannel.localAddress());
        return server;
    }

    /** Keeps {@link #byAgent} current and tells the listener. */
    private final class Lifecycle implements TunnelLifecycle {
        @Override
        public void up(ProxyTunnel t) {
            byAgent.computeIfAbsent(t.agentId(), a -> ConcurrentHashMap.newKeySet()).add(t);
            notifyListener(() -> listener.onTunnelUp(t), t);
        }

        @Override
        public void down(ProxyTunnel t) {
            byAgent.computeIfPresent(t.agentId(), (a, set) -> {
                set.remove(t);
                return set.isEmpty() ? null : set;
            });
            logger.info("{} tunnel of agent {} down", t.id(), t.agentId());
            notifyListener(() -> listener.onTunnelDown(t), t);
        }

        private void notifyListener(Runnable r, ProxyTunnel t) {
            try {
                r.run();
            } catch (RuntimeException e) {
                logger.warn("{} tunnel listener threw", t.id(), e);
            }
        }
    }

    /** The bound address (with the real port when the config asked for port 0). */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** The least-loaded active tunnel of {@code agentId}, if any. */
    public Optional<Tunnel> tunnel(String agentId) {
        requireNonNull(agentId, "agentId");
        Set<ProxyTunnel> set = byAgent.get(agentId);
        if (set == null) {
            return Optional.empty();
        }
        return set.stream().filter(Tunnel::isActive).min(Comparator.comparingInt(Tunnel::openStreams)).map(t -> t);
    }

    /** Every tunnel, active or draining. */
    public List<Tunnel> tunnels() {
        List<Tunnel> all = new ArrayList<>();
        byAgent.values().forEach(all::addAll);
        return all;
    }

    /**
     * Stops accepting, sends GOAWAY to every tunnel, waits up to the settings' shutdown grace for them to close, then
     * stops the event loops. Blocks: never call it on an event loop.
     */
    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (Tunnel t : tunnels()) {
            t.close();
            closing.add(t.closeFuture());
        }
        long graceMillis = config.settings().shutdownGrace().toMillis() + 1000;
        try {
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(graceMillis, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            logger.info("tunnel listener: {} tunnels still open after the grace period; closing them", closing.size());
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
