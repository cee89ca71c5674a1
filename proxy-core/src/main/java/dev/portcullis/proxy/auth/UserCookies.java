package dev.portcullis.proxy.auth;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import javax.crypto.SecretKey;

/**
 * The dashboard cookie: who is signed in to the proxy's own pages ({@code /.portcullis/}). Signed with the proxy's
 * cookie secret, {@code typ} {@code user}, naming a user and no session, so the gate never takes it for an app cookie:
 * it lists the user's sessions and lets the user ask for an app cookie ({@code /.portcullis/open}, which checks the
 * registry's owner), and opens nothing by itself. Scoped to {@link #PATH}, which the front never forwards to an app.
 * Also the CSRF token of the dashboard's forms, derived from the cookie's id.
 *
 * <p>Thread-safe; CPU only.
 */
public final class UserCookies {
    /** The cookie's Path: the proxy's own pages. */
    public static final String PATH = "/.portcullis/";
    static final String TYP = "user";
    private static final String NAME = "portcullis-user";
    private static final String SECURE_NAME = "__Secure-portcullis-user";

    /** A valid dashboard cookie: its user, its own id (rotated on every login) and its lifetime. */
    public record UserClaims(String subject, String id, Instant issuedAt, Instant expiresAt) {
        public UserClaims {
            requireNonNull(subject, "subject");
            requireNonNull(id, "id");
        }
    }

    private final HmacJwts jwts;

    /** @param cookieSecret from {@link AppCookies#secret(byte[])}: the same on every proxy node */
    public UserCookies(SecretKey cookieSecret, Clock clock) {
        this.jwts = new HmacJwts(cookieSecret, clock);
    }

    /**
     * The cookie name: {@code __Secure-portcullis-user} under TLS (the browser then refuses it over plain HTTP),
     * else {@code portcullis-user}. Both are proxy cookies ({@link AppCookies#isProxyCookie}): stripped before any
     * request is forwarded, whoever set them.
     */
    public static String cookieName(boolean secure) {
        return secure ? SECURE_NAME : NAME;
    }

    /** A new cookie value for {@code subject}, valid for {@code ttl}, with a fresh random id. */
    public String issue(String subject, Duration ttl) {
        return jwts.sign(TYP, subject, Map.of(), ttl);
    }

    /** The claims of a valid dashboard cookie; empty if it is malformed, expired, forged or of another kind. */
    public Optional<UserClaims> verify(String value) {
        return jwts.verify(value, TYP).map(v -> new UserClaims(v.subject(), v.id(), v.issuedAt(), v.expiresAt()));
    }

    /** The CSRF token for forms posted with this cookie: a MAC of the cookie's id (new on every login). */
    public String csrfToken(UserClaims claims) {
        return jwts.mac("csrf", requireNonNull(claims, "claims").id());
    }

    /** Whether {@code candidate} is the CSRF token of {@code claims} (constant time). */
    public boolean isCsrfToken(UserClaims claims, String candidate) {
        return HmacJwts.same(csrfToken(claims), candidate);
    }
}
