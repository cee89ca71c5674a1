package dev.portcullis.proxy;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProxyConfigTest {

    @Test
    void invalidValuesAreRejectedWithTheValueAndTheExpectation() {
        assertThatThrownBy(() -> ProxyConfig.builder().publicBind("0.0.0.0", -1))
                .hasMessage("publicPort: -1 (expected: 0-65535)");
        assertThatThrownBy(() -> ProxyConfig.builder().lease(Duration.ofSeconds(10), Duration.ofSeconds(10)))
                .hasMessage("heartbeat: PT10S (expected: < leaseTtl PT10S)");
        assertThatThrownBy(() -> ProxyConfig.builder().cookieSecret(new byte[8]))
                .hasMessage("cookieSecret: 8 bytes (expected: >= 32)");
        assertThatThrownBy(() -> ProxyConfig.builder().appsDomain("Bad_Domain"))
                .hasMessageStartingWith("appsDomain: \"Bad_Domain\"");
        assertThatThrownBy(() -> ProxyConfig.builder().build()).hasMessageStartingWith("tunnelTls: not set");
        assertThatThrownBy(() -> PublicLimits.builder().maxConnectionsPerIp(0).build())
                .hasMessage("maxConnectionsPerIp: 0 (expected: >= 1)");
        assertThatThrownBy(() -> PublicLimits.builder().requestParseTimeout(Duration.ZERO).build())
                .hasMessageStartingWith("requestParseTimeout: PT0S (expected: > 0");
        assertThatThrownBy(() -> PublicLimits.builder().maxHeaderSize(100).build())
                .hasMessage("maxHeaderSize: 100 (expected: 1024..1048576)");
    }
}
