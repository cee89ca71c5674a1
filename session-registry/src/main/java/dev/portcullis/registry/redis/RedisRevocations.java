package dev.portcullis.registry.redis;

import static java.util.Objects.requireNonNull;

import dev.portcullis.registry.RegistryException;
import dev.portcullis.registry.Revocation;
import dev.portcullis.registry.Revocations;
import dev.portcullis.registry.SessionId;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;

/**
 * {@link Revocations} in Redis: one key per (kind, target) from {@link RedisKeys#revoked}, holding
 * {@code "<at>:<until>"} (epoch ms) and expiring with PX at {@code until}, written by a script that keeps the later
 * {@code at}. {@link #find} is one MGET of at most three keys. Thread-safe; every method is one round trip.
 */
final class RedisRevocations implements Revocations {
    /** KEYS: the revocation key. ARGV: at, "at:until", px. Keeps the stored value if its "at" is later. */
    private static final String REVOKE = """
            local current = redis.call('GET', KEYS[1])
            if current then
              local at = tonumber(string.match(current, '^(%d+):'))
              if at and at > tonumber(ARGV[1]) then return 0 end
            end
            redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
            return 1
            """;

    private final RedisClient redis;
    private final RedisKeys keys;
    private final Clock clock;
    private final String address;

    RedisRevocations(RedisClient redis, RedisKeys keys, Clock clock, String address) {
        this.redis = redis;
        this.keys = keys;
        this.clock = clock;
        this.address = address;
    }

    @Override
    public void revoke(Revocation revocation) {
        requireNonNull(revocation, "revocation");
        long px = revocation.until().toEpochMilli() - clock.millis();
        if (px < 1) {
            return; // already over: nothing to refuse
        }
        String value = revocation.at().toEpochMilli() + ":" + revocation.until().toEpochMilli();
        call("revoke", () -> redis.eval(REVOKE, List.of(keys.revoked(revocation.kind(), revocation.target())),
                List.of(Long.toString(revocation.at().toEpochMilli()), value, Long.toString(px))));
    }

    @Override
    public Optional<Revocation> find(String tokenId, String user, SessionId session, Instant issuedAt) {
        List<Revocation.Kind> kinds = new ArrayList<>(3);
        List<String> targets = new ArrayList<>(3);
        add(kinds, targets, Revocation.Kind.TOKEN, tokenId);
        add(kinds, targets, Revocation.Kind.USER, user);
        add(kinds, targets, Revocation.Kind.SESSION, session == null ? null : session.value());
        if (kinds.isEmpty()) {
            return Optional.empty();
        }
        String[] names = new String[kinds.size()];
        for (int i = 0; i < names.length; i++) {
            names[i] = keys.revoked(kinds.get(i), targets.get(i));
        }
        List<String> values = call("findRevocation", () -> redis.mget(names));
        Instant now = clock.instant();
        for (int i = 0; i < names.length; i++) {
            String value = values.get(i);
            if (value == null) {
                continue;
            }
            Revocation r = parse(names[i], kinds.get(i), targets.get(i), value);
            if (r.refuses(tokenId, user, session == null ? null : session.value(), issuedAt, now)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    private static void add(List<Revocation.Kind> kinds, List<String> targets, Revocation.Kind kind, String target) {
        if (target != null && !target.isEmpty()) {
            kinds.add(kind);
            targets.add(target);
        }
    }

    private static Revocation parse(String key, Revocation.Kind kind, String target, String value) {
        int colon = value.indexOf(':');
        try {
            return new Revocation(kind, target, Instant.ofEpochMilli(Long.parseLong(value.substring(0, colon))),
                    Instant.ofEpochMilli(Long.parseLong(value.substring(colon + 1))));
        } catch (RuntimeException e) {
            throw new RegistryException("redis key " + key + ": stored value is not a valid revocation");
        }
    }

    private <T> T call(String operation, Supplier<T> command) {
        try {
            return command.get();
        } catch (JedisException e) {
            throw new RegistryException(operation + " failed on redis " + address + ": " + e.getMessage(), e);
        }
    }
}
