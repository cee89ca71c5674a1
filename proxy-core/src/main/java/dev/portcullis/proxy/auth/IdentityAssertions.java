package dev.portcullis.proxy.auth;

import static java.util.Objects.requireNonNull;

import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Jwks;
import io.jsonwebtoken.security.PublicJwk;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.jce.ECNamedCurveTable;

/**
 * Signs the identity assertion the proxy adds to every forwarded request and upgrade ({@link #HEADER}): a short-lived
 * ES256 JWT with the proxy's own key, so an app can check who is calling. Header {@code kid} (the key's RFC 7638
 * thumbprint); claims {@code iss} (the proxy), {@code aud} ({@code <session>/<app>}), {@code sub} (the user),
 * {@code sid}, {@code app}, {@code typ} {@code identity}, {@code iat}, {@code exp} ({@code iat} + ttl). The public
 * key is published as a JWKS ({@link #jwksJson()}) at {@code /.portcullis/jwks.json}.
 *
 * <p>An assertion is reused for the same (user, session, app) while it is younger than {@link #REUSE} (so an app always
 * gets one valid for at least ttl - 5 s), which keeps signing off the hot path: a few signatures per identity per
 * minute. The cache is bounded (cleared when full). Thread-safe; CPU only. Holds the private key: never log it.
 */
public final class IdentityAssertions {
    /** The request header the app receives. Client-sent copies (any case or underscore spelling) are removed first. */
    public static final String HEADER = "X-Portcullis-Identity";
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(60);
    static final Duration REUSE = Duration.ofSeconds(5);
    private static final int MAX_CACHED = 10_000;
    static final String TYP = "identity";

    private record Cached(String token, Instant issuedAt) {}

    private final ECPrivateKey signingKey;
    private final String kid;
    private final String jwksJson;
    private final String issuer;
    private final Duration ttl;
    private final Clock clock;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

    /**
     * @param signingKey an EC P-256 private key (its public key is derived from it)
     * @param issuer the {@code iss} of every assertion (the proxy's name, as apps will check it)
     * @param ttl the lifetime of an assertion, between 10 s and 10 min
     */
    public IdentityAssertions(ECPrivateKey signingKey, String issuer, Duration ttl, Clock clock) {
        this.signingKey = requireNonNull(signingKey, "signingKey");
        this.issuer = requireNonNull(issuer, "issuer");
        this.ttl = requireNonNull(ttl, "ttl");
        this.clock = requireNonNull(clock, "clock");
        if (!TokenAlgorithm.ES256.fitsKey(signingKey)) {
            throw new IllegalArgumentException("identity key: not an EC P-256 key (expected: ES256)");
        }
        if (ttl.compareTo(Duration.ofSeconds(10)) < 0 || ttl.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("identity ttl: " + ttl + " (expected: PT10S to PT10M)");
        }
        PublicJwk<ECPublicKey> jwk = Jwks.builder().key(publicKey(signingKey)).idFromThumbprint()
                .algorithm(TokenAlgorithm.ES256.jwaName()).publicKeyUse("sig").build();
        this.kid = jwk.getId();
        this.jwksJson = "{\"keys\":[" + Jwks.json(jwk) + "]}";
    }

    /**
     * With a key generated now: fine for one node, but then every node has its own key and kid, and apps must trust
     * each node's JWKS. Multi-node deployments configure one key file ({@code identity.key-file}).
     */
    public static IdentityAssertions generated(String issuer, Duration ttl, Clock clock) {
        KeyPair pair = Jwts.SIG.ES256.keyPair().build();
        return new IdentityAssertions((ECPrivateKey) pair.getPrivate(), issuer, ttl, clock);
    }

    /** The cached assertion if one is fresh enough to reuse, else null. Cheap: no signing. */
    public String cachedAssertion(String subject, String sessionId, String app) {
        Instant now = clock.instant();
        Cached cached = cache.get(key(subject, sessionId, app));
        return cached != null && !now.isBefore(cached.issuedAt()) && now.isBefore(cached.issuedAt().plus(REUSE))
                ? cached.token()
                : null;
    }

    /** The assertion for {@code subject} in session {@code sessionId}'s app {@code app}; reused for up to 5 s. */
    public String assertion(String subject, String sessionId, String app) {
        String reuse = cachedAssertion(subject, sessionId, app);
        if (reuse != null) {
            return reuse;
        }
        Instant now = clock.instant();
        Instant iat = now.truncatedTo(ChronoUnit.SECONDS);
        String token = Jwts.builder()
                .header().keyId(kid).type("JWT").and()
                .issuer(issuer)
                .audience().add(sessionId + "/" + app).and()
                .subject(subject)
                .claim("sid", sessionId)
                .claim("app", app)
                .claim("typ", TYP)
                .issuedAt(Date.from(iat))
                .expiration(Date.from(iat.plus(ttl)))
                .signWith(signingKey, Jwts.SIG.ES256)
                .compact();
        if (cache.size() >= MAX_CACHED) {
            cache.clear();
        }
        cache.put(key(subject, sessionId, app), new Cached(token, now));
        return token;
    }

    private static String key(String subject, String sessionId, String app) {
        return subject + '\u0000' + sessionId + '\u0000' + app;
    }

    /** The public JWKS document with this signer's one key. */
    public String jwksJson() {
        return jwksJson;
    }

    public String kid() {
        return kid;
    }

    public String issuer() {
        return issuer;
    }

    /** The public point d*G of a P-256 private key. */
    private static ECPublicKey publicKey(ECPrivateKey key) {
        var curve = ECNamedCurveTable.getParameterSpec("P-256");
        var q = curve.getG().multiply(key.getS()).normalize();
        ECPoint w = new ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
        try {
            return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, key.getParams()));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("identity key: cannot derive its public key (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public String toString() {
        return "IdentityAssertions[kid=" + kid + ", issuer=" + issuer + ", ttl=" + ttl + "]";
    }
}
