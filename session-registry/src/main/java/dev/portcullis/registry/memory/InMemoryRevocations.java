package dev.portcullis.registry.memory;

import static java.util.Objects.requireNonNull;

import dev.portcullis.registry.Revocation;
import dev.portcullis.registry.Revocations;
import dev.portcullis.registry.SessionId;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link Revocations} in this JVM, judged by the injected clock. One entry per (kind, target); for a user or session
 * the later "revoked at" wins. Expired entries are dropped when met and by a sweep every {@value #SWEEP_EVERY}
 * writes, so memory is bounded by the revocations alive at once. Thread-safe.
 */
public final class InMemoryRevocations implements Revocations {
    private static final int SWEEP_EVERY = 256;

    private final Clock clock;
    private final Map<String, Revocation> entries = new ConcurrentHashMap<>();
    private final AtomicLong writes = new AtomicLong();

    public InMemoryRevocations(Clock clock) {
        this.clock = requireNonNull(clock, "clock");
    }

    @Override
    public void revoke(Revocation revocation) {
        requireNonNull(revocation, "revocation");
        entries.merge(key(revocation.kind(), revocation.target()), revocation,
                (old, neu) -> old.until().isAfter(clock.instant()) && old.at().isAfter(neu.at()) ? old : neu);
        if (writes.incrementAndGet() % SWEEP_EVERY == 0) {
            Instant now = clock.instant();
            entries.values().removeIf(r -> !now.isBefore(r.until()));
        }
    }

    @Override
    public Optional<Revocation> find(String tokenId, String user, SessionId session, Instant issuedAt) {
        Instant now = clock.instant();
        String sid = session == null ? null : session.value();
        for (String key : new String[] {
                tokenId == null ? null : key(Revocation.Kind.TOKEN, tokenId),
                user == null ? null : key(Revocation.Kind.USER, user),
                sid == null ? null : key(Revocation.Kind.SESSION, sid)}) {
            Revocation r = key == null ? null : entries.get(key);
            if (r != null && r.refuses(tokenId, user, sid, issuedAt, now)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    private static String key(Revocation.Kind kind, String target) {
        return kind.name() + ':' + target;
    }
}
