package dev.portcullis.proxy.auth;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.portcullis.proxy.auth.KeySet.VerificationKey;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.SecureDigestAlgorithm;
import java.security.Key;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;

/** Keys, a fixed clock and raw token crafting for the auth tests. Keys are generated once per test class. */
final class TestKeys {
    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final String ISSUER = "https://manager.example";
    static final String AUDIENCE = "portcullis";
    static final String AGENT_AUDIENCE = "portcullis-agent";

    final KeyPair ec = Jwts.SIG.ES256.keyPair().build();
    final KeyPair rsa = Jwts.SIG.RS256.keyPair().build();
    final KeyPair ed = Jwts.SIG.EdDSA.keyPair().build();
    final KeyPair otherEc = Jwts.SIG.ES256.keyPair().build();

    KeySet keySet() {
        return KeySet.of(
                VerificationKey.of("ec-1", ec.getPublic()),
                VerificationKey.of("rsa-1", rsa.getPublic()),
                VerificationKey.of("ed-1", ed.getPublic()));
    }

    TokenSettings.Builder settings() {
        return TokenSettings.builder()
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .agentAudience(AGENT_AUDIENCE)
                .keySet(keySet())
                .clock(CLOCK);
    }

    TokenMinter ecMinter() {
        return new TokenMinter(ec.getPrivate(), "ec-1", TokenAlgorithm.ES256, settings().build());
    }

    /** Standard valid claims of an access token for session s1, app lab, as JSON. */
    static String accessClaims() {
        return claims(Map.of());
    }

    /** The standard access claims with {@code overrides} (raw JSON values; a null value drops the claim). */
    static String claims(Map<String, String> overrides) {
        java.util.LinkedHashMap<String, String> c = new java.util.LinkedHashMap<>();
        c.put("iss", q(ISSUER));
        c.put("aud", q(AUDIENCE));
        c.put("sub", q("alice"));
        c.put("sid", q("s1"));
        c.put("app", q("lab"));
        c.put("typ", q("access"));
        c.put("jti", q("j-1"));
        c.put("iat", Long.toString(NOW.getEpochSecond()));
        c.put("exp", Long.toString(NOW.getEpochSecond() + 300));
        c.putAll(overrides);
        StringBuilder b = new StringBuilder("{");
        c.forEach((k, v) -> {
            if (v != null) {
                b.append(b.length() > 1 ? "," : "").append(q(k)).append(':').append(v);
            }
        });
        return b.append('}').toString();
    }

    static String q(String s) {
        return '"' + s + '"';
    }

    static String b64(String json) {
        return b64(json.getBytes(UTF_8));
    }

    static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A JWS over exactly {@code payloadJson}, signed by jjwt with {@code key}; header alg and kid as given. */
    @SuppressWarnings("unchecked")
    static String signed(String kid, Key key, SecureDigestAlgorithm<?, ?> alg, String payloadJson) {
        return Jwts.builder()
                .header().keyId(kid).and()
                .content(payloadJson.getBytes(UTF_8))
                .signWith(key, (SecureDigestAlgorithm<Key, ?>) alg)
                .compact();
    }

    String es256(String payloadJson) {
        return signed("ec-1", ec.getPrivate(), Jwts.SIG.ES256, payloadJson);
    }
}
