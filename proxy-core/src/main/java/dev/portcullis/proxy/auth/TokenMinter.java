package dev.portcullis.proxy.auth;

import static java.util.Objects.requireNonNull;

import dev.portcullis.registry.AppSpec;
import dev.portcullis.registry.SessionId;
import io.jsonwebtoken.JwtBuilder;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Jwk;
import io.jsonwebtoken.security.Jwks;
import io.jsonwebtoken.security.PrivateJwk;
import io.jsonwebtoken.security.SecureDigestAlgorithm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.UUID;
import javax.crypto.SecretKey;

/**
 * Signs launch, access and agent tokens as {@link JjwtTokenVerifier} expects them: {@code iss}, {@code aud} (the agent
 * audience for {@link TokenClass#AGENT}), {@code sub}, {@code iat}, {@code nbf}, {@code exp}, a random {@code jti},
 * {@code typ}, and {@code sid}/{@code app} for user tokens; header {@code kid}.
 *
 * <p>Used by the demo, tests and the {@code portcullis token} command; production tokens come from the control plane.
 * Thread-safe; CPU only. Holds the signing key: never log it or pass it around.
 */
public final class TokenMinter {
    private static final int MAX_JWK_BYTES = 64 * 1024;

    private final Key signingKey;
    private final String kid;
    private final TokenAlgorithm algorithm;
    private final TokenSettings settings;

    /**
     * @param signingKey a private key of {@code algorithm}'s type, or a secret of 256+ bits for HS256
     * @throws IllegalArgumentException if the key does not fit the algorithm or is a public key
     */
    public TokenMinter(Key signingKey, String kid, TokenAlgorithm algorithm, TokenSettings settings) {
        this.signingKey = requireNonNull(signingKey, "signingKey");
        this.kid = requireNonNull(kid, "kid");
        this.algorithm = requireNonNull(algorithm, "algorithm");
        this.settings = requireNonNull(settings, "settings");
        if (kid.isEmpty()) {
            throw new IllegalArgumentException("kid: '' (expected: non-empty)");
        }
        if (!(signingKey instanceof PrivateKey || signingKey instanceof SecretKey) || !algorithm.fitsKey(signingKey)) {
            throw new IllegalArgumentException("signingKey: " + signingKey.getAlgorithm()
                    + " key (expected: a private or secret key for " + algorithm.jwaName() + ")");
        }
    }

    /**
     * Reads a private JWK (as {@link DemoKeys} writes it): its {@code kid} is required, its {@code alg} optional
     * (inferred from the key type). Blocking file I/O.
     *
     * @throws IllegalArgumentException if the file is not a private JWK of a supported type
     */
    public static TokenMinter fromPrivateJwkFile(Path privateJwkFile, TokenSettings settings) throws IOException {
        requireNonNull(privateJwkFile, "privateJwkFile");
        if (Files.size(privateJwkFile) > MAX_JWK_BYTES) {
            throw new IllegalArgumentException("JWK " + privateJwkFile + ": larger than " + MAX_JWK_BYTES + " bytes");
        }
        try {
            return fromPrivateJwk(Files.readString(privateJwkFile, StandardCharsets.UTF_8), settings);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("JWK " + privateJwkFile + ": " + e.getMessage(), e);
        }
    }

    /** Parses a private JWK JSON document; see {@link #fromPrivateJwkFile(Path, TokenSettings)}. */
    public static TokenMinter fromPrivateJwk(String json, TokenSettings settings) {
        requireNonNull(json, "json");
        Jwk<?> jwk;
        try {
            jwk = Jwks.parser().build().parse(json);
        } catch (JwtException e) {
            // jjwt's messages never include private parameter values (they are redacted), but keep it short anyway.
            throw new IllegalArgumentException("not a valid JWK (" + e.getClass().getSimpleName() + ")", e);
        }
        if (!(jwk instanceof PrivateJwk)) {
            throw new IllegalArgumentException("a " + jwk.getType() + " JWK without a private key (expected: private)");
        }
        if (jwk.getId() == null || jwk.getId().isEmpty()) {
            throw new IllegalArgumentException("no kid");
        }
        Key key = jwk.toKey();
        TokenAlgorithm algorithm = jwk.getAlgorithm() == null
                ? TokenAlgorithm.defaultFor(key)
                : TokenAlgorithm.fromJwaName(jwk.getAlgorithm());
        if (algorithm == null) {
            throw new IllegalArgumentException("unsupported algorithm " + TokenRejectedException.quote(jwk.getAlgorithm()));
        }
        return new TokenMinter(key, jwk.getId(), algorithm, settings);
    }

    public String kid() {
        return kid;
    }

    public TokenAlgorithm algorithm() {
        return algorithm;
    }

    /**
     * Mints a token valid from now (by the settings' clock) for {@code ttl}.
     *
     * @param sessionId required (a valid session id) for LAUNCH and ACCESS; must be null for AGENT and LOGIN
     * @param app required (a valid app name) for LAUNCH and ACCESS; must be null for AGENT and LOGIN
     */
    public String mint(TokenClass tokenClass, String subject, String sessionId, String app, Duration ttl) {
        requireNonNull(tokenClass, "tokenClass");
        requireNonNull(subject, "subject");
        requireNonNull(ttl, "ttl");
        if (subject.isEmpty()) {
            throw new IllegalArgumentException("subject: '' (expected: non-empty)");
        }
        if (ttl.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("ttl: " + ttl + " (expected: >= PT1S)");
        }
        if (tokenClass.isUserToken()) {
            new SessionId(requireNonNull(sessionId, "sessionId"));
            if (!AppSpec.isValidName(requireNonNull(app, "app"))) {
                throw new IllegalArgumentException("app: '" + app + "' (expected: 1-32 of [a-z0-9])");
            }
        } else if (sessionId != null || app != null) {
            throw new IllegalArgumentException("sessionId/app: set for a " + tokenClass.claimValue() + " token (expected: null)");
        }
        Instant now = settings.clock().instant().truncatedTo(ChronoUnit.SECONDS);
        JwtBuilder builder = Jwts.builder()
                .header().keyId(kid).and()
                .issuer(settings.issuer())
                .audience().add(settings.audienceFor(tokenClass)).and()
                .subject(subject)
                .issuedAt(Date.from(now))
                .notBefore(Date.from(now))
                .expiration(Date.from(now.plus(ttl)))
                .id(UUID.randomUUID().toString())
                .claim("typ", tokenClass.claimValue());
        if (tokenClass.isUserToken()) {
            builder.claim("sid", sessionId).claim("app", app);
        }
        return builder.signWith(signingKey, jjwtAlgorithm()).compact();
    }

    @SuppressWarnings("unchecked") // fitsKey() checked in the constructor that the key suits the algorithm
    private SecureDigestAlgorithm<Key, ?> jjwtAlgorithm() {
        return (SecureDigestAlgorithm<Key, ?>) algorithm.jjwt();
    }

    @Override
    public String toString() {
        return "TokenMinter[kid=" + kid + ", algorithm=" + algorithm.jwaName() + "]";
    }
}
