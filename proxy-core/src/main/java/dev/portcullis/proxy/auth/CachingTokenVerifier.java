package dev.portcullis.proxy.auth;

import static java.util.Objects.requireNonNull;

import dev.portcullis.proxy.internal.ExpiringEntries;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Remembers ACCESS tokens that passed the full verification, for at most {@code ttl} and never past the token's own
 * {@code exp}, so that a client sending the same bearer token with every request pays for the signature check once per
 * {@code ttl} instead of once per request. In the small-GET profile the ES256 check (JDK 17's pure-Java P-256) was the
 * largest single cost of a request (BENCHMARKS.md, "Profiles").
 *
 * <p>What is never cached: rejections (garbage cannot fill the cache), and every other token class (LAUNCH tokens are
 * single-use, AGENT tokens are checked once per tunnel). The key is the exact token text, so a token differing in any
 * byte (another signature) gets the full check. A signing key withdrawn from the key set stops new tokens at once;
 * tokens it signed that are already cached are accepted for at most {@code ttl} more. Bounded ({@link ExpiringEntries}):
 * past {@code maxEntries} expired entries are dropped, and if that frees nothing the cache starts over.
 *
 * <p>Thread-safe; CPU only (no blocking), like the delegate.
 */
public final class CachingTokenVerifier implements TokenVerifier {
    /** Default lifetime of an entry: short, so that a withdrawn key or a revocation outside the token ends soon. */
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(10);
    /** Default bound: about 10,000 tokens of ~600 bytes, a few MB. */
    public static final int DEFAULT_MAX_ENTRIES = 10_000;

    private final TokenVerifier delegate;
    private final Clock clock;
    private final ExpiringEntries<String, VerifiedToken> entries;

    public CachingTokenVerifier(TokenVerifier delegate, Clock clock, Duration ttl, int maxEntries) {
        this.delegate = requireNonNull(delegate, "delegate");
        this.clock = requireNonNull(clock, "clock");
        this.entries = new ExpiringEntries<>(ttl, maxEntries);
    }

    /** With {@link #DEFAULT_TTL} and {@link #DEFAULT_MAX_ENTRIES}. */
    public CachingTokenVerifier(TokenVerifier delegate, Clock clock) {
        this(delegate, clock, DEFAULT_TTL, DEFAULT_MAX_ENTRIES);
    }

    @Override
    public VerifiedToken verify(String token, TokenClass expected) throws TokenRejectedException {
        if (expected != TokenClass.ACCESS || token == null) {
            return delegate.verify(token, expected);
        }
        Instant now = clock.instant();
        Optional<VerifiedToken> hit = entries.get(token, now);
        if (hit.isPresent()) {
            return hit.get();
        }
        VerifiedToken verified = delegate.verify(token, expected);
        entries.put(token, verified, now, verified.expiresAt());
        return verified;
    }

    @Override
    public Optional<VerifiedToken> remembered(String token, TokenClass expected) {
        if (expected != TokenClass.ACCESS || token == null) {
            return Optional.empty();
        }
        return entries.get(token, clock.instant());
    }

    /** Number of cached tokens (for tests and metrics). */
    public int size() {
        return entries.size();
    }
}
