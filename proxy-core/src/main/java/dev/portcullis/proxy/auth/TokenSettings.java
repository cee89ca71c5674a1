package dev.portcullis.proxy.auth;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Immutable settings of the token gate: who issues tokens and, per {@link TokenClass}, the audience, the algorithms
 * and the key source. One issuer for all classes; everything else may differ by class, and the agent and admin
 * audiences must differ from every other class's (so that a token of one class never passes another's audience
 * check, whatever its {@code typ}). Shared by {@link JjwtTokenVerifier} and {@link TokenMinter}. Build with
 * {@link #builder()}.
 */
public final class TokenSettings {
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);
    public static final Duration MAX_CLOCK_SKEW = Duration.ofSeconds(60);
    public static final Duration DEFAULT_MAX_LAUNCH_LIFETIME = Duration.ofMinutes(2);
    public static final Duration MAX_LAUNCH_LIFETIME = Duration.ofMinutes(10);
    public static final int DEFAULT_MAX_TOKEN_LENGTH = 8 * 1024;
    private static final Set<TokenAlgorithm> DEFAULT_ALGORITHMS =
            Set.copyOf(EnumSet.of(TokenAlgorithm.RS256, TokenAlgorithm.ES256, TokenAlgorithm.EdDSA));

    private final String issuer;
    private final Map<TokenClass, String> audiences;
    private final Map<TokenClass, KeySource> keys;
    private final Map<TokenClass, Set<TokenAlgorithm>> algorithms;
    private final Duration clockSkew;
    private final Duration maxLaunchLifetime;
    private final int maxTokenLength;
    private final Clock clock;
    private final Builder source;

    private TokenSettings(Builder b) {
        this.source = b.copy();
        this.issuer = b.issuer;
        Map<TokenClass, String> aud = new EnumMap<>(TokenClass.class);
        Map<TokenClass, KeySource> k = new EnumMap<>(TokenClass.class);
        Map<TokenClass, Set<TokenAlgorithm>> alg = new EnumMap<>(TokenClass.class);
        for (TokenClass c : TokenClass.values()) {
            aud.put(c, b.audiences.get(c));
            k.put(c, b.classKeys.getOrDefault(c, b.defaultKeys));
            alg.put(c, b.classAlgorithms.getOrDefault(c, b.defaultAlgorithms));
        }
        this.audiences = Map.copyOf(aud);
        this.keys = Map.copyOf(k);
        this.algorithms = Map.copyOf(alg);
        this.clockSkew = b.clockSkew;
        this.maxLaunchLifetime = b.maxLaunchLifetime;
        this.maxTokenLength = b.maxTokenLength;
        this.clock = b.clock;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return source.copy();
    }

    /** The required {@code iss} of every token. */
    public String issuer() {
        return issuer;
    }

    /** The required {@code aud} of access tokens (and, unless set apart, launch tokens). */
    public String audience() {
        return audiences.get(TokenClass.ACCESS);
    }

    /** The required {@code aud} of agent tokens. */
    public String agentAudience() {
        return audiences.get(TokenClass.AGENT);
    }

    /** The required {@code aud} of admin tokens. */
    public String adminAudience() {
        return audiences.get(TokenClass.ADMIN);
    }

    /** The audience tokens of {@code tokenClass} must carry. */
    public String audienceFor(TokenClass tokenClass) {
        return audiences.get(requireNonNull(tokenClass, "tokenClass"));
    }

    /** Where the keys of {@code tokenClass} come from; {@link KeySource#current()} must not block. */
    public KeySource keySource(TokenClass tokenClass) {
        return keys.get(requireNonNull(tokenClass, "tokenClass"));
    }

    /** The distinct key sources of all classes (for starting and stopping refreshing ones). */
    public Set<KeySource> keySources() {
        return Set.copyOf(new LinkedHashSet<>(keys.values()));
    }

    /** The current verification keys of access tokens. */
    public KeySet keySet() {
        return keySet(TokenClass.ACCESS);
    }

    /** The current verification keys of {@code tokenClass}. */
    public KeySet keySet(TokenClass tokenClass) {
        return keySource(tokenClass).current();
    }

    /** The algorithms accepted for access tokens. */
    public Set<TokenAlgorithm> allowedAlgorithms() {
        return allowedAlgorithms(TokenClass.ACCESS);
    }

    /** The algorithms accepted for {@code tokenClass}; a key's own pinned algorithm must also be one of them. */
    public Set<TokenAlgorithm> allowedAlgorithms(TokenClass tokenClass) {
        return algorithms.get(requireNonNull(tokenClass, "tokenClass"));
    }

    public Duration clockSkew() {
        return clockSkew;
    }

    /** The longest {@code exp - iat} of a launch token. */
    public Duration maxLaunchLifetime() {
        return maxLaunchLifetime;
    }

    public int maxTokenLength() {
        return maxTokenLength;
    }

    public Clock clock() {
        return clock;
    }

    @Override
    public String toString() {
        return "TokenSettings[issuer=" + issuer + ", audiences=" + audiences + ", algorithms=" + algorithms
                + ", clockSkew=" + clockSkew + ", maxLaunchLifetime=" + maxLaunchLifetime + ", maxTokenLength="
                + maxTokenLength + "]";
    }

    /** Not thread-safe; setters validate their argument and throw {@link IllegalArgumentException}. */
    public static final class Builder {
        private String issuer;
        private final Map<TokenClass, String> audiences = new EnumMap<>(TokenClass.class);
        private KeySource defaultKeys = KeySet::empty;
        private final Map<TokenClass, KeySource> classKeys = new EnumMap<>(TokenClass.class);
        private Set<TokenAlgorithm> defaultAlgorithms = DEFAULT_ALGORITHMS;
        private final Map<TokenClass, Set<TokenAlgorithm>> classAlgorithms = new EnumMap<>(TokenClass.class);
        private Duration clockSkew = DEFAULT_CLOCK_SKEW;
        private Duration maxLaunchLifetime = DEFAULT_MAX_LAUNCH_LIFETIME;
        private int maxTokenLength = DEFAULT_MAX_TOKEN_LENGTH;
        private Clock clock = Clock.systemUTC();

        private Builder() {
            audiences.put(TokenClass.LAUNCH, "portcullis");
            audiences.put(TokenClass.ACCESS, "portcullis");
            audiences.put(TokenClass.LOGIN, "portcullis");
            audiences.put(TokenClass.AGENT, "portcullis-agent");
            audiences.put(TokenClass.ADMIN, "portcullis-admin");
        }

        /** Required. */
        public Builder issuer(String issuer) {
            this.issuer = nonBlank(issuer, "issuer");
            return this;
        }

        /** The audience of launch, access and login tokens; default {@code portcullis}. */
        public Builder audience(String audience) {
            nonBlank(audience, "audience");
            audiences.put(TokenClass.LAUNCH, audience);
            audiences.put(TokenClass.ACCESS, audience);
            audiences.put(TokenClass.LOGIN, audience);
            return this;
        }

        /** The audience of agent tokens; default {@code portcullis-agent}. */
        public Builder agentAudience(String agentAudience) {
            return audience(TokenClass.AGENT, agentAudience);
        }

        /** The audience of admin tokens; default {@code portcullis-admin}. */
        public Builder adminAudience(String adminAudience) {
            return audience(TokenClass.ADMIN, adminAudience);
        }

        /** The audience of one class. */
        public Builder audience(TokenClass tokenClass, String audience) {
            audiences.put(requireNonNull(tokenClass, "tokenClass"), nonBlank(audience, tokenClass.claimValue() + ".audience"));
            return this;
        }

        /** A fixed key set for every class without its own; default empty (every token is then UNKNOWN_KEY). */
        public Builder keySet(KeySet keySet) {
            requireNonNull(keySet, "keySet");
            this.defaultKeys = () -> keySet;
            return this;
        }

        /**
         * A source of the current key set for every class without its own, for rotation: typically
         * {@code atomicReference::get} of a holder that a refresh thread swaps. It must return at once, never block.
         */
        public Builder keys(Supplier<KeySet> keys) {
            requireNonNull(keys, "keys");
            this.defaultKeys = keys::get;
            return this;
        }

        /** The key source of every class without its own (e.g. a {@link JwksKeySource}). */
        public Builder keySource(KeySource source) {
            this.defaultKeys = requireNonNull(source, "source");
            return this;
        }

        /** The key source of one class. */
        public Builder keySource(TokenClass tokenClass, KeySource source) {
            classKeys.put(requireNonNull(tokenClass, "tokenClass"), requireNonNull(source, "source"));
            return this;
        }

        /**
         * The algorithms accepted for every class without its own; default RS256, ES256, EdDSA. HS256 is accepted
         * only when listed here; it then also needs an HMAC secret in the key set to verify anything.
         */
        public Builder allowedAlgorithms(Collection<TokenAlgorithm> allowedAlgorithms) {
            this.defaultAlgorithms = algorithmSet(allowedAlgorithms, "allowedAlgorithms");
            return this;
        }

        /** The algorithms accepted for one class (a config file sets exactly one). */
        public Builder allowedAlgorithms(TokenClass tokenClass, Collection<TokenAlgorithm> allowedAlgorithms) {
            requireNonNull(tokenClass, "tokenClass");
            classAlgorithms.put(tokenClass, algorithmSet(allowedAlgorithms, tokenClass.claimValue() + ".algorithms"));
            return this;
        }

        /** Leeway for exp and nbf; default 30 s, at most 60 s. */
        public Builder clockSkew(Duration clockSkew) {
            requireNonNull(clockSkew, "clockSkew");
            if (clockSkew.isNegative() || clockSkew.compareTo(MAX_CLOCK_SKEW) > 0) {
                throw new IllegalArgumentException("clockSkew: " + clockSkew + " (expected: PT0S to " + MAX_CLOCK_SKEW + ")");
            }
            this.clockSkew = clockSkew;
            return this;
        }

        /** The longest {@code exp - iat} of a launch token; default 2 minutes, at most 10. */
        public Builder maxLaunchLifetime(Duration maxLaunchLifetime) {
            requireNonNull(maxLaunchLifetime, "maxLaunchLifetime");
            if (maxLaunchLifetime.compareTo(Duration.ofSeconds(1)) < 0
                    || maxLaunchLifetime.compareTo(MAX_LAUNCH_LIFETIME) > 0) {
                throw new IllegalArgumentException("maxLaunchLifetime: " + maxLaunchLifetime + " (expected: PT1S to "
                        + MAX_LAUNCH_LIFETIME + ")");
            }
            this.maxLaunchLifetime = maxLaunchLifetime;
            return this;
        }

        /** Longer tokens are rejected before any parsing; default 8 KiB, between 256 and 64 KiB. */
        public Builder maxTokenLength(int maxTokenLength) {
            if (maxTokenLength < 256 || maxTokenLength > 64 * 1024) {
                throw new IllegalArgumentException("maxTokenLength: " + maxTokenLength + " (expected: 256 to 65536)");
            }
            this.maxTokenLength = maxTokenLength;
            return this;
        }

        /** Default {@link Clock#systemUTC()}; tests pass a fixed clock. */
        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @throws IllegalStateException if the issuer is missing, the agent or admin audience equals another class's,
         *     or a class allows HS256 while its key set holds no HMAC secret
         */
        public TokenSettings build() {
            if (issuer == null) {
                throw new IllegalStateException("issuer: not set (expected: the iss of accepted tokens)");
            }
            for (TokenClass apart : new TokenClass[] {TokenClass.AGENT, TokenClass.ADMIN}) {
                for (TokenClass other : TokenClass.values()) {
                    if (other != apart && audiences.get(apart).equals(audiences.get(other))) {
                        // One audience for both would let e.g. an agent token pass a user token's audience check.
                        throw new IllegalStateException(apart.claimValue() + " audience: '" + audiences.get(apart)
                                + "' (expected: != the " + other.claimValue() + " audience)");
                    }
                }
            }
            for (TokenClass c : TokenClass.values()) {
                Set<TokenAlgorithm> algs = classAlgorithms.getOrDefault(c, defaultAlgorithms);
                KeySource keys = classKeys.getOrDefault(c, defaultKeys);
                if (algs.contains(TokenAlgorithm.HS256) && !keys.current().hasAlgorithm(TokenAlgorithm.HS256)) {
                    // HS256 only where a secret is explicitly configured: never as a default that some key might match.
                    throw new IllegalStateException(c.claimValue()
                            + " allowedAlgorithms: HS256 without an HMAC secret in the key set (expected: both or neither)");
                }
            }
            return new TokenSettings(this);
        }

        private Builder copy() {
            Builder c = new Builder();
            c.issuer = issuer;
            c.audiences.putAll(audiences);
            c.defaultKeys = defaultKeys;
            c.classKeys.putAll(classKeys);
            c.defaultAlgorithms = defaultAlgorithms;
            c.classAlgorithms.putAll(classAlgorithms);
            c.clockSkew = clockSkew;
            c.maxLaunchLifetime = maxLaunchLifetime;
            c.maxTokenLength = maxTokenLength;
            c.clock = clock;
            return c;
        }

        private static Set<TokenAlgorithm> algorithmSet(Collection<TokenAlgorithm> algorithms, String name) {
            requireNonNull(algorithms, name);
            if (algorithms.isEmpty()) {
                throw new IllegalArgumentException(name + ": [] (expected: at least one)");
            }
            return Set.copyOf(EnumSet.copyOf(algorithms));
        }

        private static String nonBlank(String value, String name) {
            requireNonNull(value, name);
            if (value.isBlank()) {
                throw new IllegalArgumentException(name + ": '" + value + "' (expected: non-blank)");
            }
            return value;
        }
    }
}
