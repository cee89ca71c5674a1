package dev.portcullis.registry.redis;

import static java.util.Objects.requireNonNull;

import dev.portcullis.registry.SessionId;
import java.util.regex.Pattern;

/**
 * Every Redis key name the registry uses, in one place. {@code {p}} is the configurable prefix (default
 * {@value #DEFAULT_PREFIX}); see {@link RedisSessionRegistry} for what each key holds.
 *
 * <p>Agent ids and session ids are validated by their records ({@code [A-Za-z0-9._-]} and {@code [a-z0-9-]}), so
 * they cannot contain ':' and one key can never be spelled as another. Immutable and thread-safe.
 */
public final class RedisKeys {
    public static final String DEFAULT_PREFIX = "portcullis:";
    private static final Pattern VALID_PREFIX = Pattern.compile("[A-Za-z0-9:._{}-]{0,64}");

    private final String prefix;

    public RedisKeys(String prefix) {
        requireNonNull(prefix, "prefix");
        if (!VALID_PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException(
                    "key prefix: \"" + prefix.replaceAll("[^\\x20-\\x7e]", "?") + "\" (expected: 0-64 of [A-Za-z0-9:._{}-])");
        }
        this.prefix = prefix;
    }

    public String prefix() {
        return prefix;
    }

    /** {@code {p}session:{sid}}: the JSON of one {@link dev.portcullis.registry.SessionRecord}. */
    public String session(SessionId id) {
        return prefix + "session:" + requireNonNull(id, "id").value();
    }

    /** {@code {p}sessions}: the SET of every session id. */
    public String sessions() {
        return prefix + "sessions";
    }

    /** {@code {p}agent:{agentId}:sessions}: the SET of the ids of the sessions that agent serves. */
    public String agentSessions(String agentId) {
        return prefix + "agent:" + requireNonNull(agentId, "agentId") + ":sessions";
    }

    /** {@code {p}agent:{agentId}:leases}: ZSET member = node id, score = lease expiry in epoch milliseconds. */
    public String agentLeases(String agentId) {
        return prefix + "agent:" + requireNonNull(agentId, "agentId") + ":leases";
    }

    /** {@code {p}jti:{tokenId}}: present while the single-use token id is spent (SET NX PX). */
    public String tokenId(String tokenId) {
        return prefix + "jti:" + requireNonNull(tokenId, "tokenId");
    }

    /**
     * {@code {p}revoked:{token|user|session}:{target}}: STRING {@code "<at epoch ms>:<until epoch ms>"} with PX until
     * {@code until}. A user id may hold any character, ':' included; it is the whole rest of the key, and the kinds
     * differ before it, so no two keys can be spelled alike.
     */
    public String revoked(dev.portcullis.registry.Revocation.Kind kind, String target) {
        return prefix + "revoked:" + kind.name().toLowerCase(java.util.Locale.ROOT) + ":" + requireNonNull(target, "target");
    }

    /** {@code {p}events}: the pub/sub channel of {@link dev.portcullis.registry.RegistryEvent}s (JSON). */
    public String events() {
        return prefix + "events";
    }

    @Override
    public String toString() {
        return "RedisKeys[prefix=" + prefix + "]";
    }
}
