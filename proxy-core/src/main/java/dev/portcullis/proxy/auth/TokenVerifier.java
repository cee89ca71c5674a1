package dev.portcullis.proxy.auth;

import java.util.Optional;

/**
 * Verifies a compact JWS and returns its checked claims.
 *
 * <p>Implementations are thread-safe and do CPU work only (no I/O, no blocking), so they may be called on an I/O
 * thread (Undertow XNIO, Netty event loop).
 */
public interface TokenVerifier {
    /**
     * Verifies {@code token} as a token of class {@code expected}.
     *
     * @throws TokenRejectedException if anything is wrong; its message is safe to log (never contains the token)
     */
    VerifiedToken verify(String token, TokenClass expected) throws TokenRejectedException;

    /**
     * The result of a full verification of exactly this token that this verifier still remembers, without verifying
     * anything now; empty if there is none (the default: nothing is remembered). A present answer is what
     * {@link #verify} would return, at a map lookup's cost.
     */
    default Optional<VerifiedToken> remembered(String token, TokenClass expected) {
        return Optional.empty();
    }
}
