package dev.portcullis.proxy.auth;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Immutable settings of the token gate: who issues tokens, for which audiences, with which keys and algorithms.
 * Shared by {@link JjwtTokenVerifier} and {@link TokenMinter}. Build with {@link #builder()}.
 */
public final class TokenSettings {
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);
    public static final Duration MAX_CLOCK_SKEW = Duration.ofSeconds(60);
    public static final int DEFAULT_MAX_TOKEN_LENGTH = 8 * 1024;
    private static final Set<TokenAlgorithm> DEFAULT_ALGORITHMS =
            Set.copyOf(EnumSet.of(TokenAlgorithm.RS256, TokenAlgorithm.ES256, TokenAlgorithm.EdDSA));

    private final String issuer;
    private final String audience;
    private final String agentAudience;
    private final String adminAudience;
    private final Supplier<KeySet> keys;
    private final Set<TokenAlgorithm> allowedAlgorithms;
    private final Duration clockSkew;
    private final int maxTokenLength;
    private final Clock clock;

    private TokenSettings(Builder b) {
        this.issuer = b.issuer;
        this.audience = b.audience;
        this.agentAudience = b.agentAudience;
        this.adminAudience = b.adminAudience;
        this.keys = b.keys;
        this.allowedAlgorithms = b.allowedAlgorithms;
        this.clockSkew = b.clockSkew;
        this.maxTokenLength = b.maxTokenLength;
        this.clock = b.clock;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.issuer = issuer;
        b.audience = audience;
        b.agentAudience = agentAudience;
        b.adminAudience = adminAudience;
        b.keys = keys;
        b.allowedAlgorithms = allowedAlgorithms;
        b.clockSkew = clockSkew;
        b.maxTokenLength = maxTokenLength;
        b.clock = clock;
        return b;
    }

    /** The required {@code iss} of every token. */
    public String issuer() {
        return issuer;
    }

    /** The required {@code aud} of launch and access tokens. */
    public String audience() {
        return audience;
    }

    /** The required {@code aud} of agent tokens; differs from {@link #audience()}. */
    public String agentAudience() {
        return agentAudience;
    }

    /** The required {@code aud} of admin tokens; differs from the other two. */
    public String adminAudience() {
        return adminAudience;
    }

    /** The audience tokens of {@code tokenClass} must carry. */
    public String audienceFor(TokenClass tokenClass) {
        return switch (requireNonNull(tokenClass, "tokenClass")) {
            case AGENT -> agentAudience;
            case ADMIN -> adminAudience;
            default -> audience;
        };
    }

    /** The current verification keys; the supplier is called once per verification and must not block. */
    public KeySet keySet() {
        return keys.get();
    }

    public Set<TokenAlgorithm> allowedAlgorithms() {
        return allowedAlgorithms;
    }

    public Duration clockSkew() {
        return clockSkew;
    }

    public int maxTokenLength() {
        return maxTokenLength;
    }

    public Clock clock() {
        return clock;
    }

    @Override
    public String toString() {
        return "TokenSettings[issuer=" + issuer + ", audience=" + audience + ", agentAudience=" + agentAudience + ", adminAudience=" + adminAudience
                + ", allowedAlgorithms=" + allowedAlgorithms + ", clockSkew=" + clockSkew + ", maxTokenLength="
                + maxTokenLength + "]";
    }

    /** Not thread-safe; setters validate their argument and throw {@link IllegalArgumentException}. */
    public static final class Builder {
        private String issuer;
        private String audience = "portcullis";
        private String agentAudience = "portcullis-agent";
        private String adminAudience = "portcullis-admin";
        private Supplier<KeySet> keys = KeySet::empty;
        private Set<TokenAlgorithm> allowedAlgorithms = DEFAULT_ALGORITHMS;
        private Duration clockSkew = DEFAULT_CLOCK_SKEW;
        private int maxTokenLength = DEFAULT_MAX_TOKEN_LENGTH;
        private Clock clock = Clock.systemUTC();

        private Builder() {}

        /** Required. */
        public Builder issuer(String issuer) {
            this.issuer = nonBlank(issuer, "issuer");
            return this;
        }

        /** The audience of launch and access tokens; default {@code portcullis}. */
        public Builder audience(String audience) {
            this.audience = nonBlank(audience, "audience");
            return this;
        }

        /** The audience of agent tokens; default {@code portcullis-agent}. */
        public Builder agentAudience(String agentAudience) {
            this.agentAudience = nonBlank(agentAudience, "agentAudience");
            return this;
        }

        /** The audience of admin tokens; default {@code portcullis-admin}. */
        public Builder adminAudience(String adminAudience) {
            this.adminAudience = nonBlank(adminAudience, "adminAudience");
            return this;
        }

        /** A fixed key set; default empty (every token is then rejected with UNKNOWN_KEY). */
        public Builder keySet(KeySet keySet) {
            requireNonNull(keySet, "keySet");
            this.keys = () -> keySet;
            return this;
        }

        /**
         * A source of the current key set, for rotation: typically {@code atomicReference::get} of a holder that a
         * refresh thread swaps. Called on the verification path: it must return at once, never block.
         */
        public Builder keys(Supplier<KeySet> keys) {
            this.keys = requireNonNull(keys, "keys");
            return this;
        }

        /**
         * The algorithms accepted; default RS256, ES256, EdDSA. HS256 is accepted only when listed here; it then
         * also needs an HMAC secret in the key set to verify anything.
         */
        public Builder allowedAlgorithms(Collection<TokenAlgorithm> allowedAlgorithms) {
            requireNonNull(allowedAlgorithms, "allowedAlgorithms");
            if (allowedAlgorithms.isEmpty()) {
                throw new IllegalArgumentException("allowedAlgorithms: [] (expected: at least one)");
            }
            this.allowedAlgorithms = Set.copyOf(EnumSet.copyOf(allowedAlgorithms));
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
         * @throws IllegalStateException if the issuer is missing, the two audiences are equal, or HS256 is allowed
         *     while the key set holds no HMAC secret
         */
        public TokenSettings build() {
            if (issuer == null) {
                throw new IllegalStateException("issuer: not set (expected: the iss of accepted tokens)");
            }
            if (audience.equals(agentAudience)) {
                // One audience for both would let an agent token pass as a user token's audience check.
                throw new IllegalStateException("agentAudience: '" + agentAudience + "' (expected: != audience)");
            }
            if (adminAudience.equals(audience) || adminAudience.equals(agentAudience)) {
                throw new IllegalStateException("adminAudience: '" + adminAudience + "' (expected: != audience and agentAudience)");
            }
            if (allowedAlgorithms.contains(TokenAlgorithm.HS256) && !keys.get().hasAlgorithm(TokenAlgorithm.HS256)) {
                // HS256 only where a secret is explicitly configured: never as a default that some key might match.
                throw new IllegalStateException(
                        "allowedAlgorithms: HS256 without an HMAC secret in the key set (expected: both or neither)");
            }
            return new TokenSettings(this);
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
