package dev.portcullis.tunnel;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's allow-list of targets: which app of which session listens on which port of this node. The agent opens
 * a connection only to a (session, app, port) that is in this table, exactly; everything else is refused.
 *
 * <p>Thread-safe: the agent's control code updates it while event loops read it.
 */
public final class AppTable {
    private final Map<String, Map<String, Integer>> sessions = new ConcurrentHashMap<>();
    private final AtomicLong refused = new AtomicLong();

    /** Registers (or moves) {@code app} of {@code session} on {@code port}. */
    public void put(String session, String app, int port) {
        requireNonNull(session, "session");
        requireNonNull(app, "app");
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
        }
        sessions.computeIfAbsent(session, s -> new ConcurrentHashMap<>()).put(app, port);
    }

    /** Removes one app of a session; a no-op if absent. */
    public void remove(String session, String app) {
        requireNonNull(session, "session");
        requireNonNull(app, "app");
        sessions.computeIfPresent(session, (s, apps) -> {
            apps.remove(app);
            return apps.isEmpty() ? null : apps;
        });
    }

    /** Removes every app of a session; a no-op if absent. */
    public void removeSession(String session) {
        requireNonNull(session, "session");
        sessions.remove(session);
    }

    /** The port of {@code app} of {@code session}, if registered. */
    public OptionalInt port(String session, String app) {
        requireNonNull(session, "session");
        requireNonNull(app, "app");
        Map<String, Integer> apps = sessions.get(session);
        Integer port = apps == null ? null : apps.get(app);
        return port == null ? OptionalInt.empty() : OptionalInt.of(port);
    }

    /** Whether exactly this (session, app, port) is registered. */
    public boolean allows(String session, String app, int port) {
        OptionalInt p = port(session, app);
        return p.isPresent() && p.getAsInt() == port;
    }

    /** Counts one refused target (called by the agent when it refuses a stream). */
    public void recordRefused() {
        refused.incrementAndGet();
    }

    /** Targets refused so far. */
    public long refusedTargets() {
        return refused.get();
    }
}
