package dev.portcullis.registry.memory;

import static java.util.Objects.requireNonNull;

import dev.portcullis.registry.AgentLease;
import dev.portcullis.registry.RegistryEvents;
import dev.portcullis.registry.Revocations;
import dev.portcullis.registry.SessionId;
import dev.portcullis.registry.SessionRecord;
import dev.portcullis.registry.SessionRegistry;
import dev.portcullis.registry.TokenIds;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link SessionRegistry} held in this JVM: the default for a single proxy node and for the demo. State is lost on
 * restart and is not shared between nodes.
 *
 * <p>Thread-safe: every map is a {@link ConcurrentHashMap} and every read-modify-write is one atomic map operation.
 * Lease expiry and token-id TTLs are judged by the injected {@link Clock}. Expired leases are pruned when read; spent
 * token ids are pruned when claimed again and by a sweep every {@value #SWEEP_EVERY} claims, so memory stays bounded
 * by the number of token ids claimed within one TTL.
 */
public final class InMemorySessionRegistry implements SessionRegistry {
    private static final int SWEEP_EVERY = 1024;

    private final Clock clock;
    private final Map<SessionId, SessionRecord> sessions = new ConcurrentHashMap<>();
    /** agentId -> (nodeId -> expiry). Inner maps are never removed; an agent with no live lease keeps an empty map. */
    private final Map<String, Map<String, Instant>> leases = new ConcurrentHashMap<>();
    /** tokenId -> the instant its claim expires. */
    private final Map<String, Instant> tokenIds = new ConcurrentHashMap<>();
    private final AtomicLong claims = new AtomicLong();
    private final InMemoryRegistryEvents events = new InMemoryRegistryEvents();
    private final InMemoryRevocations revocations;

    public InMemorySessionRegistry(Clock clock) {
        this.clock = requireNonNull(clock, "clock");
        this.revocations = new InMemoryRevocations(clock);
    }

    /** Reads are lookups in concurrent maps: they never block. */
    @Override
    public boolean readsBlock() {
        return false;
    }

    @Override
    public Optional<SessionRecord> session(SessionId id) {
        requireNonNull(id, "id");
        return Optional.ofNullable(sessions.get(id));
    }

    @Override
    public void putSession(SessionRecord session) {
        requireNonNull(session, "session");
        sessions.put(session.id(), session);
    }

    @Override
    public boolean removeSession(SessionId id) {
        requireNonNull(id, "id");
        return sessions.remove(id) != null;
    }

    @Override
    public List<SessionRecord> sessions() {
        return List.copyOf(sessions.values());
    }

    @Override
    public List<SessionRecord> sessionsOfAgent(String agentId) {
        requireNonNull(agentId, "agentId");
        return sessions.values().stream().filter(s -> s.agentId().equals(agentId)).toList();
    }

    @Override
    public void renewLease(AgentLease lease) {
        requireNonNull(lease, "lease");
        leases.computeIfAbsent(lease.agentId(), a -> new ConcurrentHashMap<>())
                .merge(lease.nodeId(), lease.expiresAt(), (old, neu) -> neu.isAfter(old) ? neu : old);
    }

    @Override
    public void releaseLease(String agentId, String nodeId) {
        requireNonNull(agentId, "agentId");
        requireNonNull(nodeId, "nodeId");
        Map<String, Instant> ofAgent = leases.get(agentId);
        if (ofAgent != null) {
            ofAgent.remove(nodeId);
        }
    }

    @Override
    public List<AgentLease> leases(String agentId) {
        requireNonNull(agentId, "agentId");
        Map<String, Instant> ofAgent = leases.get(agentId);
        if (ofAgent == null) {
            return List.of();
        }
        Instant now = clock.instant();
        // Prune with a value-conditional remove so a renewal racing with this read is never lost.
        ofAgent.forEach((node, expiry) -> {
            if (!expiry.isAfter(now)) {
                ofAgent.remove(node, expiry);
            }
        });
        List<AgentLease> live = new ArrayList<>();
        ofAgent.forEach((node, expiry) -> {
            if (expiry.isAfter(now)) {
                live.add(new AgentLease(agentId, node, expiry));
            }
        });
        return List.copyOf(live);
    }

    @Override
    public boolean claimTokenId(String tokenId, Duration ttl) {
        TokenIds.check(tokenId, ttl);
        Instant now = clock.instant();
        Instant expiry = now.plus(ttl);
        AtomicBoolean won = new AtomicBoolean();
        // compute() runs atomically per key: exactly one concurrent caller sees an absent or expired entry.
        tokenIds.compute(tokenId, (id, existing) -> {
            if (existing != null && existing.isAfter(now)) {
                return existing;
            }
            won.set(true);
            return expiry;
        });
        if (claims.incrementAndGet() % SWEEP_EVERY == 0) {
            tokenIds.entrySet().removeIf(e -> !e.getValue().isAfter(now));
        }
        return won.get();
    }

    @Override
    public RegistryEvents events() {
        return events;
    }

    @Override
    public Revocations revocations() {
        return revocations;
    }

    @Override
    public void close() {
        // Nothing to release: the state is plain heap.
    }
}
