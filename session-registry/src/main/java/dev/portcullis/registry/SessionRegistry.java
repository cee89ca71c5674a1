package dev.portcullis.registry;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The state every proxy node shares: sessions and their apps, which proxy nodes each agent is connected to,
 * which single-use token ids have been spent, and revocations; plus the event bus the nodes talk through.
 *
 * <p>Every method may block (a Redis round trip): never call one on an I/O thread (an Undertow XNIO thread or a Netty
 * event loop), unless {@link #readsBlock()} says the reads do not. Implementations are thread-safe. Failures are {@link RegistryException}s; a write that fails leaves
 * nothing half-written.
 */
public interface SessionRegistry extends AutoCloseable {

    /** The session, or empty if it is unknown. */
    Optional<SessionRecord> session(SessionId id);

    /** Creates or replaces a session. */
    void putSession(SessionRecord session);

    /** Removes a session; returns whether it existed. */
    boolean removeSession(SessionId id);

    /** Every session, in no particular order. */
    List<SessionRecord> sessions();

    /** Every session served by {@code agentId}. */
    List<SessionRecord> sessionsOfAgent(String agentId);

    /** Writes or extends a lease; a later {@code expiresAt} replaces an earlier one for the same agent and node. */
    void renewLease(AgentLease lease);

    /** Removes the lease of {@code agentId} on {@code nodeId}, if any (an agent that disconnected cleanly). */
    void releaseLease(String agentId, String nodeId);

    /** The live (unexpired, by the registry's clock) leases of {@code agentId}. */
    List<AgentLease> leases(String agentId);

    /**
     * Records a single-use token id. Returns {@code true} the first time a given {@code tokenId} is claimed and
     * {@code false} every time after, on every node, until {@code ttl} has passed. Atomic.
     */
    boolean claimTokenId(String tokenId, Duration ttl);

    /** The fleet-wide event bus of this registry: every node sharing the registry shares the bus. */
    RegistryEvents events();

    /** The revocations stored in this registry. */
    Revocations revocations();

    /**
     * Whether {@link #session} and {@link Revocations#find} may block. {@code false} only for a registry held in this
     * JVM whose reads are map lookups: then the gate may run them on an I/O thread instead of handing every request
     * to a worker thread and back. Default {@code true}.
     */
    default boolean readsBlock() {
        return true;
    }

    @Override
    void close();
}
