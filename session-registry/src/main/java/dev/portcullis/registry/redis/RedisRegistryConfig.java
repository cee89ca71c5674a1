package dev.portcullis.registry.redis;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * How to reach Redis and name keys there. Immutable; build with {@link #builder()}. {@link #toString()} never shows
 * the password.
 *
 * @param host Redis host name or address
 * @param port Redis port (default 6379)
 * @param tls whether to speak TLS ({@code rediss://}), verifying the server against the JVM's trust store
 * @param user ACL user name (Redis 6+), or empty for the default user
 * @param password password, or empty for none; never logged
 * @param database logical database number (default 0)
 * @param connectTimeout TCP connect timeout (default 2 s); also the longest wait for a pooled connection
 * @param socketTimeout read timeout of one command (default 2 s)
 * @param keyPrefix prefix of every key (default {@value RedisKeys#DEFAULT_PREFIX})
 * @param poolSize most connections held open at once (default 16)
 * @param clock the clock that judges lease expiry
 */
public record RedisRegistryConfig(
        String host,
        int port,
        boolean tls,
        Optional<String> user,
        Optional<String> password,
        int database,
        Duration connectTimeout,
        Duration socketTimeout,
        String keyPrefix,
        int poolSize,
        Clock clock) {

    public static final int DEFAULT_PORT = 6379;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    public static final int DEFAULT_POOL_SIZE = 16;

    public RedisRegistryConfig {
        requireNonNull(host, "host");
        if (host.isBlank() || host.length() > 253) {
            throw new IllegalArgumentException("host: \"" + host + "\" (expected: a host name or address)");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
        }
        requireNonNull(user, "user");
        requireNonNull(password, "password");
        if (database < 0) {
            throw new IllegalArgumentException("database: " + database + " (expected: >= 0)");
        }
        checkTimeout("connectTimeout", connectTimeout);
        checkTimeout("socketTimeout", socketTimeout);
        new RedisKeys(keyPrefix); // validates the prefix
        if (poolSize < 1 || poolSize > 1024) {
            throw new IllegalArgumentException("poolSize: " + poolSize + " (expected: 1-1024)");
        }
        requireNonNull(clock, "clock");
    }

    private static void checkTimeout(String name, Duration timeout) {
        requireNonNull(timeout, name);
        if (timeout.toMillis() < 1 || timeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + ": " + timeout + " (expected: 1 ms to 24 days)");
        }
    }

    /** {@code host:port}, for messages and logs. */
    public String address() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.host = host;
        b.port = port;
        b.tls = tls;
        b.user = user;
        b.password = password;
        b.database = database;
        b.connectTimeout = connectTimeout;
        b.socketTimeout = socketTimeout;
        b.keyPrefix = keyPrefix;
        b.poolSize = poolSize;
        b.clock = clock;
        return b;
    }

    @Override
    public String toString() {
        return "RedisRegistryConfig[" + (tls ? "rediss://" : "redis://") + address() + "/" + database
                + ", user=" + user.orElse("(default)") + ", password=" + (password.isPresent() ? "***" : "(none)")
                + ", connectTimeout=" + connectTimeout + ", socketTimeout=" + socketTimeout
                + ", keyPrefix=" + keyPrefix + ", poolSize=" + poolSize + "]";
    }

    /** Mutable, not thread-safe; {@link #build()} validates. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = DEFAULT_PORT;
        private boolean tls;
        private Optional<String> user = Optional.empty();
        private Optional<String> password = Optional.empty();
        private int database;
        private Duration connectTimeout = DEFAULT_TIMEOUT;
        private Duration socketTimeout = DEFAULT_TIMEOUT;
        private String keyPrefix = RedisKeys.DEFAULT_PREFIX;
        private int poolSize = DEFAULT_POOL_SIZE;
        private Clock clock = Clock.systemUTC();

        private Builder() {}

        public Builder host(String host) {
            this.host = requireNonNull(host, "host");
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder tls(boolean tls) {
            this.tls = tls;
            return this;
        }

        /** The ACL user; {@code null} or empty means the default user. */
        public Builder user(String user) {
            this.user = Optional.ofNullable(user).filter(u -> !u.isEmpty());
            return this;
        }

        /** The password; {@code null} or empty means none. */
        public Builder password(String password) {
            this.password = Optional.ofNullable(password).filter(p -> !p.isEmpty());
            return this;
        }

        public Builder database(int database) {
            this.database = database;
            return this;
        }

        /** Sets both the connect and the socket timeout. */
        public Builder timeout(Duration timeout) {
            return connectTimeout(timeout).socketTimeout(timeout);
        }

        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = requireNonNull(connectTimeout, "connectTimeout");
            return this;
        }

        public Builder socketTimeout(Duration socketTimeout) {
            this.socketTimeout = requireNonNull(socketTimeout, "socketTimeout");
            return this;
        }

        public Builder keyPrefix(String keyPrefix) {
            this.keyPrefix = requireNonNull(keyPrefix, "keyPrefix");
            return this;
        }

        public Builder poolSize(int poolSize) {
            this.poolSize = poolSize;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        public RedisRegistryConfig build() {
            return new RedisRegistryConfig(host, port, tls, user, password, database, connectTimeout, socketTimeout,
                    keyPrefix, poolSize, clock);
        }
    }
}
