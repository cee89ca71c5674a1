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
    void jsonBodyHasTheStableCode() {
        assertThat(ErrorPages.json(ProxyError.UNAUTHORIZED)).startsWith("{\"error\":\"unauthorized\",\"message\":\"");
        assertThat(ErrorPages.escapeJson("a\"b\\c\n")).isEqualTo("a\\\"b\\\\c\\u000a");
    }
}
