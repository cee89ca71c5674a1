package dev.portcullis.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class OriginsTest {

    @Test
    void originsAreComparedInNormalFormWithDefaultPortsDropped() {
        assertThat(Origins.normalize("HTTPS://Hub.Example.com:443")).isEqualTo("https://hub.example.com");
        assertThat(Origins.normalize("http://h:80")).isEqualTo("http://h");
        assertThat(Origins.normalize("http://h:8080")).isEqualTo("http://h:8080");
        assertThat(Origins.own("http", "127.0.0.1:8080")).isEqualTo("http://127.0.0.1:8080");
        assertThat(Origins.of(List.of("https://hub.example.com")).contains("https://HUB.example.com:443")).isTrue();
    }

    @Test
    void opaqueOrMalformedOriginsMatchNothing() {
        Origins any = Origins.of(List.of("https://hub.example.com"));
        for (String bad : new String[] {"null", "https://hub.example.com/", "https://hub.example.com.evil.example",
                "https://user@hub.example.com", "https://hub.example.com:99999", "file://x", ""}) {
            assertThat(any.contains(bad)).as(bad).isFalse();
        }
    }

    @Test
    void aConfiguredOriginWithAPathIsRefusedNamingIt() {
        assertThatThrownBy(() -> Origins.of(List.of("https://a.example/app")))
                .hasMessage("allowedOrigins: \"https://a.example/app\" (expected: scheme://host[:port], e.g. https://hub.example.com)");
    }

    @Test
    void logValuesArePrintableAndShort() {
        assertThat(Origins.forLog("a\r\nb" + "x".repeat(200))).startsWith("'a??b").endsWith("...'").hasSizeLessThan(110);
    }
}
