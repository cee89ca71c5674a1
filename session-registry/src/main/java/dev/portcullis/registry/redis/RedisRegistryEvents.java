package dev.portcullis.registry.redis;

import dev.portcullis.registry.EventListeners;
import dev.portcullis.registry.RegistryEvent;
import dev.portcullis.registry.RegistryEvents;
import dev.portcullis.registry.RegistryException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Connection;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;

/**
 * {@link RegistryEvents} over Redis pub/sub on the channel {@link RedisKeys#events()}. {@link #publish} is one PUBLISH
 * on a pooled connection (caller's thread). The first {@link #subscribe} starts one daemon thread,
 * {@code portcullis-events}, which holds one pooled connection in SUBSCRIBE and calls the listeners with each event; if
 * the connection drops it reconnects with exponential backoff (100 ms doubling to 5 s) and, once subscribed again,
 * delivers {@link RegistryEvent.Resubscribed} so listeners can re-check what they may have missed. A half-open
 * connection (no RST, e.g. a silent network cut) is found by a PING every {@code pingInterval} from a watchdog thread,
 * {@code portcullis-events-watchdog}: no PONG for two intervals drops the connection, which starts a reconnect.
 * Malformed messages are logged (without their content) and skipped. Thread-safe.
 */
final class RedisRegistryEvents implements RegistryEvents, AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(RedisRegistryEvents.class);
    private static final Duration MIN_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(5);

    private final RedisClient redis;
    private final String channel;
    private final String address;
    private final EventJson json = new EventJson();
    private final EventListeners listeners = new EventListeners();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CountDownLatch firstSubscribed = new CountDownLatch(1);
    private final Duration startTimeout;
    private final Duration pingInterval;
    private ScheduledExecutorService watchdog; // guarded by this
    private volatile Connection connection;
    private Thread thread; // guarded by this
    private volatile Subscription current;
    private volatile boolean closed;

    RedisRegistryEvents(RedisClient redis, String channel, String address, Duration startTimeout, Duration pingInterval) {
        this.redis = redis;
        this.startTimeout = startTimeout;
        this.pingInterval = pingInterval;
        this.channel = channel;
        this.address = address;
    }

    @Override
    public void publish(RegistryEvent event) {
        EventListeners.checkPublishable(event);
        String message = json.write(event);
        try {
            redis.publish(channel, message);
        } catch (JedisException e) {
            throw new RegistryException("publish failed on redis " + address + ": " + e.getMessage(), e);
        }
    }

    @Override
    public AutoCloseable subscribe(Consumer<RegistryEvent> listener) {
        AutoCloseable handle = listeners.add(listener);
        synchronized (this) {
            if (thread == null && !closed) {
                thread = new Thread(this::run, "portcullis-events");
                thread.setDaemon(true);
                thread.start();
                watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "portcullis-events-watchdog");
                    t.setDaemon(true);
                    return t;
                });
                watchdog.scheduleWithFixedDelay(this::checkAlive, pingInterval.toMillis(), pingInterval.toMillis(),
                        TimeUnit.MILLISECONDS);
            }
        }
        awaitFirstSubscription();
        return handle;
    }

    /**
     * Waits (at most the connect timeout) until the channel is subscribed for the first time, so that an event
     * published right after {@link #subscribe} returns is not missed. If Redis is down, gives up waiting and lets the
     * thread keep retrying: listeners then get {@link RegistryEvent.Resubscribed} once it connects.
     */
    private void awaitFirstSubscription() {
        try {
            if (!firstSubscribed.await(startTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                logger.warn("events from redis {}: not subscribed within {}; retrying in the background", address, startTimeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the subscriber connection is subscribed right now (for tests and health). */
    boolean subscribed() {
        Subscription s = current;
        return s != null && s.isSubscribed();
    }

    /** Watchdog thread: PING the subscribed connection; drop it if the last PONG is two intervals old. */
    private void checkAlive() {
        Subscription s = current;
        Connection c = connection;
        if (s == null || c == null || !s.isSubscribed() || closed) {
            return;
        }
        long silentFor = System.nanoTime() - s.lastPong;
        if (silentFor > 2 * pingInterval.toNanos()) {
            logger.warn("event subscription on redis {}: no PONG for {} ms; dropping the connection", address,
                    TimeUnit.NANOSECONDS.toMillis(silentFor));
            try {
                c.forceDisconnect();
            } catch (java.io.IOException | RuntimeException e) {
                logger.debug("dropping the subscriber connection failed: {}", e.toString());
            }
            return;
        }
        try {
            s.ping();
        } catch (JedisException | IllegalStateException e) {
            logger.debug("PING on the subscriber connection failed: {}", e.toString());
        }
    }

    private void run() {
        Duration backoff = MIN_BACKOFF;
        // Any subscription after a failed or ended one may have missed events.
        boolean first = true;
        while (!closed) {
            Subscription subscription = new Subscription(!first);
            first = false;
            current = subscription;
            // Our own pooled connection (not redis.subscribe) so that the watchdog can drop it.
            try (Connection c = redis.getPool().getResource()) {
                connection = c;
                subscription.proceed(c, channel);
            } catch (JedisException e) {
                if (!closed) {
                    logger.warn("event subscription on redis {} lost: {}; retrying in {}", address, e.getMessage(), backoff);
                }
            }
            if (subscription.confirmed) {
                backoff = MIN_BACKOFF;
            }
            try {
                if (stopped.await(backoff.toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    @Override
    public void close() {
        closed = true;
        stopped.countDown();
        synchronized (this) {
            if (watchdog != null) {
                watchdog.shutdownNow();
            }
        }
        Subscription s = current;
        if (s != null && s.isSubscribed()) {
            try {
                s.unsubscribe();
            } catch (JedisException | IllegalStateException e) {
                logger.debug("unsubscribing from {} failed: {}", address, e.toString());
            }
        }
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            try {
                t.join(MAX_BACKOFF.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** One SUBSCRIBE; callbacks run on the {@code portcullis-events} thread. */
    private final class Subscription extends JedisPubSub {
        private final boolean again;
        volatile boolean confirmed;
        /** System.nanoTime() of the last PONG (or of the subscription). */
        volatile long lastPong = System.nanoTime();

        Subscription(boolean again) {
            this.again = again;
        }

        @Override
        public void onSubscribe(String ch, int count) {
            confirmed = true;
            lastPong = System.nanoTime();
            if (closed) {
                firstSubscribed.countDown();
                unsubscribe();
                return;
            }
            logger.info("{} events from redis {} channel {}", again ? "resubscribed to" : "subscribed to", address, ch);
            if (again) {
                listeners.deliver(new RegistryEvent.Resubscribed());
            }
            firstSubscribed.countDown();
        }

        @Override
        public void onPong(String pattern) {
            lastPong = System.nanoTime();
        }

        @Override
        public void onMessage(String ch, String message) {
            RegistryEvent event;
            try {
                event = json.read(message);
            } catch (IllegalArgumentException e) {
                logger.warn("skipping a malformed event on redis {} channel {}: {}", address, ch, e.getMessage());
                return;
            }
            listeners.deliver(event);
        }
    }
}
