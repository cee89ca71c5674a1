package dev.portcullis.proxy.auth;

import static java.util.Objects.requireNonNull;

import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.SecureDigestAlgorithm;
import java.security.Key;
import java.security.interfaces.ECKey;
import java.security.interfaces.EdECKey;
import java.security.interfaces.RSAKey;
import javax.crypto.SecretKey;

/**
 * The JWS algorithms the gate can verify, each bound to exactly one key type so that a key of one type is never used
 * with another type's algorithm (the HS256-with-RSA-public-key confusion, SECURITY.md row 15).
 */
public enum TokenAlgorithm {
    RS256("RS256"),
    ES256("ES256"),
    EdDSA("EdDSA"),
    /** Symmetric; accepted only where an HMAC secret is explicitly configured. */
    HS256("HS256");

    private final String jwaName;

    TokenAlgorithm(String jwaName) {
        this.jwaName = jwaName;
    }

    /** The header {@code alg} value (RFC 7518 §3.1). */
    public String jwaName() {
        return jwaName;
    }

    /** Returns the algorithm whose {@code alg} value is exactly {@code name}, or {@code null}. */
    public static TokenAlgorithm fromJwaName(String name) {
        for (TokenAlgorithm a : values()) {
            if (a.jwaName.equals(name)) {
                return a;
            }
        }
        return null;
    }

    /**
     * Whether {@code key} (public, private or secret) is of this algorithm's key type: an RSA key for RS256, a P-256
     * key for ES256, an Ed25519/Ed448 key for EdDSA, a secret of at least 256 bits for HS256.
     */
    public boolean fitsKey(Key key) {
        requireNonNull(key, "key");
        switch (this) {
            case RS256:
                return key instanceof RSAKey;
            case ES256:
                return key instanceof ECKey && ((ECKey) key).getParams().getCurve().getField().getFieldSize() == 256;
            case EdDSA:
                return key instanceof EdECKey;
            case HS256:
                if (!(key instanceof SecretKey)) {
                    return false;
                }
                byte[] encoded = key.getEncoded();
                return encoded != null && encoded.length >= 32;
            default:
                throw new AssertionError(this);
        }
    }

    /** Returns the algorithm a public or private key is used with by default, or {@code null} for none. */
    public static TokenAlgorithm defaultFor(Key key) {
        requireNonNull(key, "key");
        for (TokenAlgorithm a : new TokenAlgorithm[] {RS256, ES256, EdDSA}) {
            if (a.fitsKey(key)) {
                return a;
            }
        }
        return null;
    }

    /** jjwt's implementation of this algorithm. */
    SecureDigestAlgorithm<?, ?> jjwt() {
        switch (this) {
            case RS256:
                return Jwts.SIG.RS256;
            case ES256:
                return Jwts.SIG.ES256;
            case EdDSA:
                return Jwts.SIG.EdDSA;
            case HS256:
                return Jwts.SIG.HS256;
            default:
                throw new AssertionError(this);
        }
    }
}
