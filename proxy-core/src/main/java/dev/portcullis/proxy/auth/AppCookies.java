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
 * session and app. Its lifetime slides with use: a cookie past half of its idle timeout is re-issued
 * ({@link #refresh}) with the same id and login time, never beyond an absolute cap from the login. Every launch issues
 * a new id ({@link #issue}), so a login never adopts a cookie value that was there before (no fixation). Also the
 * cookie naming rules, so the front can scope cookies to one app and strip all of them before
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

    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofHours(1);
    public static final Duration DEFAULT_ABSOLUTE_TIMEOUT = Duration.ofHours(12);
    /** Claim: when the user logged in (launched); kept across refreshes, caps the cookie's life. */
    private static final String LOGIN_AT = "lat";

    /**
     * What a valid cookie says. Whether it matches the request's session and app is the caller's check. Cookies
     * this proxy issues always carry {@code issuedAt}, {@code id} and {@code loginAt}; they are null only for claims
     * built by hand without them (revocations by user or session then refuse such a cookie).
     *
     * @param issuedAt when this cookie value was issued ({@code iat}; a refresh moves it)
     * @param id the login's id ({@code jti}): new at every launch, kept when the cookie slides (so revoking it
     *     revokes every refreshed copy)
     * @param loginAt when the launch that started this login happened ({@code lat}); {@code <= issuedAt}
     */
    public record CookieClaims(String subject, String sessionId, String app, Instant expiresAt, Instant issuedAt,
            String id, Instant loginAt) {
        public CookieClaims {
            requireNonNull(subject, "subject");
            requireNonNull(sessionId, "sessionId");
            requireNonNull(app, "app");
            requireNonNull(expiresAt, "expiresAt");
        }

        public CookieClaims(String subject, String sessionId, String app, Instant expiresAt) {
            this(subject, sessionId, app, expiresAt, null, null, null);
        }
    }

    /** A cookie value, when it was issued and when it expires. */
    public record Issued(String value, Instant issuedAt, Instant expiresAt) {
        /** The Set-Cookie Max-Age. */
        public Duration maxAge() {
            return Duration.between(issuedAt, expiresAt);
        }
    }

    private final SecretKey secret;
    private final Clock clock;
    private final Duration idleTimeout;
    private final Duration absoluteTimeout;
    private final JwtParser parser;

    /** With the default idle (1 h) and absolute (12 h) timeouts. */
    public AppCookies(SecretKey cookieSecret, Clock clock) {
        this(cookieSecret, clock, DEFAULT_IDLE_TIMEOUT, DEFAULT_ABSOLUTE_TIMEOUT);
    }

    /**
     * @param cookieSecret from {@link #secret(byte[])}; the same on every proxy node
     * @param idleTimeout a cookie's lifetime from its last refresh (it slides with use)
     * @param absoluteTimeout the longest a login lasts however active, {@code >= idleTimeout}
     */
    public AppCookies(SecretKey cookieSecret, Clock clock, Duration idleTimeout, Duration absoluteTimeout) {
        this.secret = requireNonNull(cookieSecret, "cookieSecret");
        this.clock = requireNonNull(clock, "clock");
        this.idleTimeout = requireNonNull(idleTimeout, "idleTimeout");
        this.absoluteTimeout = requireNonNull(absoluteTimeout, "absoluteTimeout");
        if (idleTimeout.compareTo(Duration.ofSeconds(2)) < 0 || absoluteTimeout.compareTo(idleTimeout) < 0) {
            throw new IllegalArgumentException("idleTimeout " + idleTimeout + ", absoluteTimeout " + absoluteTimeout
                    + " (expected: PT2S <= idle <= absolute)");
        }
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

    /** A new login: a cookie with a new id, valid for the idle timeout from now. */
    public Issued issue(String subject, String sessionId, String app) {
        requireNonNull(subject, "subject");
        checkRoute(sessionId, app);
        if (subject.isEmpty()) {
            throw new IllegalArgumentException("subject: '' (expected: non-empty)");
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        return sign(subject, sessionId, app, UUID.randomUUID().toString(), now, now);
    }

    /**
     * Slides a valid cookie: once half of its idle timeout has passed, a new value with the same id and login time,
     * valid for another idle timeout but never past the login's absolute cap. Empty while the cookie is fresh, or
     * when it could not live any longer.
     */
    public Optional<Issued> refresh(CookieClaims claims) {
        requireNonNull(claims, "claims");
        if (claims.issuedAt() == null || claims.id() == null || claims.loginAt() == null) {
            return Optional.empty(); // not one of ours: nothing to slide
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        if (Duration.between(claims.issuedAt(), now).compareTo(idleTimeout.dividedBy(2)) < 0) {
            return Optional.empty();
        }
        Issued next = sign(claims.subject(), claims.sessionId(), claims.app(), claims.id(), claims.loginAt(), now);
        return next.expiresAt().isAfter(claims.expiresAt()) ? Optional.of(next) : Optional.empty();
    }

    private Issued sign(String subject, String sessionId, String app, String id, Instant loginAt, Instant now) {
        Instant cap = loginAt.plus(absoluteTimeout);
        Instant expiresAt = now.plus(idleTimeout).isAfter(cap) ? cap : now.plus(idleTimeout);
        String value = Jwts.builder()
                .subject(subject)
                .claim("sid", sessionId)
                .claim("app", app)
                .claim("typ", TYP)
                .claim(LOGIN_AT, loginAt.getEpochSecond())
                .issuedAt(Date.from(now))
                .expiration(Date.from(expiresAt))
                .id(id)
                .signWith(secret, Jwts.SIG.HS256)
                .compact();
        return new Issued(value, now, expiresAt);
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
            String id = jws.stringClaim("jti");
            Object loginAt = claims.get(LOGIN_AT);
            if (!TYP.equals(jws.stringClaim("typ")) || subject == null || subject.isEmpty()
                    || SessionId.parseOrNull(sessionId) == null || !AppSpec.isValidName(app) || id == null
                    || claims.getExpiration() == null || claims.getIssuedAt() == null || !(loginAt instanceof Number)) {
                throw new TokenRejectedException(TokenRejectedException.Reason.MISSING_CLAIM, "not a proxy cookie");
            }
            Instant lat = Instant.ofEpochSecond(((Number) loginAt).longValue());
            Instant iat = claims.getIssuedAt().toInstant();
            if (lat.isAfter(iat) || claims.getExpiration().toInstant().isAfter(lat.plus(absoluteTimeout))) {
                throw new TokenRejectedException(TokenRejectedException.Reason.BAD_CLAIM_TYPE, "cookie outlives its login");
            }
            return Optional.of(new CookieClaims(subject, sessionId, app, claims.getExpiration().toInstant(), iat, id, lat));
        } catch (TokenRejectedException e) {
            logger.debug("cookie rejected: {}", e.getMessage());
        } catch (JwtException | IllegalArgumentException e) {
            // Messages of jjwt may quote parts of the value: log the type only.
            logger.debug("cookie rejected: {}", e.getClass().getSimpleName());
        }
        return Optional.empty();
    }

    public Duration idleTimeout() {
        return idleTimeout;
    }

    public Duration absoluteTimeout() {
        return absoluteTimeout;
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
