package dev.portcullis.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.tunnel.TunnelSettings;
import dev.portcullis.tunnel.tls.SelfSignedCertificate;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app cookie's attributes with the public listener on TLS: {@code __Host-} (host-only, Path=/, Secure) in
 * subdomain mode, path-scoped and Secure in path mode; both HttpOnly and SameSite=Lax.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProxyTlsCookieTest {
    @StartStop
    final MockWebServer app = new MockWebServer();

    @TempDir
    Path dir;

    ProxyTestKit kit;
    OkHttpClient https;

    @AfterEach
    void stop() {
        if (https != null) {
            https.dispatcher().executorService().shutdown();
            https.connectionPool().evictAll();
        }
        if (kit != null) {
            kit.close();
        }
    }

    @Test
    void subdomainModeUnderTlsSetsAHostPrefixedSecureCookieThatOpensTheApp() throws Exception {
        start(true);
        String host = "sess-a-app.apps.test:" + kit.proxy.publicAddress().getPort();
        String setCookie;
        try (Response r = https.newCall(request("/.portcullis/launch?token=" + kit.launchToken()).header("Host", host).build())
                .execute()) {
            assertThat(r.code()).isEqualTo(303);
            assertThat(r.header("Location")).isEqualTo("/");
            setCookie = r.header("Set-Cookie");
        }
        assertThat(setCookie).startsWith("__Host-portcullis=").contains("; Path=/;").contains("; Secure")
                .contains("HttpOnly").contains("SameSite=Lax").doesNotContainIgnoringCase("domain=");
        app.enqueue(new MockResponse.Builder().body("in").build());
        try (Response r = https.newCall(request("/").header("Host", host)
                .header("Cookie", setCookie.substring(0, setCookie.indexOf(';'))).build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.body().string()).isEqualTo("in");
        }
        assertThat(app.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Cookie")).isNull();
    }

    @Test
    void pathModeUnderTlsScopesTheSecureCookieToTheAppsPath() throws Exception {
        start(false);
        try (Response r = https.newCall(request("/.portcullis/launch?token=" + kit.launchToken()).build()).execute()) {
            assertThat(r.code()).isEqualTo(303);
            assertThat(r.header("Set-Cookie")).startsWith("portcullis-sess-a-app=").contains("; Path=/s/sess-a/app/;")
                    .contains("; Secure").contains("HttpOnly").contains("SameSite=Lax");
        }
    }

    private void start(boolean subdomains) throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.forLocalhost(dir);
        Path key = ProxyTestKit.pkcs8Key(cert, dir.resolve("public-key.pem"));
        kit = ProxyTestKit.start(app.getPort(), TunnelSettings.defaults(), 1, b -> {
            b.publicTls(cert.certificatePath(), key);
            return subdomains ? b.appsDomain("apps.test") : b;
        });
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("proxy", cert.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        https = new OkHttpClient.Builder()
                .sslSocketFactory(ssl.getSocketFactory(), (X509TrustManager) tmf.getTrustManagers()[0])
                .followRedirects(false)
                .build();
    }

    private Request.Builder request(String path) {
        return new Request.Builder().url("https://localhost:" + kit.proxy.publicAddress().getPort() + path);
    }
}
