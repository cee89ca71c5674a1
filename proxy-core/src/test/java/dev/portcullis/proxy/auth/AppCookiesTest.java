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
        AppCookies.Issued issued = cookies.issue("alice", "s1", "lab");
        assertThat(issued.maxAge()).isEqualTo(Duration.ofHours(1));
        CookieClaims claims = cookies.verify(issued.value()).orElseThrow();
        assertThat(claims).isEqualTo(new CookieClaims("alice", "s1", "lab", NOW.plus(Duration.ofHours(1)), NOW, claims.id(), NOW));
        assertThat(claims.id()).isNotBlank();
    }

    @Test
    void everyLoginGetsANewIdSoAPlantedCookieIsNeverAdopted() {
        String first = cookies.issue("alice", "s1", "lab").value();
        String second = cookies.issue("alice", "s1", "lab").value();
        assertThat(second).isNotEqualTo(first);
        assertThat(cookies.verify(second).orElseThrow().id()).isNotEqualTo(cookies.verify(first).orElseThrow().id());
    }

    @Test
    void cookieSlidesPastHalfItsIdleTimeoutKeepingItsIdAndLoginTime() {
        CookieClaims login = cookies.verify(cookies.issue("alice", "s1", "lab").value()).orElseThrow();
        assertThat(at(Duration.ofMinutes(29)).refresh(login)).isEmpty();
        AppCookies later = at(Duration.ofMinutes(31));
        AppCookies.Issued slid = later.refresh(login).orElseThrow();
        CookieClaims next = later.verify(slid.value()).orElseThrow();
        assertThat(next.id()).isEqualTo(login.id());
        assertThat(next.loginAt()).isEqualTo(NOW);
        assertThat(next.issuedAt()).isEqualTo(NOW.plus(Duration.ofMinutes(31)));
        assertThat(next.expiresAt()).isEqualTo(NOW.plus(Duration.ofMinutes(91)));
        // The old value stays valid until its own expiry; unused for 61 minutes it is dead.
        assertThat(at(Duration.ofMinutes(61)).verify(cookies.issue("alice", "s1", "lab").value())).isEmpty();
    }

    @Test
    void slidingStopsAtTheAbsoluteCapFromLogin() {
        CookieClaims claims = cookies.verify(cookies.issue("alice", "s1", "lab").value()).orElseThrow();
        for (int minutes = 40; minutes <= 12 * 60 + 40; minutes += 40) {
            AppCookies now = at(Duration.ofMinutes(minutes));
            var next = now.refresh(claims);
            if (next.isEmpty()) {
                break;
            }
            claims = now.verify(next.get().value()).orElseThrow();
        }
        assertThat(claims.expiresAt()).isEqualTo(NOW.plus(Duration.ofHours(12)));
        assertThat(at(Duration.ofHours(11).plusMinutes(59)).refresh(claims)).isEmpty();
    }

    @Test
    void cookieClaimingToOutliveItsLoginIsRefused() {
        AppCookies generous = new AppCookies(secret, CLOCK, Duration.ofHours(20), Duration.ofHours(20));
        String value = generous.issue("alice", "s1", "lab").value();
        assertThat(generous.verify(value)).isPresent();
        assertThat(cookies.verify(value)).isEmpty();
    }

    private AppCookies at(Duration later) {
        return new AppCookies(secret, Clock.fixed(NOW.plus(later), ZoneOffset.UTC));
    }

    @Test
    void cookieIsValidOnAnotherNodeWithTheSameSecret() {
        String value = cookies.issue("alice", "s1", "lab").value();
        assertThat(new AppCookies(secret, CLOCK).verify(value)).isPresent();
    }

    @Test
    void tamperedCookieIsRefused() {
        String value = cookies.issue("alice", "s1", "lab").value();
        String[] parts = value.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"s1\"", "\"s2\"");
        String forged = parts[0] + "." + TestKeys.b64(payload) + "." + parts[2];
        assertThat(cookies.verify(forged)).isEmpty();
        assertThat(cookies.verify(value.substring(0, value.length() - 2) + "AA")).isEmpty();
    }

    @Test
    void expiredCookieIsRefused() {
        String value = cookies.issue("alice", "s1", "lab").value();
        assertThat(at(Duration.ofMinutes(60)).verify(value)).isPresent();
        assertThat(at(Duration.ofMinutes(61)).verify(value)).isEmpty();
    }

    @Test
    void cookieSignedWithAnotherSecretIsRefused() {
        String value = new AppCookies(AppCookies.secret(null), CLOCK).issue("alice", "s1", "lab").value();
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
