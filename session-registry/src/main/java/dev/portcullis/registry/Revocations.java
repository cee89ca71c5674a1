package dev.portcullis.registry;

import java.time.Instant;
import java.util.Optional;

/**
 * Revocations as the registry keeps them, so that a node that missed an event, or a new connection on any node, is
 * refused too. Each lives until its {@link Revocation#until()}. For one user or session only the latest "revoked at"
 * is kept (a later revocation covers everything an earlier one did).
 *
 * <p>Every method may block (a Redis round trip): never call one on an I/O thread. Thread-safe.
 */
public interface Revocations {
    /** Stores {@code revocation}. */
    void revoke(Revocation revocation);

    /**
     * The revocation that refuses a credential with this token id (may be null), user, session and issue time (null:
     * unknown, which user and session revocations refuse), or empty if none does.
     */
    Optional<Revocation> find(String tokenId, String user, SessionId session, Instant issuedAt);
}
