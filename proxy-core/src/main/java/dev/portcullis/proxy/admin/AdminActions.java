package dev.portcullis.proxy.admin;

import static java.util.Objects.requireNonNull;

import dev.portcullis.proxy.live.RevocationEnforcer;
import dev.portcullis.registry.RegistryEvent;
import dev.portcullis.registry.Revocation;
import dev.portcullis.registry.SessionId;
import dev.portcullis.registry.SessionRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * What the admin API's writes do, in an order that leaves nothing half-done for the fleet: store first (a node that
 * misses the broadcast still refuses new requests), then close this node's connections (the count the API answers),
 * then broadcast on the registry's bus (every node closes its own; this node's second pass finds nothing left).
 * Blocking (registry calls): worker threads only. Thread-safe.
 */
final class AdminActions {
    /** A revocation and how many of this node's connections it closed. */
    record Revoked(Revocation revocation, int closed) {}

    private final SessionRegistry registry;
    private final RevocationEnforcer enforcer;
    private final Clock clock;
    private final Duration revocationTtl;

    AdminActions(SessionRegistry registry, RevocationEnforcer enforcer, Clock clock, Duration revocationTtl) {
        this.registry = requireNonNull(registry, "registry");
        this.enforcer = requireNonNull(enforcer, "enforcer");
        this.clock = requireNonNull(clock, "clock");
        this.revocationTtl = requireNonNull(revocationTtl, "revocationTtl");
    }

    int kick(RegistryEvent.Kick kick) {
        int closed = enforcer.apply(kick);
        registry.events().publish(kick);
        return closed;
    }

    Revoked revoke(AdminRequests.RevokeRequest request) {
        Instant now = clock.instant();
        Revocation r;
        if (request.jti() != null) {
            r = new Revocation(Revocation.Kind.TOKEN, request.jti(), now,
                    request.until() == null ? now.plus(revocationTtl) : request.until());
        } else if (request.user() != null) {
            r = new Revocation(Revocation.Kind.USER, request.user(), now, now.plus(revocationTtl));
        } else {
            r = new Revocation(Revocation.Kind.SESSION, request.session().value(), now, now.plus(revocationTtl));
        }
        registry.revocations().revoke(r);
        RegistryEvent event = new RegistryEvent.Revoked(r);
        int closed = enforcer.apply(event);
        registry.events().publish(event);
        return new Revoked(r, closed);
    }

    /** Removes the session and closes its connections fleet-wide; false if there was no such session. */
    boolean removeSession(SessionId sid) {
        if (!registry.removeSession(sid)) {
            return false;
        }
        RegistryEvent event = new RegistryEvent.SessionRemoved(sid);
        enforcer.apply(event);
        registry.events().publish(event);
        return true;
    }
}
