package dev.portcullis.proxy.ui;

import dev.portcullis.registry.SessionRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Claims the id of a single-use credential (login token, open ticket) in the registry, remembered until the credential
 * has expired plus a grace for clock skew; exactly one claim wins on all nodes. Blocking (the registry): worker
 * threads only. Stateless.
 */
final class SingleUse {
    /** A claimed id is remembered at least this long after the credential's expiry. */
    static final Duration GRACE = Duration.ofMinutes(2);

    private SingleUse() {}

    /** True the first time {@code id} is claimed, false on every replay. */
    static boolean claim(SessionRegistry registry, String id, Instant expiresAt, Clock clock) {
        Duration ttl = Duration.between(clock.instant(), expiresAt).plus(GRACE);
        return registry.claimTokenId(id, ttl.isNegative() || ttl.isZero() ? GRACE : ttl);
    }
}
