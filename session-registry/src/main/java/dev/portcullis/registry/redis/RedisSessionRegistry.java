package dev.portcullis.registry.redis;

import static java.util.Objects.requireNonNull;

import dev.portcullis.registry.AgentLease;
import dev.portcullis.registry.RegistryEvents;
import dev.portcullis.registry.RegistryException;
import dev.portcullis.registry.Revocations;
import dev.portcullis.registry.SessionId;
import dev.portcullis.registry.SessionRecord;
import dev.portcullis.registry.SessionRegistry;
import dev.portcullis.registry.TokenIds;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.SslVerifyMode;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/**
 * A {@link SessionRegistry} in Redis, shared by every proxy node, on a pooled Jedis {@link RedisClient}.
 *
 * <p>Keys ({@code {p}} is the configured prefix, default {@code portcullis:}; names come from {@link RedisKeys}):
 * <ul>
 *   <li>{@code {p}session:{sid}}: STRING, the JSON of the session:
 *       {@code {"id","owner","agentId","apps":[{"name","port","kind"}]}}.
 *   <li>{@code {p}sessions}: SET of every session id.
 *   <li>{@code {p}agent:{agentId}:sessions}: SET of the ids of the sessions that agent serves.
 *   <li>{@code {p}agent:{agentId}:leases}: ZSET, member = proxy node id, score = lease expiry in epoch ms. The key's
 *       TTL follows its latest lease, so an agent nobody renews leaves nothing behind.
 *   <li>{@code {p}jti:{tokenId}}: STRING "1", written with SET NX PX ttl: present while the token id is spent.
 *   <li>{@code {p}revoked:{token|user|session}:{target}}: STRING "at:until" (epoch ms), PX until: a revocation
 *       ({@link RedisRevocations}).
 *   <li>{@code {p}events}: the pub/sub channel of registry events ({@link RedisRegistryEvents}).
 * </ul>
 *
 * <p>{@link #putSession} and {@link #removeSession} change the three session keys in one Lua script (atomic, nothing
 * half-written), as a compare-and-set against the value read just before so that moving a session between agents
 * removes it from the agent it really was on, even under concurrent writes. Reads skip set members whose session is
 * gone or whose agent no longer matches, so a reader never sees a session twice or under the wrong agent.
 *
 * <p>"Now" for leases comes from the configured {@link java.time.Clock}; token-id TTLs are Redis's own PX. Every
 * Redis failure becomes a {@link RegistryException} naming the operation and {@code host:port}, never the password;
 * a stored value that does not parse becomes one naming the key. Thread-safe; every method blocks for a round trip.
 */
public final class RedisSessionRegistry implements SessionRegistry {
    private static final Logger logger = LoggerFactory.getLogger(RedisSessionRegistry.class);
    /** Compare-and-set attempts before giving up; only a write storm on one session id exhausts them. */
    private static final int MAX_ATTEMPTS = 32;
    /** Upper bound of the random pause after the n-th lost compare-and-set, in microseconds: 100 * 2^min(n, 5). */
    private static final long BACKOFF_UNIT_MICROS = 100;

    private final RedisRegistryConfig config;
    private final RedisKeys keys;
    private final SessionJson json = new SessionJson();
    private final RedisClient redis;
    private final RedisRegistryEvents events;
    private final RedisRevocations revocations;

    public RedisSessionRegistry(RedisRegistryConfig config) {
        this.config = requireNonNull(config, "config");
        this.keys = new RedisKeys(config.keyPrefix());
        DefaultJedisClientConfig.Builder client = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis((int) config.connectTimeout().toMillis())
                .socketTimeoutMillis((int) config.socketTimeout().toMillis())
                .database(config.database())
                .clientName("portcullis-registry");
        if (config.tls()) {
            // FULL: the JVM's trust store and a host name check, as for any other TLS peer.
            client.sslOptions(SslOptions.builder().sslVerifyMode(SslVerifyMode.FULL).build());
        }
        config.user().ifPresent(client::user);
        config.password().ifPresent(client::password);
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        // One more than configured: the event subscriber holds one connection for as long as it is subscribed.
        pool.setMaxTotal(config.poolSize() + 1);
        pool.setMaxIdle(config.poolSize() + 1);
        pool.setMinIdle(0);
        // Without a bound, a caller would wait forever for a pooled connection while Redis is unreachable.
        pool.setMaxWait(config.connectTimeout());
        pool.setTestOnBorrow(false);
        try {
            this.redis = RedisClient.builder()
                    .hostAndPort(config.host(), config.port())
                    .clientConfig(client.build())
                    .poolConfig(pool)
                    .build();
        } catch (JedisException e) {
            throw failure("connect", e);
        }
        this.events = new RedisRegistryEvents(redis, keys.events(), config.address(), config.connectTimeout(),
                RedisRegistryEvents.DEFAULT_PING_INTERVAL);
        this.revocations = new RedisRevocations(redis, keys, config.clock(), config.address());
        logger.info("session registry on redis {}", config);
    }

    /** The key names this registry uses. */
    public RedisKeys keys() {
        return keys;
    }

    @Override
    public Optional<SessionRecord> session(SessionId id) {
        requireNonNull(id, "id");
        String key = keys.session(id);
        String value = call("session", () -> redis.get(key));
        return value == null ? Optional.empty() : Optional.of(json.read(key, value));
    }

    @Override
    public void putSession(SessionRecord session) {
        requireNonNull(session, "session");
        String key = keys.session(session.id());
        String value = json.write(session);
        String newAgentSet = keys.agentSessions(session.agentId());
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            String current = call("putSession", () -> redis.get(key));
            String oldAgentSet = current == null ? newAgentSet : agentSetOf(key, current, newAgentSet, "replacing");
            Object done = call("putSession", () -> redis.eval(RedisScripts.PUT_SESSION,
                    List.of(key, keys.sessions(), newAgentSet, oldAgentSet),
                    List.of(current == null ? "" : current, value, session.id().value())));
            if (Long.valueOf(1).equals(done)) {
                return;
            }
            backOff(attempt);
        }
        throw new RegistryException("putSession on redis " + config.address() + ": " + key
                + " kept changing under concurrent writes; gave up after " + MAX_ATTEMPTS + " attempts");
    }

    @Override
    public boolean removeSession(SessionId id) {
        requireNonNull(id, "id");
        String key = keys.session(id);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            String current = call("removeSession", () -> redis.get(key));
            if (current == null) {
                return false;
            }
            String agentSet = agentSetOf(key, current, key, "removing");
            Object done = call("removeSession", () -> redis.eval(RedisScripts.REMOVE_SESSION,
                    List.of(key, keys.sessions(), agentSet), List.of(current, id.value())));
            if (!Long.valueOf(-1).equals(done)) {
                return Long.valueOf(1).equals(done);
            }
            backOff(attempt);
        }
        throw new RegistryException("removeSession on redis " + config.address() + ": " + key
                + " kept changing under concurrent writes; gave up after " + MAX_ATTEMPTS + " attempts");
    }

    /**
     * The agent set the stored value belongs to, or {@code fallback} if it does not parse: a corrupt value must not
     * block replacing or removing it (that is how an operator repairs it); a stale id it may leave in some agent's
     * set is skipped by readers.
     */
    /**
     * After a lost compare-and-set: a random pause (full jitter, growing with the attempt) so that writers racing for
     * one session spread out instead of colliding again in lock step. Callers are never on an I/O thread (every
     * method here blocks on Redis anyway).
     */
    private static void backOff(int attempt) {
        long bound = BACKOFF_UNIT_MICROS << Math.min(attempt, 5);
        LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(ThreadLocalRandom.current().nextLong(bound + 1)));
    }

    private String agentSetOf(String key, String stored, String fallback, String action) {
        try {
            return keys.agentSessions(json.read(key, stored).agentId());
        } catch (RegistryException e) {
            logger.warn("{}; {} it anyway", e.getMessage(), action);
            return fallback;
        }
    }

    @Override
    public List<SessionRecord> sessions() {
        Set<String> ids = call("sessions", () -> redis.smembers(keys.sessions()));
        return load("sessions", ids, null);
    }

    @Override
    public List<SessionRecord> sessionsOfAgent(String agentId) {
        requireNonNull(agentId, "agentId");
        Set<String> ids = call("sessionsOfAgent", () -> redis.smembers(keys.agentSessions(agentId)));
        return load("sessionsOfAgent", ids, agentId);
    }

    /** Loads the sessions of {@code ids} (MGET), skipping gone ones and, if {@code agentId} is set, other agents'. */
    private List<SessionRecord> load(String operation, Set<String> ids, String agentId) {
        List<String> sessionKeys = new ArrayList<>(ids.size());
        for (String id : ids) {
            SessionId sid = SessionId.parseOrNull(id);
            if (sid != null) {
                sessionKeys.add(keys.session(sid));
            }
        }
        if (sessionKeys.isEmpty()) {
            return List.of();
        }
        List<String> values = call(operation, () -> redis.mget(sessionKeys.toArray(String[]::new)));
        List<SessionRecord> result = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i) != null) {
                SessionRecord session = json.read(sessionKeys.get(i), values.get(i));
                if (agentId == null || session.agentId().equals(agentId)) {
                    result.add(session);
                }
            }
        }
        return List.copyOf(result);
    }

    @Override
    public void renewLease(AgentLease lease) {
        requireNonNull(lease, "lease");
        long now = config.clock().millis();
        call("renewLease", () -> redis.eval(RedisScripts.RENEW_LEASE, List.of(keys.agentLeases(lease.agentId())),
                List.of(Long.toString(lease.expiresAt().toEpochMilli()), lease.nodeId(), Long.toString(now))));
    }

    @Override
    public void releaseLease(String agentId, String nodeId) {
        requireNonNull(agentId, "agentId");
        requireNonNull(nodeId, "nodeId");
        call("releaseLease", () -> redis.zrem(keys.agentLeases(agentId), nodeId));
    }

    @Override
    public List<AgentLease> leases(String agentId) {
        requireNonNull(agentId, "agentId");
        String key = keys.agentLeases(agentId);
        long now = config.clock().millis();
        Object reply = call("leases",
                () -> redis.eval(RedisScripts.LIVE_LEASES, List.of(key), List.of(Long.toString(now))));
        List<AgentLease> live = new ArrayList<>();
        try {
            List<?> flat = (List<?>) reply;
            for (int i = 0; i + 1 < flat.size(); i += 2) {
                long expiry = (long) Double.parseDouble(String.valueOf(flat.get(i + 1)));
                live.add(new AgentLease(agentId, String.valueOf(flat.get(i)), Instant.ofEpochMilli(expiry)));
            }
        } catch (ClassCastException | IllegalArgumentException e) {
            throw new RegistryException("redis key " + key + ": stored value is not a valid lease set");
        }
        return List.copyOf(live);
    }

    @Override
    public boolean claimTokenId(String tokenId, Duration ttl) {
        TokenIds.check(tokenId, ttl);
        String reply = call("claimTokenId",
                () -> redis.set(keys.tokenId(tokenId), "1", SetParams.setParams().nx().px(ttl.toMillis())));
        // SET NX answers OK when it wrote and nil when the key already existed.
        return "OK".equals(reply);
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
        events.close();
        try {
            redis.close();
        } catch (JedisException e) {
            logger.debug("closing the redis client for {} failed", config.address(), e);
        }
    }

    private <T> T call(String operation, Supplier<T> command) {
        try {
            return command.get();
        } catch (JedisException e) {
            throw failure(operation, e);
        }
    }

    private RegistryException failure(String operation, JedisException e) {
        // Jedis messages name hosts and errors, never the AUTH arguments; the password is in no message here.
        return new RegistryException(operation + " failed on redis " + config.address() + ": " + e.getMessage(), e);
    }
}
