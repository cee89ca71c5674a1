package dev.portcullis.proxy.live;

import static java.util.Objects.requireNonNull;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import java.time.Instant;

/**
 * The credential that admitted a request, as the gate verified it: a bearer token or the proxy's cookie. Attached to
 * the exchange by the gate so the live-connection table can match revocations and schedule expiry.
 *
 * @param subject the user ({@code sub})
 * @param tokenId the token's or cookie's {@code jti}; null if it has none
 * @param issuedAt its {@code iat}; null if it has none (user and session revocations then refuse it)
 * @param expiresAt its {@code exp}
 */
public record Credential(String subject, String tokenId, Instant issuedAt, Instant expiresAt) {
    private static final AttachmentKey<Credential> KEY = AttachmentKey.create(Credential.class);

    public Credential {
        requireNonNull(subject, "subject");
        requireNonNull(expiresAt, "expiresAt");
    }

    public void attachTo(HttpServerExchange exchange) {
        exchange.putAttachment(KEY, this);
    }

    /** The credential the gate attached, or null. */
    public static Credential of(HttpServerExchange exchange) {
        return exchange.getAttachment(KEY);
    }
}
