package dev.portcullis.proxy.auth;

import static java.util.Objects.requireNonNull;

/** Verifies tokens with jjwt. Thread-safe; CPU only. */
public final class JjwtTokenVerifier implements TokenVerifier {
    private final TokenSettings settings;

    public JjwtTokenVerifier(TokenSettings settings) {
        this.settings = requireNonNull(settings, "settings");
    }

    @Override
    public VerifiedToken verify(String token, TokenClass expected) throws TokenRejectedException {
        throw new TokenRejectedException(TokenRejectedException.Reason.MALFORMED, "not implemented yet " + settings.issuer());
    }
}
