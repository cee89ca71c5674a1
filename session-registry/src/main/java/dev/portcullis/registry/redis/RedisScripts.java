package dev.portcullis.registry.redis;

/**
 * The Lua scripts behind the multi-key writes. Redis runs a script atomically, and every key a script touches is
 * passed in KEYS (none is built inside the script), as Redis requires for correctness on replicas and proxies.
 */
final class RedisScripts {
    private RedisScripts() {}

    /**
     * Compare-and-set of a session. KEYS: session, sessions set, new agent's set, old agent's set (equal to the new
     * one when the agent does not change or there was no old value). ARGV: the value the caller read ("" for none),
     * the new JSON, the session id. Returns 0 if the stored value changed since it was read (the caller retries).
     */
    static final String PUT_SESSION = """
            local current = redis.call('GET', KEYS[1]) or ''
            if current ~= ARGV[1] then return 0 end
            redis.call('SET', KEYS[1], ARGV[2])
            redis.call('SADD', KEYS[2], ARGV[3])
            if KEYS[4] ~= KEYS[3] then redis.call('SREM', KEYS[4], ARGV[3]) end
            redis.call('SADD', KEYS[3], ARGV[3])
            return 1
            """;

    /**
     * Compare-and-delete of a session. KEYS: session, sessions set, its agent's set (the session key itself when the
     * agent is unknown, which makes the SREM a no-op on a missing key). ARGV: the value the caller read, the session
     * id. Returns 1 if removed, 0 if already gone, -1 if the value changed since it was read (the caller retries).
     */
    static final String REMOVE_SESSION = """
            local current = redis.call('GET', KEYS[1])
            if not current then
              redis.call('SREM', KEYS[2], ARGV[2])
              return 0
            end
            if current ~= ARGV[1] then return -1 end
            redis.call('DEL', KEYS[1])
            redis.call('SREM', KEYS[2], ARGV[2])
            if KEYS[3] ~= KEYS[1] then redis.call('SREM', KEYS[3], ARGV[2]) end
            return 1
            """;

    /**
     * Renews a lease, keeping the later expiry (ZADD GT still adds a new member), then sets the key's TTL to the
     * latest lease of the agent so an abandoned agent's key vanishes by itself. KEYS: leases ZSET. ARGV: expiry
     * epoch ms, node id, now epoch ms.
     */
    static final String RENEW_LEASE = """
            redis.call('ZADD', KEYS[1], 'GT', ARGV[1], ARGV[2])
            local top = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
            local ttl = math.floor(tonumber(top[2]) - tonumber(ARGV[3]))
            if ttl < 1 then ttl = 1 end
            redis.call('PEXPIRE', KEYS[1], string.format('%d', ttl))
            return 1
            """;

    /**
     * Prunes the expired leases and returns the rest as [node, score, node, score...]. KEYS: leases ZSET. ARGV: now
     * epoch ms (a lease expiring exactly now is expired).
     */
    static final String LIVE_LEASES = """
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
            return redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
            """;
}
