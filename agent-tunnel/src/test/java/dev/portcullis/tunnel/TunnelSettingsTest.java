package dev.portcullis.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.tunnel.tls.SelfSignedCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TunnelSettingsTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        TunnelSettings s = TunnelSettings.defaults();
        assertThat(s.maxConcurrentStreams()).isEqualTo(8192);
        assertThat(s.initialStreamWindow()).isEqualTo(1 << 20);
        assertThat(s.connectionWindow()).isEqualTo(16 << 20);
        assertThat(s.maxHeaderListSize()).isEqualTo(32 << 10);
        assertThat(s.pingInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.pingTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(s.toBuilder().build()).isEqualTo(s);
    }

    @Test
    void invalidValuesAreRejectedWithTheValueAndTheExpectation() {
        assertThatThrownBy(() -> TunnelSettings.builder().maxFrameSize(1000).build())
                .hasMessage("maxFrameSize: 1000 (expected: 16384..16777215)");
        assertThatThrownBy(() -> TunnelSettings.builder().pingTimeout(Duration.ofSeconds(-1)).build())
                .hasMessage("pingTimeout: PT-1S (expected: > 0)");
        assertThatThrownBy(() -> TunnelSettings.builder().streamWriteWaterMarks(10, 5).build())
                .hasMessageContaining("streamWriteHighWaterMark: 5");
    }

    @Test
    void appTableAllowsOnlyExactEntries() {
        AppTable t = new AppTable();
        t.put("A", "lab", 8888);
        assertThat(t.allows("A", "lab", 8888)).isTrue();
        assertThat(t.allows("A", "lab", 8889)).isFalse();
        assertThat(t.allows("B", "lab", 8888)).isFalse();
        t.remove("A", "lab");
        assertThat(t.port("A", "lab")).isEmpty();
        t.put("A", "x", 1);
        t.removeSession("A");
        assertThat(t.allows("A", "x", 1)).isFalse();
    }

    @Test
    void selfSignedCertificateCoversLocalhostAndKeepsItsKeyPrivate(@TempDir Path dir) throws Exception {
        SelfSignedCertificate c = SelfSignedCertificate.forLocalhost(dir);
        assertThat(c.certificate().getSubjectAlternativeNames())
                .extracting(l -> l.get(1).toString())
                .contains("localhost", "127.0.0.1");
        assertThat(Files.readString(c.certificatePath())).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(Files.readString(c.privateKeyPath())).contains("PRIVATE KEY-----");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(c.privateKeyPath())))
                .isEqualTo("rw-------");
    }
}
