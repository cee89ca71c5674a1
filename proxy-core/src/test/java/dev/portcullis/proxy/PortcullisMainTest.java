package dev.portcullis.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The launcher's process-wide defaults (Netty has already read them in this JVM: only the property is checked). */
class PortcullisMainTest {
    private String saved;

    @BeforeEach
    void save() {
        saved = System.getProperty(PortcullisMain.LEAK_SAMPLING);
    }

    @AfterEach
    void restore() {
        if (saved == null) {
            System.clearProperty(PortcullisMain.LEAK_SAMPLING);
        } else {
            System.setProperty(PortcullisMain.LEAK_SAMPLING, saved);
        }
    }

    @Test
    void leakSamplingDefaultsToOneBufferIn4096() {
        System.clearProperty(PortcullisMain.LEAK_SAMPLING);
        PortcullisMain.defaultLeakSampling();
        assertThat(System.getProperty(PortcullisMain.LEAK_SAMPLING)).isEqualTo("4096");
    }

    @Test
    void anOperatorsLeakSamplingWins() {
        System.setProperty(PortcullisMain.LEAK_SAMPLING, "1");
        PortcullisMain.defaultLeakSampling();
        assertThat(System.getProperty(PortcullisMain.LEAK_SAMPLING)).isEqualTo("1");
    }
}
