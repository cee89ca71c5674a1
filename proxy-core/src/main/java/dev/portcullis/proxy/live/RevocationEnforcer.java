package dev.portcullis.proxy.live;

import static java.util.Objects.requireNonNull;

import dev.portcullis.registry.RegistryEvent;
import dev.portcullis.registry.RegistryException;
import dev.portcullis.registry.Revocation;
import dev.portcullis.registry.Revocations;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the registry's events to this node's {@link LiveConnections}: a revocation or a kick closes the connections
 * it names, a removed session closes its connections, and after the bus reconnects ({@link
 * RegistryEvent.Resubscribed}) every live connection is re-checked against the stored {@link Revocations} on the
 * blocking executor (the check may be a Redis round trip). Runs on the bus's thread and never blocks it.
 */
public final class RevocationEnforcer implements Consumer<RegistryEvent> {
    private static final Logger logger = LoggerFactory.getLogger(RevocationEnforcer.class);

    private final LiveConnections connections;
    private final Revocations revocations;
    private final Executor blocking;
    private final Clock clock;

    public RevocationEnforcer(LiveConnections connections, Revocations revocations, Executor blocking, Clock clock) {
        this.connections = requireNonNull(connections, "connections");
        this.revocations = requireNonNull(revocations, "revocations");
        this.blocking = requireNonNull(blocking, "blocking");
        this.clock = requireNonNull(clock, "clock");
    }

    @Override
    public void accept(RegistryEvent event) {
        int closed = apply(event);
        if (closed > 0) {
            logger.info("{}: closing {} live connection(s)", describe(event), closed);
        }
    }

    /** Closes what {@code event} names on this node; returns how many connections it started closing. Any thread. */
    public int apply(RegistryEvent event) {
        if (event instanceof RegistryEvent.Revoked revoked) {
            Revocation r = revoked.revocation();
            connections.remember(r);
            Instant now = clock.instant();
            return connections.close(c -> c.refusedBy(r, now), "revoked (" + lower(r.kind()) + ")");
        }
        if (event instanceof RegistryEvent.Kick kick) {
            return connections.close(matcher(kick), "kicked");
        }
        if (event instanceof RegistryEvent.SessionRemoved removed) {
            return connections.close(c -> c.session().equals(removed.session()), "session ended");
        }
        if (event instanceof RegistryEvent.Resubscribed) {
            recheckAll();
        }
        return 0;
    }

    private static Predicate<LiveConnection> matcher(RegistryEvent.Kick kick) {
        return switch (kick.target()) {
            case CONNECTION -> c -> c.id().equals(kick.id());
            case USER -> c -> c.user().equals(kick.id());
            case SESSION -> c -> c.session().value().equals(kick.id()) && (kick.app() == null || c.app().equals(kick.app()));
        };
    }

    /** Events may have been missed while the bus was down: look every live connection up in the store. */
    private void recheckAll() {
        try {
            blocking.execute(() -> {
                int closed = 0;
                for (LiveConnection c : connections.snapshot()) {
                    Credential cr = c.credential();
                    try {
                        var hit = revocations.find(cr == null ? null : cr.tokenId(), c.user(), c.session(),
                                cr == null ? null : cr.issuedAt());
                        if (hit.isPresent() && c.close("revoked (" + lower(hit.get().kind()) + ")")) {
                            closed++;
                        }
                    } catch (RegistryException e) {
                        logger.warn("re-checking live connections after the event bus reconnected failed: {}", e.getMessage());
                        return;
                    }
                }
                logger.info("event bus reconnected: re-checked live connections, closed {}", closed);
            });
        } catch (RejectedExecutionException e) {
            logger.debug("not re-checking live connections: shutting down");
        }
    }

    private static String describe(RegistryEvent event) {
        if (event instanceof RegistryEvent.Revoked r) {
            return "revocation of " + r.revocation().describe();
        }
        if (event instanceof RegistryEvent.Kick k) {
            return "kick of " + lower(k.target()) + " " + k.id() + (k.app() == null ? "" : "/" + k.app());
        }
        return event.toString();
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
