package dev.portcullis.registry;

import static java.util.Objects.requireNonNull;

import dev.portcullis.registry.memory.InMemorySessionRegistry;
import dev.portcullis.registry.redis.RedisRegistryConfig;
import dev.portcullis.registry.redis.RedisSessionRegistry;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;

/**
 * Creates a {@link SessionRegistry} from a one-line spec, as found in a config file:
 * <ul>
 *   <li>{@code memory:}: an {@link InMemorySessionRegistry} (one node only);
 *   <li>{@code redis://[[user]:password@]host[:port][/db]}: a {@link RedisSessionRegistry};
 *   <li>{@code rediss://...}: the same over TLS.
 * </ul>
 * Error messages show the spec with any password replaced by {@code ***}.
 */
public final class SessionRegistries {
    private static final String EXPECTED =
            "expected: memory: or redis://[[user]:password@]host[:port][/db] or rediss://...";

    private SessionRegistries() {}

    /** Creates the registry {@code spec} names. Throws {@link IllegalArgumentException} for a spec it cannot use. */
    public static SessionRegistry create(String spec, Clock clock) {
        requireNonNull(spec, "spec");
        requireNonNull(clock, "clock");
        // "memory:" has an empty scheme-specific part, which java.net.URI refuses to parse.
        if (spec.strip().equalsIgnoreCase("memory:")) {
            return new InMemorySessionRegistry(clock);
        }
        try {
            return create(new URI(spec.strip()), clock);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("registry: " + redact(spec) + " is not a URI (" + EXPECTED + ")");
        }
    }

    /**
     * Creates the Redis registry {@code spec} names ({@code memory:} is not a valid {@link URI}: pass it as a
     * string). Throws {@link IllegalArgumentException} for a spec it cannot use.
     */
    public static SessionRegistry create(URI spec, Clock clock) {
        requireNonNull(spec, "spec");
        requireNonNull(clock, "clock");
        if ("memory".equalsIgnoreCase(spec.getScheme())) {
            if (!spec.getSchemeSpecificPart().isEmpty() || spec.getFragment() != null) {
                throw bad(redact(spec.toString()), "memory: takes nothing after the colon");
            }
            return new InMemorySessionRegistry(clock);
        }
        return new RedisSessionRegistry(redisConfig(spec, clock));
    }

    /**
     * Parses a {@code redis://} or {@code rediss://} URI into a config with the other settings at their defaults
     * (timeouts 2 s, key prefix {@code portcullis:}); use {@link RedisRegistryConfig#toBuilder()} to change them.
     */
    public static RedisRegistryConfig redisConfig(URI uri, Clock clock) {
        requireNonNull(uri, "uri");
        requireNonNull(clock, "clock");
        String shown = redact(uri.toString());
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("redis") && !scheme.equals("rediss")) {
            throw bad(shown, "unknown scheme");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw bad(shown, "no host");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw bad(shown, "no query or fragment is understood");
        }
        RedisRegistryConfig.Builder config = RedisRegistryConfig.builder()
                .clock(clock)
                .tls(scheme.equals("rediss"))
                .host(stripBrackets(uri.getHost()))
                .port(uri.getPort() == -1 ? RedisRegistryConfig.DEFAULT_PORT : uri.getPort());
        String userInfo = uri.getUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            if (colon < 0) {
                config.password(userInfo); // redis://password@host, as Jedis reads it too
            } else {
                config.user(userInfo.substring(0, colon)).password(userInfo.substring(colon + 1));
            }
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        if (!path.isEmpty() && !path.equals("/")) {
            String db = path.substring(1);
            if (!db.matches("[0-9]{1,5}")) {
                throw bad(shown, "database " + RegistryException.quote(db) + " is not a number");
            }
            config.database(Integer.parseInt(db));
        }
        try {
            return config.build();
        } catch (IllegalArgumentException e) {
            throw bad(shown, e.getMessage());
        }
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static IllegalArgumentException bad(String shown, String why) {
        return new IllegalArgumentException("registry: " + shown + ": " + why + " (" + EXPECTED + ")");
    }

    /** The spec with the user-info part (which may hold a password) replaced, quoted for a message. */
    static String redact(String spec) {
        String redacted = spec.replaceFirst("^([A-Za-z][A-Za-z0-9+.-]*://)[^@/?#]*@", "$1***@");
        return RegistryException.quote(redacted);
    }
}
