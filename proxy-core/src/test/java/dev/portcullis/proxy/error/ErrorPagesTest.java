package dev.portcullis.proxy.error;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ErrorPagesTest {

    @Test
    void htmlPageIsSelfContainedAndEscaped() {
        String html = ErrorPages.load().html(ProxyError.AGENT_OFFLINE, "r-<x>");
        assertThat(html).contains("502").contains("Session offline").contains("r-&lt;x&gt;")
                .doesNotContain("{{").doesNotContain("http://").doesNotContain("https://").doesNotContain("<script");
    }

    @Test
    void everyErrorPageSaysWhatHappenedAndOffersTheNextStep() {
        ErrorPages pages = ErrorPages.load();
        for (ProxyError error : ProxyError.values()) {
            String html = pages.html(error, "r-1");
            assertThat(html).as(error.name()).contains("Error " + error.status(), error.title(), "/.portcullis/ui/style.css")
                    .doesNotContain("{{");
            if (error.status() >= 500) {
                assertThat(html).as(error.name()).contains("id=\"error-retry\"");
            }
            assertThat(html).as(error.name()).contains(error == ProxyError.SIGN_IN_REQUIRED ? "" : "id=\"error-dashboard\"");
            assertThat(pages.html(error, "r-1", false)).as(error.name()).doesNotContain("error-dashboard");
        }
        assertThat(pages.html(ProxyError.SIGN_IN_REQUIRED, "r-1")).doesNotContain("error-dashboard");
        assertThat(ProxyError.UNAUTHORIZED.userMessage()).contains("dashboard", "new launch link");
        assertThat(ProxyError.AGENT_OFFLINE.userMessage()).contains("not connected");
        assertThat(ProxyError.APP_TIMEOUT.status()).isEqualTo(504);
        assertThat(ProxyError.FORBIDDEN.status()).isEqualTo(403);
        assertThat(ProxyError.REGISTRY_UNAVAILABLE.status()).isEqualTo(503);
    }

    @Test
    void jsonBodyHasTheStableCode() {
        assertThat(ErrorPages.json(ProxyError.UNAUTHORIZED)).startsWith("{\"error\":\"unauthorized\",\"message\":\"");
        assertThat(ErrorPages.escapeJson("a\"b\\c\n")).isEqualTo("a\\\"b\\\\c\\u000a");
    }
}
