package dev.portcullis.proxy.auth;

import java.nio.file.Path;
import java.security.Key;
import java.time.Duration;

/** Signs tokens. Thread-safe. */
public final class TokenMinter {
    public TokenMinter(Key signingKey, String kid, TokenAlgorithm algorithm, TokenSettings settings) {
        throw new UnsupportedOperationException("stub");
    }

    public static TokenMinter fromPrivateJwkFile(Path privateJwkFile, TokenSettings settings) throws java.io.IOException {
        throw new UnsupportedOperationException("stub");
    }

    public String mint(TokenClass tokenClass, String subject, String sessionId, String app, Duration ttl) {
        throw new UnsupportedOperationException("stub");
    }

    public String kid() {
        throw new UnsupportedOperationException("stub");
    }
}
