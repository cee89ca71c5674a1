package dev.portcullis.proxy.auth;

import static dev.portcullis.proxy.auth.TestKeys.CLOCK;
import static dev.portcullis.proxy.auth.TestKeys.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.proxy.auth.AppCookies.CookieClaims;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Base64;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;

class AppCookiesTest {
    private final SecretKey secret = AppCookies.secret(null);
    private final AppCookies cookies = new AppCookies(secret, CLOCK);

    @Test
    void issuedCookieVerifiesToItsClaims() {
        String value = cookies.issue("alice", "s1", "lab", Duration.ofHours(8));
        assertThat(cookies.verify(value)).hasValueSatisfying(c -> {
            assertThat(new CookieClaims(c.subject(), c.sessionId(), c.app(), c.expiresAt()))
                    .isEqualTo(new CookieClaims("alice", "s1", "lab", NOW.plus(Duration.ofHours(8))));
            // What revocations by user or session compare, and revocation by id names.
            assertThat(c.issuedAt()).isEqualTo(NOW);
            assertThat(c.id()).isNotBlank();
        });
    }

    @Test
    void cookieIsValidOnAnotherNodeWithTheSameSecret() {
        String value = cookies.issue("alice", "s1", "lab", Duration.ofHours(1));
        assertThat(new AppCookies(secret, CLOCK).verify(value)).isPresent();
    }

    @Test
    void tamperedCookieIsRefused() {
        String value = cookies.issue("alice", "s1", "lab", Duration.ofHours(1));
        String[] parts = value.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"s1\"", "\"s2\"");
        String forged = parts[0] + "." + TestKeys.b64(payload) + "." + parts[2];
        assertThat(cookies.verify(forged)).isEmpty();
        assertThat(cookies.verify(value.substring(0, value.length() - 2) + "AA")).isEmpty();
    }

    @Test
    void expiredCookieIsRefused() {
        String value = cookies.issue("alice", "s1", "lab", Duration.ofMinutes(10));
        AppCookies later = new AppCookies(secret, Clock.fixed(NOW.plus(Duration.ofMinutes(11)), ZoneOffset.UTC));
        assertThat(later.verify(value)).isEmpty();
    }

    @Test
    void cookieSignedWithAnotherSecretIsRefused() {
        String value = new AppCookies(AppCookies.secret(null), CLOCK).issue("alice", "s1", "lab", Duration.ofHours(1));
        assertThat(cookies.verify(value)).isEmpty();
    }

    @Test
    void userTokenSignedWithTheCookieSecretIsNotACookie() {
        TokenSettings settings = TokenSettings.builder().issuer("x").clock(CLOCK).build();
        String token = new TokenMinter(secret, "k", TokenAlgorithm.HS256, settings)
                .mint(TokenClass.ACCESS, "alice", "s1", "lab", Duration.ofHours(1));
        assertThat(cookies.verify(token)).isEmpty();
    }

    @Test
    void unsignedOverlongAndGarbageCookiesAreRefused() {
        String none = TestKeys.b64("{\"alg\":\"none\"}") + "."
                + TestKeys.b64("{\"sub\":\"a\",\"sid\":\"s1\",\"app\":\"lab\",\"typ\":\"cookie\",\"exp\":9999999999}")
                + ".";
        assertThat(cookies.verify(none)).isEmpty();
        assertThat(cookies.verify("a".repeat(5000))).isEmpty();
        assertThat(cookies.verify("garbage")).isEmpty();
        assertThat(cookies.verify("")).isEmpty();
        assertThat(cookies.verify(null)).isEmpty();
    }

    @Test
    void shortConfiguredSecretIsRefused() {
        assertThatThrownBy(() -> AppCookies.secret(new byte[31])).hasMessageContaining("31 bytes");
        assertThat(AppCookies.secret(new byte[32]).getEncoded()).hasSize(32);
    }

    @Test
    void cookieNamesAreScopedPerModeAndApp() {
        assertThat(AppCookies.cookieName("s1", "lab", false, true)).isEqualTo("portcullis-s1-lab");
        assertThat(AppCookies.cookieName("s1", "lab", true, true)).isEqualTo("__Host-portcullis");
        assertThat(AppCookies.cookieName("s1", "lab", true, false)).isEqualTo("portcullis");
        assertThatThrownBy(() -> AppCookies.cookieName("S;1", "lab", false, true))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void proxyCookiesAreRecognisedWhateverTheirPrefixOrCase() {
        assertThat(AppCookies.isProxyCookie("portcullis-s1-lab")).isTrue();
        assertThat(AppCookies.isProxyCookie("__Host-portcullis")).isTrue();
        assertThat(AppCookies.isProxyCookie("__Secure-portcullis")).isTrue();
        assertThat(AppCookies.isProxyCookie("PortCullis")).isTrue();
        assertThat(AppCookies.isProxyCookie("_xsrf")).isFalse();
        assertThat(AppCookies.isProxyCookie("username-localhost-8888")).isFalse();
    }
}
