package dev.portcullis.tunnel.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HandshakeLinesTest {

    @Test
    void helloRoundTrips() {
        String line = new String(HandshakeLines.hello("eyJ.abc.def"), StandardCharsets.US_ASCII);
        assertThat(line).isEqualTo("PORTCULLIS/1 eyJ.abc.def\n");
        assertThat(HandshakeLines.parseHello(line.substring(0, line.length() - 1))).contains("eyJ.abc.def");
    }

    @Test
    void malformedHellosAreRejected() {
        assertThat(HandshakeLines.parseHello("PORTCULLIS/2 x")).isEmpty();
        assertThat(HandshakeLines.parseHello("PORTCULLIS/1 ")).isEmpty();
        assertThat(HandshakeLines.parseHello("PORTCULLIS/1 a b")).isEmpty();
        assertThat(HandshakeLines.parseHello("GET / HTTP/1.1")).isEmpty();
        assertThatThrownBy(() -> HandshakeLines.hello("a\nb")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void errLineCarriesRetryAfterAndAFlattenedReason() {
        String line = new String(HandshakeLines.err("bad\r\ntoken", Duration.ofSeconds(30)), StandardCharsets.US_ASCII);
        assertThat(line).isEqualTo("ERR 30 bad  token\n");
        HandshakeLines.Reply reply = HandshakeLines.Reply.parse(line.trim());
        assertThat(reply.ok()).isFalse();
        assertThat(reply.retryAfter()).isEqualTo(Duration.ofSeconds(30));
        assertThat(reply.tunnelIdOrReason()).isEqualTo("bad  token");
    }

    @Test
    void okLineCarriesTheTunnelId() {
        HandshakeLines.Reply reply = HandshakeLines.Reply.parse("OK t-1-ab");
        assertThat(reply.ok()).isTrue();
        assertThat(reply.tunnelIdOrReason()).isEqualTo("t-1-ab");
        assertThat(HandshakeLines.Reply.parse("HTTP/1.1 200 OK").ok()).isFalse();
    }
}
