package dev.portcullis.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Host check's hand-written scan accepts exactly what the grammar (kept here as a regex) accepts. */
class FrontHandlerHostTest {
    /** The grammar: a name (1-253 chars) or a bracketed IP literal (2-45 chars), then an optional port of 1-5 digits. */
    private static final Pattern GRAMMAR =
            Pattern.compile("(?:[A-Za-z0-9][A-Za-z0-9.-]{0,252}|\\[[0-9A-Fa-f:.]{2,45}\\])(?::[0-9]{1,5})?");

    @Test
    void acceptsNamesAddressesAndIpLiteralsWithOrWithoutAPort() {
        for (String ok : new String[] {"x", "localhost", "localhost:8080", "127.0.0.1", "127.0.0.1:1", "[::1]",
                "[::1]:443", "sess-a-app.apps.test:65535", "A.B-C", "[fe80::1:2:3:4]", "a".repeat(253),
                "[" + "f".repeat(45) + "]"}) {
            assertThat(FrontHandler.wellFormedHost(ok)).as(ok).isTrue();
        }
    }

    @Test
    void refusesEmptyOverlongAndMalformedValues() {
        for (String bad : new String[] {"", ":80", "-x", ".x", "x:", "x:123456", "x:8a", "x y", "x_y", "x/y", "x@y",
                "[]", "[:]", "[::1", "::1]", "[::1]x", "[::1]:", "[g::1]", "a".repeat(254), "[" + "f".repeat(46) + "]",
                "x:80:80", "é.example", "x\u0000"}) {
            assertThat(FrontHandler.wellFormedHost(bad)).as(bad).isFalse();
        }
    }

    @Test
    void agreesWithTheGrammarOnRandomValues() {
        Random random = new Random(20261206);
        String alphabet = "aZ09.-:[]_ /é";
        for (int run = 0; run < 200_000; run++) {
            StringBuilder b = new StringBuilder();
            int length = random.nextInt(12);
            for (int i = 0; i < length; i++) {
                b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String host = b.toString();
            assertThat(FrontHandler.wellFormedHost(host)).as("'%s'", host).isEqualTo(GRAMMAR.matcher(host).matches());
        }
    }
}
