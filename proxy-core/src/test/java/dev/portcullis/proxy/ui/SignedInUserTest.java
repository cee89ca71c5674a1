package dev.portcullis.proxy.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.proxy.auth.AppCookies;
import dev.portcullis.proxy.auth.OpenTickets;
import dev.portcullis.proxy.auth.UserCookies;
import dev.portcullis.registry.SessionId;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SignedInUserTest {

    @Test
    void underTlsTheCookieIsSecurePrefixedAndSecure() {
        assertThat(SignedInUser.setCookie(true, "v", 60))
                .isEqualTo("__Secure-portcullis-user=v; Path=/.portcullis/; Max-Age=60; HttpOnly; SameSite=Strict; Secure");
        assertThat(SignedInUser.setCookie(false, "v", 60))
                .isEqualTo("portcullis-user=v; Path=/.portcullis/; Max-Age=60; HttpOnly; SameSite=Strict");
        // Both names are proxy cookies: the front strips them from every forwarded request.
        assertThat(AppCookies.isProxyCookie(UserCookies.cookieName(true))).isTrue();
        assertThat(AppCookies.isProxyCookie(UserCookies.cookieName(false))).isTrue();
    }

    @Test
    void aUserCookieIsNeverAnAppCookieNorATicketAndViceVersa() {
        var secret = AppCookies.secret(null);
        UserCookies users = new UserCookies(secret, Clock.systemUTC());
        AppCookies apps = new AppCookies(secret, Clock.systemUTC());
        OpenTickets tickets = new OpenTickets(secret, Clock.systemUTC());
        String user = users.issue("alice", Duration.ofMinutes(5));
        String app = apps.issue("alice", "sess-a", "app", Duration.ofMinutes(5));
        String ticket = tickets.issue("alice", new SessionId("sess-a"), "app");
        assertThat(users.verify(user)).hasValueSatisfying(c -> assertThat(c.subject()).isEqualTo("alice"));
        assertThat(apps.verify(user)).isEmpty();
        assertThat(tickets.verify(user)).isEmpty();
        assertThat(users.verify(app)).isEmpty();
        assertThat(users.verify(ticket)).isEmpty();
        assertThat(apps.verify(ticket)).isEmpty();
        // Another node's secret (or a forger's) signs nothing we accept.
        assertThat(new UserCookies(AppCookies.secret(null), Clock.systemUTC()).verify(user)).isEmpty();
        // Every sign-in gets its own id, hence its own CSRF token.
        String again = users.issue("alice", Duration.ofMinutes(5));
        var first = users.verify(user).orElseThrow();
        var second = users.verify(again).orElseThrow();
        assertThat(second.id()).isNotEqualTo(first.id());
        assertThat(users.csrfToken(second)).isNotEqualTo(users.csrfToken(first));
        assertThat(users.isCsrfToken(first, users.csrfToken(first))).isTrue();
        assertThat(users.isCsrfToken(first, users.csrfToken(second))).isFalse();
        assertThat(users.isCsrfToken(first, null)).isFalse();
    }
}
