package dev.portcullis.proxy.auth;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * The claims of a token whose signature, times, issuer, audience, class and claim types have all been checked.
 * Whether the token's session and app match the request, and whether a launch token's {@code jti} is fresh, is the
 * caller's job.
 *
 * @param tokenClass the {@code typ} claim
 * @param subject the {@code sub} claim: the user, or for {@link TokenClass#AGENT} the agent id; never empty
 * @param sessionId the {@code sid} claim; {@code null} unless {@link TokenClass#isUserToken()}
 * @param app the {@code app} claim; {@code null} unless {@link TokenClass#isUserToken()}
 * @param tokenId the {@code jti} claim; never null for single-use classes ({@link TokenClass#isSingleUse()}), may be
 *     null otherwise
 * @param expiresAt the {@code exp} claim
 * @param issuedAt the {@code iat} claim, or {@code null} if absent (revocations by user or session then refuse it)
 */
public record VerifiedToken(TokenClass tokenClass, String subject, String sessionId, String app, String tokenId,
        Instant expiresAt, Instant issuedAt) {

    /** A token without a known issue time. */
    public VerifiedToken(TokenClass tokenClass, String subject, String sessionId, String app, String tokenId,
            Instant expiresAt) {
        this(tokenClass, subject, sessionId, app, tokenId, expiresAt, null);
    }

    public VerifiedToken {
        requireNonNull(tokenClass, "tokenClass");
        requireNonNull(subject, "subject");
        requireNonNull(expiresAt, "expiresAt");
        if (tokenClass.isUserToken()) {
            requireNonNull(sessionId, "sessionId");
            requireNonNull(app, "app");
        }
        if (tokenClass.isSingleUse()) {
            requireNonNull(tokenId, "tokenId");
        }
    }
}
