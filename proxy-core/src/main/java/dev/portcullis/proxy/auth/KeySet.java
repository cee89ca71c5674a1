package dev.portcullis.proxy.auth;

import static java.util.Objects.requireNonNull;

import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.security.Jwk;
import io.jsonwebtoken.security.JwkSet;
import io.jsonwebtoken.security.Jwks;
import io.jsonwebtoken.security.PrivateJwk;
import io.jsonwebtoken.security.SecretJwk;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An immutable set of verification keys by {@code kid}, each pinned to one {@link TokenAlgorithm}.
 *
 * <p>Lookups are in-memory map reads: a hostile {@code kid} such as {@code ../../dev/null} is just a missing entry
 * (SECURITY.md row 16). Being immutable, a KeySet can be swapped atomically by a refreshing holder (see
 * {@link TokenSettings.Builder#keys(java.util.function.Supplier)}). Thread-safe.
 */
public final class KeySet {
    private static final Logger logger = LoggerFactory.getLogger(KeySet.class);
    /** A JWKS document larger than this is refused, from a file or a URL. */
    static final int MAX_JWKS_BYTES = 1 << 20;
    private static final KeySet EMPTY = new KeySet(Map.of());

    /**
     * One verification key.
     *
     * @param kid the key id tokens name in their header
     * @param key a public key, or a {@link javax.crypto.SecretKey} for {@link TokenAlgorithm#HS256}; never private
     * @param algorithm the only algorithm this key verifies
     */
    public record VerificationKey(String kid, Key key, TokenAlgorithm algorithm) {
        public VerificationKey {
            requireNonNull(kid, "kid");
            requireNonNull(key, "key");
            requireNonNull(algorithm, "algorithm");
            if (kid.isEmpty()) {
                throw new IllegalArgumentException("kid: '' (expected: non-empty)");
            }
            if (key instanceof PrivateKey) {
                throw new IllegalArgumentException("key " + kid + ": a private key (expected: public or secret)");
            }
            if (!algorithm.fitsKey(key)) {
                throw new IllegalArgumentException("key " + kid + ": " + key.getAlgorithm()
                        + " key (expected: a key for " + algorithm.jwaName() + ")");
            }
        }

        /** A public key with the algorithm its type implies (RSA: RS256, P-256: ES256, Ed25519/Ed448: EdDSA). */
        public static VerificationKey of(String kid, java.security.PublicKey key) {
            requireNonNull(key, "key");
            TokenAlgorithm algorithm = TokenAlgorithm.defaultFor(key);
            if (algorithm == null) {
                throw new IllegalArgumentException("key " + kid + ": unsupported " + key.getAlgorithm() + " key");
            }
            return new VerificationKey(kid, key, algorithm);
        }

        @Override
        public String toString() {
            // Never print key material, even of a secret key.
            return "VerificationKey[kid=" + kid + ", algorithm=" + algorithm.jwaName() + "]";
        }
    }

    private final Map<String, VerificationKey> byKid;

    private KeySet(Map<String, VerificationKey> byKid) {
        this.byKid = byKid;
    }

    public static KeySet empty() {
        return EMPTY;
    }

    public static KeySet of(VerificationKey... keys) {
        return of(List.of(keys));
    }

    /** @throws IllegalArgumentException if two keys share a kid */
    public static KeySet of(Collection<VerificationKey> keys) {
        requireNonNull(keys, "keys");
        Map<String, VerificationKey> map = new LinkedHashMap<>();
        for (VerificationKey k : keys) {
            requireNonNull(k, "key");
            if (map.putIfAbsent(k.kid(), k) != null) {
                throw new IllegalArgumentException("kid " + TokenRejectedException.quote(k.kid()) + ": duplicate");
            }
        }
        return new KeySet(Map.copyOf(map));
    }

    /**
     * Reads a public JWKS (RFC 7517 §5) file. Blocking file I/O: call at startup or on a refresh thread, never on an
     * I/O thread.
     *
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if it is not a JWKS, holds a private or secret key, or has no usable key
     */
    public static KeySet fromJwksFile(Path file) throws IOException {
        String json = readBounded(file);
        try {
            return fromJwksJson(json);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("JWKS " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a JWKS file of at most 1 MiB as UTF-8. Blocking. */
    static String readBounded(Path file) throws IOException {
        requireNonNull(file, "file");
        if (Files.size(file) > MAX_JWKS_BYTES) {
            throw new IllegalArgumentException("JWKS " + file + ": larger than " + MAX_JWKS_BYTES + " bytes");
        }
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    /** Parses a public JWKS JSON document; see {@link #fromJwksFile(Path)}. */
    public static KeySet fromJwksJson(String json) {
        requireNonNull(json, "json");
        JwkSet set;
        try {
            set = Jwks.setParser().build().parse(json);
        } catch (JwtException e) {
            throw new IllegalArgumentException("not a valid JWKS: " + e.getMessage(), e);
        }
        List<VerificationKey> keys = new ArrayList<>();
        for (Jwk<?> jwk : set.getKeys()) {
            if (jwk instanceof PrivateJwk || jwk instanceof SecretJwk) {
                // A public JWKS with private or secret material is a leak waiting to happen: refuse it loudly.
                throw new IllegalArgumentException("key " + TokenRejectedException.quote(jwk.getId())
                        + " is private or secret (expected: public keys only)");
            }
            if (jwk.getId() == null || jwk.getId().isEmpty()) {
                throw new IllegalArgumentException("a " + jwk.getType() + " key has no kid");
            }
            if ("enc".equals(jwk.get("use"))) {
                continue;
            }
            Key key = jwk.toKey();
            TokenAlgorithm algorithm = jwk.getAlgorithm() == null
                    ? TokenAlgorithm.defaultFor(key)
                    : TokenAlgorithm.fromJwaName(jwk.getAlgorithm());
            if (algorithm == null || !algorithm.fitsKey(key)) {
                logger.warn("JWKS key {} skipped: algorithm {} with a {} key is not supported",
                        TokenRejectedException.quote(jwk.getId()), TokenRejectedException.quote(jwk.getAlgorithm()),
                        jwk.getType());
                continue;
            }
            keys.add(new VerificationKey(jwk.getId(), key, algorithm));
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no usable signature verification key");
        }
        return of(keys);
    }

    /** Returns the key for {@code kid}, or {@code null}. */
    public VerificationKey find(String kid) {
        return kid == null ? null : byKid.get(kid);
    }

    public Set<String> kids() {
        return byKid.keySet();
    }

    public int size() {
        return byKid.size();
    }

    /** Whether some key of the set verifies {@code algorithm}. */
    public boolean hasAlgorithm(TokenAlgorithm algorithm) {
        return byKid.values().stream().anyMatch(k -> k.algorithm() == algorithm);
    }

    @Override
    public String toString() {
        return "KeySet" + byKid.values();
    }
}
