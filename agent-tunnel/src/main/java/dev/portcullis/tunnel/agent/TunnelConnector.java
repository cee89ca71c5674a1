package dev.portcullis.tunnel.agent;

import dev.portcullis.tunnel.TunnelClientConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one tunnel connection of the agent up: dial, handshake, serve, and on loss redial after a full-jitter
 * backoff ({@link ReconnectPolicy}), honouring the proxy's retry-after hint.
 *
 * <p>Thread-safe: callbacks arrive from event loops and the blocking executor; state is volatile or guarded by
 * {@code this}.
 */
public final class TunnelConnector {
    private static final Logger logger = LoggerFactory.getLogger(TunnelConnector.class);

    /** What the {@code TunnelClient} wants to hear. */
    public interface Events {
        void up(TunnelConnector connector);

        void down(TunnelConnector connector);
    }

    private final String logId;
    private final TunnelClientConfig config;
    private final EventLoopGroup group;
    private final Executor blockingExecutor;
    private final Events events;

    private volatile boolean stopped;
    private volatile Channel channel;
    private volatile boolean connected;
    private volatile long upSinceNanos;
    private volatile Duration retryAfter = Duration.ZERO;
    private int failures; // guarded by this

    public TunnelConnector(
            String logId, TunnelClientConfig config, EventLoopGroup group, Executor blockingExecutor, Events events) {
        this.logId = logId;
        this.config = config;
        this.group = group;
        this.blockingExecutor = blockingExecutor;
        this.events = events;
    }

    public void start() {
        schedule(Duration.ZERO);
    }

    /** Whether the tunnel is authenticated and serving HTTP/2. */
    public boolean isConnected() {
        return connected;
    }

    private void schedule(Duration delay) {
        if (stopped) {
            return;
        }
        try {
            group.schedule(() -> {
                try {
                    blockingExecutor.execute(this::connect);
                } catch (RejectedExecutionException e) {
                    logger.debug("{} not reconnecting: client closed", logId);
                }
            }, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            logger.debug("{} not reconnecting: event loops stopped", logId);
        }
    }

    /** Runs on the blocking executor: the token source may read a file. */
    private void connect() {
        if (stopped) {
            return;
        }
        String token;
        try {
            token = config.tokenSource().get();
        } catch (RuntimeException e) {
            logger.warn("{} cannot read the agent token: {}", logId, e.toString());
            attemptEnded();
            return;
        }
        if (token == null || token.isBlank()) {
            logger.warn("{} the agent token is empty", logId);
            attemptEnded();
            return;
        }
        Bootstrap b = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(512 << 10, 1 << 20))
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.settings().handshakeTimeout().toMillis())
                .handler(new TunnelClientInitializer(logId, config, token, this));
        try {
            b.connect(config.proxyHost(), config.proxyPort()).addListener(f -> {
                if (!f.isSuccess()) {
                    logger.info("{} cannot reach proxy {}:{}: {}", logId, config.proxyHost(), config.proxyPort(),
                            String.valueOf(f.cause()));
                    attemptEnded();
                    return;
                }
                Channel ch = ((ChannelFuture) f).channel();
                channel = ch;
                if (stopped) {
                    ch.close();
                }
                ch.closeFuture().addListener(c -> attemptEnded());
            });
        } catch (RejectedExecutionException e) {
            logger.debug("{} not connecting: event loops stopped", logId);
        }
    }

    /** Called by the handshake handler once the proxy answered OK and HTTP/2 is installed. Event loop. */
    void onUp(String tunnelId) {
        logger.info("{} tunnel {} up to {}:{}", logId, tunnelId, config.proxyHost(), config.proxyPort());
        upSinceNanos = System.nanoTime();
        connected = true;
        events.up(this);
    }

    /** Called by the handshake handler when the proxy refused the agent. Event loop. */
    void onRefused(String reason, Duration retryAfterHint) {
        logger.warn("{} proxy refused the agent: {} (retry after {})", logId, reason, retryAfterHint);
        retryAfter = retryAfterHint;
    }

    private void attemptEnded() {
        boolean wasUp = connected;
        connected = false;
        channel = null;
        if (wasUp) {
            events.down(this);
        }
        Duration delay;
        synchronized (this) {
            long upNanos = System.nanoTime() - upSinceNanos;
            if (wasUp && upNanos >= config.reconnectPolicy().resetAfter().toNanos()) {
                failures = 0;
            }
            delay = config.reconnectPolicy().delay(failures, retryAfter);
            failures = Math.min(failures + 1, 30);
        }
        retryAfter = Duration.ZERO;
        if (!stopped) {
            logger.debug("{} reconnecting in {}", logId, delay);
            schedule(delay);
        }
    }

    /** Graceful: GOAWAY and let in-flight streams finish (bounded by the codec's grace); no reconnect. */
    public CompletableFuture<Void> close() {
        stopped = true;
        Channel ch = channel;
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (ch == null) {
            done.complete(null);
            return done;
        }
        ch.closeFuture().addListener(f -> done.complete(null));
        ch.close();
        return done;
    }

    /** Drops the connection at once, with no GOAWAY nor TLS close_notify, as if the agent process died. */
    public void terminate() {
        stopped = true;
        Channel ch = channel;
        if (ch != null) {
            ch.eventLoop().execute(() -> {
                if (!ch.isOpen()) {
                    return;
                }
                ch.config().setOption(ChannelOption.SO_LINGER, 0); // RST, like a killed process's socket
                // Starting below every handler skips the HTTP/2 GOAWAY and the TLS close_notify.
                ch.pipeline().firstContext().close();
            });
        }
    }
}
