package dev.portcullis.registry;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * "Refuse these credentials from now on", as every proxy node learns it: by token id, or every credential of a user or
 * of a session issued before {@link #at}. Kept in the registry until {@link #until} (the longest a refused credential
 * could still be valid), then forgotten. Immutable.
 *
 * @param kind what {@code target} names
 * @param target a token id ({@code jti}), a user ({@code sub}) or a session id
 * @param at when it was revoked: for {@link Kind#USER} and {@link Kind#SESSION}, credentials issued before this instant
 *     are refused
 * @param until when the registry may forget it; after {@code at}
 */
public record Revocation(Kind kind, String target, Instant at, Instant until) {
    /** What a revocation names. */
    public enum Kind {
        /** One token (or cookie) id. */
        TOKEN,
        /** Every credential of one user issued before {@code at}. */
        USER,
        /** Every credential for one session issued before {@code at}. */
        SESSION
    }

    public Revocation {
        requireNonNull(kind, "kind");
        requireNonNull(at, "at");
        requireNonNull(until, "until");
        if (target == null || target.isEmpty() || target.length() > TokenIds.MAX_LENGTH) {
            throw new IllegalArgumentException(kind.name().toLowerCase(java.util.Locale.ROOT) + ": "
                    + RegistryException.quote(target) + " (expected: 1-" + TokenIds.MAX_LENGTH + " characters)");
        }
        if (kind == Kind.SESSION) {
            new SessionId(target); // validates
        }
        if (!until.isAfter(at)) {
            throw new IllegalArgumentException("until: " + until + " (expected: after " + at + ")");
        }
    }

    /**
     * Whether this revocation refuses a credential with this token id, user, session and issue time ({@code null}
     * issue time: unknown, refused by user and session revocations), judged at {@code now}.
     */
    public boolean refuses(String tokenId, String user, String sessionId, Instant issuedAt, Instant now) {
        if (!now.isBefore(until)) {
            return false;
        }
        return switch (kind) {
            case TOKEN -> target.equals(tokenId);
            case USER -> target.equals(user) && issuedBefore(issuedAt);
            case SESSION -> target.equals(sessionId) && issuedBefore(issuedAt);
        };
    }

    private boolean issuedBefore(Instant issuedAt) {
        return issuedAt == null || issuedAt.isBefore(at);
    }

    /** A short description for logs and API answers, e.g. {@code user alice before 2030-01-01T00:00:00Z}. */
    public String describe() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + " " + target
                + (kind == Kind.TOKEN ? "" : " before " + at);
    }
}
