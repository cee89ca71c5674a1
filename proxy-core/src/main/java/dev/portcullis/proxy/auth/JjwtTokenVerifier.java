package dev.portcullis.proxy.auth;

import static dev.portcullis.proxy.auth.TokenRejectedException.quote;
import static java.util.Objects.requireNonNull;

import dev.portcullis.proxy.auth.KeySet.VerificationKey;
import dev.portcullis.proxy.auth.TokenRejectedException.Reason;
import dev.portcullis.registry.AppSpec;
import dev.portcullis.registry.SessionId;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.ExpiredJwtException;
import io.jsonwebtoken.Header;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.PrematureJwtException;
import io.jsonwebtoken.ProtectedHeader;
import io.jsonwebtoken.RequiredTypeException;
import io.jsonwebtoken.security.SecureDigestAlgorithm;
import io.jsonwebtoken.security.SignatureException;
import java.security.Key;
import java.util.Date;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Verifies compact JWS tokens with jjwt's {@code parseSignedClaims} (never {@code parse}, which would accept unsigned
 * tokens: SECURITY.md row 14).
 *
 * <p>Order: length cap, then structure and header ({@link CompactJws}: unsigned, compressed, unknown or disallowed
 * {@code alg}, claim JSON types), then jjwt with a key {@link io.jsonwebtoken.Locator} that finds the {@code kid} in
 * the in-memory {@link KeySet} and refuses a key whose pinned algorithm is not the header's (before any signature is
 * computed), then signature, exp and nbf, then iss, typ, aud and the per-class claims.
 *
 * <p>Thread-safe and CPU only: the parser is built once and is immutable; the key set is read through
 * {@link TokenSettings#keySet()}, which must not block.
 */
public final class JjwtTokenVerifier implements TokenVerifier {
    /** Launch jtis are stored in the registry: keep them short. */
    private static final int MAX_JTI_LENGTH = 128;
    private static final int MAX_SUBJECT_LENGTH = 256;

    private final TokenSettings settings;
    private final JwtParser parser;

    public JjwtTokenVerifier(TokenSettings settings) {
        this.settings = requireNonNull(settings, "settings");
        List<SecureDigestAlgorithm<?, ?>> algorithms =
                settings.allowedAlgorithms().stream().map(TokenAlgorithm::jjwt).collect(Collectors.toList());
        this.parser = Jwts.parser()
                .keyLocator(this::locateKey)
                .sig().clear().add(algorithms).and()
                // An empty zip() collection disables decompression altogether (jjwt 0.12.7+).
                .zip().clear().and()
                .clock(() -> Date.from(settings.clock().instant()))
                .clockSkewSeconds(settings.clockSkew().toSeconds())
                .build();
    }

    @Override
    public VerifiedToken verify(String token, TokenClass expected) throws TokenRejectedException {
        requireNonNull(expected, "expected");
        if (token == null || token.isEmpty()) {
            throw new TokenRejectedException(Reason.MALFORMED, "empty token");
        }
        if (token.length() > settings.maxTokenLength()) {
            throw new TokenRejectedException(
                    Reason.TOO_LARGE, token.length() + " chars (expected: <= " + settings.maxTokenLength() + ")");
        }
        CompactJws jws = CompactJws.decode(token);
        TokenAlgorithm algorithm = TokenAlgorithm.fromJwaName(jws.algorithm());
        if (algorithm == null || !settings.allowedAlgorithms().contains(algorithm)) {
            throw new TokenRejectedException(Reason.BAD_ALGORITHM, "alg " + quote(jws.algorithm()) + " is not allowed");
        }
        Claims claims = verifySignatureAndTimes(token);
        return checkClaims(jws, claims, expected);
    }

    private Claims verifySignatureAndTimes(String token) throws TokenRejectedException {
        try {
            return parser.parseSignedClaims(token).getPayload();
        } catch (LocatorRejection e) {
            throw e.rejection;
        } catch (ExpiredJwtException e) {
            throw new TokenRejectedException(Reason.EXPIRED, "exp " + e.getClaims().getExpiration().toInstant()
                    + " is past (now " + settings.clock().instant() + ", skew " + settings.clockSkew() + ")");
        } catch (PrematureJwtException e) {
            throw new TokenRejectedException(Reason.NOT_YET_VALID, "nbf " + e.getClaims().getNotBefore().toInstant()
                    + " is in the future (now " + settings.clock().instant() + ")");
        } catch (SignatureException e) {
            throw new TokenRejectedException(Reason.BAD_SIGNATURE, "signature does not verify");
        } catch (RequiredTypeException e) {
            throw new TokenRejectedException(Reason.BAD_CLAIM_TYPE, e.getClass().getSimpleName());
        } catch (JwtException | IllegalArgumentException e) {
            // jjwt's messages may quote header values; keep only the exception type.
            throw new TokenRejectedException(Reason.MALFORMED, "rejected by jjwt: " + e.getClass().getSimpleName());
        }
    }

    /** Runs on jjwt's call path, before any signature is computed. */
    private Key locateKey(Header header) {
        if (!(header instanceof ProtectedHeader)) {
            throw new LocatorRejection(Reason.MALFORMED, "not a JWS header");
        }
        String kid = ((ProtectedHeader) header).getKeyId();
        if (kid == null || kid.isEmpty()) {
            throw new LocatorRejection(Reason.UNKNOWN_KEY, "no kid");
        }
        VerificationKey key = settings.keySet().find(kid);
        if (key == null) {
            throw new LocatorRejection(Reason.UNKNOWN_KEY, "kid " + quote(kid) + " is not in the key set");
        }
        String alg = header.getAlgorithm();
        if (TokenAlgorithm.fromJwaName(alg) != key.algorithm() || !settings.allowedAlgorithms().contains(key.algorithm())) {
            // The key decides the algorithm, never the token: no HS256 keyed with an RSA public key (row 15).
            throw new LocatorRejection(Reason.BAD_ALGORITHM,
                    "alg " + quote(alg) + " with key " + quote(kid) + " (expected: " + key.algorithm().jwaName() + ")");
        }
        return key.key();
    }

    private VerifiedToken checkClaims(CompactJws jws, Claims claims, TokenClass expected)
            throws TokenRejectedException {
        String issuer = jws.stringClaim("iss");
        if (issuer == null) {
            throw missing("iss");
        }
        if (!issuer.equals(settings.issuer())) {
            throw new TokenRejectedException(Reason.WRONG_ISSUER, "iss " + quote(issuer));
        }
        String typ = jws.stringClaim("typ");
        if (typ == null) {
            throw missing("typ");
        }
        if (TokenClass.fromClaimValue(typ) != expected) {
            throw new TokenRejectedException(
                    Reason.WRONG_CLASS, "typ " + quote(typ) + " (expected: " + expected.claimValue() + ")");
        }
        if (!jws.hasClaim("aud")) {
            throw missing("aud");
        }
        if (!jws.hasAudience(settings.audienceFor(expected))) {
            throw new TokenRejectedException(Reason.WRONG_AUDIENCE, "aud " + quote(jws.claims.get("aud"))
                    + " (expected to contain: " + settings.audienceFor(expected) + ")");
        }
        Date exp = claims.getExpiration();
        if (exp == null) {
            throw missing("exp");
        }
        String subject = jws.stringClaim("sub");
        if (subject == null) {
            throw missing("sub");
        }
        if (subject.isEmpty() || subject.length() > MAX_SUBJECT_LENGTH) {
            throw new TokenRejectedException(Reason.BAD_CLAIM_TYPE, "sub: empty or longer than " + MAX_SUBJECT_LENGTH);
        }
        String sessionId = null;
        String app = null;
        if (expected.isUserToken()) {
            sessionId = jws.stringClaim("sid");
            app = jws.stringClaim("app");
            if (sessionId == null) {
                throw missing("sid");
            }
            if (app == null) {
                throw missing("app");
            }
            // Values that can never name a route are refused here, which also makes them safe to log downstream.
            if (SessionId.parseOrNull(sessionId) == null) {
                throw new TokenRejectedException(Reason.BAD_CLAIM_TYPE, "sid " + quote(sessionId) + " is not a session id");
            }
            if (!AppSpec.isValidName(app)) {
                throw new TokenRejectedException(Reason.BAD_CLAIM_TYPE, "app " + quote(app) + " is not an app name");
            }
        }
        String tokenId = jws.stringClaim("jti");
        if (expected.isSingleUse()) {
            if (tokenId == null) {
                throw missing("jti");
            }
            if (tokenId.isEmpty() || tokenId.length() > MAX_JTI_LENGTH) {
                throw new TokenRejectedException(Reason.BAD_CLAIM_TYPE, "jti: empty or longer than " + MAX_JTI_LENGTH);
            }
        }
        Date iat = claims.getIssuedAt();
        return new VerifiedToken(expected, subject, sessionId, app, tokenId, exp.toInstant(), iat == null ? null : iat.toInstant());
    }

    private static TokenRejectedException missing(String claim) {
        return new TokenRejectedException(Reason.MISSING_CLAIM, claim + " is required");
    }

    /** Carries a rejection out of jjwt's locator callback, which cannot throw checked exceptions. */
    private static final class LocatorRejection extends JwtException {
        private static final long serialVersionUID = 1L;
        final transient TokenRejectedException rejection;

        LocatorRejection(Reason reason, String detail) {
            super(detail);
            this.rejection = new TokenRejectedException(reason, detail);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this; // expected under attack; keep it cheap
        }
    }
}
