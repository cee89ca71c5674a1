package dev.portcullis.registry;

import java.time.Duration;

/** Argument checks shared by every {@link SessionRegistry#claimTokenId} implementation, so they reject alike. */
public final class TokenIds {
    /** The longest token id accepted: a UUID is 36 characters; anything near this limit is not a real jti. */
    public static final int MAX_LENGTH = 256;

    private TokenIds() {}

    /**
     * Throws {@link IllegalArgumentException} unless {@code tokenId} is 1 to {@value #MAX_LENGTH} characters and
     * {@code ttl} is at least one millisecond. Messages quote the id truncated, never a whole token.
     */
    public static void check(String tokenId, Duration ttl) {
        if (tokenId == null || tokenId.isEmpty() || tokenId.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(
                    "token id: " + RegistryException.quote(tokenId) + " (expected: 1-" + MAX_LENGTH + " characters)");
        }
        if (ttl == null || ttl.toMillis() < 1) {
            throw new IllegalArgumentException("ttl: " + ttl + " (expected: >= 1 ms)");
        }
    }
}
