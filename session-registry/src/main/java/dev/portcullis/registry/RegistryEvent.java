package dev.portcullis.registry;

import static java.util.Objects.requireNonNull;

/**
 * What one proxy node tells every other through {@link RegistryEvents}: a revocation, a kick, a removed session.
 * Immutable.
 */
public sealed interface RegistryEvent {

    /** Credentials were revoked (and persisted in {@link Revocations}): close the live connections they admitted. */
    record Revoked(Revocation revocation) implements RegistryEvent {
        public Revoked {
            requireNonNull(revocation, "revocation");
        }
    }

    /**
     * Close live connections without revoking anything: one connection by id, a session's (optionally one app's), or
     * a user's. {@code app} is only for {@link Target#SESSION}.
     */
    record Kick(Target target, String id, String app) implements RegistryEvent {
        /** What a kick's {@code id} names. */
        public enum Target {
            CONNECTION, SESSION, USER
        }

        public Kick {
            requireNonNull(target, "target");
            if (id == null || id.isEmpty() || id.length() > TokenIds.MAX_LENGTH) {
                throw new IllegalArgumentException(target.name().toLowerCase(java.util.Locale.ROOT) + ": "
                        + RegistryException.quote(id) + " (expected: 1-" + TokenIds.MAX_LENGTH + " characters)");
            }
            if (target == Target.SESSION) {
                new SessionId(id);
            }
            if (app != null && (target != Target.SESSION || !AppSpec.isValidName(app))) {
                throw new IllegalArgumentException("app: " + RegistryException.quote(app)
                        + " (expected: 1-32 of [a-z0-9], with a session only)");
            }
        }
    }

    /** A session was removed from the registry: its live connections must close. */
    record SessionRemoved(SessionId session) implements RegistryEvent {
        public SessionRemoved {
            requireNonNull(session, "session");
        }
    }

    /**
     * Local only, never published: the bus (re)subscribed after a gap in which events may have been missed, so a
     * listener should re-check its live connections against {@link Revocations}.
     */
    record Resubscribed() implements RegistryEvent {}
}
