package dev.portcullis.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.proxy.auth.TokenClass;
import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.FormBody;
import okhttp3.Request;
import okhttp3.Response;

/**
 * What a browser does on the dashboard, over a {@link ProxyTestKit}'s OkHttp client (no cookie jar: cookies are passed
 * by hand, so each test says exactly which ones it sends). {@code host} is the Host header (null: the default).
 */
final class DashboardClient {
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    private final ProxyTestKit kit;
    private final String host;

    DashboardClient(ProxyTestKit kit, String host) {
        this.kit = kit;
        this.host = host;
    }

    String loginToken(String user) {
        return kit.minter.mint(TokenClass.LOGIN, user, null, null, Duration.ofMinutes(2));
    }

    Request.Builder get(String path) {
        Request.Builder b = kit.get(path);
        return host == null ? b : b.header("Host", host);
    }

    /** Signs {@code user} in and returns the {@code name=value} of the dashboard cookie. */
    String signIn(String user) throws Exception {
        try (Response r = kit.http.newCall(get("/.portcullis/login?token=" + loginToken(user)).build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
            return r.header("Set-Cookie").split(";")[0];
        }
    }

    /** The dashboard's HTML for {@code cookie}, asserting the page's headers. */
    String dashboard(String cookie) throws Exception {
        try (Response r = kit.http.newCall(get("/.portcullis/").header("Cookie", cookie).header("Accept", "text/html").build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("Content-Type")).startsWith("text/html");
            assertThat(r.header("Cache-Control")).isEqualTo("no-store");
            assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
            return r.body().string();
        }
    }

    /** The CSRF token the dashboard renders into its forms for {@code cookie}. */
    String csrf(String cookie) throws Exception {
        Matcher m = CSRF.matcher(dashboard(cookie));
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    /** Headers a browser sends on a form POST from the dashboard itself. */
    UnaryOperator<Request.Builder> sameOrigin() {
        String origin = host == null ? kit.url("") : "http://" + host;
        return b -> b.header("Sec-Fetch-Site", "same-origin").header("Origin", origin);
    }

    /** Posts a form to {@code path} (the fields, then {@code headers} applied); {@code cookie} null sends none. */
    Response post(String path, String cookie, UnaryOperator<Request.Builder> headers, String... fields) throws Exception {
        FormBody.Builder form = new FormBody.Builder();
        for (int i = 0; i < fields.length; i += 2) {
            form.add(fields[i], fields[i + 1]);
        }
        Request.Builder b = get(path).post(form.build());
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return kit.http.newCall(headers.apply(b).build()).execute();
    }

    /** The dashboard's Open button for {@code session}/{@code app}, as a same-origin POST with the right CSRF token. */
    Response open(String cookie, String session, String app) throws Exception {
        return post("/.portcullis/open", cookie, sameOrigin(), "csrf", csrf(cookie), "session", session, "app", app);
    }
}
