package dev.portcullis.proxy.auth;

import static java.util.Objects.requireNonNull;

import dev.portcullis.registry.AppSpec;
import dev.portcullis.registry.SessionId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import javax.crypto.SecretKey;

/**
 * One-time tickets the dashboard's open endpoint hands to an app's own host in subdomain mode
 * ({@code /.portcullis/enter?ticket=}), where they are swapped for that host's app cookie. Signed by the proxy
 * ({@code typ} {@code ticket}), bound to one user, session and app, valid {@link #TTL}; the caller claims the id in
 * the registry so that each works once (SECURITY.md row 21).
 *
 * <p>Thread-safe; CPU only.
 */
public final class OpenTickets {
    /** Long enough for one redirect, short enough to be useless in a log or a shared link. */
    public static final Duration TTL = Duration.ofSeconds(60);
    static final String TYP = "ticket";

    /** A valid ticket. */
    public record Ticket(String subject, String sessionId, String app, String id, Instant issuedAt, Instant expiresAt) {}

    private final HmacJwts jwts;

    public OpenTickets(SecretKey cookieSecret, Clock clock) {
        this.jwts = new HmacJwts(cookieSecret, clock);
    }

    public String issue(String subject, SessionId session, String app) {
        requireNonNull(session, "session");
        if (!AppSpec.isValidName(app)) {
            throw new IllegalArgumentException("app: " + app + " (expected: 1-32 of [a-z0-9])");
        }
        return jwts.sign(TYP, subject, Map.of("sid", session.value(), "app", app), TTL);
    }

    /** The ticket, if valid and naming a well-formed session and app; else empty. Single use is the caller's check. */
    public Optional<Ticket> verify(String value) {
        return jwts.verify(value, TYP, "sid", "app")
                .filter(v -> SessionId.parseOrNull(v.claims().get("sid")) != null && AppSpec.isValidName(v.claims().get("app")))
                .map(v -> new Ticket(v.subject(), v.claims().get("sid"), v.claims().get("app"), v.id(), v.issuedAt(), v.expiresAt()));
    }
}
