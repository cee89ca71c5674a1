package dev.portcullis.tunnel.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TunnelTlsTest {

    @Test
    void nativeEngineLoadsOnLinuxX86() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch");
        assumeTrue(os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64")), "the shipped native library is linux-x86_64");
        // The distribution ships the linux-x86_64 BoringSSL library: if it stops loading, the tunnel silently gets slower.
        assertThat(OpenSsl.isAvailable()).as("native TLS: %s", OpenSsl.unavailabilityCause()).isTrue();
        assertThat(TunnelTls.provider()).isEqualTo(SslProvider.OPENSSL);
    }

    @Test
    void autoPicksTheNativeEngineOnlyWhenItLoads() {
        assertThat(TunnelTls.choose("auto")).isEqualTo(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK);
        assertThat(TunnelTls.choose(" JDK ")).isEqualTo(SslProvider.JDK);
    }

    @Test
    void anUnknownEngineIsRefusedByName() {
        assertThatThrownBy(() -> TunnelTls.choose("gnutls"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("portcullis.tunnel.tls: gnutls")
                .hasMessageContaining("auto, jdk or openssl");
    }

    @Test
    void buildersUseTheChosenEngine(@TempDir Path dir) throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.forLocalhost(dir);
        SslContext server = TunnelTls.forServer(cert.privateKey(), cert.certificate()).build();
        SslContext client = TunnelTls.forClient().trustManager(cert.certificate()).build();
        boolean nativeEngine = TunnelTls.provider() == SslProvider.OPENSSL;
        assertThat(server.getClass().getSimpleName()).startsWith(nativeEngine ? "OpenSsl" : "Jdk");
        assertThat(client.getClass().getSimpleName()).startsWith(nativeEngine ? "OpenSsl" : "Jdk");
    }
}
