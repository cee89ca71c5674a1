package dev.portcullis.proxy.auth;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verification keys from a JWKS file or URL, loaded once when built and then refreshed every {@code refreshInterval}
 * on this source's own thread ({@code portcullis-jwks}), so a rotated key set is taken up without a restart: while
 * the issuer publishes old and new keys together, tokens of both verify. A token whose {@code kid} is unknown triggers
 * one early refresh, and at most one per interval however many such tokens arrive (an attacker cannot make the proxy
 * hammer the issuer). A failed refresh keeps the last good set and logs why.
 *
 * <p>{@link #current()} and {@link #unknownKid(String)} never block: they read an atomic reference and at most submit
 * a task. Fetching (file I/O, HTTP) happens only at construction and on the refresh thread, which {@link #start()}
 * creates and {@link #close()} stops. Thread-safe.
 */
public final class JwksKeySource implements KeySource, AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(JwksKeySource.class);
    static final Duration MIN_REFRESH_INTERVAL = Duration.ofSeconds(1);

    /** Reads the JWKS document; blocking. */
    interface Fetcher extends AutoCloseable {
        String fetch() throws IOException;

        @Override
        default void close() {}
    }

    private final String location;
    private final Fetcher fetcher;
    private final Duration refreshInterval;
    private final AtomicReference<KeySet> keys = new AtomicReference<>();
    /** nanoTime of the last refresh an unknown kid triggered; a refresh is due when this is an interval old. */
    private final AtomicLong lastTriggered;
    private final AtomicLong fetches = new AtomicLong();
    private volatile ScheduledExecutorService scheduler;
    private volatile boolean closed;

    private JwksKeySource(String location, Fetcher fetcher, Duration refreshInterval) throws IOException {
        this.location = location;
        this.fetcher = fetcher;
        this.refreshInterval = checkInterval(refreshInterval);
        this.lastTriggered = new AtomicLong(System.nanoTime() - refreshInterval.toNanos());
        try {
            keys.set(load());
        } catch (IOException | RuntimeException e) {
            fetcher.close();
            throw e;
        }
        logger.info("JWKS {}: {} keys {}", location, keys.get().size(), keys.get().kids());
    }

    /**
     * A JWKS file, re-read every {@code refreshInterval}. Blocking (reads the file once).
     *
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if it is not a public JWKS with a usable key, or larger than 1 MiB
     */
    public static JwksKeySource file(Path file, Duration refreshInterval) throws IOException {
        requireNonNull(file, "file");
        return new JwksKeySource(file.toString(), () -> KeySet.readBounded(file), refreshInterval);
    }

    /**
     * A JWKS URL ({@code https}, or {@code http} to a loopback address only), fetched every {@code refreshInterval}.
     * Blocking (fetches once).
     *
     * @throws IOException if the first fetch fails
     * @throws IllegalArgumentException if the URL is not allowed, or the document is not a public JWKS
     */
    public static JwksKeySource url(URI url, Duration refreshInterval) throws IOException {
        return new JwksKeySource(requireNonNull(url, "url").toString(), new JwksHttpFetcher(url), refreshInterval);
    }

    @Override
    public KeySet current() {
        return keys.get();
    }

    @Override
    public void unknownKid(String kid) {
        ScheduledExecutorService s = scheduler;
        if (s == null || closed) {
            return;
        }
        long now = System.nanoTime();
        long last = lastTriggered.get();
        if (now - last >= refreshInterval.toNanos() && lastTriggered.compareAndSet(last, now)) {
            logger.info("JWKS {}: unknown kid {}, refreshing now", location, TokenRejectedException.quote(kid));
            s.execute(() -> refresh("unknown kid"));
        }
    }

    /**
     * Starts the refresh thread; idempotent. Until then the set is the one loaded at construction. After
     * {@link #close()} it starts again (a proxy restarted in-process with the same config).
     */
    public synchronized void start() {
        if (scheduler != null && !scheduler.isShutdown()) {
            return;
        }
        closed = false;
        ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "portcullis-jwks");
            t.setDaemon(true);
            return t;
        });
        long period = refreshInterval.toMillis();
        s.scheduleWithFixedDelay(() -> refresh("interval"), period, period, TimeUnit.MILLISECONDS);
        scheduler = s;
    }

    /** Fetches and swaps in the key set now, on the calling thread (blocking); on failure keeps the current one. */
    void refresh(String why) {
        if (closed) {
            return;
        }
        KeySet before = keys.get();
        try {
            KeySet after = load();
            keys.set(after);
            if (!after.kids().equals(before.kids())) {
                Set<String> added = new HashSet<>(after.kids());
                added.removeAll(before.kids());
                Set<String> removed = new HashSet<>(before.kids());
                removed.removeAll(after.kids());
                logger.info("JWKS {} ({}): keys added {} removed {}", location, why, added, removed);
            }
        } catch (IOException | RuntimeException e) {
            logger.warn("JWKS {} refresh ({}) failed, keeping the last good set of {} keys: {}", location, why,
                    before.size(), e.getMessage());
        }
    }

    private KeySet load() throws IOException {
        fetches.incrementAndGet();
        String json = fetcher.fetch();
        try {
            return KeySet.fromJwksJson(json);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("JWKS " + location + ": " + e.getMessage(), e);
        }
    }

    /** Starts every {@code JwksKeySource} among {@code sources} (others are fixed sets). */
    public static void startAll(Collection<KeySource> sources) {
        sources.stream().filter(JwksKeySource.class::isInstance).map(JwksKeySource.class::cast).forEach(JwksKeySource::start);
    }

    /** Closes every {@code JwksKeySource} among {@code sources}. */
    public static void closeAll(Collection<KeySource> sources) {
        sources.stream().filter(JwksKeySource.class::isInstance).map(JwksKeySource.class::cast).forEach(JwksKeySource::close);
    }

    /** How many times the document was read (construction included). */
    public long fetchCount() {
        return fetches.get();
    }

    public Duration refreshInterval() {
        return refreshInterval;
    }

    public String location() {
        return location;
    }

    /** Stops the refresh thread and idle HTTP connections; the last set stays readable. Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        fetcher.close();
    }

    @Override
    public String toString() {
        return "JwksKeySource[" + location + ", every " + refreshInterval + "]";
    }

    private static Duration checkInterval(Duration interval) {
        requireNonNull(interval, "refreshInterval");
        if (interval.compareTo(MIN_REFRESH_INTERVAL) < 0) {
            throw new IllegalArgumentException("refreshInterval: " + interval + " (expected: >= " + MIN_REFRESH_INTERVAL + ")");
        }
        return interval;
    }
}
