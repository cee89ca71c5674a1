package dev.portcullis.proxy.live;

import static java.util.Objects.requireNonNull;

import dev.portcullis.registry.Revocation;
import dev.portcullis.registry.SessionId;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.XnioIoThread;

/**
 * This node's live connections: every HTTP exchange and WebSocket the gate admitted and a forwarder took on, until it
 * ends. Ids are {@code <nodeId>-<n>}, unique across the fleet, so a kick by id can travel the bus.
 *
 * <p>A connection whose credential expires is closed {@code expiryGrace} after the expiry, by a sweep of the table every
 * {@link #SWEEP_INTERVAL} on the scheduler given at construction (at most that much late; one timer per node instead
 * of one per connection, which every request paid for and every held WebSocket kept). On {@link #register} a
 * connection is checked against revocations this node heard of in the last {@link #RECENT} ({@link #remember}), which
 * closes the race between the gate's check of the store and the registration. Thread-safe; {@link #register} on the
 * connection's I/O thread.
 */
public final class LiveConnections {
    private static final Logger logger = LoggerFactory.getLogger(LiveConnections.class);
    /** How long a revocation heard from the bus is also checked against newly registered connections. */
    static final Duration RECENT = Duration.ofSeconds(10);
    private static final int MAX_RECENT = 1024;
    /** How often the table is swept for connections whose credential expired more than the grace ago. */
    static final Duration SWEEP_INTERVAL = Duration.ofSeconds(1);

    private final String nodeId;
    private final Clock clock;
    private final Duration expiryGrace;
    private final Map<String, LiveConnection> connections = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final Deque<Revocation> recent = new ArrayDeque<>(); // guarded by itself
    private final Deque<Instant> recentAt = new ArrayDeque<>(); // guarded by recent
    /**
     * When {@link #remember} last ran (null: never). Read without the lock on every registration so the common case
     * (nothing revoked in the last {@link #RECENT}) takes no lock. Written after the revocation is queued and before
     * the enforcer scans the table; a registration puts its entry before reading this: one of the two sees the other.
     */
    private volatile Instant lastRemembered;

    /** @param sweeper runs the expiry sweep every {@link #SWEEP_INTERVAL} until it is shut down */
    public LiveConnections(String nodeId, Clock clock, Duration expiryGrace, ScheduledExecutorService sweeper) {
        this.nodeId = requireNonNull(nodeId, "nodeId");
        this.clock = requireNonNull(clock, "clock");
        this.expiryGrace = requireNonNull(expiryGrace, "expiryGrace");
        long ms = SWEEP_INTERVAL.toMillis();
        requireNonNull(sweeper, "sweeper").scheduleWithFixedDelay(this::sweepExpired, ms, ms, TimeUnit.MILLISECONDS);
    }

    /**
     * Adds a connection the gate admitted (I/O thread {@code ioThread}). The caller sets its {@link
     * LiveConnection#closer} before any other thread can act on it: closing is a task on the same I/O thread.
     */
    public LiveConnection register(LiveConnection.Kind kind, String user, SessionId session, String app,
            InetSocketAddress remote, Credential credential, XnioIoThread ioThread) {
        Instant now = clock.instant();
        LiveConnection c = new LiveConnection(nodeId + "-" + ids.incrementAndGet(), user, session, app, kind, now,
                remote, credential, ioThread, this);
        connections.put(c.id(), c);
        Revocation hit = recentlyRevoked(c, now);
        if (hit != null) {
            c.close("revoked (" + hit.kind().name().toLowerCase(java.util.Locale.ROOT) + ")");
        }
        return c;
    }

    /**
     * Closes every connection whose credential expired more than the grace ago (the sweeper's thread); returns how many
     * it began to close.
     */
    int sweepExpired() {
        int closed = 0;
        try {
            Instant cutoff = clock.instant().minus(expiryGrace);
            for (LiveConnection c : connections.values()) {
                Credential credential = c.credential();
                if (credential != null && !credential.expiresAt().isAfter(cutoff) && c.close("credential expired")) {
                    logger.info("{} closing: its credential expired more than {} ago", c.id(), expiryGrace);
                    closed++;
                }
            }
        } catch (RuntimeException e) {
            logger.warn("expiry sweep failed", e); // the next sweep tries again; never let the schedule die
        }
        return closed;
    }

    void remove(LiveConnection c) {
        connections.remove(c.id(), c);
    }

    /** The live connections now, in no particular order. */
    public List<LiveConnection> snapshot() {
        return List.copyOf(connections.values());
    }

    /** The connection with this id, or null. */
    public LiveConnection get(String id) {
        return connections.get(id);
    }

    /** Closes every live connection {@code which} selects; returns how many it started closing. Any thread. */
    public int close(Predicate<LiveConnection> which, String reason) {
        int n = 0;
        for (LiveConnection c : connections.values()) {
            if (which.test(c) && c.close(reason)) {
                n++;
            }
        }
        return n;
    }

    /** Remembers a revocation for {@link #RECENT}, so connections registered just after it are closed too. */
    public void remember(Revocation revocation) {
        Instant now = clock.instant();
        synchronized (recent) {
            prune(now);
            if (recent.size() == MAX_RECENT) {
                recent.pollFirst();
                recentAt.pollFirst();
            }
            recent.addLast(revocation);
            recentAt.addLast(now);
            lastRemembered = now;
        }
    }

    private Revocation recentlyRevoked(LiveConnection c, Instant now) {
        Instant last = lastRemembered;
        if (last == null || last.isBefore(now.minus(RECENT))) {
            return null;
        }
        synchronized (recent) {
            prune(now);
            for (Revocation r : recent) {
                if (c.refusedBy(r, now)) {
                    return r;
                }
            }
        }
        return null;
    }

    private void prune(Instant now) {
        Instant oldest = now.minus(RECENT);
        while (!recentAt.isEmpty() && recentAt.peekFirst().isBefore(oldest)) {
            recentAt.pollFirst();
            recent.pollFirst();
        }
    }
}
