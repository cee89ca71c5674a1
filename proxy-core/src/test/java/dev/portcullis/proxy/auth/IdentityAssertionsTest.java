package dev.portcullis.proxy.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.registry.FakeClock;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.Jws;
import io.jsonwebtoken.Jwts;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class IdentityAssertionsTest {
    private final FakeClock clock = new FakeClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final IdentityAssertions identity = IdentityAssertions.generated("proxy.test", Duration.ofSeconds(60), clock);

    @Test
    void assertionVerifiesWithThePublishedJwksAndNamesUserSessionAndApp() {
        Jws<Claims> jws = parse(identity.assertion("alice", "s1", "lab"), "s1/lab");
        assertThat(jws.getHeader().getKeyId()).isEqualTo(identity.kid());
        assertThat(jws.getHeader().getAlgorithm()).isEqualTo("ES256");
        Claims c = jws.getPayload();
        assertThat(c.getSubject()).isEqualTo("alice");
        assertThat(c.get("sid")).isEqualTo("s1");
        assertThat(c.get("app")).isEqualTo("lab");
        assertThat(c.get("typ")).isEqualTo("identity");
        assertThat(c.getIssuer()).isEqualTo("proxy.test");
        assertThat(Duration.between(c.getIssuedAt().toInstant(), c.getExpiration().toInstant())).isEqualTo(Duration.ofSeconds(60));
        assertThat(identity.jwksJson()).doesNotContain("\"d\"");
    }

    @Test
    void assertionIsReusedForFiveSecondsPerIdentityThenSignedAnew() {
        String first = identity.assertion("alice", "s1", "lab");
        clock.advance(Duration.ofMillis(4999));
        assertThat(identity.cachedAssertion("alice", "s1", "lab")).isEqualTo(first);
        assertThat(identity.assertion("alice", "s1", "lab")).isEqualTo(first);
        assertThat(identity.assertion("alice", "s1", "term")).isNotEqualTo(first);
        assertThat(identity.cachedAssertion("bob", "s1", "lab")).isNull();
        clock.advance(Duration.ofMillis(1));
        assertThat(identity.cachedAssertion("alice", "s1", "lab")).isNull();
        String second = identity.assertion("alice", "s1", "lab");
        assertThat(second).isNotEqualTo(first);
        assertThat(parse(second, "s1/lab").getPayload().getIssuedAt().toInstant()).isEqualTo(clock.instant());
    }

    @Test
    void anAssertionForOneAppDoesNotVerifyForAnother() {
        String token = identity.assertion("alice", "s1", "lab");
        assertThatThrownBy(() -> parse(token, "s2/lab")).hasMessageContaining("aud");
    }

    @Test
    void sameKeyGivesTheSameKidOnEveryNode() {
        ECPrivateKey key = (ECPrivateKey) Jwts.SIG.ES256.keyPair().build().getPrivate();
        IdentityAssertions a = new IdentityAssertions(key, "p", Duration.ofSeconds(60), clock);
        IdentityAssertions b = new IdentityAssertions(key, "p", Duration.ofSeconds(60), clock);
        assertThat(a.kid()).isEqualTo(b.kid());
        assertThat(a.kid()).isNotEqualTo(identity.kid());
        assertThat(parse(b, a.assertion("alice", "s1", "lab"), "s1/lab").getPayload().getSubject()).isEqualTo("alice");
    }

    @Test
    void rsaKeysAndSillyLifetimesAreRefused() {
        var rsa = Jwts.SIG.RS256.keyPair().build().getPrivate();
        assertThat(TokenAlgorithm.ES256.fitsKey(rsa)).isFalse();
        ECPrivateKey key = (ECPrivateKey) Jwts.SIG.ES256.keyPair().build().getPrivate();
        assertThatThrownBy(() -> new IdentityAssertions(key, "p", Duration.ofHours(1), clock)).hasMessageContaining("PT1H");
    }

    private Jws<Claims> parse(String token, String audience) {
        return parse(identity, token, audience);
    }

    private Jws<Claims> parse(IdentityAssertions publisher, String token, String audience) {
        KeySet keys = KeySet.fromJwksJson(publisher.jwksJson());
        return Jwts.parser()
                .keyLocator(h -> keys.find(((io.jsonwebtoken.ProtectedHeader) h).getKeyId()).key())
                .requireAudience(audience)
                .clock(() -> java.util.Date.from(clock.instant()))
                .build()
                .parseSignedClaims(token);
    }
}
