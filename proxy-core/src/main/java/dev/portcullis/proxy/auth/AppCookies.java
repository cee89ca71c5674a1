package dev.portcullis.proxy.auth;

import static java.util.Objects.requireNonNull;

import dev.portcullis.registry.AppSpec;
import dev.portcullis.registry.SessionId;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's own session cookie, which the launch endpoint sets after consuming a launch token: a compact HS256 JWT
 * signed with the proxy's {@code cookieSecret} (shared by all proxy nodes), {@code typ} {@code cookie}, bound to one
 * session and app. Also the cookie naming rules, so the front can scope cookies to one app and strip all of them before
 * forwarding (the proxy's credentials never reach the app).
 *
 * <p>Thread-safe; CPU only.
 */
public final class AppCookies {
    private static final Logger logger = LoggerFactory.getLogger(AppCookies.class);

    public static final int MIN_SECRET_BYTES = 32;
    /** Browsers keep about 4 KiB per cookie; anything longer is not ours. */
    public static final int MAX_COOKIE_LENGTH = 4096;
    static final String TYP = "cookie";
    private static final String NAME_PREFIX = "portcullis";
    private static final String HOST_PREFIX = "__Host-";
    private static final String SECURE_PREFIX = "__Secure-";
    /** Cookies are minted and checked by the proxy nodes alone, whose clocks are close. */
    private static final long CLOCK_SKEW_SECONDS = 5;

    /**
     * What a valid cookie says. Whether it matches the request's session and app is the caller's check.
     * {@code issuedAt} and {@code id} ({@code iat}, {@code jti}) may be null for a cookie without them; revocations
     * by user or session refuse such a cookie.
     */
    public record CookieClaims(String subject, String sessionId, String app, Instant expiresAt, Instant issuedAt, String id) {
        public CookieClaims {
            requireNonNull(subject, "subject");
            requireNonNull(sessionId, "sessionId");
            requireNonNull(app, "app");
            requireNonNull(expiresAt, "expiresAt");
        }

        public CookieClaims(String subject, String sessionId, String app, Instant expiresAt) {
            this(subject, sessionId, app, expiresAt, null, null);
        }
    }

    private final SecretKey secret;
    private final Clock clock;
    private final JwtParser parser;

    /** @param cookieSecret from {@link #secret(byte[])}; the same on every proxy node */
    public AppCookies(SecretKey cookieSecret, Clock clock) {
        this.secret = requireNonNull(cookieSecret, "cookieSecret");
        this.clock = requireNonNull(clock, "clock");
        if (!TokenAlgorithm.HS256.fitsKey(cookieSecret)) {
            throw new IllegalArgumentException("cookieSecret: fewer than " + MIN_SECRET_BYTES + " bytes");
        }
        this.parser = Jwts.parser()
                .verifyWith(cookieSecret)
                .sig().clear().add(Jwts.SIG.HS256).and()
                .zip().clear().and()
                .clock(() -> Date.from(clock.instant()))
                .clockSkewSeconds(CLOCK_SKEW_SECONDS)
                .build();
    }

    /**
     * The cookie secret: {@code configuredOrNull} (at least 32 bytes, copied) or, if null, 32 random bytes. A random
     * secret suits a single node only: cookies then die with the process and are not valid on other nodes.
     */
    public static SecretKey secret(byte[] configuredOrNull) {
        byte[] bytes;
        if (configuredOrNull == null) {
            bytes = new byte[MIN_SECRET_BYTES];
            new SecureRandom().nextBytes(bytes);
        } else {
            if (configuredOrNull.length < MIN_SECRET_BYTES) {
                throw new IllegalArgumentException("cookieSecret: " + configuredOrNull.length + " bytes (expected: >= "
                        + MIN_SECRET_BYTES + ")");
            }
            bytes = configuredOrNull.clone();
        }
        return new SecretKeySpec(bytes, "HmacSHA256");
    }

    /** Returns a cookie value valid for {@code ttl} from now. */
    public String issue(String subject, String sessionId, String app, Duration ttl) {
        requireNonNull(subject, "subject");
        requireNonNull(ttl, "ttl");
        checkRoute(sessionId, app);
        if (subject.isEmpty()) {
            throw new IllegalArgumentException("subject: '' (expected: non-empty)");
        }
        if (ttl.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("ttl: " + ttl + " (expected: >= PT1S)");
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        return Jwts.builder()
                .subject(subject)
                .claim("sid", sessionId)
                .claim("app", app)
                .claim("typ", TYP)
                .issuedAt(Date.from(now))
                .expiration(Date.from(now.plus(ttl)))
                .id(UUID.randomUUID().toString())
                .signWith(secret, Jwts.SIG.HS256)
                .compact();
    }

    /** Returns the claims of a valid cookie; empty if it is malformed, too long, expired, forged or not a cookie. */
    public Optional<CookieClaims> verify(String value) {
        if (value == null || value.isEmpty()) {
            return Optional.empty();
        }
        try {
            if (value.length() > MAX_COOKIE_LENGTH) {
                throw new TokenRejectedException(TokenRejectedException.Reason.TOO_LARGE, value.length() + " chars");
            }
            CompactJws jws = CompactJws.decode(value);
            if (!TokenAlgorithm.HS256.jwaName().equals(jws.algorithm())) {
                throw new TokenRejectedException(TokenRejectedException.Reason.BAD_ALGORITHM, "alg "
                        + TokenRejectedException.quote(jws.algorithm()));
            }
            Claims claims = parser.parseSignedClaims(value).getPayload();
            String subject = jws.stringClaim("sub");
            String sessionId = jws.stringClaim("sid");
            String app = jws.stringClaim("app");
            if (!TYP.equals(jws.stringClaim("typ")) || subject == null || subject.isEmpty()
                    || SessionId.parseOrNull(sessionId) == null || !AppSpec.isValidName(app)
                    || claims.getExpiration() == null) {
                throw new TokenRejectedException(TokenRejectedException.Reason.MISSING_CLAIM, "not a proxy cookie");
            }
            Instant issuedAt = claims.getIssuedAt() == null ? null : claims.getIssuedAt().toInstant();
            return Optional.of(new CookieClaims(subject, sessionId, app, claims.getExpiration().toInstant(), issuedAt,
                    jws.stringClaim("jti")));
        } catch (TokenRejectedException e) {
            logger.debug("cookie rejected: {}", e.getMessage());
        } catch (JwtException | IllegalArgumentException e) {
            // Messages of jjwt may quote parts of the value: log the type only.
            logger.debug("cookie rejected: {}", e.getClass().getSimpleName());
        }
        return Optional.empty();
    }

    /**
     * The name of the app cookie: in path mode {@code portcullis-<sid>-<app>} (the cookie's Path scopes it to the
     * app, so names must differ per app); in subdomain mode {@code __Host-portcullis} when secure (host-only, Path=/,
     * Secure enforced by the browser), else {@code portcullis}.
     */
    public static String cookieName(String sessionId, String app, boolean subdomainMode, boolean secure) {
        checkRoute(sessionId, app);
        if (subdomainMode) {
            return secure ? HOST_PREFIX + NAME_PREFIX : NAME_PREFIX;
        }
        return NAME_PREFIX + "-" + sessionId + "-" + app;
    }

    /**
     * Whether {@code name} is (or imitates) one of the proxy's cookies: it starts, ignoring case, with
     * {@code portcullis}, {@code __Host-portcullis} or {@code __Secure-portcullis}. The front strips these before
     * forwarding, whoever set them.
     */
    public static boolean isProxyCookie(String name) {
        requireNonNull(name, "name");
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.startsWith(NAME_PREFIX)
                || lower.startsWith(HOST_PREFIX.toLowerCase(Locale.ROOT) + NAME_PREFIX)
                || lower.startsWith(SECURE_PREFIX.toLowerCase(Locale.ROOT) + NAME_PREFIX);
    }

    private static void checkRoute(String sessionId, String app) {
        new SessionId(requireNonNull(sessionId, "sessionId"));
        if (!AppSpec.isValidName(requireNonNull(app, "app"))) {
            throw new IllegalArgumentException("app: '" + app + "' (expected: 1-32 of [a-z0-9])");
        }
    }
}
