package dev.portcullis.proxy.auth;

import static java.util.Objects.requireNonNull;

import io.jsonwebtoken.Claims;
import io.jsonwebtoken.JwtBuilder;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Values the proxy signs for itself and only it reads back (the dashboard cookie, open tickets): compact HS256 JWTs
 * keyed with the proxy's cookie secret, each with a {@code typ} of its own so that one kind is never accepted as
 * another (an app cookie has {@code typ} {@code cookie}, checked by {@link AppCookies}). Every value has a random
 * {@code jti}, {@code iat} and {@code exp}.
 *
 * <p>Thread-safe; CPU only.
 */
final class HmacJwts {
    private static final Logger logger = LoggerFactory.getLogger(HmacJwts.class);
    /** Signed and checked by the proxy nodes alone, whose clocks are close. */
    private static final long CLOCK_SKEW_SECONDS = 5;

    /** What a valid value says; {@code claims} holds the requested string claims (all present). */
    record Verified(String subject, String id, Instant issuedAt, Instant expiresAt, Map<String, String> claims) {}

    private final SecretKey secret;
    private final Clock clock;
    private final JwtParser parser;

    HmacJwts(SecretKey secret, Clock clock) {
        this.secret = requireNonNull(secret, "secret");
        this.clock = requireNonNull(clock, "clock");
        if (!TokenAlgorithm.HS256.fitsKey(secret)) {
            throw new IllegalArgumentException("secret: fewer than " + AppCookies.MIN_SECRET_BYTES + " bytes");
        }
        this.parser = Jwts.parser()
                .verifyWith(secret)
                .sig().clear().add(Jwts.SIG.HS256).and()
                .zip().clear().and()
                .clock(() -> Date.from(clock.instant()))
                .clockSkewSeconds(CLOCK_SKEW_SECONDS)
                .build();
    }

    String sign(String typ, String subject, Map<String, String> claims, Duration ttl) {
        requireNonNull(typ, "typ");
        requireNonNull(subject, "subject");
        if (subject.isEmpty()) {
            throw new IllegalArgumentException("subject: '' (expected: non-empty)");
        }
        if (ttl.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("ttl: " + ttl + " (expected: >= PT1S)");
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        JwtBuilder builder = Jwts.builder()
                .subject(subject)
                .claim("typ", typ)
                .issuedAt(Date.from(now))
                .expiration(Date.from(now.plus(ttl)))
                .id(UUID.randomUUID().toString());
        claims.forEach(builder::claim);
        return builder.signWith(secret, Jwts.SIG.HS256).compact();
    }

    /** The claims of a valid value of kind {@code typ} carrying every claim of {@code required}; else empty. */
    Optional<Verified> verify(String value, String typ, String... required) {
        if (value == null || value.isEmpty()) {
            return Optional.empty();
        }
        try {
            if (value.length() > AppCookies.MAX_COOKIE_LENGTH) {
                throw new TokenRejectedException(TokenRejectedException.Reason.TOO_LARGE, value.length() + " chars");
            }
            CompactJws jws = CompactJws.decode(value);
            if (!TokenAlgorithm.HS256.jwaName().equals(jws.algorithm())) {
                throw new TokenRejectedException(TokenRejectedException.Reason.BAD_ALGORITHM,
                        "alg " + TokenRejectedException.quote(jws.algorithm()));
            }
            Claims claims = parser.parseSignedClaims(value).getPayload();
            String subject = jws.stringClaim("sub");
            String id = jws.stringClaim("jti");
            if (!typ.equals(jws.stringClaim("typ")) || subject == null || subject.isEmpty() || id == null
                    || claims.getExpiration() == null || claims.getIssuedAt() == null) {
                throw new TokenRejectedException(TokenRejectedException.Reason.MISSING_CLAIM, "not a proxy " + typ);
            }
            Map<String, String> values = new LinkedHashMap<>();
            for (String name : required) {
                Object v = claims.get(name);
                if (!(v instanceof String s)) {
                    throw new TokenRejectedException(TokenRejectedException.Reason.MISSING_CLAIM, name + " is required");
                }
                values.put(name, s);
            }
            return Optional.of(new Verified(subject, id, claims.getIssuedAt().toInstant(),
                    claims.getExpiration().toInstant(), Map.copyOf(values)));
        } catch (TokenRejectedException e) {
            logger.debug("proxy {} rejected: {}", typ, e.getMessage());
        } catch (JwtException | IllegalArgumentException e) {
            // jjwt's messages may quote parts of the value: log the type only.
            logger.debug("proxy {} rejected: {}", typ, e.getClass().getSimpleName());
        }
        return Optional.empty();
    }

    /** HMAC-SHA256 of {@code purpose} and {@code input} under the secret, base64url without padding. */
    String mac(String purpose, String input) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(secret);
            mac.update(purpose.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(input.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    /** Constant-time comparison of two ASCII strings. */
    static boolean same(String a, String b) {
        return a != null && b != null
                && MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }
}
