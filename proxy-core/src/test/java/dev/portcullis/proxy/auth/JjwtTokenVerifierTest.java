package dev.portcullis.proxy.auth;

import static dev.portcullis.proxy.auth.TestKeys.NOW;
import static dev.portcullis.proxy.auth.TestKeys.accessClaims;
import static dev.portcullis.proxy.auth.TestKeys.b64;
import static dev.portcullis.proxy.auth.TestKeys.claims;
import static dev.portcullis.proxy.auth.TestKeys.q;
import static dev.portcullis.proxy.auth.TestKeys.signed;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.portcullis.proxy.auth.TokenRejectedException.Reason;
import io.jsonwebtoken.Jwts;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(10)
class JjwtTokenVerifierTest {
    private static final TestKeys keys = new TestKeys();
    private static final long NOW_S = NOW.getEpochSecond();

    private final JjwtTokenVerifier verifier = new JjwtTokenVerifier(keys.settings().build());

    private static Map<String, String> with(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    /** name, token factory, expected class, reason. */
    static Stream<Arguments> hostileTokens() {
        return Stream.of(
                hostile("expired beyond the 30 s skew", k -> k.es256(claims(with("exp", "" + (NOW_S - 61)))),
                        TokenClass.ACCESS, Reason.EXPIRED),
                hostile("exp absent", k -> k.es256(claims(with("exp", null))), TokenClass.ACCESS, Reason.MISSING_CLAIM),
                hostile("exp a string", k -> k.es256(claims(with("exp", q("foo")))), TokenClass.ACCESS,
                        Reason.BAD_CLAIM_TYPE),
                hostile("exp an ISO date string", k -> k.es256(claims(with("exp", q("2030-01-01T00:00:00Z")))),
                        TokenClass.ACCESS, Reason.BAD_CLAIM_TYPE),
                hostile("nbf in two minutes", k -> k.es256(claims(with("nbf", "" + (NOW_S + 120)))),
                        TokenClass.ACCESS, Reason.NOT_YET_VALID),
                hostile("alg none, empty signature",
                        k -> b64("{\"alg\":\"none\"}") + "." + b64(accessClaims()) + ".",
                        TokenClass.ACCESS, Reason.UNSIGNED),
                hostile("alg NoNe with a kid and junk signature",
                        k -> b64("{\"alg\":\"NoNe\",\"kid\":\"ec-1\"}") + "." + b64(accessClaims()) + ".AAAA",
                        TokenClass.ACCESS, Reason.UNSIGNED),
                hostile("ES256 header without a signature",
                        k -> b64("{\"alg\":\"ES256\",\"kid\":\"ec-1\"}") + "." + b64(accessClaims()) + ".",
                        TokenClass.ACCESS, Reason.UNSIGNED),
                hostile("HS256 keyed with the RSA public key bytes", k -> hs256(
                                "{\"alg\":\"HS256\",\"kid\":\"rsa-1\"}", accessClaims(), k.rsa.getPublic().getEncoded()),
                        TokenClass.ACCESS, Reason.BAD_ALGORITHM),
                hostile("RS256 header on the EC key", k -> signed("ec-1", k.rsa.getPrivate(), Jwts.SIG.RS256,
                        accessClaims()), TokenClass.ACCESS, Reason.BAD_ALGORITHM),
                hostile("HS512 is not an allowed algorithm", k -> hs256(
                                "{\"alg\":\"HS512\",\"kid\":\"ec-1\"}", accessClaims(), new byte[64]),
                        TokenClass.ACCESS, Reason.BAD_ALGORITHM),
                hostile("kid path traversal", k -> signed("../../dev/null", k.ec.getPrivate(), Jwts.SIG.ES256,
                        accessClaims()), TokenClass.ACCESS, Reason.UNKNOWN_KEY),
                hostile("kid SQL injection", k -> signed("x' OR 1=1", k.ec.getPrivate(), Jwts.SIG.ES256,
                        accessClaims()), TokenClass.ACCESS, Reason.UNKNOWN_KEY),
                hostile("unknown kid", k -> signed("ec-2", k.ec.getPrivate(), Jwts.SIG.ES256, accessClaims()),
                        TokenClass.ACCESS, Reason.UNKNOWN_KEY),
                hostile("no kid", k -> Jwts.builder().content(accessClaims().getBytes(UTF_8))
                        .signWith(k.ec.getPrivate(), Jwts.SIG.ES256).compact(), TokenClass.ACCESS, Reason.UNKNOWN_KEY),
                hostile("wrong issuer", k -> k.es256(claims(with("iss", q("https://evil.example")))),
                        TokenClass.ACCESS, Reason.WRONG_ISSUER),
                hostile("iss missing", k -> k.es256(claims(with("iss", null))), TokenClass.ACCESS,
                        Reason.MISSING_CLAIM),
                hostile("wrong audience", k -> k.es256(claims(with("aud", q("proxy-us")))), TokenClass.ACCESS,
                        Reason.WRONG_AUDIENCE),
                hostile("aud array without ours", k -> k.es256(claims(with("aud", "[\"a\",\"b\"]"))),
                        TokenClass.ACCESS, Reason.WRONG_AUDIENCE),
                hostile("aud array with a number", k -> k.es256(claims(with("aud", "[\"portcullis\",5]"))),
                        TokenClass.ACCESS, Reason.BAD_CLAIM_TYPE),
                hostile("agent token where access is expected",
                        k -> k.es256(claims(with("typ", q("agent"), "aud", q(TestKeys.AGENT_AUDIENCE)))),
                        TokenClass.ACCESS, Reason.WRONG_CLASS),
                hostile("access token where agent is expected", k -> k.es256(accessClaims()), TokenClass.AGENT,
                        Reason.WRONG_CLASS),
                hostile("access token where launch is expected", k -> k.es256(accessClaims()), TokenClass.LAUNCH,
                        Reason.WRONG_CLASS),
                hostile("typ missing", k -> k.es256(claims(with("typ", null))), TokenClass.ACCESS,
                        Reason.MISSING_CLAIM),
                hostile("agent typ with the user audience",
                        k -> k.es256(claims(with("typ", q("agent")))), TokenClass.AGENT, Reason.WRONG_AUDIENCE),
                hostile("sub an array", k -> k.es256(claims(with("sub", "[\"a\",\"b\"]"))), TokenClass.ACCESS,
                        Reason.BAD_CLAIM_TYPE),
                hostile("sub empty", k -> k.es256(claims(with("sub", q("")))), TokenClass.ACCESS,
                        Reason.BAD_CLAIM_TYPE),
                hostile("sid missing", k -> k.es256(claims(with("sid", null))), TokenClass.ACCESS,
                        Reason.MISSING_CLAIM),
                hostile("sid a number", k -> k.es256(claims(with("sid", "7"))), TokenClass.ACCESS,
                        Reason.BAD_CLAIM_TYPE),
                hostile("sid a path", k -> k.es256(claims(with("sid", q("s1/../s2")))), TokenClass.ACCESS,
                        Reason.BAD_CLAIM_TYPE),
                hostile("app missing", k -> k.es256(claims(with("app", null))), TokenClass.ACCESS,
                        Reason.MISSING_CLAIM),
                hostile("launch token without jti",
                        k -> k.es256(claims(with("typ", q("launch"), "jti", null))), TokenClass.LAUNCH,
                        Reason.MISSING_CLAIM),
                hostile("16 KiB token", k -> "a".repeat(16 * 1024), TokenClass.ACCESS, Reason.TOO_LARGE),
                hostile("compressed (zip DEF)", k -> Jwts.builder().header().keyId("ec-1").and()
                        .claims().add("sub", "alice").and().compressWith(Jwts.ZIP.DEF)
                        .signWith(k.ec.getPrivate(), Jwts.SIG.ES256).compact(), TokenClass.ACCESS, Reason.MALFORMED),
                hostile("tampered payload", k -> {
                    String[] parts = k.es256(accessClaims()).split("\\.");
                    return parts[0] + "." + b64(claims(with("sid", q("s2")))) + "." + parts[2];
                }, TokenClass.ACCESS, Reason.BAD_SIGNATURE),
                hostile("same kid, another key", k -> signed("ec-1", k.otherEc.getPrivate(), Jwts.SIG.ES256,
                        accessClaims()), TokenClass.ACCESS, Reason.BAD_SIGNATURE),
                hostile("duplicate claim names", k -> k.es256(accessClaims().replace("{", "{\"sid\":\"s2\",")),
                        TokenClass.ACCESS, Reason.MALFORMED),
                hostile("JWE shape", k -> "a.b.c.d.e", TokenClass.ACCESS, Reason.MALFORMED),
                hostile("garbage", k -> "not a token", TokenClass.ACCESS, Reason.MALFORMED),
                hostile("payload not JSON", k -> k.es256("hello"), TokenClass.ACCESS, Reason.MALFORMED),
                hostile("empty", k -> "", TokenClass.ACCESS, Reason.MALFORMED));
    }

    private static Arguments hostile(String name, Function<TestKeys, String> token, TokenClass cls, Reason reason) {
        return Arguments.of(name, token, cls, reason);
    }

    @ParameterizedTest(name = "{0} -> {3}")
    @MethodSource("hostileTokens")
    void hostileTokenIsRejectedWithItsReason(
            String name, Function<TestKeys, String> factory, TokenClass expected, Reason reason) {
        String token = factory.apply(keys);
        TokenRejectedException e = catchThrowableOfType(TokenRejectedException.class,
                () -> verifier.verify(token, expected));
        assertThat(e).as(name).isNotNull();
        assertThat(e.reason()).as(name + ": " + e.getMessage()).isEqualTo(reason);
        if (token.length() > 20) {
            assertThat(e.getMessage()).as("message leaks no token parts").doesNotContain(token.split("\\.")[0]);
        }
    }

    @Test
    void validEs256AccessTokenIsAccepted() throws Exception {
        VerifiedToken t = verifier.verify(keys.ecMinter().mint(TokenClass.ACCESS, "alice", "s1", "lab",
                Duration.ofMinutes(5)), TokenClass.ACCESS);
        assertThat(t.tokenClass()).isEqualTo(TokenClass.ACCESS);
        assertThat(t.subject()).isEqualTo("alice");
        assertThat(t.sessionId()).isEqualTo("s1");
        assertThat(t.app()).isEqualTo("lab");
        assertThat(t.expiresAt()).isEqualTo(NOW.plus(Duration.ofMinutes(5)));
    }

    @Test
    void validRs256AndEdDsaTokensAreAccepted() throws Exception {
        TokenSettings settings = keys.settings().build();
        String rs = new TokenMinter(keys.rsa.getPrivate(), "rsa-1", TokenAlgorithm.RS256, settings)
                .mint(TokenClass.ACCESS, "bob", "s2", "term", Duration.ofMinutes(1));
        String ed = new TokenMinter(keys.ed.getPrivate(), "ed-1", TokenAlgorithm.EdDSA, settings)
                .mint(TokenClass.ACCESS, "carol", "s3", "lab", Duration.ofMinutes(1));
        assertThat(verifier.verify(rs, TokenClass.ACCESS).subject()).isEqualTo("bob");
        assertThat(verifier.verify(ed, TokenClass.ACCESS).subject()).isEqualTo("carol");
    }

    @Test
    void launchTokenCarriesItsJti() throws Exception {
        VerifiedToken t = verifier.verify(keys.ecMinter().mint(TokenClass.LAUNCH, "alice", "s1", "lab",
                Duration.ofMinutes(2)), TokenClass.LAUNCH);
        assertThat(t.tokenId()).isNotBlank();
    }

    @Test
    void agentTokenHasNoSessionAndUsesTheAgentAudience() throws Exception {
        String token = keys.ecMinter().mint(TokenClass.AGENT, "node-7", null, null, Duration.ofMinutes(10));
        VerifiedToken t = verifier.verify(token, TokenClass.AGENT);
        assertThat(t.subject()).isEqualTo("node-7");
        assertThat(t.sessionId()).isNull();
        assertThat(t.app()).isNull();
        assertThat(catchThrowableOfType(TokenRejectedException.class,
                () -> verifier.verify(token, TokenClass.ACCESS)).reason()).isEqualTo(Reason.WRONG_CLASS);
    }

    @Test
    void audienceArrayContainingOursIsAccepted() throws Exception {
        String token = keys.es256(claims(with("aud", "[\"other\",\"portcullis\"]")));
        assertThat(verifier.verify(token, TokenClass.ACCESS).subject()).isEqualTo("alice");
    }

    @Test
    void expiryWithinTheClockSkewIsAccepted() throws Exception {
        String token = keys.es256(claims(with("exp", "" + (NOW_S - 29))));
        assertThat(verifier.verify(token, TokenClass.ACCESS).expiresAt()).isEqualTo(NOW.minusSeconds(29));
    }

    @Test
    void hs256WithTheRsaKeyBytesIsRejectedEvenWhenHs256IsAllowed() {
        byte[] secret = new byte[32];
        JjwtTokenVerifier lenient = new JjwtTokenVerifier(keys.settings()
                .keySet(KeySet.of(KeySet.VerificationKey.of("rsa-1", keys.rsa.getPublic()),
                        new KeySet.VerificationKey("hmac-1", AppCookies.secret(secret), TokenAlgorithm.HS256)))
                .allowedAlgorithms(List.of(TokenAlgorithm.RS256, TokenAlgorithm.HS256))
                .build());
        String forged = hs256("{\"alg\":\"HS256\",\"kid\":\"rsa-1\"}", accessClaims(),
                keys.rsa.getPublic().getEncoded());
        assertThat(catchThrowableOfType(TokenRejectedException.class,
                () -> lenient.verify(forged, TokenClass.ACCESS)).reason()).isEqualTo(Reason.BAD_ALGORITHM);
        String honest = hs256("{\"alg\":\"HS256\",\"kid\":\"hmac-1\"}", accessClaims(), secret);
        assertThat(catchThrowableOfType(TokenRejectedException.class,
                () -> lenient.verify(honest, TokenClass.ACCESS))).isNull();
    }

    @Test
    void keySetSwappedByTheSupplierTakesEffectOnTheNextToken() throws Exception {
        java.util.concurrent.atomic.AtomicReference<KeySet> holder = new java.util.concurrent.atomic.AtomicReference<>(
                KeySet.empty());
        JjwtTokenVerifier rotating = new JjwtTokenVerifier(keys.settings().keys(holder::get).build());
        String token = keys.es256(accessClaims());
        assertThat(catchThrowableOfType(TokenRejectedException.class,
                () -> rotating.verify(token, TokenClass.ACCESS)).reason()).isEqualTo(Reason.UNKNOWN_KEY);
        holder.set(keys.keySet());
        assertThat(rotating.verify(token, TokenClass.ACCESS).subject()).isEqualTo("alice");
    }

    @Test
    void clockSkewAboveSixtySecondsIsRefused() {
        assertThat(catchThrowableOfType(IllegalArgumentException.class,
                () -> TokenSettings.builder().clockSkew(Duration.ofSeconds(61))).getMessage())
                .contains("PT1M1S");
    }

    @Test
    void hs256WithoutAnHmacSecretIsRefusedAtStartup() {
        assertThat(catchThrowableOfType(IllegalStateException.class, () -> keys.settings()
                .allowedAlgorithms(List.of(TokenAlgorithm.RS256, TokenAlgorithm.HS256)).build()).getMessage())
                .contains("HS256");
    }

    @Test
    void tokenOfExactlyTheMaximumLengthIsParsedAndOneMoreCharIsTooLarge() {
        TokenSettings settings = keys.settings().maxTokenLength(256).build();
        JjwtTokenVerifier small = new JjwtTokenVerifier(settings);
        assertThat(catchThrowableOfType(TokenRejectedException.class,
                () -> small.verify("x".repeat(256), TokenClass.ACCESS)).reason()).isEqualTo(Reason.MALFORMED);
        assertThat(catchThrowableOfType(TokenRejectedException.class,
                () -> small.verify("x".repeat(257), TokenClass.ACCESS)).reason()).isEqualTo(Reason.TOO_LARGE);
    }

    /** Signs by hand with HMAC-SHA of the given algorithm header, whatever the key bytes are. */
    private static String hs256(String headerJson, String payloadJson, byte[] keyBytes) {
        try {
            String input = b64(headerJson) + "." + b64(payloadJson);
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(keyBytes, "HmacSHA256"));
            return input + "." + b64(mac.doFinal(input.getBytes(UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }
}
